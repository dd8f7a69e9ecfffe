"""Back-testing of hot-spot forecasts: did the flagged cells hold the next period's events?

The measures are the ones police forecasting is judged by (Chainey, Tompson & Uhlig 2008;
Bowers, Johnson & Pease 2004):

- hit rate at coverage c: the share of the next period's events that fell in the top c share
  of cells (the cells a patrol plan could cover);
- PAI, the predictive accuracy index: hit rate ÷ area share, i.e. how many times better than
  flagging cells at random;
- hindsight maximum: the hit rate of the best possible map, the actual next-period counts
  themselves — the ceiling no forecast can pass;
- the same score for a known *true intensity* (simulated data): the ceiling a forecast can
  reach in expectation, against which each predictor is reported as a fraction.

Only events inside the grid are scored (an event outside it cannot be flagged and is not in
the area being forecast). A rolling-origin back-test refits the predictor at every origin on
the events before it, so nothing from the future leaks into a forecast.

`rolling_report` is the comparison every forecast is judged by: the **yearly count per cell**
(the bar) and the all-history count are always in it, first, and every model gets its hit rate
and PAI at each coverage and its paired difference against the yearly count with a confidence
interval (senim.analytics.paired). `compare` is the older table against a known truth.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from senim.analytics.grid import FloatArray, Grid, IntArray
from senim.analytics.paired import PairedDifference, paired_difference
from senim.analytics.predict.base import Events, Predictor, RiskGrid

PredictorFactory = Callable[[], Predictor]
# The true expected events per cell over [start, end), for simulated data.
TruthFunction = Callable[[float, float], FloatArray]


def _check_coverage(coverage: float) -> None:
    try:
        share = float(coverage)
    except (TypeError, ValueError):
        share = math.nan
    if not 0 < share <= 1:
        raise ValueError(f"coverage must be a share of the cells in (0, 1], got {coverage!r}")


def _cells_of(events: Events, grid: Grid) -> IntArray:
    flat = grid.flat_index(events.x, events.y)
    flat = flat[flat >= 0]
    if flat.size == 0:
        raise ValueError("no events to score: none of the next period's events is on the grid")
    return flat


def _on_grid(events: Events, grid: Grid) -> bool:
    return bool((grid.flat_index(events.x, events.y) >= 0).any())


def hit_rate(risk: RiskGrid, events_after: Events, coverage: float) -> float:
    """Share of `events_after` (on the grid) falling in the top `coverage` share of cells."""
    _check_coverage(coverage)
    flat = _cells_of(events_after, risk.grid)
    flagged = np.zeros(risk.grid.size, dtype=bool)
    flagged[risk.top_cells(coverage)] = True
    return float(flagged[flat].mean())


def area_share(grid: Grid, coverage: float) -> float:
    """The share of cells actually flagged at `coverage` (whole cells, at least one)."""
    _check_coverage(coverage)
    return max(1, round(coverage * grid.size)) / grid.size


def pai(risk: RiskGrid, events_after: Events, coverage: float) -> float:
    """Predictive accuracy index: hit rate ÷ share of the area flagged."""
    return hit_rate(risk, events_after, coverage) / area_share(risk.grid, coverage)


def hindsight_max(events_after: Events, grid: Grid, coverage: float) -> float:
    """The best possible hit rate: flag the cells that turned out to have the most events."""
    actual = grid.counts(events_after.x, events_after.y)
    return hit_rate(RiskGrid(grid, actual, "hindsight"), events_after, coverage)


def intensity_hit_rate(
    intensity: FloatArray, grid: Grid, events_after: Events, coverage: float
) -> float:
    """Hit rate of a given (true) intensity map, scored exactly like a forecast."""
    truth = RiskGrid(grid, np.asarray(intensity, dtype=np.float64), "truth")
    return hit_rate(truth, events_after, coverage)


@dataclass(frozen=True)
class BacktestResult:
    """One predictor across origins: hit_rates[o][c] and pai[o][c] for origin o, coverage c.

    An origin whose horizon holds no event on the grid cannot be scored and gets NaN.
    """

    model: str
    origins: tuple[float, ...]
    coverages: tuple[float, ...]
    hit_rates: tuple[tuple[float, ...], ...]
    pai: tuple[tuple[float, ...], ...]
    seconds: tuple[float, ...]  # fit + predict at each origin

    def mean_hit_rate(self, coverage_index: int = 0) -> float:
        return _nanmean([row[coverage_index] for row in self.hit_rates])

    def mean_pai(self, coverage_index: int = 0) -> float:
        return _nanmean([row[coverage_index] for row in self.pai])

    @property
    def mean_seconds(self) -> float:
        return float(np.mean(self.seconds))


def _nanmean(values: Sequence[float]) -> float:
    array = np.asarray(values, dtype=np.float64)
    return float(np.nanmean(array)) if np.isfinite(array).any() else math.nan


def _check_origins(events: Events, origins: Sequence[float], horizon_days: float) -> None:
    if len(events) == 0:
        raise ValueError("cannot back-test on an empty set of events")
    if len(origins) == 0:
        raise ValueError("at least one origin is needed")
    if horizon_days <= 0:
        raise ValueError(f"horizon_days must be positive, got {horizon_days}")


def rolling_origin(
    predictor_factory: PredictorFactory,
    events: Events,
    grid: Grid,
    origins: Sequence[float],
    horizon_days: float = 7.0,
    coverages: Sequence[float] = (0.05,),
) -> BacktestResult:
    """Fit a fresh predictor on the events before each origin, forecast [origin, + horizon)."""
    _check_origins(events, origins, horizon_days)
    for coverage in coverages:
        _check_coverage(coverage)
    hits, pais, seconds = [], [], []
    name = ""
    for origin in origins:
        started = time.perf_counter()
        predictor = predictor_factory()
        risk = predictor.fit(events.before(origin), grid).predict(origin, horizon_days)
        seconds.append(time.perf_counter() - started)
        name = predictor.name
        after = events.between(origin, origin + horizon_days)
        if _on_grid(after, grid):
            row = [hit_rate(risk, after, c) for c in coverages]
            hits.append(tuple(row))
            pais.append(tuple(h / area_share(grid, c) for h, c in zip(row, coverages, strict=True)))
        else:
            hits.append(tuple(math.nan for _ in coverages))
            pais.append(tuple(math.nan for _ in coverages))
    return BacktestResult(
        model=name,
        origins=tuple(float(o) for o in origins),
        coverages=tuple(float(c) for c in coverages),
        hit_rates=tuple(hits),
        pai=tuple(pais),
        seconds=tuple(seconds),
    )


@dataclass(frozen=True)
class ComparisonRow:
    """One predictor's averages over the origins at the comparison's coverage."""

    name: str
    mean_hit_rate: float
    mean_pai: float
    mean_seconds: float
    share_of_truth: float | None  # mean hit rate ÷ the true intensity's, when it is known


@dataclass(frozen=True)
class Comparison:
    """Predictors side by side, with the ceilings: hindsight and (if known) the truth."""

    coverage: float
    horizon_days: float
    origins: tuple[float, ...]
    rows: tuple[ComparisonRow, ...]
    hindsight_hit_rate: float
    truth_hit_rate: float | None

    def row(self, name: str) -> ComparisonRow:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(name)

    def to_text(self) -> str:
        """A plain table for a terminal or a log."""
        lines = [
            f"{'predictor':<34} {'hit rate':>9} {'PAI':>7} {'seconds':>9} {'÷ truth':>8}",
        ]
        for row in self.rows:
            share = "" if row.share_of_truth is None else f"{row.share_of_truth:.3f}"
            lines.append(
                f"{row.name:<34} {row.mean_hit_rate:>9.3f} {row.mean_pai:>7.2f} "
                f"{row.mean_seconds:>9.3f} {share:>8}"
            )
        if self.truth_hit_rate is not None:
            lines.append(f"{'true intensity':<34} {self.truth_hit_rate:>9.3f}")
        lines.append(f"{'hindsight maximum':<34} {self.hindsight_hit_rate:>9.3f}")
        return "\n".join(lines)


def compare(
    factories: Mapping[str, PredictorFactory],
    events: Events,
    grid: Grid,
    origins: Sequence[float],
    horizon_days: float = 7.0,
    coverage: float = 0.05,
    truth: TruthFunction | None = None,
) -> Comparison:
    """Rolling-origin back-test of every predictor on the same origins, in one table.

    `truth(start, end)`, when given, returns the true expected events per cell over the
    horizon; each predictor's mean hit rate is then also reported as a fraction of the true
    intensity's mean hit rate on the same origins.
    """
    _check_coverage(coverage)
    _check_origins(events, origins, horizon_days)
    scored = [o for o in origins if _on_grid(events.between(o, o + horizon_days), grid)]
    if not scored:
        raise ValueError("no origin has events on the grid in its horizon: nothing to score")
    hindsight = float(
        np.mean(
            [hindsight_max(events.between(o, o + horizon_days), grid, coverage) for o in scored]
        )
    )
    truth_rate: float | None = None
    if truth is not None:
        truth_rate = float(
            np.mean(
                [
                    intensity_hit_rate(
                        truth(o, o + horizon_days),
                        grid,
                        events.between(o, o + horizon_days),
                        coverage,
                    )
                    for o in scored
                ]
            )
        )
    rows = []
    for name, factory in factories.items():
        result = rolling_origin(factory, events, grid, scored, horizon_days, (coverage,))
        mean_hit = result.mean_hit_rate()
        rows.append(
            ComparisonRow(
                name=name,
                mean_hit_rate=mean_hit,
                mean_pai=result.mean_pai(),
                mean_seconds=result.mean_seconds,
                share_of_truth=None if not truth_rate else mean_hit / truth_rate,
            )
        )
    return Comparison(
        coverage=float(coverage),
        horizon_days=float(horizon_days),
        origins=tuple(float(o) for o in scored),
        rows=tuple(rows),
        hindsight_hit_rate=hindsight,
        truth_hit_rate=truth_rate,
    )


# --- honest comparison against the yearly count -------------------------------------------------


def rolling_origins(last_origin: float, count: int, step_days: float = 7.0) -> tuple[float, ...]:
    """`count` origins `step_days` apart, the last at `last_origin`, oldest first.

    Weekly origins with a 7-day horizon, or monthly ones (step and horizon of 28 or 30 days):
    each horizon [origin, origin + step) then ends where the next begins.
    """
    if count < 1:
        raise ValueError(f"at least one origin is needed, got {count}")
    if step_days <= 0:
        raise ValueError(f"step_days must be positive, got {step_days}")
    return tuple(float(last_origin - step_days * k) for k in range(count - 1, -1, -1))


@dataclass(frozen=True)
class ModelReport:
    """One model's rolling back-test and its paired difference against the baseline, per
    coverage (same order as the report's coverages)."""

    result: BacktestResult
    differences: tuple[PairedDifference, ...]

    @property
    def name(self) -> str:
        return self.result.model


@dataclass(frozen=True)
class RollingReport:
    """Every model on the same rolling origins, each against the yearly count."""

    baseline: str
    horizon_days: float
    coverages: tuple[float, ...]
    origins: tuple[float, ...]
    models: tuple[ModelReport, ...]
    hindsight: tuple[float, ...]  # mean hindsight maximum per coverage

    def model(self, name: str) -> ModelReport:
        for report in self.models:
            if report.name == name:
                return report
        raise KeyError(name)

    def to_text(self) -> str:
        """A plain table: hit rate and PAI at each coverage, difference and CI at each."""
        heads = " ".join(f"{f'hit@{c:.0%}':>8} {f'PAI@{c:.0%}':>7}" for c in self.coverages)
        lines = [f"{'model':<40} {heads}  difference vs {self.baseline} (95 % CI)"]
        for report in self.models:
            cells = " ".join(
                f"{report.result.mean_hit_rate(i):>8.3f} {report.result.mean_pai(i):>7.2f}"
                for i in range(len(self.coverages))
            )
            diffs = "  ".join(
                f"{d.mean:+.3f} [{d.low:+.3f}, {d.high:+.3f}]"
                if report.name != self.baseline
                else "(baseline)"
                for d in report.differences
            )
            lines.append(f"{report.name:<40} {cells}  {diffs}")
        hind = " ".join(f"{h:>8.3f} {'':>7}" for h in self.hindsight)
        lines.append(f"{'hindsight maximum':<40} {hind}")
        return "\n".join(lines)


def rolling_report(
    factories: Sequence[PredictorFactory],
    events: Events,
    grid: Grid,
    origins: Sequence[float],
    horizon_days: float = 7.0,
    coverages: Sequence[float] = (0.01, 0.05, 0.1),
    confidence: float = 0.95,
) -> RollingReport:
    """Rolling-origin back-test of the yearly count, the all-history count and `factories`.

    Every model is refitted at each origin on the events before it; each gets its hit rate
    and PAI at every coverage and its paired difference against the yearly count per cell.
    """
    from senim.analytics.predict.counts import AllHistoryCountPredictor, YearlyCountPredictor

    _check_origins(events, origins, horizon_days)
    scored = [o for o in origins if _on_grid(events.between(o, o + horizon_days), grid)]
    if not scored:
        raise ValueError("no origin has events on the grid in its horizon: nothing to score")
    everyone: list[PredictorFactory] = [YearlyCountPredictor, AllHistoryCountPredictor]
    everyone += list(factories)
    results = [rolling_origin(f, events, grid, scored, horizon_days, coverages) for f in everyone]
    base = results[0]
    reports = []
    for result in results:
        diffs = tuple(
            paired_difference(
                [row[i] for row in result.hit_rates],
                [row[i] for row in base.hit_rates],
                confidence,
            )
            for i in range(len(coverages))
        )
        reports.append(ModelReport(result, diffs))
    hindsight = tuple(
        float(
            np.mean([hindsight_max(events.between(o, o + horizon_days), grid, c) for o in scored])
        )
        for c in coverages
    )
    return RollingReport(
        baseline=base.model,
        horizon_days=float(horizon_days),
        coverages=tuple(float(c) for c in coverages),
        origins=tuple(float(o) for o in scored),
        models=tuple(reports),
        hindsight=hindsight,
    )
