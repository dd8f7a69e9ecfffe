"""Fixtures for the analytics centre: the register tests' small territory and users, and a
fast way to lay down many offences at chosen places and times.

Region A (KZ-TA) has districts D1 (centre 43.25 N, 76.92 E) and D2 (43.30 N, 76.80 E); region B
(KZ-TB) one district. Offences are bulk-created: the analytics read them, the audit log and
ingest rules are tested elsewhere.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from senim.register.models import Offence
from tests.register.conftest import (  # noqa: F401 (fixtures shared with the register tests)
    Territory,
    make_user,
    session_client,
    territory,
    token_client,
    users,
)
from tests.web.test_browser_drilldown import (  # noqa: F401 (the browser test's fixtures)
    audit_log_flushable,
    page,
    static_from_the_project,
)

ALMATY = dt.timezone(dt.timedelta(hours=5))
_counter = itertools.count(1)

# (lat, lon, registered_at, fields)
Spot = tuple[float | None, float | None, dt.datetime, dict[str, Any]]
LayOffences = Callable[[Iterable[Spot]], int]


@pytest.fixture
def lay_offences(request: pytest.FixtureRequest) -> LayOffences:
    """lay_offences([(lat, lon, registered_at, {field: value}), …]) → how many were created.

    Defaults: a registered crime on a street of district D1 of region A.
    """
    t: Territory = request.getfixturevalue("territory")

    def lay(spots: Iterable[Spot]) -> int:
        rows = []
        for lat, lon, when, fields in spots:
            n = next(_counter)
            values: dict[str, Any] = {
                "source_system": "test",
                "external_id": f"OPS-{n:07d}",
                "kind": "crime",
                "article": t.crime_article,
                "occurred_at": when - dt.timedelta(hours=1),
                "registered_at": when,
                "place_type": "street",
                "status": "registered",
                "region": t.region_a,
                "district": t.district_a,
                "lat": lat,
                "lon": lon,
            }
            rows.append(Offence(**(values | fields)))
        Offence.objects.bulk_create(rows, batch_size=2000)
        return len(rows)

    return lay


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An Almaty wall-clock time (UTC+5 since March 2024)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=ALMATY)
