"""Analytics API: hot spots, peak times, CompStat, forecast and evaluation as JSON.

Mounted by senim.config.api at /api/analytics/. Each endpoint calls the same service as its
page, with the same checks (senim.analysis.params) and the same scope (senim.analysis.areas). Errors are
{"errors": [{"field", "message"}]}: 400 for a value the service refuses, 422 for a value of the
wrong type (django-ninja), 401 unauthenticated, 403 outside the caller's scope, 404 unknown
territory. See docs/analytics.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from senim.analysis import areas, params
from senim.analysis.compstat_brief import BriefRow, compstat_brief
from senim.analysis.forecasts import coverage_from_percent, forecast
from senim.analysis.hotspot_map import hotspot_map
from senim.analysis.measures import (
    caveat_text,
    evaluate_measure,
    interpretation_label,
    verdict_label,
)
from senim.analysis.params import AnalysisError
from senim.analysis.peak_times import peak_times
from senim.core.models import User

router = Router(tags=["analytics"])


class ErrorOut(Schema):
    errors: list[dict[str, str]]


class AreaFilters(Schema):
    area: str = Field("", description="Region ISO code (KZ-75) or district code; empty: yours")
    date_from: dt.date | None = Field(None, description="First day; default: see each endpoint")
    date_to: dt.date | None = Field(None, description="Last day, inclusive")
    kind: list[str] = Field(default_factory=list, description="Offence kinds; empty: all")


class HotspotFilters(AreaFilters):
    cell_m: float | None = Field(None, description="Cell size in metres; default: automatic")
    bandwidth_m: float | None = Field(None, description="Kernel bandwidth; default 300 m")
    alpha: float | None = Field(None, description="False discovery rate: 0.01, 0.05 or 0.1")


class PeakFilters(AreaFilters):
    alpha: float | None = Field(None, description="False discovery rate: 0.01, 0.05 or 0.1")


class CompStatFilters(Schema):
    area: str = ""
    reference: dt.date | None = Field(None, description="Last day of the periods; default: data")
    kind: list[str] = Field(default_factory=list)


class ForecastFilters(Schema):
    area: str = ""
    issued_for: dt.date | None = Field(None, description="First day forecast; default: next")
    coverage: float | None = Field(None, description="Per cent of cells flagged: 1, 2, 5, 10, 20")
    kind: list[str] = Field(default_factory=list, description="Default: criminal offences")


class EvaluationFilters(Schema):
    target: str = Field(description="District code of the area where the measure was taken")
    control: str = Field(description="District code of a comparable area without it")
    start: dt.date = Field(description="First day of the measure")
    end: dt.date = Field(description="Last day of the measure, or of the period to judge")
    kind: list[str] = Field(default_factory=list)
    ring_m: float = Field(500.0, description="Width of the ring around the target; 0: none")
    before_days: int | None = Field(None, description="Days before; default: as many as after")


# Answers are JSON objects whose fields docs/analytics.md lists; they are built from the same
# frozen dataclasses the pages render, so a schema here would only restate them.
RESPONSES: dict[int, Any] = {
    200: dict[str, Any],
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
}


def plain(value: Any) -> Any:
    """JSON-safe: dataclasses to dicts, numpy to Python, NaN and infinities to null."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _answer(request: HttpRequest, work: Callable[[User], dict[str, Any]]) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    try:
        return plain(work(user))
    except AnalysisError as error:
        return Status(error.status, {"errors": [{"field": error.field, "message": error.message}]})
    except PermissionDenied as error:
        return Status(
            403, {"errors": [{"field": "", "message": str(error) or _("Outside your scope.")}]}
        )


def _period(user: User, f: AreaFilters, area: areas.Area, days: int) -> Any:
    default = areas.period_ending(areas.last_day(user, area), days)
    return params.check_period(f.date_from, f.date_to, default)


def _area(area: areas.Area) -> dict[str, Any]:
    return {"code": area.code, "name": area.name, "level": area.level}


