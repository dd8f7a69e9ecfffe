"""Two candidates of the automatic choice beyond single counts: per-type surfaces and a learned model.

- `TypedDecayedPredictor` forecasts each offence type from its own history: a time-decayed
  count per cell for each of the most frequent types (the rest pooled), with each type's
  half-life chosen on that type's own last weeks (the log score of where its events fell, a
  proper score that stays informative for rare types where a hit rate is noise), and the
  types' expected counts summed. Types differ in how fast their places move: on Toronto's
  data assaults keep to the same places for years, auto thefts move within months.
- `LearnedPredictor` is gradient boosting (scikit-learn's `HistGradientBoostingRegressor`,
  Poisson loss) over features of each cell known at the forecast origin: its counts over the
  last 7, 28, 91, 182, 365 and 730 days and all history, time-decayed counts (half-lives 28,
  182, 730 days), the same for its 3 × 3 and 5 × 5 neighbour rings, the same weeks a year and
  two years earlier (seasonality), the days since its last event, and per-type counts when
  the events carry types. The target is the cell's events over the horizon. It is trained
  walk-forward on the `train_weeks` weekly origins before the forecast origin whose horizon
  ends by it — never on the forecast week, never shuffled across time. This is the family of
  models that did well in the NIJ Real-Time Crime Forecasting Challenge (2017) and later
  studies (lagged counts of a cell and its neighbours fed to a tree ensemble or a regression;
  e.g. Mohler & Porter 2018, Flaxman et al. 2019) — there it competed against long-term
  kernel density, which it beat only modestly; here it is one candidate the back-test keeps
  or not.

Both are trained at the first forecast origin they are asked for and then slide forward
(`predict_from`) with the growing history, so the automatic choice's back-test fits each once
per region instead of once per back-test week (the learned model costs a few seconds on a
region's 60,000 events; the per-type tuning well under a second). A forecast for an origin
earlier than the one they were trained at retrains them, so nothing after an origin is used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Self

import numpy as np
import numpy.typing as npt
from scipy.ndimage import uniform_filter

from senim.analytics.grid import FloatArray, Grid
from senim.analytics.predict.base import Events, GridEvents, RiskGrid

WEEK = 7.0
WINDOWS = (7.0, 28.0, 91.0, 182.0, 365.0, 730.0)
HALF_LIVES = (28.0, 182.0, 730.0)
NEVER_DAYS = 3650.0  # "days since the last event" for a cell that never had one


def _on_grid(events: Events, grid: Grid) -> GridEvents:
    """The events with their cell index, keeping only those on the grid."""
    indexed = GridEvents.index(events, grid)
    inside = indexed.cell >= 0
    if inside.all():
        return indexed
    mark = None if indexed.mark is None else indexed.mark[inside]
    return GridEvents(
        indexed.t[inside],
        indexed.x[inside],
        indexed.y[inside],
        grid,
        indexed.cell[inside],
        mark=mark,
    )


def _type_lookup(
    mark: npt.NDArray[np.int64] | None, max_types: int
) -> tuple[npt.NDArray[np.int64], int]:
    """Type code → group, and the number of groups: the most frequent types on their own (the
    `max_types` − 1 first when there are more than `max_types`), then one pool for the rest and
    for types not seen yet. No lookup and one group without types."""
    if mark is None or mark.size == 0:
        return np.zeros(0, dtype=np.int64), 1
    counts = np.bincount(mark)
    order = np.lexsort((np.arange(counts.size), -counts))  # most frequent first, then code
    present = order[counts[order] > 0]
    kept = present if present.size <= max_types else present[: max_types - 1]
    lookup = np.full(counts.size, kept.size, dtype=np.int64)
    lookup[kept] = np.arange(kept.size)
    return lookup, int(kept.size) + 1


def _counts(
    cell: npt.NDArray[np.int64], size: int, weights: FloatArray | None = None
) -> FloatArray:
    return np.bincount(cell, weights=weights, minlength=size).astype(np.float64)


def _tie_break(events: GridEvents, size: int) -> FloatArray:
    counts = _counts(events.cell, size)
    return counts / (float(counts.max()) + 1.0) if counts.size else counts


class _Trained:
    """Shared plumbing: keep the history at fit, train lazily at the first origin asked for."""

    name = "trained"

    def __init__(self) -> None:
        self._events: GridEvents | None = None
        self._grid: Grid | None = None
        self._trained_at: float | None = None
        self._trained_horizon: float | None = None
        self._lookup = np.zeros(0, dtype=np.int64)
        self.n_groups = 1
        self.max_types = 6

    def _set_groups(self, past: GridEvents) -> None:
        """Fix the type → group mapping from the training history."""
        self._lookup, self.n_groups = _type_lookup(past.mark, self.max_types)

    def _regroup(self, events: GridEvents) -> npt.NDArray[np.int64]:
        """Each event's group by the mapping fixed at training; a type unseen then (or one
        pooled then) falls in the pool, the last group."""
        if self.n_groups == 1 or events.mark is None or len(events) == 0 or not self._lookup.size:
            return np.zeros(len(events), dtype=np.int64)
        pool = self.n_groups - 1
        lookup = self._lookup
        top = int(events.mark.max())
        if top >= lookup.size:
            lookup = np.r_[lookup, np.full(top + 1 - lookup.size, pool, dtype=np.int64)]
        return np.minimum(lookup[events.mark], pool)

    def fit(self, events: Events, grid: Grid) -> Self:
        if len(events) == 0:
            raise ValueError(f"{self.name}: cannot fit on an empty set of events")
        self._events, self._grid = _on_grid(events, grid), grid
        if len(self._events) == 0:
            raise ValueError(f"{self.name}: none of the events is on the grid")
        self._trained_at = None
        return self

    def _ready(self, history: GridEvents, at: float, horizon_days: float) -> None:
        if horizon_days <= 0:
            raise ValueError(f"horizon_days must be positive, got {horizon_days}")
        stale = (
            self._trained_at is None
            or at < self._trained_at  # trained on what came after this origin: retrain
            or self._trained_horizon != horizon_days
        )
        if stale:
            self._train(history.before(at), at, horizon_days)
            self._trained_at, self._trained_horizon = float(at), float(horizon_days)

    def _train(self, past: GridEvents, at: float, horizon_days: float) -> None:
        raise NotImplementedError

    def _surface(self, past: GridEvents, at: float, horizon_days: float) -> FloatArray:
        raise NotImplementedError

    def predict(self, at: float, horizon_days: float = 7.0) -> RiskGrid:
        if self._events is None or self._grid is None:
            raise RuntimeError(f"{self.name}: call fit() before predict()")
        return self.predict_from(self._events, at, horizon_days)

    def predict_from(self, history: Events, at: float, horizon_days: float = 7.0) -> RiskGrid:
        """Forecast from `at` with the parameters trained at the first origin (retrained if
        `at` is earlier than it), reading the features from `history` before `at`."""
        if self._grid is None:
            raise RuntimeError(f"{self.name}: call fit() before predict()")
        grid = self._grid
        events = _on_grid(history, grid)
        self._ready(events, at, horizon_days)
        past = events.before(at)
        risk = self._surface(past, at, horizon_days) + _tie_break(past, grid.size) * 1e-9
        return RiskGrid(grid, np.maximum(risk, 0.0).reshape(grid.shape), self.name)


class TypedDecayedPredictor(_Trained):
    """Σ over offence types of each type's own decayed count, each type's half-life chosen on
    its own last `tune_weeks` weeks; one pooled type when events carry none."""

    def __init__(
        self,
        half_lives: Sequence[float] = (365.0, 182.0, 730.0, 91.0, 1460.0),
        tune_weeks: int = 26,
        max_types: int = 6,
    ) -> None:
        if not half_lives or min(half_lives) <= 0:
            raise ValueError("half_lives must be positive and not empty")
        if tune_weeks < 1 or max_types < 1:
            raise ValueError("tune_weeks and max_types must be at least 1")
        super().__init__()
        self.half_lives = tuple(float(h) for h in half_lives)  # the first wins a tie
        self.tune_weeks = int(tune_weeks)
        self.max_types = int(max_types)
        self.name = "typed-decayed"
        self.chosen: tuple[float, ...] = ()

    def _log_score(
        self,
        events: GridEvents,
        groups: npt.NDArray[np.int64],
        g: int,
        hl: float,
        origins: Sequence[float],
        horizon_days: float,
        size: int,
    ) -> float:
        mine = groups == g
        t, cell = events.t[mine], events.cell[mine]
        total = 0.0
        for origin in origins:
            end = int(np.searchsorted(t, origin, side="left"))
            stop = int(np.searchsorted(t, origin + horizon_days, side="left"))
            if stop == end:
                continue
            surface = _counts(cell[:end], size, np.exp2(-(origin - t[:end]) / hl))
            mass = float(surface.sum())
            share = surface / mass if mass > 0 else np.full(size, 1.0 / size)
            p = 0.95 * share + 0.05 / size
            total += float(np.log(p[cell[end:stop]]).sum())
        return total

    def _train(self, past: GridEvents, at: float, horizon_days: float) -> None:
        assert self._grid is not None
        size = self._grid.size
        self._set_groups(past)
        groups, n_groups = self._regroup(past), self.n_groups
        origins = [at - horizon_days - WEEK * k for k in range(self.tune_weeks - 1, -1, -1)]
        origins = [o for o in origins if len(past) and o > float(past.t[0])]
        chosen: list[float] = []
        for g in range(n_groups):
            scores = [
                self._log_score(past, groups, g, hl, origins, horizon_days, size)
                for hl in self.half_lives
            ]
            chosen.append(
                self.half_lives[int(np.argmax(scores))] if origins else self.half_lives[0]
            )
        self.chosen = tuple(chosen)

    def _surface(self, past: GridEvents, at: float, horizon_days: float) -> FloatArray:
        assert self._grid is not None
        size = self._grid.size
        groups = self._regroup(past)
        risk = np.zeros(size)
        for g, hl in enumerate(self.chosen):
            mine = groups == g
            weights = np.exp2(-(at - past.t[mine]) / hl)
            # Σ weights ≈ events per half-life / ln 2: rescaled to events per horizon.
            risk += _counts(past.cell[mine], size, weights) * horizon_days * math.log(2) / hl
        return risk


def _ring(values: FloatArray, grid: Grid, size: int) -> FloatArray:
    """Sum over the `size` × `size` block of cells around each cell (itself included)."""
    image = values.reshape(grid.shape)
    summed = uniform_filter(image, size=size, mode="constant") * (size * size)
    return summed.ravel()


def cell_features(
    past: GridEvents, at: float, grid: Grid, n_groups: int, groups: npt.NDArray[np.int64]
) -> FloatArray:
    """Features of every cell at origin `at` from `past` (events before `at` on the grid):
    shape (cells, features). Only what was known before `at` enters."""
    size = grid.size
    t, cell = past.t, past.cell
    columns: list[FloatArray] = []

    def window(days: float, mask: npt.NDArray[np.bool_] | None = None) -> FloatArray:
        lo = int(np.searchsorted(t, at - days, side="left"))
        if mask is None:
            return _counts(cell[lo:], size)
        return _counts(cell[lo:][mask[lo:]], size)

    counts = {days: window(days) for days in WINDOWS}
    everything = _counts(cell, size)
    columns += [counts[d] for d in WINDOWS] + [everything]
    for hl in HALF_LIVES:
        columns.append(_counts(cell, size, np.exp2(-(at - t) / hl)))
    for base in (counts[28.0], counts[365.0], everything):
        three = _ring(base, grid, 3)
        columns += [three - base, _ring(base, grid, 5) - three]
    for years in (1, 2):  # the target weeks a year (two years) earlier, ± two weeks
        start = at - 365.0 * years - 14.0
        lo = int(np.searchsorted(t, start, side="left"))
        hi = int(np.searchsorted(t, start + 35.0, side="left"))
        columns.append(_counts(cell[lo:hi], size))
    last = np.full(size, -np.inf)
    if t.size:
        np.maximum.at(last, cell, t)
    columns.append(np.minimum(at - last, NEVER_DAYS))
    if n_groups > 1:
        lo = int(np.searchsorted(t, at - 365.0, side="left"))
        for g in range(n_groups):
            mine = groups == g
            columns.append(_counts(cell[lo:][mine[lo:]], size))
            columns.append(_counts(cell[mine], size))
    return np.stack(columns, axis=1)


class LearnedPredictor(_Trained):
    """Gradient boosting (Poisson loss) over a cell's lagged counts, its neighbours', seasonal
    and per-type counts; trained walk-forward on the `train_weeks` weekly origins before the
    forecast origin. Cells with no event in their 5 × 5 block ever are forecast zero."""

    def __init__(
        self,
        train_weeks: int = 52,
        max_iter: int = 60,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 100,
        max_rows: int = 120_000,
        max_types: int = 6,
    ) -> None:
        if train_weeks < 4:
            raise ValueError("train_weeks must be at least 4")
        if max_iter < 1 or max_rows < 1000 or max_types < 1:
            raise ValueError("max_iter, max_rows and max_types are too small")
        super().__init__()
        self.train_weeks = int(train_weeks)
        self.params: dict[str, Any] = {
            "loss": "poisson",
            "max_iter": int(max_iter),
            "learning_rate": float(learning_rate),
            "max_leaf_nodes": int(max_leaf_nodes),
            "min_samples_leaf": int(min_samples_leaf),
            "early_stopping": False,
            "random_state": 0,
        }
        self.max_rows = int(max_rows)
        self.max_types = int(max_types)
        self.name = "learned-gbm"
        self.model: Any = None
        self.rows = 0

    def _active(self, past: GridEvents) -> npt.NDArray[np.bool_]:
        assert self._grid is not None
        everything = _counts(past.cell, self._grid.size)
        return _ring(everything, self._grid, 5) > 0

    def _features(self, past: GridEvents, at: float) -> FloatArray:
        assert self._grid is not None
        groups = self._regroup(past)
        return cell_features(past, at, self._grid, self.n_groups, groups)

    def _train(self, past: GridEvents, at: float, horizon_days: float) -> None:
        from sklearn.ensemble import HistGradientBoostingRegressor
        from threadpoolctl import threadpool_limits

        if len(past) == 0:
            raise ValueError(f"{self.name}: no events before the origin to learn from")
        self._set_groups(past)
        origins = [at - horizon_days - WEEK * k for k in range(self.train_weeks)]
        first = float(past.t[0])
        origins = [o for o in origins if o - first >= 28.0]  # a month of history at least
        if len(origins) < 4:
            raise ValueError(f"{self.name}: too little history to learn from (4 weeks needed)")
        active_now = int(self._active(past).sum())
        keep = max(4, self.max_rows // max(active_now, 1))
        if len(origins) > keep:  # bound the rows: every k-th origin, the latest kept
            step = math.ceil(len(origins) / keep)
            origins = origins[::step]
        assert self._grid is not None
        size = self._grid.size
        xs: list[FloatArray] = []
        ys: list[FloatArray] = []
        for origin in sorted(origins):
            known = past.before(origin)
            if len(known) == 0:
                continue
            active = self._active(known)
            target = past.between(origin, origin + horizon_days)
            xs.append(self._features(known, origin)[active])
            ys.append(_counts(target.cell, size)[active])
        if not xs:
            raise ValueError(f"{self.name}: too little history to learn from")
        x, y = np.concatenate(xs), np.concatenate(ys)
        if not y.sum() > 0:
            raise ValueError(f"{self.name}: no event fell in the training horizons")
        self.rows = int(y.size)
        # One thread: the app forecasts many areas side by side on shared cores, where
        # OpenMP's threads fight each other (measured: 69 s a fit on a loaded 2-core machine
        # with two threads against about 3 s with one).
        with threadpool_limits(limits=1, user_api="openmp"):
            self.model = HistGradientBoostingRegressor(**self.params).fit(x, y)

    def _surface(self, past: GridEvents, at: float, horizon_days: float) -> FloatArray:
        assert self._grid is not None
        risk = np.zeros(self._grid.size)
        if len(past) == 0:
            return risk
        active = self._active(past)
        if active.any():
            from threadpoolctl import threadpool_limits

            with threadpool_limits(limits=1, user_api="openmp"):
                risk[active] = self.model.predict(self._features(past, at)[active])
        return risk
