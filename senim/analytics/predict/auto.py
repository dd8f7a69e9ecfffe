"""The automatic predictor: for each region and date, the model that beat last year's count on
the region's own past — or last year's count itself.

The bar is the **yearly count per cell** (events in the last 365 days): it is what an analyst
gets for free, and on real city data it beats every classic hot-spot model (retrospective and
prospective mapping, self-exciting models) more often than not. Before forecasting from `at`,
every candidate is back-tested on the region's last `weeks` horizons before `at` (rolling
origin, each forecast made only from what was known then). The candidate with the best mean
hit rate at `coverage` is used only if it beats the yearly count on those same weeks — by its
mean, and, when `confidence` is set, with the lower end of the paired difference's
confidence interval above zero; otherwise the forecast *is* the yearly count. A candidate that
cannot be fitted at some origin (too little history) is out of the running.

Choosing the best of many candidates on the same weeks flatters the winner (its back-tested
gain is partly luck), so the choice is also **walked forward**: with `evaluate_weeks` > 0, each
of the last `evaluate_weeks` weeks is forecast by the candidate that the rule above would have
chosen from the `weeks` before that week, and scored on that week. That series — not the
winner's own back-test — is what the forecast page and `senim forecast` report against the
yearly count, with the paired difference's confidence interval. It costs little: the same
score matrix (candidates × origins) serves every week's choice.

Models with a `predict_from(history, at, horizon)` method (the grid SEPP, the per-type decayed
counts and the learned model) are fitted once on
the data before the first back-test origin and then slid forward with the growing history,
instead of being refitted at every origin.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol, runtime_checkable

import numpy as np

from senim.analytics.grid import Grid
from senim.analytics.paired import PairedDifference, paired_difference
from senim.analytics.predict.base import Events, GridEvents, Predictor, RiskGrid
from senim.analytics.predict.counts import (
    AllHistoryCountPredictor,
    BlendPredictor,
    DecayedCountPredictor,
    YearlyCountPredictor,
)
from senim.analytics.predict.learned import LearnedPredictor, TypedDecayedPredictor
from senim.analytics.predict.naive import NaivePredictor
from senim.analytics.predict.prospective import ProspectivePredictor
from senim.analytics.predict.retrospective import RetrospectivePredictor
from senim.analytics.predict.seppgrid import SeppGridPredictor

Factory = Callable[[], Predictor]
BASELINE = "yearly-count"


@runtime_checkable
class _Slides(Protocol):
    def predict_from(self, history: Events, at: float, horizon_days: float = 7.0) -> RiskGrid: ...


def default_candidates() -> list[Factory]:
    """The yearly count first (the bar and the fallback), then the all-history count, short
    counts, time-decayed counts with half-lives from three months to four years (raw and
    smoothed), long + short blends, retrospective KDE, prospective mapping, the grid SEPP,
    per-type decayed counts (each offence type from its own history, when events carry types)
    and gradient boosting over lagged counts (learned.py).
    """
    candidates: list[Factory] = [
        YearlyCountPredictor,
        AllHistoryCountPredictor,
        lambda: NaivePredictor(7.0),
        lambda: NaivePredictor(28.0),
        lambda: NaivePredictor(91.0),
    ]
    for half_life in (90.0, 180.0, 365.0, 730.0, 1460.0):
        candidates.append(partial(DecayedCountPredictor, half_life))
    for bandwidth in (75.0, 150.0, 300.0):
        candidates.append(partial(DecayedCountPredictor, 365.0, bandwidth))
    for half_life in (365.0, 730.0):
        for weight in (0.1, 0.2):
            for bandwidth in (150.0, 300.0):
                candidates.append(partial(BlendPredictor, half_life, 28.0, weight, bandwidth))
    candidates += [
        lambda: RetrospectivePredictor(150.0, 56.0),
        lambda: RetrospectivePredictor(250.0, 182.0),
        lambda: RetrospectivePredictor(400.0, 365.0),
        lambda: ProspectivePredictor(400.0, 8),
        lambda: SeppGridPredictor(),
        TypedDecayedPredictor,
        LearnedPredictor,
    ]
    return candidates


@dataclass(frozen=True)
class CandidateScore:
    """One candidate's hit rates on the selection origins (NaN where nothing happened)."""

    name: str
    mean_hit_rate: float
    hit_rates: tuple[float, ...]


