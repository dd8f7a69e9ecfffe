"""The one interface every predictor follows: `fit(events)` then `predict(at) → RiskGrid`.

Events are plain arrays: time in days (float, any origin, e.g. days since 2022-01-01) and
position in metres on the analysis `Grid`'s plane. A predictor is fitted on the events up to a
cut-off and asked for the relative risk of each cell over the horizon that starts at `at`;
back-testing (senim.analytics.backtest) compares that ranking with what happened next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Self

import numpy as np
import numpy.typing as npt

from senim.analytics.grid import FloatArray, Grid


@dataclass(frozen=True)
class Events:
    """Events sorted by time: `t` in days, `x` / `y` in metres on the grid's plane.

    `mark` (optional) is each event's type as a small non-negative integer (e.g. the index of
    its offence kind): models that forecast each type from its own history read it; the others
    ignore it. Slices keep it.
    """

    t: FloatArray
    x: FloatArray
    y: FloatArray
    mark: npt.NDArray[np.int64] | None = field(default=None, kw_only=True)

    @classmethod
    def of(
        cls,
        t: npt.ArrayLike,
        x: npt.ArrayLike,
        y: npt.ArrayLike,
        mark: npt.ArrayLike | None = None,
    ) -> Events:
        t_a = np.asarray(t, dtype=np.float64)
        x_a = np.asarray(x, dtype=np.float64)
        y_a = np.asarray(y, dtype=np.float64)
        if not (t_a.shape == x_a.shape == y_a.shape) or t_a.ndim != 1:
            raise ValueError("t, x and y must be 1-D arrays of the same length")
        order = np.argsort(t_a, kind="stable")
        if mark is None:
            return cls(t_a[order], x_a[order], y_a[order])
        m_a = np.asarray(mark)
        if m_a.shape != t_a.shape or not np.issubdtype(m_a.dtype, np.integer):
            raise ValueError("mark must be a 1-D integer array of the same length as t")
        if m_a.size and int(m_a.min()) < 0:
            raise ValueError("mark must not be negative")
        return cls(t_a[order], x_a[order], y_a[order], mark=m_a.astype(np.int64)[order])

    def __len__(self) -> int:
        return int(self.t.size)

    def _marks(self, lo: int, hi: int) -> npt.NDArray[np.int64] | None:
        return None if self.mark is None else self.mark[lo:hi]

    def before(self, cutoff: float) -> Events:
        """Events strictly before `cutoff` (what a forecaster may know at that time)."""
        end = int(np.searchsorted(self.t, cutoff, side="left"))
        return Events(self.t[:end], self.x[:end], self.y[:end], mark=self._marks(0, end))

    def between(self, start: float, end: float) -> Events:
        """Events in [start, end)."""
        lo = int(np.searchsorted(self.t, start, side="left"))
        hi = int(np.searchsorted(self.t, end, side="left"))
        return Events(self.t[lo:hi], self.x[lo:hi], self.y[lo:hi], mark=self._marks(lo, hi))


@dataclass(frozen=True)
class GridEvents(Events):
    """Events with their flat cell index on `grid` (-1 outside) worked out once.

    A back-test asks dozens of count models for forecasts at dozens of origins from prefixes
    of the same history; binning each prefix anew dominated the automatic choice's time.
    Slices keep the index, so counting a window is one `bincount`.
    """

    grid: Grid
    cell: npt.NDArray[np.int64]

    @classmethod
    def index(cls, events: Events, grid: Grid) -> GridEvents:
        if isinstance(events, GridEvents) and events.grid == grid:
            return events
        cell = grid.flat_index(events.x, events.y)
        return cls(events.t, events.x, events.y, grid, cell, mark=events.mark)

    def before(self, cutoff: float) -> GridEvents:
        end = int(np.searchsorted(self.t, cutoff, side="left"))
        return self._slice(0, end)

    def between(self, start: float, end: float) -> GridEvents:
        lo = int(np.searchsorted(self.t, start, side="left"))
        hi = int(np.searchsorted(self.t, end, side="left"))
        return self._slice(lo, hi)

    def _slice(self, lo: int, hi: int) -> GridEvents:
        return GridEvents(
            self.t[lo:hi],
            self.x[lo:hi],
            self.y[lo:hi],
            self.grid,
            self.cell[lo:hi],
            mark=self._marks(lo, hi),
        )


def cell_counts(events: Events, grid: Grid, weights: npt.ArrayLike | None = None) -> FloatArray:
    """Events (or their weights) per cell, shape grid.shape — from the precomputed cell index
    when `events` carries one for this grid."""
    if not (isinstance(events, GridEvents) and events.grid == grid):
        return grid.counts(events.x, events.y, weights)
    inside = events.cell >= 0
    w = None if weights is None else np.asarray(weights, dtype=np.float64)[inside]
    binned = np.bincount(events.cell[inside], weights=w, minlength=grid.size)
    return binned.astype(np.float64).reshape(grid.shape)


@dataclass(frozen=True)
class RiskGrid:
    """Relative risk per cell (shape grid.shape, non-negative); higher means flag it first."""

    grid: Grid
    risk: FloatArray
    model: str

    def __post_init__(self) -> None:
        if self.risk.shape != self.grid.shape:
            raise ValueError(f"risk has shape {self.risk.shape}, the grid {self.grid.shape}")

    def top_cells(self, coverage: float) -> npt.NDArray[np.int64]:
        """Flat indices of the highest-risk cells covering `coverage` (0–1) of the grid.

        Ties are broken by cell index so the choice is deterministic.
        """
        if not 0 < coverage <= 1:
            raise ValueError(f"coverage must be in (0, 1], got {coverage}")
        k = max(1, round(coverage * self.grid.size))
        flat = self.risk.ravel()
        order = np.lexsort((np.arange(flat.size), -flat))
        return order[:k].astype(np.int64)


class Predictor(Protocol):
    """Fit on past events, then rank cells for the horizon starting at `at` (days)."""

    name: str

    def fit(self, events: Events, grid: Grid) -> Predictor: ...

    def predict(self, at: float, horizon_days: float = 7.0) -> RiskGrid: ...


class HistoryPredictor:
    """Base of the predictors whose `fit` only keeps the history (naive, retrospective,
    prospective): the model is the way `predict` reads the trailing window."""

    name: str = "history"

    def __init__(self) -> None:
        self._events: Events | None = None
        self._grid: Grid | None = None

    def fit(self, events: Events, grid: Grid) -> Self:
        if len(events) == 0:
            raise ValueError(f"{self.name}: cannot fit on an empty set of events")
        self._events, self._grid = events, grid
        return self

    def predict(self, at: float, horizon_days: float = 7.0) -> RiskGrid:
        raise NotImplementedError

    def history(self, horizon_days: float) -> tuple[Events, Grid]:
        """The fitted events and grid, once `predict`'s arguments are known to be sound."""
        if self._events is None or self._grid is None:
            raise RuntimeError(f"{self.name}: call fit() before predict()")
        if horizon_days <= 0:
            raise ValueError(f"horizon_days must be positive, got {horizon_days}")
        return self._events, self._grid
