"""Public pages: no login, anonymous visitors welcome. Thin: read the pre-built files or call the
report service, render. Nothing here reads a person-level record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from senim.core.models import District, Region
from senim.portal import display, reports, store
from senim.portal.kpis import NATIONAL
from senim.portal.methodology import COLUMNS, NOTES
from senim.portal.pdf import report_pdf, report_title, sector_count
from senim.prevention.partnership import published_priorities
from senim.register import public

LANGUAGES = ("kk", "ru", "en")
SHARE_KPIS = {"solved", "npm"}  # plotted as a percentage: the trend's axis starts at zero


def _error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return render(request, "portal/error.html", {"message": message}, status=status)


def _snapshot() -> dict[str, Any] | None:
    try:
        return store.kpis()
    except store.NotBuilt:
        return None


def _year(request: HttpRequest, snapshot: dict[str, Any]) -> int | None:
    """The year asked for, else the latest one with KPIs; ValueError for a bad one."""
    years = snapshot["years"]
    raw = request.GET.get("year", "").strip()
    if not raw:
        return years[-1] if years else None
    if not raw.isdigit() or int(raw) not in years:
        raise ValueError(raw[:10])
    return int(raw)


def _catalogue(region: str | None = None) -> list[dict[str, Any]] | None:
    try:
        entries = store.catalogue()["datasets"]
    except store.NotBuilt:
        return None
    return [e for e in entries if region is None or e["region"] == region]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    snapshot = _snapshot()
    regions = list(Region.objects.order_by("iso"))
    context: dict[str, Any] = {
        "tab": "home",
        "notes": NOTES,
        "regions": regions,
        "built": snapshot is not None,
    }
    if snapshot is not None:
        try:
            year = _year(request, snapshot)
        except ValueError as bad:
            return _error(
                request,
                404,
                _("There are no published KPIs for the year %(year)s.") % {"year": bad},
            )
        by_region = snapshot["regions"]
        ofyear = str(year)
        rows = [(r, display.row(by_region.get(r.iso, {}).get(ofyear))) for r in regions]
        context |= {
            "snapshot": snapshot,
            "year": year,
            "years": snapshot["years"],
            "rows": rows,
            "national": display.row(by_region.get(NATIONAL, {}).get(ofyear)),
            "map": _map(regions, by_region, ofyear),
            "league": _league(snapshot, regions),
        }
    return render(request, "portal/home.html", context)


def _league(snapshot: dict[str, Any], regions: list[Region]) -> dict[str, Any] | None:
    """The response league table of the snapshot, with region and grade names in the page's
    language (a snapshot built before the table existed has none)."""
    from senim.register.models import Grade

    league = snapshot.get("response_league")
    if not league or not league.get("rows"):
        return None
    names = {r.iso: r for r in regions}
    grade = Grade.objects.filter(code=league.get("grade") or "").first()
    return {
        "from": league["from"],
        "to": league["to"],
        "grade": grade.name if grade else "",
        "rows": [(names[row["iso"]], row) for row in league["rows"] if row["iso"] in names],
    }


def _map(regions: list[Region], by_region: dict[str, Any], year: str) -> dict[str, Any]:
    """What the home page's map draws: each region's crime rate and its page."""
    return {
        "geojson": static("geo/kz_regions.geojson"),
        "label": str(NOTES[0].title),
        "regions": [
            {
                "iso": r.iso,
                "name": r.name,
                "value": display.headline(
                    "crime", by_region.get(r.iso, {}).get(year, {}).get("crime")
                ),
                "url": reverse("portal-region", args=[r.iso]),
            }
            for r in regions
        ],
        "noData": _("no data"),
    }


@require_GET
def region(request: HttpRequest, iso: str) -> HttpResponse:
    place = Region.objects.filter(iso=iso).first()
    if place is None:
        return _error(
            request, 404, _("There is no region with the code %(code)s.") % {"code": iso[:12]}
        )
    snapshot = _snapshot()
    months = reports.months()
    latest = f"{months[0]:%Y-%m}" if months else None
    context: dict[str, Any] = {
        "tab": "home",
        "region": place,
        "built": snapshot is not None,
        "districts": District.objects.filter(region=place).order_by("code"),
        "latest_month": latest,
        "datasets": _catalogue(place.iso),
    }
    if snapshot is not None:
        years = snapshot["years"]
        series = snapshot["regions"].get(place.iso, {})
        year = years[-1] if years else None
        context |= {
            "year": year,
            "cards": display.row(series.get(str(year))) if year else [],
            "trends": {
                "years": years,
                "kpis": [
                    {
                        "key": note.key,
                        "title": str(note.title),
                        "unit": str(note.unit),
                        "share": note.key in SHARE_KPIS,
                        "region": [
                            display.headline(note.key, series.get(str(y), {}).get(note.key))
                            for y in years
                        ],
                        "national": [
                            display.headline(
                                note.key,
                                snapshot["regions"][NATIONAL].get(str(y), {}).get(note.key),
                            )
                            for y in years
                        ],
                    }
                    for note in NOTES
                ],
                "labels": {
                    "region": place.name,
                    "national": _("Kazakhstan"),
                    "noData": _("no data"),
                },
            },
        }
    return render(request, "portal/region.html", context)


@require_GET
def methodology(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/methodology.html", {"tab": "methodology", "notes": NOTES})


@require_GET
def data(request: HttpRequest) -> HttpResponse:
    iso = request.GET.get("region", "").strip() or None
    regions = {r.iso: r for r in Region.objects.order_by("iso")}
    if iso is not None and iso not in regions:
        return _error(
            request, 404, _("There is no region with the code %(code)s.") % {"code": iso[:12]}
        )
    datasets = _catalogue(iso)
    for entry in datasets or []:
        entry["region_name"] = regions[entry["region"]].name if entry["region"] in regions else ""
    return render(
        request,
        "portal/data.html",
        {
            "tab": "data",
            "datasets": datasets,
            "regions": regions,
            "region": iso,
            "columns": COLUMNS,
        },
    )


@require_GET
def download(request: HttpRequest, name: str) -> HttpResponse | FileResponse:
    parsed = store.parse_name(name)
    path = store.dataset_file(*parsed) if parsed else None
    if path is None:
        if _catalogue() is None:
            return _error(request, 404, _("The open data has not been published yet."))
        return _error(
            request, 404, _("There is no open-data file named %(name)s.") % {"name": name[:60]}
        )
    assert parsed is not None
    content_type = store.FORMATS[parsed[3]][1]
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )


@require_GET
def district_latest(request: HttpRequest, code: str) -> HttpResponse:
    months = reports.months()
    if not months:
        return _error(request, 404, _("There is no data to report yet."))
    return redirect("portal-report", code=code, month=f"{months[0]:%Y-%m}")


def _language(request: HttpRequest) -> str | None:
    lang = request.GET.get("lang", "").strip()
    if not lang:
        return translation.get_language()[:2] if translation.get_language() else "kk"
    return lang if lang in LANGUAGES else None


ReportView = Callable[[HttpRequest, reports.DistrictReport, str], HttpResponse]


def _report_response(request: HttpRequest, code: str, month: str, view: ReportView) -> HttpResponse:
    """The district report in `?lang=` (else the page's language), or a page saying what is wrong."""
    lang = _language(request)
    if lang is None:
        return _error(request, 400, _("The language must be one of kk, ru, en."))
    with translation.override(lang):
        try:
            found = reports.district_report(code=code, month=month)
        except reports.ReportError as error:
            return _error(request, error.status, error.message)
        response = view(request, found, lang)
    response.headers["Content-Language"] = lang
    return response


def _report_page(request: HttpRequest, found: reports.DistrictReport, lang: str) -> HttpResponse:
    names = public.labels()
    months = reports.months()
    before, after = reports.shift(found.month, -1), reports.shift(found.month, 1)
    context = {
        "tab": "home",
        "report": found,
        "title": report_title(found),
        "month_code": f"{found.month:%Y-%m}",
        "months": [f"{m:%Y-%m}" for m in months],
        "previous": f"{before:%Y-%m}" if before in months else None,
        "next": f"{after:%Y-%m}" if after in months else None,
        "kinds": [(names["kind"].get(k.kind, k.kind), k) for k in found.kinds],
        "channels": [(names["channel"].get(c, c), n) for c, n in found.channels],
        "sectors": [(s, sector_count(s)) for s in found.sectors],
        "languages": LANGUAGES,
        # What the inspectors answered to residents' priorities this month (senim.prevention).
        "priorities": published_priorities(
            district_id=found.district.pk, start=found.month, end=after
        ),
    }
    return render(request, "portal/report.html", context)


def _report_pdf(request: HttpRequest, found: reports.DistrictReport, lang: str) -> HttpResponse:
    after = reports.shift(found.month, 1)
    priorities = published_priorities(district_id=found.district.pk, start=found.month, end=after)
    response = HttpResponse(report_pdf(found, priorities), content_type="application/pdf")
    name = f"senim-report-{found.district.code}-{found.month:%Y-%m}-{lang}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_GET
def report(request: HttpRequest, code: str, month: str) -> HttpResponse:
    return _report_response(request, code, month, _report_page)


@require_GET
def report_pdf_view(request: HttpRequest, code: str, month: str) -> HttpResponse:
    return _report_response(request, code, month, _report_pdf)


@require_GET
def integrity(request: HttpRequest) -> HttpResponse:
    """The anti-corruption programme: its measures with deadlines and its KPIs, with how each
    figure is counted. Counts only, read from the integrity app's named service."""
    from django.utils import timezone

    from senim.integrity.programme import measures, published

    today = timezone.localdate()
    years = list(range(today.year - 4, today.year + 1))
    return render(
        request,
        "portal/integrity.html",
        {
            "tab": "integrity",
            "measures": measures(today=today),
            "kpis": published(years=years),
            "today": today,
        },
    )
