"""Pages of the analytics centre: parse the query string, authorise, call a service, render.

Every page takes `area` (a region's ISO code or a district's code), the dates and the offence
kinds; a bad value re-renders the page with the message next to the form (HTTP 400), an
unknown territory gives 404, one outside the user's scope 403 (PermissionDenied).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from senim.analysis import areas, params
from senim.analysis.compstat_brief import compstat_brief
from senim.analysis.forecasts import COVERAGES, coverage_from_percent, forecast
from senim.analysis.hotspot_map import hotspot_map
from senim.analysis.measures import (
    caveat_text,
    evaluate_measure,
    interpretation_label,
    verdict_label,
)
from senim.analysis.model_names import describe
from senim.analysis.params import ALPHAS, KINDS, AnalysisError, NoData, kind_label, number
from senim.analysis.pdf import compstat_pdf, explanation
from senim.analysis.peak_times import peak_times
from senim.analytics.paired import PairedDifference
from senim.core.demo_flag import demo_data_present
from senim.core.models import User

Build = Callable[[User, params.Common, areas.Area], dict[str, Any]]


def _form(user: User, common: params.Common, area: areas.Area | None) -> dict[str, Any]:
    chosen = common.kinds
    return {
        "area_choices": areas.choices(user),
        "area_code": area.code if area else common.area,
        "kinds": [(k, kind_label(k), k in chosen) for k in KINDS],
        "common": common,
        # What was asked for; a page that found its period replaces these with it.
        "date_from": common.date_from,
        "date_to": common.date_to,
    }


def _page(request: HttpRequest, template: str, build: Build, **extra: Any) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    common = params.Common()
    area = None
    context: dict[str, Any] = {"page": template.split("/")[-1].removesuffix(".html")}
    status = 200
    try:
        common = params.from_query(request.GET)
        area = areas.resolve(user, common.area)
        context |= _form(user, common, area) | build(user, common, area)
    except NoData as error:
        context |= _form(user, common, area) | {"note": error}
    except AnalysisError as error:
        context |= _form(user, common, area) | {"error": error}
        status = error.status
    return render(request, template, context | extra | {"area": area}, status=status)


def _dates(context: dict[str, Any], start: dt.date, end: dt.date) -> dict[str, Any]:
    """The period shown, with its last day inclusive, as the date inputs want it."""
    return context | {"date_from": start, "date_to": end}


# --- hot spots ---------------------------------------------------------------------------------


@login_required
def hotspots_page(request: HttpRequest) -> HttpResponse:
    def build(user: User, common: params.Common, area: areas.Area) -> dict[str, Any]:
        default = areas.period_ending(areas.last_day(user, area), 90)
        period = params.check_period(common.date_from, common.date_to, default)
        cell = number(request.GET, "cell_m")
        bandwidth = number(request.GET, "bandwidth_m")
        alpha = params.check_alpha(number(request.GET, "alpha"))
        result = hotspot_map(
            user=user,
            area=area,
            period=period,
            kinds=common.kinds,
            cell_m=cell,
            bandwidth_m=bandwidth,
            alpha=alpha,
        )
        chart = result.chart() | {
            "labels": {
                "density": _("Density, per km²"),
                "hot": _("Hot cells"),
                "cold": _("Cold cells"),
                "spot": _("Hot spot"),
            }
        }
        return _dates({"result": result, "chart": chart}, period.start, period.last_day)

    return _page(request, "analysis/hotspots.html", build, alphas=ALPHAS)


# --- peak times --------------------------------------------------------------------------------


@login_required
def peaks_page(request: HttpRequest) -> HttpResponse:
    def build(user: User, common: params.Common, area: areas.Area) -> dict[str, Any]:
        default = areas.period_ending(areas.last_day(user, area), 365)
        period = params.check_period(common.date_from, common.date_to, default)
        alpha = params.check_alpha(number(request.GET, "alpha"))
        result = peak_times(user=user, area=area, period=period, kinds=common.kinds, alpha=alpha)
        chart = result.chart() | {
            "labels": {"count": _("Offences"), "expected": _("Expected"), "peak": _("Peak")}
        }
        peak_lists = [
            (_("Peak hours of the week"), result.hour_weekday_peaks),
            (_("Peak hours of the day"), result.hour_peaks),
            (_("Peak months"), result.month_peaks),
        ]
        context = {"result": result, "chart": chart, "peak_lists": peak_lists}
        return _dates(context, period.start, period.last_day)

    return _page(request, "analysis/peaks.html", build, alphas=ALPHAS)


# --- CompStat ----------------------------------------------------------------------------------


@login_required
def compstat_page(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "")
    if fmt not in {"", "pdf"}:
        return HttpResponse(_unknown_format(), status=400, content_type="text/plain")

    def build(user: User, common: params.Common, area: areas.Area) -> dict[str, Any]:
        reference = params.date_param(request.GET, "reference") or areas.last_day(user, area)
        brief = compstat_brief(user=user, area=area, reference=reference, kinds=common.kinds)
        query = {"area": area.code, "reference": reference.isoformat(), "kind": list(common.kinds)}
        pdf_url = (
            reverse("analysis-compstat") + "?" + urlencode(query | {"format": "pdf"}, doseq=True)
        )
        return {
            "brief": brief,
            "reference": reference,
            "pdf_url": pdf_url,
            "explanation": explanation(brief.z_alert),
        }

    if fmt == "pdf":
        user: User = request.user  # type: ignore[assignment]
        try:
            common = params.from_query(request.GET)
            area = areas.resolve(user, common.area)
            context = build(user, common, area)
        except AnalysisError as error:
            return HttpResponse(error.message, status=error.status, content_type="text/plain")
        demo = settings.SENIM_DEMO_BANNER and demo_data_present()
        body = compstat_pdf(context["brief"], demo=demo)
        response = HttpResponse(body, content_type="application/pdf")
        name = f"senim-compstat-{area.code}-{context['reference']:%Y%m%d}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return _page(request, "analysis/compstat.html", build)


def _unknown_format() -> str:
    return _("Unknown export format.")


# --- forecast ----------------------------------------------------------------------------------


@login_required
def forecast_page(request: HttpRequest) -> HttpResponse:
    def build(user: User, common: params.Common, area: areas.Area) -> dict[str, Any]:
        coverage = coverage_from_percent(number(request.GET, "coverage"))
        issued_for = params.date_param(request.GET, "issued_for")
        result = forecast(
            user=user, area=area, issued_for=issued_for, coverage=coverage, kinds=common.kinds
        )
        return {
            "result": result,
            "model_label": describe(result.model),
            "candidates": [
                (name, describe(name), rate) for name, rate in result.backtest.candidates
            ],
            "chart": result.chart()
            | {
                "labels": {
                    "risk": _("Forecast risk"),
                    "top": _("Flagged cells"),
                    "chosen": _("Forecast"),  # walked forward: each week's own choice
                    "baseline": _("Last year's count"),
                    "hindsight": _("Best possible"),
                    "hitRate": _("Hit rate"),
                }
            },
            "coverage_pct": round(coverage * 100),
            "issued_for": result.issued_for,
            "last_forecast_day": result.issued_for + dt.timedelta(days=result.horizon_days - 1),
            "pai_chosen": result.pai(result.backtest.mean_chosen),
            "pai_baseline": result.pai(result.backtest.mean_baseline),
            "pai_hindsight": result.pai(result.backtest.mean_hindsight),
            "pai_all_history": result.pai(result.backtest.mean_all_history),
            "difference": _points(result.backtest.difference),
            "hit": {
                name: None if value is None else value * 100
                for name, value in (
                    ("chosen", result.backtest.mean_chosen),
                    ("baseline", result.backtest.mean_baseline),
                    ("hindsight", result.backtest.mean_hindsight),
                    ("all_history", result.backtest.mean_all_history),
                )
            },
            # No kind ticked means the forecast's default kinds: show those ticked.
            "kinds": [(k, kind_label(k), k in result.kinds) for k in KINDS],
        }

    return _page(
        request, "analysis/forecast.html", build, coverages=[round(c * 100) for c in COVERAGES]
    )


def _points(diff: PairedDifference | None) -> dict[str, float] | None:
    """The paired difference in percentage points, for the page's sentence."""
    if diff is None or diff.n < 2:
        return None
    return {"mean": diff.mean * 100, "low": diff.low * 100, "high": diff.high * 100}


