"""Forecast "next 7 days: the top k % of cells" with how accurate such forecasts have been.

The automatic predictor (senim.analytics.predict.auto) back-tests every candidate model on the
area's last 12 weeks and forecasts with the best one *if it beat last year's count per cell*
on those weeks, else with last year's count. What the page reports is not that winner's own
back-test (choosing the best of many flatters it) but the automatic forecast walked forward:
each of the 12 weeks before, forecast by what the choice would have taken from the weeks
before it, beside the yearly count on the same weeks and the paired difference with its 95 %
interval. This module feeds it the area's offences, keeps what it chose and those scores, and
stores region forecasts (`senim forecast`) so the page can read them instead of fitting again. Time is in local days since 1970-01-01, so a
forecast "from" a day starts at that day's Almaty midnight.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from senim.analysis.areas import Area, last_day
from senim.analysis.models import Forecast
from senim.analysis.params import AnalysisError, NoData
from senim.analysis.plane import Plane, located, plane_for
from senim.analytics.backtest import area_share, hindsight_max
from senim.analytics.grid import FloatArray
from senim.analytics.paired import PairedDifference
from senim.analytics.predict import AutoPredictor, Events
from senim.core.models import Region, Role, User
from senim.register.services import offence_events

HORIZON_DAYS = 7
# The automatic predictor chooses from the 12 weeks before a forecast; the page reports how the
# automatic forecast, chosen that way each week, did over the 12 weeks before that.
BACKTEST_WEEKS = 12
EVALUATE_WEEKS = 12
COVERAGES = (0.01, 0.02, 0.05, 0.1, 0.2)
DEFAULT_COVERAGE = 0.05
DEFAULT_CELL_M = 150.0
# Criminal offences: what patrols are planned against. Administrative offences are mostly
# found by police activity itself (speeding, drinking in public), so forecasting them would
# forecast the police.
DEFAULT_KINDS = ("crime", "criminal_misdemeanour")
# Enough for the longest candidate (a count decayed with a four-year half-life reads every
# event it is given) without letting the query grow without bound, plus the back-test weeks.
HISTORY_DAYS = 3 * 365
BASELINE_NAME = "yearly-count"


@dataclass(frozen=True)
class Backtest:
    """The last `EVALUATE_WEEKS` weeks as the automatic forecast would have made them.

    `chosen[k]` is the hit rate of the model the automatic choice took for week k from the
    weeks before it (`chosen_models[k]`); `baseline[k]` the yearly count's, `all_history[k]`
    the all-history count's; `difference` the paired difference chosen − yearly count with its
    95 % interval (senim.analytics.paired). `candidates` are the mean hit rates of every
    candidate on the weeks the forecast itself was chosen from.
    """

    origins: tuple[dt.date, ...]
    chosen: tuple[float | None, ...]
    baseline: tuple[float | None, ...]  # the yearly count per cell
    hindsight: tuple[float | None, ...]  # the best any map could have done that week
    candidates: tuple[tuple[str, float | None], ...]
    baseline_name: str
    chosen_models: tuple[str, ...] = ()
    all_history: tuple[float | None, ...] = ()
    difference: PairedDifference | None = None

    @staticmethod
    def _mean(values: tuple[float | None, ...]) -> float | None:
        known = [v for v in values if v is not None]
        return sum(known) / len(known) if known else None

    @property
    def mean_chosen(self) -> float | None:
        return self._mean(self.chosen)

    @property
    def mean_baseline(self) -> float | None:
        return self._mean(self.baseline)

    @property
    def mean_all_history(self) -> float | None:
        return self._mean(self.all_history)

    @property
    def mean_hindsight(self) -> float | None:
        return self._mean(self.hindsight)

    @property
    def weeks(self) -> int:
        return len(self.origins)

    @property
    def verdict(self) -> str:
        """'better', 'worse' or 'uncertain': the forecast against the yearly count."""
        return "uncertain" if self.difference is None else self.difference.verdict

    def to_json(self) -> dict[str, Any]:
        return {
            "origins": [d.isoformat() for d in self.origins],
            "chosen": list(self.chosen),
            "chosen_models": list(self.chosen_models),
            "baseline": list(self.baseline),
            "all_history": list(self.all_history),
            "hindsight": list(self.hindsight),
            "candidates": [list(c) for c in self.candidates],
            "baseline_name": self.baseline_name,
            "difference": None if self.difference is None else self.difference.to_json(),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Backtest:
        diff = d.get("difference")
        return cls(
            origins=tuple(dt.date.fromisoformat(o) for o in d["origins"]),
            chosen=tuple(d["chosen"]),
            baseline=tuple(d["baseline"]),
            hindsight=tuple(d["hindsight"]),
            candidates=tuple((str(n), v) for n, v in d["candidates"]),
            baseline_name=str(d["baseline_name"]),
            chosen_models=tuple(d.get("chosen_models", ())),
            all_history=tuple(d.get("all_history", ())),
            difference=None
            if diff is None
            else PairedDifference(
                mean=_num(diff["mean"]),
                low=_num(diff["low"]),
                high=_num(diff["high"]),
                n=int(diff["n"]),
                confidence=float(diff["confidence"]),
            ),
        )

    @classmethod
    def is_current(cls, d: dict[str, Any]) -> bool:
        """Stored before the yearly count became the bar (its baseline was last week's
        count): such a row is recomputed rather than shown against the wrong baseline."""
        return d.get("baseline_name") == BASELINE_NAME and d.get("difference") is not None


def _num(value: float | None) -> float:
    return math.nan if value is None else float(value)


@dataclass(frozen=True)
class ForecastResult:
    area: Area
    issued_for: dt.date
    horizon_days: int
    coverage: float
    kinds: tuple[str, ...]
    plane: Plane
    risk: FloatArray
    model: str
    backtest: Backtest
    n_events: int
    data_until: dt.date
    stored_at: dt.datetime | None = None  # when read from a stored forecast
    seconds: float = 0.0
    top: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def area_share(self) -> float:
        return area_share(self.plane.grid, self.coverage)

    def pai(self, hit_rate: float | None) -> float | None:
        return None if hit_rate is None else hit_rate / self.area_share

    def chart(self) -> dict[str, object]:
        """Risk cells and the flagged cells as [col, row, value] (see Plane.frame)."""
        risk = self.risk
        peak = float(risk.max()) if risk.size else 0.0
        shown = risk > peak * 0.01 if peak > 0 else np.zeros(risk.shape, dtype=bool)
        top = np.zeros(risk.size, dtype=bool)
        top[self.top] = True
        return self.plane.frame() | {
            "risk": Plane.sparse(shown, risk, 4),
            "top": Plane.sparse(top.reshape(risk.shape), risk, 4),
            "max": round(peak, 4),
            "weeks": [o.isoformat() for o in self.backtest.origins],
            "chosen": list(self.backtest.chosen),
            "baseline": list(self.backtest.baseline),
            "hindsight": list(self.backtest.hindsight),
        }


def coverage_from_percent(value: float | None) -> float:
    """The share of cells for a percentage offered on the page (1, 2, 5, 10 or 20)."""
    if value is None:
        return DEFAULT_COVERAGE
    for allowed in COVERAGES:
        if abs(allowed * 100 - value) < 1e-9:
            return allowed
    raise AnalysisError(
        "coverage",
        _("The share of cells must be one of: %(values)s")
        % {"values": ", ".join(f"{round(c * 100)} %" for c in COVERAGES)},
    )


def day_number(day: dt.date) -> float:
    """Local days since 1970-01-01 at the day's local midnight."""
    return float(np.datetime64(day, "D").astype(np.int64))


