"""Results API under /api/results/: the yearly figures, the records of each kind, file loads.

Thin: parse, call senim.results.selectors / services, render. Numeric parameters are bounded
(a year 2000–2100, a page 1–10 000, a limit 1–500): out of range is a 422 naming the parameter.
Every error body is {"errors": [{"field", "message", "row"}]} ("row" only for a refused file).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from senim.core.models import Region, User
from senim.results import selectors, services
from senim.results.errors import FileRejected, Invalid, ResultsError

router = Router(tags=["results"])
Kind = Literal[
    "drug_seizures",
    "weapon_seizures",
    "drug_labs",
    "blocked_calls",
    "call_centres",
    "road_accidents",
    "livestock_thefts",
]


class ErrorItem(Schema):
    field: str
    message: str
    row: int | None = None


class ErrorOut(Schema):
    errors: list[ErrorItem]


class PartOut(Schema):
    name: str
    value: float


class FigureOut(Schema):
    code: str
    label: str
    value: float
    previous: float
    change_pct: float | None
    unit: str
    national: bool
    breakdown: list[PartOut]


class SummaryOut(Schema):
    year: int
    previous_year: int
    region: str | None
    figures: list[FigureOut]


class PageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[dict[str, Any]]


class LoadOut(Schema):
    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _fail(error: ResultsError) -> Status[Any]:
    if isinstance(error, FileRejected):
        rows = [{"field": e.field, "message": e.message, "row": e.row} for e in error.errors]
        return Status(422, {"errors": rows})
    return Status(error.status, {"errors": [{"field": error.field, "message": error.message}]})


def _region(raw: str) -> Region | None:
    if not raw:
        return None
    region = Region.objects.filter(iso=raw.strip().upper()).first()
    if region is None:
        raise Invalid("region", _("Unknown region."))
    return region


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def record_out(kind: str, r: Any) -> dict[str, Any]:
    """A record as JSON: codes for reference data, ISO codes for regions."""
    if kind == "livestock_thefts":
        return {
            "id": r.pk,
            "offence_system": r.offence.source_system,
            "offence_number": r.offence.external_id,
            "registered_at": r.offence.registered_at.isoformat(),
            "region": r.offence.region.iso if r.offence.region_id else None,
            "livestock_kind": r.livestock_kind.code,
            "heads": r.heads,
        }
    out: dict[str, Any] = {
        "id": r.pk,
        "source_system": r.source_system,
        "source_number": r.external_id,
        "region": r.region.iso if r.region_id else None,
        "district": r.district.code if r.district_id else None,
        "note": r.note,
    }
    fields = {
        "drug_seizures": ("seized_on", "weight_kg"),
        "weapon_seizures": ("seized_on", "quantity"),
        "drug_labs": ("dismantled_on", "synthetic"),
        "blocked_calls": ("period", "calls"),
        "call_centres": ("closed_on", "abroad", "country"),
        "road_accidents": ("occurred_on", "deaths", "injured"),
    }[kind]
    out |= {f: _plain(getattr(r, f)) for f in fields}
    for related in ("drug_kind", "weapon_kind", "operator"):
        if hasattr(r, f"{related}_id"):
            out[related] = getattr(r, related).code
    return out


@router.get("/summary", response={200: SummaryOut, **ERRORS}, summary="Figures of a year")
def summary(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100),
    region: str = Query("", max_length=8),
) -> Any:
    """The thematic figures of `year` (default: the last full year) against the year before,
    within the caller's scope; `region` (ISO 3166-2) narrows to one region."""
    year = year or timezone.localdate().year - 1
    try:
        place = _region(region)
        figures = selectors.year_figures(user=_user(request), year=year, region=place)
    except ResultsError as error:
        return _fail(error)
    return {
        "year": year,
        "previous_year": year - 1,
        "region": place.iso if place else None,
        "figures": [
            {
                "code": f.code,
                "label": str(f.label),
                "value": float(f.value),
                "previous": float(f.previous),
                "change_pct": float(f.change_pct) if f.change_pct is not None else None,
                "unit": str(f.unit),
                "national": f.national,
                "breakdown": [{"name": n, "value": float(v)} for n, v in f.breakdown],
            }
            for f in figures
        ],
    }


@router.get("/{kind}", response={200: PageOut, **ERRORS}, summary="Records of one kind")
def list_records(
    request: HttpRequest,
    kind: Kind,
    q: str = Query("", max_length=100),
    year: int | None = Query(None, ge=2000, le=2100),
    region: str = Query("", max_length=8),
    page: int = Query(1, ge=1, le=10_000),
    limit: int = Query(50, ge=1, le=500),
) -> Any:
    try:
        qs = selectors.records(
            user=_user(request), kind=kind, q=q.strip(), year=year, region=_region(region)
        )
    except ResultsError as error:
        return _fail(error)
    paginator = Paginator(qs, limit)
    if page > max(paginator.num_pages, 1):
        return Status(422, {"errors": [{"field": "page", "message": _("There is no such page.")}]})
    items = paginator.page(page) if paginator.count else []
    return {
        "count": paginator.count,
        "page": page,
        "pages": paginator.num_pages,
        "items": [record_out(kind, r) for r in items],
    }


@router.post("/{kind}/load", response={200: LoadOut, **ERRORS}, summary="Load a file")
def load(
    request: HttpRequest,
    kind: Kind,
    file: UploadedFile = File(...),  # noqa: B008 (ninja's way of declaring an upload)
    source_system: str = Form(..., max_length=40),
) -> Any:
    """A CSV or XLSX file of one kind; all rows or none (the errors list each row and column)."""
    try:
        result = services.results_load(
            user=_user(request),
            kind=kind,
            handle=file,
            filename=file.name or "",
            source_system=source_system,
        )
    except ResultsError as error:
        return _fail(error)
    return result.__dict__
