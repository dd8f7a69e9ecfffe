"""Indicators API: the indicator table of the page as JSON, with the page's filters and scope.

Mounted by senim.config.api at /api/indicators/. It calls the same service and the same filter
parsing as the page (senim.register.views.Filters), so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, QueryDict
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from senim.analytics.indicators import Share
from senim.core.bounds import Year
from senim.register.indicators import IndicatorTable, Row, chapter_label, kind_label, severity_label
from senim.register.views import Filters, age_label, build_table, offenders_of, sex_label

router = Router(tags=["indicators"])


class IndicatorFilters(Schema):
    region: str = Field("", description="ISO 3166-2 code of a region, e.g. KZ-75")
    district: str = Field("", description="District code, e.g. KZ-75-ALMALY")
    year: Year | None = Field(
        None, description="A calendar year; default: the last full year in the data"
    )
    date_from: dt.date | None = Field(None, description="Start of a custom period (with date_to)")
    date_to: dt.date | None = Field(None, description="Last day of a custom period, inclusive")
    kind: list[str] = Field(default_factory=list, description="Offence kinds; empty: all")


class PlaceOut(Schema):
    level: str
    code: str
    name: str


class ChangeOut(Schema):
    absolute: float
    percent: float | None


class RowOut(Schema):
    territory: PlaceOut
    population: int | None
    population_is_placeholder: bool
    volume: int
    rate_per_100k: float | None
    previous_year: int
    change_vs_previous_year: ChangeOut
    average_3y: float
    change_vs_average_3y: ChangeOut


class ShareOut(Schema):
    key: str
    label: str
    count: int
    share: float


class TableOut(Schema):
    level: Literal["national", "region", "district"]
    child_level: str
    territory: PlaceOut
    date_from: dt.date
    date_to: dt.date = Field(description="Last day of the period, inclusive")
    population_year: int
    kinds: list[str]
    rows: list[RowOut]
    total: RowOut | None
    by_kind: list[ShareOut]
    by_severity: list[ShareOut]
    by_chapter: list[ShareOut]


class ErrorOut(Schema):
    errors: list[dict[str, str]]


def _row(row: Row) -> dict[str, Any]:
    d = row.dynamics
    return {
        "territory": row.place.__dict__,
        "population": row.population,
        "population_is_placeholder": row.population_is_placeholder,
        "volume": d.volume,
        "rate_per_100k": row.rate,
        "previous_year": d.previous_year,
        "change_vs_previous_year": d.vs_previous_year.__dict__,
        "average_3y": d.average_3y,
        "change_vs_average_3y": d.vs_average_3y.__dict__,
    }


def _shares(shares: tuple[Share, ...], label: Any) -> list[dict[str, Any]]:
    return [
        {"key": s.key, "label": label(s.key), "count": s.count, "share": s.share} for s in shares
    ]


def serialise(table: IndicatorTable) -> dict[str, Any]:
    place = table.district or table.region or table.country
    return {
        "level": table.level,
        "child_level": table.child_level,
        "territory": place.__dict__,
        "date_from": table.period.start,
        "date_to": table.period.last_day,
        "population_year": table.population_year,
        "kinds": list(table.kinds),
        "rows": [_row(r) for r in table.rows],
        "total": _row(table.total) if table.show_total else None,
        "by_kind": _shares(table.by_kind, kind_label),
        "by_severity": _shares(table.by_severity, severity_label),
        "by_chapter": _shares(table.by_chapter, lambda k: chapter_label(table, k)),
    }


def _error(status: int, message: str, field: str = "") -> Status[Any]:
    return Status(status, {"errors": [{"field": field, "message": message}]})


@router.get(
    "/",
    response={200: TableOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Crime indicators of a territory's regions, districts or sectors",
)
def indicator_table(request: HttpRequest, filters: Query[IndicatorFilters]) -> Any:
    """Volume, rate per 100 000, change against last year and against the 3-year average, and
    structure, for offences registered in the period. See docs/indicators.md."""
    table = _build(request, filters)
    return table if isinstance(table, Status) else serialise(table)


def _build(request: HttpRequest, filters: IndicatorFilters) -> IndicatorTable | Status[Any]:
    """The page's table for the API's filters, or the error to answer."""
    params = QueryDict(mutable=True)
    params.update({"region": filters.region, "district": filters.district})
    if filters.date_from or filters.date_to:
        if not (filters.date_from and filters.date_to):
            return _error(400, _("A custom period needs both date_from and date_to."), "date_from")
        params.update(
            {
                "period": "range",
                "from": filters.date_from.isoformat(),
                "to": filters.date_to.isoformat(),
            }
        )
    elif filters.year is not None:
        params["year"] = str(filters.year)
    params.setlist("kind", filters.kind)
    try:
        return build_table(request.auth, Filters.parse(params))  # type: ignore[attr-defined]
    except ValueError as error:
        return _error(400, str(error))
    except PermissionDenied as error:
        return _error(403, str(error) or _("Outside your scope."))
    except Http404 as error:
        return _error(404, str(error))


@router.get(
    "/offenders",
    response={200: dict[str, Any], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Structure of offenders: sex, age, juveniles, repeat, group offences",
)
def offender_structure(request: HttpRequest, filters: Query[IndicatorFilters]) -> Any:
    """The identified suspects and offenders of the same table's offences (territory, period,
    kinds), each person once; group offences among the offences with an identified person.
    Counts only, never people. See docs/indicators.md, "Structure of offenders"."""
    table = _build(request, filters)
    if isinstance(table, Status):
        return table
    s = offenders_of(request.auth, table)  # type: ignore[attr-defined]
    place = table.district or table.region or table.country
    return {
        "level": table.level,
        "territory": place.__dict__,
        "date_from": table.period.start,
        "date_to": table.period.last_day,
        "kinds": list(table.kinds),
        "people": s.people,
        "by_sex": _shares(s.by_sex, sex_label),
        "by_age": _shares(s.by_age, age_label),
        "known_age": s.known_age,
        "juveniles": s.juveniles,
        "juvenile_share": s.juvenile_share,
        "repeat": s.repeat,
        "repeat_share": s.repeat_share,
        "offences": s.offences,
        "group_offences": s.group_offences,
        "group_share": s.group_share,
    }


class SolvedShareOut(Schema):
    kind: str
    severity: str = Field(description="Gravity; empty on the kind's row over all gravities")
    label: str
    registered: int
    solved: int
    share: float | None


class YearCountOut(Schema):
    registration_year: int
    solved: int


class OutcomesOut(Schema):
    level: str
    territory: PlaceOut
    date_from: dt.date
    date_to: dt.date = Field(description="Last day of the period, inclusive")
    solved_share_definition: Literal["cohort"] = Field(
        description="cohort: of the crimes registered in the period, the share solved by its end"
    )
    crimes_registered: int
    crimes_solved: int
    crimes_solved_share: float | None
    solved_in_period: int
    solved_in_period_of_earlier_years: int
    solved_by_registration_year: list[YearCountOut]
    solved_share: list[SolvedShareOut]
    damage_tenge: str = Field(description="Decimal, tenge: damage of the period's offences")
    repaid_tenge: str = Field(description="Decimal, tenge: repaid in the period")
    missing_found: int
    wanted_caught: int
    drunk_drivers: int
    drunk_drivers_criminal: int
    drunk_drivers_administrative_records: int
    administrative_records: int
    administrative_sample: int = Field(
        description="One administrative record stands for this many (1 outside the demo)"
    )


@router.get(
    "/outcomes",
    response={200: OutcomesOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Case outcomes: share solved, solved by year of registration, repaid damage",
)
def case_outcomes(request: HttpRequest, filters: Query[IndicatorFilters]) -> Any:
    """What became of the territory's cases and searches in the period (the kind filter does
    not apply). See docs/indicators.md, "Case outcomes"."""
    from senim.register.outcome_indicators import DEFINITION, administrative_sample, outcomes

    table = _build(request, filters)
    if isinstance(table, Status):
        return table
    o = outcomes(
        user=request.auth,  # type: ignore[attr-defined]
        period=table.period,
        region_id=table.region.id if table.region else None,
        district_id=table.district.id if table.district else None,
        sample=administrative_sample(),
    )
    place = table.district or table.region or table.country
    return {
        "level": table.level,
        "territory": place.__dict__,
        "date_from": table.period.start,
        "date_to": table.period.last_day,
        "solved_share_definition": DEFINITION,
        "crimes_registered": o.crimes.registered,
        "crimes_solved": o.crimes.solved,
        "crimes_solved_share": o.crimes.share,
        "solved_in_period": o.solved_in_period,
        "solved_in_period_of_earlier_years": o.earlier_years_solved,
        "solved_by_registration_year": [
            {"registration_year": y, "solved": n} for y, n in o.solved_by_year
        ],
        "solved_share": [
            {
                "kind": s.kind,
                "severity": "" if s.total else s.severity,
                "label": f"{kind_label(s.kind)}"
                + ("" if s.total else f" — {severity_label(s.severity)}"),
                "registered": s.registered,
                "solved": s.solved,
                "share": s.share,
            }
            for s in o.shares
        ],
        "damage_tenge": str(o.damage),
        "repaid_tenge": str(o.repaid),
        "missing_found": o.missing_found,
        "wanted_caught": o.wanted_caught,
        "drunk_drivers": o.drunk.total,
        "drunk_drivers_criminal": o.drunk.criminal,
        "drunk_drivers_administrative_records": o.drunk.administrative,
        "administrative_records": o.administrative,
        "administrative_sample": o.drunk.sample,
    }