def _rate(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 4)


def default_origin(user: User, area: Area) -> dt.date:
    """The day after the last day with data: a forecast made with everything known so far."""
    return last_day(user, area) + dt.timedelta(days=1)


def compute(
    *,
    user: User,
    area: Area,
    issued_for: dt.date,
    coverage: float = DEFAULT_COVERAGE,
    kinds: tuple[str, ...] = DEFAULT_KINDS,
    cell_m: float | None = None,
) -> ForecastResult:
    """Fit the automatic predictor on the area's offences before `issued_for` and forecast."""
    started = time.perf_counter()
    if coverage not in COVERAGES:
        raise AnalysisError(
            "coverage",
            _("The share of cells must be one of: %(values)s")
            % {"values": ", ".join(f"{round(c * 100)} %" for c in COVERAGES)},
        )
    events = offence_events(
        user=user,
        region_id=area.region_id,
        district_id=area.district_id,
        date_from=issued_for - dt.timedelta(days=HISTORY_DAYS),
        date_to=issued_for,
        kinds=list(kinds) or None,
    )
    ok = located(events.lat, events.lon)
    if int(ok.sum()) < 50:
        raise NoData("area", _("Too few offences with coordinates before this date to forecast."))
    lat, lon = events.lat[ok], events.lon[ok]
    plane = plane_for(lat, lon, centre=area.centre, cell_m=cell_m, minimum_m=DEFAULT_CELL_M)
    x, y = plane.xy(lon, lat)
    t = events.t_local[ok].astype(np.int64) / 86_400.0
    # Each offence's kind as a small integer: the per-type candidates forecast each kind from
    # its own history (the others ignore it).
    kind_index = np.unique(events.kind[ok].astype(str), return_inverse=True)[1].ravel()
    history = Events.of(t, x, y, mark=kind_index.astype(np.int64))
    at = day_number(issued_for)
    predictor = AutoPredictor(
        weeks=BACKTEST_WEEKS, coverage=coverage, evaluate_weeks=EVALUATE_WEEKS
    ).fit(history, plane.grid)
    risk = predictor.predict(at, float(HORIZON_DAYS))
    choice = predictor.choice
    assert choice is not None and choice.walk_forward is not None
    walk = choice.walk_forward
    hindsight: list[float | None] = []
    for origin in walk.origins:
        after = history.between(origin, origin + HORIZON_DAYS)
        on_grid = bool((plane.grid.flat_index(after.x, after.y) >= 0).any())
        hindsight.append(_rate(hindsight_max(after, plane.grid, coverage)) if on_grid else None)
    backtest = Backtest(
        origins=tuple(issued_for - dt.timedelta(days=round(at - o)) for o in walk.origins),
        chosen=tuple(_rate(v) for v in walk.hit_rates),
        baseline=tuple(_rate(v) for v in walk.baseline_rates),
        hindsight=tuple(hindsight),
        candidates=tuple((s.name, _rate(s.mean_hit_rate)) for s in choice.scores),
        baseline_name=choice.baseline,
        chosen_models=walk.chosen,
        all_history=tuple(_rate(v) for v in walk.all_history_rates),
        difference=walk.difference,
    )
    # Stored forecasts keep float32; rank the same values here so both agree cell for cell.
    values = risk.risk.astype("<f4").astype(np.float64)
    return _result(
        area=area,
        issued_for=issued_for,
        coverage=coverage,
        kinds=kinds,
        plane=plane,
        risk=values,
        model=choice.chosen,
        backtest=backtest,
        n_events=len(history),
        data_until=issued_for - dt.timedelta(days=1),
        seconds=time.perf_counter() - started,
    )