@dataclass(frozen=True)
class WalkForward:
    """The automatic forecast as it would have been made each of the last weeks.

    For origin k: `chosen[k]` is what the rule chose from the weeks before k, `hit_rates[k]`
    its hit rate on week k; `baseline_rates` and `all_history_rates` are the yearly and
    all-history counts' on the same weeks, `difference` the paired difference auto − yearly.
    """

    origins: tuple[float, ...]
    chosen: tuple[str, ...]
    hit_rates: tuple[float, ...]
    baseline_rates: tuple[float, ...]
    all_history_rates: tuple[float, ...]
    difference: PairedDifference


@dataclass(frozen=True)
class AutoChoice:
    """What the automatic predictor chose for a forecast from `at`, and why."""

    at: float
    chosen: str
    baseline: str
    coverage: float
    horizon_days: float
    origins: tuple[float, ...]
    scores: tuple[CandidateScore, ...]
    difference: PairedDifference  # chosen − yearly count on the selection origins
    walk_forward: WalkForward | None = None

    def score(self, name: str) -> CandidateScore:
        for score in self.scores:
            if score.name == name:
                return score
        raise KeyError(name)

    @property
    def gain_over_baseline(self) -> float:
        """Chosen mean hit rate minus the yearly count's (≥ 0 by construction)."""
        chosen = self.score(self.chosen).mean_hit_rate
        baseline = self.score(self.baseline).mean_hit_rate
        if math.isnan(chosen) or math.isnan(baseline):
            return 0.0
        return chosen - baseline


