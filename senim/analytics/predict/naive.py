"""The naive forecast: next period looks like the last one (events per cell in a trailing window).

It is the baseline every other model must beat in a back-test, and the one crime analysts use
by hand. On sparse data most cells hold 0 or 1 events in a week, so a plain count leaves
hundreds of cells tied and the flagged set would depend on cell numbering. Ties are therefore
broken by a second, longer window: risk = count(window) + count(long window) / (max + 1). The
second term is always below one, so it never overturns a difference of one event in the short
window; it only orders cells the short window cannot tell apart.
"""

from __future__ import annotations

from senim.analytics.predict.base import HistoryPredictor, RiskGrid, cell_counts


class NaivePredictor(HistoryPredictor):
    """Events in [at − window_days, at) per cell, ties broken by the last `tie_window_days`."""

    def __init__(self, window_days: float = 7.0, tie_window_days: float = 365.0) -> None:
        if window_days <= 0 or tie_window_days <= 0:
            raise ValueError("window_days and tie_window_days must be positive")
        self.window_days = float(window_days)
        self.tie_window_days = float(tie_window_days)
        self.name = f"naive-{self.window_days:g}d"
        super().__init__()

    def predict(self, at: float, horizon_days: float = 7.0) -> RiskGrid:
        events, grid = self.history(horizon_days)
        recent = events.between(at - self.window_days, at)
        longer = events.between(at - self.tie_window_days, at)
        counts = cell_counts(recent, grid)
        tie = cell_counts(longer, grid)
        risk = counts + tie / (float(tie.max()) + 1.0)
        # Scaled to the horizon so the numbers read as "expected events if the window repeats".
        return RiskGrid(grid, risk * (horizon_days / self.window_days), self.name)