def _result(**kwargs: Any) -> ForecastResult:
    from senim.analytics.predict import RiskGrid

    plane: Plane = kwargs["plane"]
    grid_risk = RiskGrid(plane.grid, kwargs["risk"], kwargs["model"])
    top = grid_risk.top_cells(kwargs["coverage"])
    return ForecastResult(horizon_days=HORIZON_DAYS, top=top, **kwargs)


def _kinds_key(kinds: tuple[str, ...]) -> str:
    return ",".join(sorted(kinds))


def stored(
    *, area: Area, issued_for: dt.date, coverage: float, kinds: tuple[str, ...]
) -> ForecastResult | None:
    """The stored forecast of the area's region for that day and settings, if any.

    Only whole regions are stored; a district's forecast is always computed for it alone.
    """
    if area.district is not None:
        return None
    row = (
        Forecast.objects.filter(
            region_id=area.region_id,
            issued_for=issued_for,
            horizon_days=HORIZON_DAYS,
            coverage=coverage,
            kinds=_kinds_key(kinds),
        )
        .order_by("cell_m")
        .first()
    )
    if row is None or not Backtest.is_current(row.backtest):
        return None
    return _result(
        area=area,
        issued_for=row.issued_for,
        coverage=row.coverage,
        kinds=kinds,
        plane=Plane.from_description(row.plane),
        risk=row.risk_array(),
        model=row.model,
        backtest=Backtest.from_json(row.backtest),
        n_events=row.n_events,
        data_until=row.data_until,
        stored_at=row.created_at,
        seconds=row.seconds,
    )


