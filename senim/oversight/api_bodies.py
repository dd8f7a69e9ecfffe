"""API of the visiting bodies (kept apart from api.py so the two merge cleanly): the NPM groups,
the Ombudsman and the regional representatives side by side, and sanctions that followed a
recommendation. Registered on api.py's router, so under /api/oversight/ with its errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from senim.core.bounds import Id, Year
from senim.oversight import bodies
from senim.oversight.api import ERRORS, _run, _user, router


class BodyLineOut(Schema):
    kind: str
    visits: int
    recommendations: int
    implemented: int
    open: int
    not_implemented: int
    sanctions: dict[str, int]


class AgencyLineOut(Schema):
    code: str
    visits: int
    recommendations: int


class BodiesOut(Schema):
    year: int
    bodies: list[BodyLineOut]
    all_visits: int
    by_agency: dict[str, list[AgencyLineOut]]


class SanctionIn(Schema):
    kind: str = Field(..., max_length=16)
    decided_on: dt.date
    official: str = Field("", max_length=300)
    note: str = Field("", max_length=500)


class SanctionOut(Schema):
    id: int
    recommendation_id: int
    kind: str
    decided_on: dt.date


@router.get(
    "/bodies",
    response={200: BodiesOut, **ERRORS},
    summary="Visits, recommendations and sanctions of the NPM, the Ombudsman, the representatives",
)
def visiting_bodies(request: HttpRequest, year: Year) -> Any:
    def read() -> dict[str, Any]:
        user = _user(request)
        return {
            "year": year,
            "bodies": [line.__dict__ for line in bodies.by_body(user=user, year=year)],
            "all_visits": bodies.all_visits(user=user, year=year),
            "by_agency": {
                kind: [
                    {"code": a.code, "visits": a.visits, "recommendations": a.recommendations}
                    for a in bodies.by_agency(user=user, year=year, kind=kind)
                ]
                for kind in bodies.VISITING
            },
        }

    return _run(read)


@router.post(
    "/recommendations/{recommendation_id}/sanctions",
    response={201: SanctionOut, **ERRORS},
    summary="Record a sanction that followed a recommendation",
)
def add_sanction(
    request: HttpRequest,
    payload: SanctionIn,
    recommendation_id: Id,
) -> Any:
    return _run(
        lambda: bodies.add_sanction(
            user=_user(request),
            recommendation_id=recommendation_id,
            kind=payload.kind,
            decided_on=payload.decided_on,
            official=payload.official,
            note=payload.note,
        ),
        201,
    )
