"""The open-data API (/api/open/): public, no authentication, read-only.

Serves the files `senim open_data` built: regions, KPIs per region and year with their
methodology, the dataset catalogue and the dataset files. Errors are
{"errors": [{"field", "message"}]}: 404 for an unknown region, year or dataset or when nothing
is published yet, 422 for malformed input. Rate limiting belongs in front of it (the reverse
proxy); it is not done here.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from senim.core.bounds import AnyYear, Year
from senim.core.models import District, Region
from senim.portal import store
from senim.portal.kpis import NATIONAL
from senim.portal.methodology import COLUMNS, NOTES

router = Router(auth=None, tags=["open data"])
Dataset = Literal["offences", "appeals"]
Format = Literal["csv", "geojson", "json"]


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    errors: list[ErrorItem]


class Names(Schema):
    kk: str
    ru: str
    en: str


class DistrictOut(Schema):
    code: str
    name: Names
    report_url: str


class RegionOut(Schema):
    iso: str
    kind: str
    name: Names


class RegionDetailOut(RegionOut):
    districts: list[DistrictOut]


class Crime(Schema):
    count: int
    population: int | None
    population_is_placeholder: bool
    rate: float | None
    change_pct: float | None


class Solved(Schema):
    registered: int
    solved: int
    share: float


class Response102(Schema):
    n: int
    median_min: float
    p90_min: float


class Complaints(Schema):
    complaints: int
    convicts: int
    per_1000: float


class Trust(Schema):
    index: float
    low: float
    high: float
    n: int
    survey: str


class Npm(Schema):
    sent: int
    implemented: int
    share: float


class YearKpis(Schema):
    """One territory's KPIs of one year; null means no data."""

    crime: Crime | None
    solved: Solved | None
    response_102: Response102 | None
    complaints: Complaints | None
    trust: Trust | None
    npm: Npm | None


class NoteOut(Schema):
    key: str
    title: str
    unit: str
    counted: str
    source: str
    formula: str
    caveats: str


class RegionKpisOut(Schema):
    region: str
    generated_at: str
    synthetic: bool
    years: dict[str, YearKpis]
    methodology: list[NoteOut]


class YearOut(Schema):
    year: int
    generated_at: str
    synthetic: bool
    regions: dict[str, YearKpis]  # region code → KPIs; "KZ" is the country


class DatasetOut(Schema):
    dataset: str
    region: str
    year: int
    rows: int
    events: int
    suppressed: int
    months: list[str]
    updated_at: str
    urls: dict[str, str]


class ColumnOut(Schema):
    name: str
    type: str
    meaning: str


class CatalogueOut(Schema):
    licence: str
    generated_at: str
    synthetic: bool
    columns: list[ColumnOut]
    datasets: list[DatasetOut]


def _error(status: int, field: str, message: str) -> Status:
    return Status(status, {"errors": [{"field": field, "message": message}]})


def _names(obj: Any) -> dict[str, str]:
    return {"kk": obj.name_kk, "ru": obj.name_ru, "en": obj.name_en}


def _not_built() -> Status:
    return _error(404, "", _("The open data has not been published yet."))


def _region(iso: str) -> Region | None:
    return Region.objects.filter(iso=iso).first()


def _unknown_region(iso: str) -> Status:
    return _error(
        404, "region", _("There is no region with the code %(code)s.") % {"code": iso[:12]}
    )


@router.get("/openapi.json", include_in_schema=False)
def description(request: HttpRequest) -> Any:
    """This API's own OpenAPI description, public like the API (the full reference at /api/docs
    is for signed-in users)."""
    from senim.config.api import public_description

    return public_description()


@router.get("/regions", response=list[RegionOut], summary="The 20 regions")
def regions(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"iso": r.iso, "kind": r.kind, "name": _names(r)} for r in Region.objects.order_by("iso")
    ]