@router.get("/hotspots", response=RESPONSES, summary="Kernel density and Gi* hot spots")
def hotspots(request: HttpRequest, f: Query[HotspotFilters]) -> Any:
    """Default period: the 90 days ending on the last day with data. Cells are listed where
    an offence was registered or Gi* is significant; `grid` rebuilds every cell's position."""

    def work(user: User) -> dict[str, Any]:
        area = areas.resolve(user, f.area)
        r = hotspot_map(
            user=user,
            area=area,
            period=_period(user, f, area, 90),
            kinds=params.check_kinds(f.kind),
            cell_m=f.cell_m,
            bandwidth_m=f.bandwidth_m,
            alpha=params.check_alpha(f.alpha),
        )
        listed = (r.counts > 0) | (r.gi.category != 0)
        rows, cols = np.nonzero(listed)
        lon, lat = r.plane.centres_lonlat()
        cells = [
            {
                "col": int(c), "row": int(w), "lon": round(float(lon[w, c]), 6),
                "lat": round(float(lat[w, c]), 6), "count": int(r.counts[w, c]),
                "density_km2": round(float(r.density_km2[w, c]), 4),
                "z": round(float(r.gi.z[w, c]), 4), "category": int(r.gi.category[w, c]),
            }
            for w, c in zip(rows.tolist(), cols.tolist(), strict=True)
        ]  # fmt: skip
        return {
            "area": _area(area),
            "date_from": r.period.start,
            "date_to": r.period.last_day,
            "kinds": list(r.kinds),
            "n_events": r.n_events,
            "n_located": r.n_located,
            "cell_m": r.cell_m,
            "bandwidth_m": r.bandwidth_m,
            "gi_band_m": r.gi_band_m,
            "alpha": r.alpha,
            "grid": r.plane.describe() | r.plane.frame(),
            "n_hot": r.n_hot,
            "n_cold": r.n_cold,
            "hot_spots": list(r.spots),
            "cells": cells,
        }

    return _answer(request, work)


@router.get("/peaks", response=RESPONSES, summary="Hour × weekday and seasonal peaks")
def peaks(request: HttpRequest, f: Query[PeakFilters]) -> Any:
    """Default period: the 365 days ending on the last day with data (Almaty time)."""

    def work(user: User) -> dict[str, Any]:
        area = areas.resolve(user, f.area)
        r = peak_times(
            user=user,
            area=area,
            period=_period(user, f, area, 365),
            kinds=params.check_kinds(f.kind),
            alpha=params.check_alpha(f.alpha),
        )

        def profile(p: Any) -> dict[str, Any]:
            return {
                "labels": list(p.labels), "counts": p.counts, "expected": p.expected,
                "z": p.z, "p": p.p, "peak": p.peak,
            }  # fmt: skip

        pr = r.profile
        return {
            "area": _area(area),
            "date_from": r.period.start,
            "date_to": r.period.last_day,
            "kinds": list(r.kinds),
            "alpha": r.alpha,
            "n_events": r.n_events,
            "hour_weekday": profile(pr.hour_weekday),
            "hour": profile(pr.hour),
            "weekday": profile(pr.weekday),
            "month": profile(pr.month),
            "peaks": {
                "hour_weekday": list(r.hour_weekday_peaks),
                "hour": list(r.hour_peaks),
                "month": list(r.month_peaks),
            },
        }

    return _answer(request, work)


def _brief_row(row: BriefRow, names: list[str]) -> dict[str, Any]:
    return {"key": row.key, "label": row.label} | {
        name: plain(cell) for name, cell in zip(names, row.cells, strict=True)
    }