class AutoPredictor:
    """Chooses among `candidates` (the first is the bar and the fallback, normally the yearly
    count) by a rolling back-test over the last `weeks` horizons before the forecast."""

    def __init__(
        self,
        candidates: Sequence[Factory] | None = None,
        weeks: int = 12,
        coverage: float = 0.05,
        confidence: float | None = None,
        evaluate_weeks: int = 0,
    ) -> None:
        if weeks < 1:
            raise ValueError("weeks must be at least 1")
        if evaluate_weeks < 0:
            raise ValueError("evaluate_weeks must not be negative")
        if not 0 < coverage <= 1:
            raise ValueError(f"coverage must be in (0, 1], got {coverage}")
        if confidence is not None and not 0 < confidence < 1:
            raise ValueError(f"confidence must be in (0, 1), got {confidence}")
        self.candidates = list(candidates) if candidates is not None else default_candidates()
        if not self.candidates:
            raise ValueError("at least one candidate is needed")
        self.weeks = int(weeks)
        self.evaluate_weeks = int(evaluate_weeks)
        self.coverage = float(coverage)
        self.confidence = confidence
        self.name = "auto"
        self.choice: AutoChoice | None = None
        self._events: Events | None = None
        self._grid: Grid | None = None

    def fit(self, events: Events, grid: Grid) -> AutoPredictor:
        if len(events) == 0:
            raise ValueError(f"{self.name}: cannot fit on an empty set of events")
        self._events, self._grid = events, grid
        return self

    # --- choosing ---------------------------------------------------------------------------

    def _pick(self, rates: np.ndarray) -> int:
        """Index of the candidate chosen from `rates` (candidates × origins); 0 is the bar."""
        usable = np.isfinite(rates[0])
        if not usable.any():
            return 0
        means = np.full(rates.shape[0], -np.inf)
        for i, row in enumerate(rates):
            # A candidate that failed where the bar was scored cannot be compared with it.
            if np.isfinite(row[usable]).all():
                means[i] = float(row[usable].mean())
        best = int(np.argmax(means))  # the first of equals: the bar wins a tie
        if best == 0 or not means[best] > means[0] + 1e-12:
            return 0
        if self.confidence is not None:
            diff = paired_difference(rates[best][usable], rates[0][usable], self.confidence)
            if not diff.low > 0:
                return 0
        return best

    def select(self, at: float, horizon_days: float = 7.0) -> AutoChoice:
        """Back-test every candidate on the horizons ending at `at`; choose by the rule."""
        if self._events is None or self._grid is None:
            raise RuntimeError(f"{self.name}: call fit() before predict()")
        if horizon_days <= 0:
            raise ValueError(f"horizon_days must be positive, got {horizon_days}")
        grid = self._grid
        events = GridEvents.index(self._events, grid).before(at)
        total = self.weeks + self.evaluate_weeks
        origins = [at - k * horizon_days for k in range(total, 0, -1)]
        names: list[str] = []
        rows: list[list[float]] = []
        for factory in self.candidates:
            name, row = self._score(factory, events, grid, origins, horizon_days)
            names.append(name)
            rows.append(row)
        rates = np.asarray(rows, dtype=np.float64)
        window = rates[:, self.evaluate_weeks :]
        best = self._pick(window)
        bar = window[0]
        scores = tuple(
            CandidateScore(
                name=name,
                mean_hit_rate=math.nan if _failed(row, bar) else _mean(row),
                hit_rates=tuple(_nan(v) for v in row),
            )
            for name, row in zip(names, window, strict=True)
        )
        return AutoChoice(
            at=float(at),
            chosen=names[best],
            baseline=names[0],
            coverage=self.coverage,
            horizon_days=float(horizon_days),
            origins=tuple(origins[self.evaluate_weeks :]),
            scores=scores,
            difference=paired_difference(window[best], window[0]),
            walk_forward=self._walk_forward(names, rates, origins) if self.evaluate_weeks else None,
        )

    def _walk_forward(
        self, names: list[str], rates: np.ndarray, origins: list[float]
    ) -> WalkForward:
        chosen: list[str] = []
        hits: list[float] = []
        for k in range(self.evaluate_weeks):
            # Week k is forecast by what the `weeks` weeks before it chose; scored on week k.
            index = self._pick(rates[:, k : k + self.weeks])
            if np.isneginf(rates[index, k + self.weeks]):
                index = 0  # it could not be fitted that week: the forecast was the bar's
            chosen.append(names[index])
            hits.append(_nan(rates[index, k + self.weeks]))
        evaluated = slice(self.weeks, self.weeks + self.evaluate_weeks)
        base = [_nan(v) for v in rates[0, evaluated]]
        everything = names.index("all-history-count") if "all-history-count" in names else 0
        return WalkForward(
            origins=tuple(origins[evaluated]),
            chosen=tuple(chosen),
            hit_rates=tuple(hits),
            baseline_rates=tuple(base),
            all_history_rates=tuple(_nan(v) for v in rates[everything, evaluated]),
            difference=paired_difference(hits, base),
        )

    def _score(
        self,
        factory: Factory,
        events: GridEvents,
        grid: Grid,
        origins: list[float],
        horizon_days: float,
    ) -> tuple[str, list[float]]:
        # Imported here: backtest imports predict.base, which loads this package first.
        from senim.analytics.backtest import hit_rate

        rates: list[float] = []
        name = ""
        slider: _Slides | None = None
        for origin in origins:
            after = events.between(origin, origin + horizon_days)
            known = events.before(origin)
            on_grid = bool((after.cell >= 0).any()) if isinstance(after, GridEvents) else True
            if len(known) == 0 or not on_grid:
                rates.append(math.nan)
                continue
            try:
                if slider is not None:
                    risk = slider.predict_from(known, origin, horizon_days)
                else:
                    model = factory()
                    name = model.name
                    model.fit(known, grid)
                    risk = model.predict(origin, horizon_days)
                    if isinstance(model, _Slides):
                        slider = model
            except ValueError:
                # A model that cannot be fitted on this little history (e.g. the SEPP with
                # fewer than two events on the grid) is out of the running at this origin.
                rates.append(-math.inf)
                continue
            rates.append(hit_rate(risk, after, self.coverage))
        if not name:
            name = factory().name
        return name, rates

    def predict(self, at: float, horizon_days: float = 7.0) -> RiskGrid:
        choice = self.select(at, horizon_days)
        if self._events is None or self._grid is None:  # select() has checked; for mypy
            raise RuntimeError(f"{self.name}: call fit() before predict()")
        index = [score.name for score in choice.scores].index(choice.chosen)
        model = self.candidates[index]()
        risk = model.fit(self._events.before(at), self._grid).predict(at, horizon_days)
        self.choice = choice
        return RiskGrid(self._grid, risk.risk, f"auto:{choice.chosen}")


def _failed(row: np.ndarray, bar: np.ndarray) -> bool:
    """Could not be fitted at some origin, or not scored where the bar was: out of the running."""
    return bool(
        not np.isfinite(bar).any()
        or np.isneginf(row).any()
        or not np.isfinite(row[np.isfinite(bar)]).all()
    )


def _nan(value: float) -> float:
    """A rate for reports: NaN where the candidate could not be fitted (-inf internally)."""
    return float(value) if np.isfinite(value) else math.nan


def _mean(row: np.ndarray) -> float:
    finite = row[np.isfinite(row)]
    return float(finite.mean()) if finite.size else math.nan