@router.get(
    "/regions/{iso}",
    response={200: RegionDetailOut, 404: ErrorOut},
    summary="A region and its districts",
)
def region(request: HttpRequest, iso: str) -> Any:
    found = _region(iso)
    if found is None:
        return _unknown_region(iso)
    districts = District.objects.filter(region=found).order_by("code")
    return {
        "iso": found.iso,
        "kind": found.kind,
        "name": _names(found),
        "districts": [
            {
                "code": d.code,
                "name": _names(d),
                "report_url": reverse("portal-district", args=[d.code]),
            }
            for d in districts
        ],
    }


@router.get(
    "/regions/{iso}/kpis",
    response={200: RegionKpisOut, 404: ErrorOut},
    summary="KPIs of a region for every year, with their methodology",
)
def region_kpis(request: HttpRequest, iso: str) -> Any:
    if _region(iso) is None and iso != NATIONAL:
        return _unknown_region(iso)
    try:
        snapshot = store.kpis()
    except store.NotBuilt:
        return _not_built()
    return {
        "region": iso,
        "generated_at": snapshot["generated_at"],
        "synthetic": snapshot["synthetic"],
        "years": snapshot["regions"].get(iso, {}),
        "methodology": [
            {
                k: str(getattr(n, k))
                for k in ("key", "title", "unit", "counted", "source", "formula", "caveats")
            }
            for n in NOTES
        ],
    }


@router.get(
    "/kpis/{year}", response={200: YearOut, 404: ErrorOut}, summary="KPIs of every region in a year"
)
def year_kpis(request: HttpRequest, year: AnyYear) -> Any:
    try:
        snapshot = store.kpis()
    except store.NotBuilt:
        return _not_built()
    if year not in snapshot["years"]:
        return _error(
            404, "year", _("There are no published KPIs for the year %(year)s.") % {"year": year}
        )
    return {
        "year": year,
        "generated_at": snapshot["generated_at"],
        "synthetic": snapshot["synthetic"],
        "regions": {iso: years[str(year)] for iso, years in snapshot["regions"].items()},
    }


class DatasetFilter(Schema):
    region: str | None = None
    year: Year | None = None
    dataset: Dataset | None = None


def _urls(entry: dict[str, Any]) -> dict[str, str]:
    return {
        fmt: reverse(
            "api:open_dataset_file", args=[entry["dataset"], entry["region"], entry["year"]]
        )
        + f"?format={fmt}"
        for fmt in store.FORMATS
    }


@router.get("/datasets", response={200: CatalogueOut, 404: ErrorOut}, summary="The open datasets")
def datasets(request: HttpRequest, filters: Query[DatasetFilter]) -> Any:
    if filters.region and _region(filters.region) is None:
        return _unknown_region(filters.region)
    try:
        catalogue = store.catalogue()
    except store.NotBuilt:
        return _not_built()
    entries = [
        e | {"urls": _urls(e)}
        for e in catalogue["datasets"]
        if (filters.region is None or e["region"] == filters.region)
        and (filters.year is None or e["year"] == filters.year)
        and (filters.dataset is None or e["dataset"] == filters.dataset)
    ]
    return {
        "licence": catalogue["licence"],
        "generated_at": catalogue["generated_at"],
        "synthetic": catalogue["synthetic"],
        "columns": [{"name": n, "type": str(t), "meaning": str(m)} for n, t, m in COLUMNS],
        "datasets": entries,
    }


@router.get(
    "/datasets/{dataset}/{region}/{year}",
    response={200: None, 404: ErrorOut, 422: ErrorOut},
    url_name="open_dataset_file",
    summary="Download a dataset as CSV, GeoJSON or its metadata (JSON)",
)
def dataset_file(
    request: HttpRequest, dataset: Dataset, region: str, year: AnyYear, format: Format = "csv"
) -> Any:
    if _region(region) is None:
        return _unknown_region(region)
    path = store.dataset_file(dataset, region, year, format)
    if path is None:
        try:
            store.catalogue()
        except store.NotBuilt:
            return _not_built()
        return _error(
            404,
            "year",
            _("There is no %(dataset)s dataset of %(region)s for %(year)s.")
            % {"dataset": dataset, "region": region, "year": year},
        )
    name = store.file_name(dataset, region, year, format)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type=store.FORMATS[format][1]
    )
