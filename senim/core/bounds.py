"""Bounds of the numbers a request may carry: one place for every API and page.

An unbounded number reaches the database (an OFFSET or id past 64 bits overflows it) or the
numerics (NaN, 8.4e31) and comes back as a 500. Each numeric query parameter and path id of the
API is therefore one of the types below, or carries its own `Query(..., ge=, le=)`; a test walks
the OpenAPI description and fails on any integer or number parameter without both bounds
(tests/core/test_request_bounds.py), and a schemathesis run checks that no request is a 500.

    from senim.core.bounds import Id, Offset, Year

    @router.get("/things/{thing_id}")
    def thing(request, thing_id: Id, year: Year | None = None, offset: Offset = 0): ...

A value outside its bounds is a 422 naming the parameter; a path id outside them is a 404 (an id
no record can have names nothing), see `senim.config.api.field_errors`. Ids in page URLs
(`<int:pk>`) past 64 bits find nothing and are a 404 (Django's lookups treat an out-of-range
integer as matching no row); the same test probes them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# Database ids are signed 64-bit integers (BigAutoField); a larger id names nothing.
MAX_ID = 2**63 - 1
# Paging past a billion rows is never meant; past 2**63 the database refuses the OFFSET.
MAX_OFFSET = 10**9
# Calendar years the data can hold: the register starts this century, plans reach a few decades.
MIN_YEAR = 2000
MAX_YEAR = 2100

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
# A year as written, where the endpoint itself says which years it has (404 with its own
# message for the rest, as the open-data API does): bounded only to stay a small number.
AnyYear = Annotated[int, Field(ge=1, le=9999)]
# Decimal degrees: a finite number on the globe (NaN and infinity are refused, not stored).
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