def forecast(
    *,
    user: User,
    area: Area,
    issued_for: dt.date | None = None,
    coverage: float = DEFAULT_COVERAGE,
    kinds: tuple[str, ...] = (),
) -> ForecastResult:
    """The stored forecast when there is one for these settings, else computed now."""
    kinds = kinds or DEFAULT_KINDS
    day = issued_for or default_origin(user, area)
    return stored(area=area, issued_for=day, coverage=coverage, kinds=kinds) or compute(
        user=user, area=area, issued_for=day, coverage=coverage, kinds=kinds
    )


# --- the timer: `senim forecast` --------------------------------------------------------------


def system_user() -> User:
    """An unsaved national-scope user: the command forecasts for the whole country's analysts
    and reads through the same scoped service as everyone else."""
    return User(username="senim-forecast", role=Role.NATIONAL_ANALYST)


def store_region(
    region: Region,
    *,
    issued_for: dt.date | None = None,
    coverage: float = DEFAULT_COVERAGE,
    kinds: tuple[str, ...] = DEFAULT_KINDS,
) -> tuple[Forecast | None, bool]:
    """Compute and store the region's forecast unless it is stored already.

    Returns (row, created); (None, False) when the region has no data to forecast from.
    """
    user = system_user()
    area = Area(region)
    day = issued_for or default_origin(user, area)
    existing = Forecast.objects.filter(
        region=region,
        issued_for=day,
        horizon_days=HORIZON_DAYS,
        coverage=coverage,
        kinds=_kinds_key(kinds),
    ).first()
    if existing is not None and Backtest.is_current(existing.backtest):
        return existing, False
    try:
        result = compute(user=user, area=area, issued_for=day, coverage=coverage, kinds=kinds)
    except AnalysisError:
        return None, False
    try:
        with transaction.atomic():
            if existing is not None:
                # Stored against last week's count, the old bar: replaced, not shown.
                existing.delete()
            row = Forecast.objects.create(
                region=region,
                issued_for=day,
                horizon_days=HORIZON_DAYS,
                coverage=coverage,
                cell_m=result.plane.grid.cell_m,
                kinds=_kinds_key(kinds),
                model=result.model,
                plane=result.plane.describe(),
                risk=Forecast.pack(result.risk),
                backtest=result.backtest.to_json(),
                n_events=result.n_events,
                data_until=result.data_until,
                seconds=round(result.seconds, 3),
            )
    except IntegrityError:
        # Another run stored the same forecast meanwhile: keep theirs, as a rerun would.
        return Forecast.objects.get(
            region=region,
            issued_for=day,
            horizon_days=HORIZON_DAYS,
            coverage=coverage,
            cell_m=result.plane.grid.cell_m,
            kinds=_kinds_key(kinds),
        ), False
    return row, True