@router.get("/compstat", response=RESPONSES, summary="CompStat: 7, 28 days, YTD, 365 days")
def compstat(request: HttpRequest, f: Query[CompStatFilters]) -> Any:
    """Counts of the periods ending on `reference` (default: the last day with data) against
    the period before and the same dates last year, with Poisson alerts (|z| ≥ 2)."""

    def work(user: User) -> dict[str, Any]:
        area = areas.resolve(user, f.area)
        reference = f.reference or areas.last_day(user, area)
        b = compstat_brief(
            user=user, area=area, reference=reference, kinds=params.check_kinds(f.kind)
        )
        names = ["7d", "28d", "ytd", "365d"]
        return {
            "area": _area(area),
            "reference": b.reference,
            "kinds": list(b.kinds),
            "z_alert": b.z_alert,
            "periods": {
                n: {"label": label, "date_from": p.start, "date_to": p.last_day}
                for n, (label, p) in zip(names, b.periods, strict=True)
            },
            "by_district": [_brief_row(r, names) for r in b.by_district],
            "by_kind": [_brief_row(r, names) for r in b.by_kind],
            "total": _brief_row(b.total, names),
            "alerts": list(b.alerts),
        }

    return _answer(request, work)


@router.get("/forecast", response=RESPONSES, summary="Next 7 days: the top k % of cells")
def forecast_(request: HttpRequest, f: Query[ForecastFilters]) -> Any:
    """The stored forecast (`senim forecast`) when there is one, else computed now, with the
    automatic predictor's choice and its last 12 weeks walked forward against last year's count
    per cell (hit rates, PAI, the paired difference and its 95 % interval, a verdict)."""

    def work(user: User) -> dict[str, Any]:
        area = areas.resolve(user, f.area)
        r = forecast(
            user=user,
            area=area,
            issued_for=f.issued_for,
            coverage=coverage_from_percent(f.coverage),
            kinds=params.check_kinds(f.kind),
        )
        lon, lat = r.plane.centres_lonlat()
        rows, cols = np.divmod(r.top, r.plane.grid.nx)
        b = r.backtest
        return {
            "area": _area(area),
            "issued_for": r.issued_for,
            "horizon_days": r.horizon_days,
            "coverage": r.coverage,
            "kinds": list(r.kinds),
            "model": r.model,
            "stored": r.stored_at is not None,
            "n_events": r.n_events,
            "data_until": r.data_until,
            "grid": r.plane.describe() | r.plane.frame(),
            "top_cells": [
                {
                    "col": int(c),
                    "row": int(w),
                    "lon": round(float(lon[w, c]), 6),
                    "lat": round(float(lat[w, c]), 6),
                    "risk": round(float(r.risk[w, c]), 6),
                }
                for w, c in zip(rows.tolist(), cols.tolist(), strict=True)
            ],
            "backtest": b.to_json()
            | {
                "mean_hit_rate": b.mean_chosen,
                "mean_pai": r.pai(b.mean_chosen),
                "baseline_mean_hit_rate": b.mean_baseline,
                "baseline_mean_pai": r.pai(b.mean_baseline),
                "hindsight_mean_hit_rate": b.mean_hindsight,
                "all_history_mean_hit_rate": b.mean_all_history,
                "verdict": b.verdict,  # against the yearly count: better / worse / uncertain
            },
        }

    return _answer(request, work)


@router.get("/evaluation", response=RESPONSES, summary="Evaluate a measure against a control")
def evaluation(request: HttpRequest, f: Query[EvaluationFilters]) -> Any:
    """A target district against a control district, before and after the measure: the
    verdict ("effect", "no_effect", "inconclusive"), its caveats, and every figure behind it."""

    def work(user: User) -> dict[str, Any]:
        e = evaluate_measure(
            user=user,
            target=f.target,
            control=f.control,
            start=f.start,
            end=f.end,
            kinds=params.check_kinds(f.kind),
            ring_m=f.ring_m,
            before_days=f.before_days,
        )
        v = e.verdict
        return {
            "target": _area(e.target),
            "control": _area(e.control),
            "verdict": v.verdict,
            "verdict_text": verdict_label(v.verdict),
            "caveats": [{"code": c, "text": caveat_text(c)} for c in v.caveats],
            "displacement_reading": interpretation_label(v.displacement.interpretation)
            if v.displacement
            else None,
            "relative_change_pct": v.relative_change_pct,
            "details": plain(v),
        }

    return _answer(request, work)
