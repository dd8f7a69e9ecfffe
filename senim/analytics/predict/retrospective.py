"""Retrospective hot spotting: a kernel density of the events in a trailing window.

The classic "hot spot map" (e.g. Chainey, Tompson & Uhlig 2008, "The utility of hotspot mapping
for predicting spatial patterns of crime"): every recent event counts equally, smoothed by a
Gaussian of `bandwidth_m`. Smoothing pools neighbouring cells, so it beats raw counts where
data are sparse and loses to them where hot spots are smaller than the bandwidth.
"""

from __future__ import annotations

from senim.analytics.kde import density
from senim.analytics.predict.base import HistoryPredictor, RiskGrid


class RetrospectivePredictor(HistoryPredictor):
    """Gaussian KDE (`bandwidth_m`) of the events in [at − window_days, at)."""

    def __init__(self, bandwidth_m: float = 250.0, window_days: float = 56.0) -> None:
        if bandwidth_m <= 0 or window_days <= 0:
            raise ValueError("bandwidth_m and window_days must be positive")
        self.bandwidth_m = float(bandwidth_m)
        self.window_days = float(window_days)
        self.name = f"retrospective-{self.bandwidth_m:g}m-{self.window_days:g}d"
        super().__init__()

    def predict(self, at: float, horizon_days: float = 7.0) -> RiskGrid:
        events, grid = self.history(horizon_days)
        recent = events.between(at - self.window_days, at)
        risk = density(grid, recent.x, recent.y, self.bandwidth_m)
        return RiskGrid(grid, risk * (horizon_days / self.window_days), self.name)
