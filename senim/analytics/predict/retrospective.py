"""Retrospective hot spotting: a kernel density of the events in a trailing window.

The classic "hot spot map" (e.g. Chainey, Tompson & Uhlig 2008, "The utility of hotspot mapping
for predicting spatial patterns of crime"): every recent event counts equally, smoothed by a
Gaussian of `bandwidth_m`. Smoothing pools neighbouring cells, so it beats raw counts where
data are sparse and loses to them where hot spots are smaller than the bandwidth.
"""

from __future__ import annotations

from senim.analytics.grid import Grid
from senim.analytics.kde import density
from senim.analytics.predict.base import Events, RiskGrid


class RetrospectivePredictor:
    """Gaussian KDE (`bandwidth_m`) of the events in [at − window_days, at)."""

    def __init__(self, bandwidth_m: float = 250.0, window_days: float = 56.0) -> None:
        if bandwidth_m <= 0 or window_days <= 0:
            raise ValueError("bandwidth_m and window_days must be positive")
        self.bandwidth_m = float(bandwidth_m)
        self.window_days = float(window_days)
        self.name = f"retrospective-{self.bandwidth_m:g}m-{self.window_days:g}d"
        self._events: Events | None = None
        self._grid: Grid | None = None

    def fit(self, events: Events, grid: Grid) -> RetrospectivePredictor:
        if len(events) == 0:
            raise ValueError(f"{self.name}: cannot fit on an empty set of events")
        self._events, self._grid = events, grid
        return self

    def predict(self, at: float, horizon_days: float = 7.0) -> RiskGrid:
        if self._events is None or self._grid is None:
            raise RuntimeError(f"{self.name}: call fit() before predict()")
        if horizon_days <= 0:
            raise ValueError(f"horizon_days must be positive, got {horizon_days}")
        recent = self._events.between(at - self.window_days, at)
        risk = density(self._grid, recent.x, recent.y, self.bandwidth_m)
        return RiskGrid(self._grid, risk * (horizon_days / self.window_days), self.name)
