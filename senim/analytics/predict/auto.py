"""The automatic predictor: for each region and date, the model that did best on its own past.

No one model wins everywhere: where events are few, long-window counts or smooth densities win;
where near repeats are strong, self-exciting models do. So before forecasting from `at`, every
candidate is back-tested on the region's last `weeks` horizons before `at` (rolling origin,
each forecast made only from what was known then), and the one with the best mean hit rate at
`coverage` is refitted on everything before `at` and used. The naive forecasts come first in
the candidate list and a tie keeps the earlier candidate, so the choice is never worse than
the naive baseline on that back-test (a candidate that cannot be fitted at an origin, e.g. on
too little history, is out of the running). What was chosen and every candidate's scores are
reported (`AutoChoice`), so a forecast can always say why it is what it is.

Models with a `predict_from(history, at, horizon)` method (the grid SEPP) are fitted once on
the data before the first back-test origin and then slid forward with the growing history,
instead of being refitted at every origin: their parameters change little from one week to
the next, and this keeps a back-test of a self-exciting model within a second.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from senim.analytics.grid import Grid
from senim.analytics.predict.base import Events, Predictor, RiskGrid
from senim.analytics.predict.naive import NaivePredictor
from senim.analytics.predict.prospective import ProspectivePredictor
from senim.analytics.predict.retrospective import RetrospectivePredictor
from senim.analytics.predict.seppgrid import SeppGridPredictor

Factory = Callable[[], Predictor]


@runtime_checkable
class _Slides(Protocol):
    def predict_from(self, history: Events, at: float, horizon_days: float = 7.0) -> RiskGrid: ...


def default_candidates() -> list[Factory]:
    """Naive with four windows (the 7-day one is the baseline), retrospective KDE with a few
    bandwidths and windows, prospective hot spotting, and the grid SEPP."""
    return [
        lambda: NaivePredictor(7.0),
        lambda: NaivePredictor(28.0),
        lambda: NaivePredictor(91.0),
        lambda: NaivePredictor(365.0, tie_window_days=730.0),
        lambda: RetrospectivePredictor(150.0, 56.0),
        lambda: RetrospectivePredictor(250.0, 56.0),
        lambda: RetrospectivePredictor(150.0, 182.0),
        lambda: RetrospectivePredictor(250.0, 182.0),
        lambda: RetrospectivePredictor(400.0, 365.0),
        lambda: ProspectivePredictor(400.0, 8),
        lambda: ProspectivePredictor(250.0, 16),
        lambda: SeppGridPredictor(),
    ]


@dataclass(frozen=True)
class CandidateScore:
    """One candidate's hit rates on the back-test origins (NaN where nothing happened)."""

    name: str
    mean_hit_rate: float
    hit_rates: tuple[float, ...]


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

    def score(self, name: str) -> CandidateScore:
        for score in self.scores:
            if score.name == name:
                return score
        raise KeyError(name)

    @property
    def gain_over_baseline(self) -> float:
        """Chosen mean hit rate minus the naive baseline's (≥ 0 by construction)."""
        chosen = self.score(self.chosen).mean_hit_rate
        baseline = self.score(self.baseline).mean_hit_rate
        if math.isnan(chosen) or math.isnan(baseline):
            return 0.0
        return chosen - baseline


class AutoPredictor:
    """Chooses among `candidates` by a rolling back-test over the last `weeks` horizons."""

    def __init__(
        self,
        candidates: Sequence[Factory] | None = None,
        weeks: int = 8,
        coverage: float = 0.05,
    ) -> None:
        if weeks < 1:
            raise ValueError("weeks must be at least 1")
        if not 0 < coverage <= 1:
            raise ValueError(f"coverage must be in (0, 1], got {coverage}")
        self.candidates = list(candidates) if candidates is not None else default_candidates()
        if not self.candidates:
            raise ValueError("at least one candidate is needed")
        self.weeks = int(weeks)
        self.coverage = float(coverage)
        self.name = "auto"
        self.choice: AutoChoice | None = None
        self._events: Events | None = None
        self._grid: Grid | None = None

    def fit(self, events: Events, grid: Grid) -> AutoPredictor:
        if len(events) == 0:
            raise ValueError(f"{self.name}: cannot fit on an empty set of events")
        self._events, self._grid = events, grid
        return self

    def select(self, at: float, horizon_days: float = 7.0) -> AutoChoice:
        """Back-test every candidate on the horizons ending at `at`; choose the best."""
        if self._events is None or self._grid is None:
            raise RuntimeError(f"{self.name}: call fit() before predict()")
        if horizon_days <= 0:
            raise ValueError(f"horizon_days must be positive, got {horizon_days}")
        events, grid = self._events.before(at), self._grid
        origins = [at - k * horizon_days for k in range(self.weeks, 0, -1)]
        scores = [
            self._score(factory, events, grid, origins, horizon_days) for factory in self.candidates
        ]
        best = 0
        for index, score in enumerate(scores):
            # Strictly better only: a tie keeps the earlier candidate (the naive ones first).
            if not math.isnan(score.mean_hit_rate) and (
                math.isnan(scores[best].mean_hit_rate)
                or score.mean_hit_rate > scores[best].mean_hit_rate + 1e-12
            ):
                best = index
        return AutoChoice(
            at=float(at),
            chosen=scores[best].name,
            baseline=scores[0].name,
            coverage=self.coverage,
            horizon_days=float(horizon_days),
            origins=tuple(origins),
            scores=tuple(scores),
        )

    def _score(
        self,
        factory: Factory,
        events: Events,
        grid: Grid,
        origins: list[float],
        horizon_days: float,
    ) -> CandidateScore:
        # Imported here: backtest imports predict.base, which loads this package first.
        from senim.analytics.backtest import hit_rate

        rates: list[float] = []
        name = ""
        slider: _Slides | None = None
        failed = False
        for origin in origins:
            after = events.between(origin, origin + horizon_days)
            known = events.before(origin)
            on_grid = bool((grid.flat_index(after.x, after.y) >= 0).any())
            if len(known) == 0:
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
                # fewer than two events on the grid) is out of the running: a mean over fewer
                # origins than the baseline's could not be compared with it.
                failed = True
                rates.append(math.nan)
                continue
            rates.append(hit_rate(risk, after, self.coverage) if on_grid else math.nan)
        if not name:
            name = factory().name
        values = np.asarray(rates, dtype=np.float64)
        scored = np.isfinite(values).any() and not failed
        mean = float(np.nanmean(values)) if scored else math.nan
        return CandidateScore(name=name, mean_hit_rate=mean, hit_rates=tuple(rates))

    def predict(self, at: float, horizon_days: float = 7.0) -> RiskGrid:
        choice = self.select(at, horizon_days)
        if self._events is None or self._grid is None:  # select() has checked; for mypy
            raise RuntimeError(f"{self.name}: call fit() before predict()")
        index = [score.name for score in choice.scores].index(choice.chosen)
        model = self.candidates[index]()
        risk = model.fit(self._events.before(at), self._grid).predict(at, horizon_days)
        self.choice = choice
        return RiskGrid(self._grid, risk.risk, f"auto:{choice.chosen}")