# --- evaluation of a measure --------------------------------------------------------------------


@login_required
def evaluation_page(request: HttpRequest) -> HttpResponse:
    def build(user: User, common: params.Common, area: areas.Area) -> dict[str, Any]:
        context: dict[str, Any] = {"districts": areas.districts_of(user, area)}
        if "target" not in request.GET:
            return context  # the empty form first
        ring = number(request.GET, "ring_m")
        before = number(request.GET, "before_days")
        evaluation = evaluate_measure(
            user=user,
            target=str(request.GET.get("target", "")),
            control=str(request.GET.get("control", "")),
            start=params.date_param(request.GET, "start"),
            end=params.date_param(request.GET, "end"),
            kinds=common.kinds,
            ring_m=500.0 if ring is None else ring,
            before_days=None if before is None else int(before),
        )
        v = evaluation.verdict
        return context | {
            "evaluation": evaluation,
            "v": v,
            "verdict_text": verdict_label(v.verdict),
            "caveats": [(code, caveat_text(code)) for code in v.caveats],
            "interpretation": interpretation_label(v.displacement.interpretation)
            if v.displacement
            else "",
            "count_rows": [
                (_("Target"), v.target),
                (_("Control"), v.control),
                *([(_("Around the target"), v.ring)] if v.ring else []),
            ],
        }

    return _page(request, "analysis/evaluation.html", build, query=request.GET)
