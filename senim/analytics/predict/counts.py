"""Long-memory counts per cell: the honest baselines and the family the automatic choice tunes.

Crime concentrates at the same few places year after year (Weisburd 2015, "The law of crime
concentration and the criminology of place"), so last year's count per cell is a strong
forecast that an analyst gets for free. It is the **baseline** every back-test reports, beside
the count over all history; a model is worth a patrol's time only if it beats them.

The family around them, whose parameters the automatic predictor (auto.py) chooses per region
by a rolling back-test rather than by a rule of thumb:

- `DecayedCountPredictor`: every past event weighs 2^(−age / half-life), optionally smoothed by
  a Gaussian kernel of `bandwidth_m` (Johnson, Bowers et al.'s prospective mapping and the
  "long-term KDE" that was hard to beat in the NIJ Real-Time Crime Forecasting Challenge, 2017;
  its winners, Flaxman et al. 2019, combined a long-term surface with short-term autoregressive
  smoothing kernels and tuned every length scale by temporal cross-validation);
- `BlendPredictor`: a long-term surface (decayed count) plus a short-term one (the last weeks,
  smoothed), each as a share of its own total so the weight `short_weight` reads as "how much
  of the map the recent weeks decide".

Ties are broken by the count over all history (a term below one event), so the flagged set
never depends on cell numbering where the main surface is flat.
"""

from __future__ import annotations

import math

import numpy as np

from senim.analytics.grid import FloatArray, Grid
from senim.analytics.kde import density
from senim.analytics.predict.base import Events, HistoryPredictor, RiskGrid, cell_counts

YEAR_DAYS = 365.0


def _surface(
    events: Events, grid: Grid, weights: FloatArray | None, bandwidth_m: float
) -> FloatArray:
    if bandwidth_m > 0:
        return density(grid, events.x, events.y, bandwidth_m, weights)
    return cell_counts(events, grid, weights)


def _tie_break(events: Events, grid: Grid) -> FloatArray:
    """All-history counts scaled below one, added to break ties without overturning a count."""
    counts = cell_counts(events, grid)
    return counts / (float(counts.max()) + 1.0)


def _share(surface: FloatArray) -> FloatArray:
    total = float(surface.sum())
    return surface / total if total > 0 else surface


class YearlyCountPredictor(HistoryPredictor):
    """Events per cell in the last year [at − 365 d, at): the baseline every model must beat.

    Ties are broken by the count over all history; scaled to the horizon.
    """

    def __init__(self, window_days: float = YEAR_DAYS) -> None:
        if window_days <= 0:
            raise ValueError("window_days must be positive")
        self.window_days = float(window_days)
        self.name = "yearly-count" if window_days == YEAR_DAYS else f"count-{window_days:g}d"
        super().__init__()

    def predict(self, at: float, horizon_days: float = 7.0) -> RiskGrid:
        events, grid = self.history(horizon_days)
        past = events.before(at)
        recent = past.between(at - self.window_days, at)
        risk = cell_counts(recent, grid) + _tie_break(past, grid)
        return RiskGrid(grid, risk * (horizon_days / self.window_days), self.name)


class AllHistoryCountPredictor(HistoryPredictor):
    """Events per cell over all the history before `at`; ties broken by the last year."""

    name = "all-history-count"

    def predict(self, at: float, horizon_days: float = 7.0) -> RiskGrid:
        events, grid = self.history(horizon_days)
        past = events.before(at)
        if len(past) == 0:
            return RiskGrid(grid, np.zeros(grid.shape), self.name)
        year = past.between(at - YEAR_DAYS, at)
        counts = cell_counts(year, grid)
        risk = cell_counts(past, grid) + counts / (float(counts.max()) + 1.0)
        span = max(at - float(past.t[0]), 1.0)
        return RiskGrid(grid, risk * (horizon_days / span), self.name)


def decay_weights(age_days: FloatArray, half_life_days: float) -> FloatArray:
    """2^(−age / half-life): an event `half_life_days` old weighs half a new one."""
    return np.exp2(-age_days / half_life_days)


class DecayedCountPredictor(HistoryPredictor):
    """Σ 2^(−age / half-life) per cell over all history, smoothed if `bandwidth_m` > 0."""

    def __init__(self, half_life_days: float = 365.0, bandwidth_m: float = 0.0) -> None:
        if half_life_days <= 0 or bandwidth_m < 0:
            raise ValueError("half_life_days must be positive and bandwidth_m not negative")
        self.half_life_days = float(half_life_days)
        self.bandwidth_m = float(bandwidth_m)
        smooth = f"-{self.bandwidth_m:g}m" if self.bandwidth_m > 0 else ""
        self.name = f"decayed-{self.half_life_days:g}d{smooth}"
        super().__init__()

    def predict(self, at: float, horizon_days: float = 7.0) -> RiskGrid:
        events, grid = self.history(horizon_days)
        past = events.before(at)
        weights = decay_weights(at - past.t, self.half_life_days)
        surface = _surface(past, grid, weights, self.bandwidth_m)
        # Σ weights ≈ events per half-life / ln 2: rescaled to events per horizon.
        rate = horizon_days * math.log(2) / self.half_life_days
        return RiskGrid(grid, (surface + _tie_break(past, grid) * 1e-6) * rate, self.name)


class BlendPredictor(HistoryPredictor):
    """(1 − w) · long-term share + w · short-term share of the expected events per cell.

    Long term: events decayed with `long_half_life_days` (raw cells, or smoothed by
    `long_bandwidth_m`). Short term: events of the last `short_days`, smoothed by
    `short_bandwidth_m` (recent events are few, so they are pooled with their neighbours).
    """

    def __init__(
        self,
        long_half_life_days: float = 365.0,
        short_days: float = 28.0,
        short_weight: float = 0.2,
        short_bandwidth_m: float = 200.0,
        long_bandwidth_m: float = 0.0,
    ) -> None:
        if long_half_life_days <= 0 or short_days <= 0:
            raise ValueError("long_half_life_days and short_days must be positive")
        if not 0 <= short_weight <= 1:
            raise ValueError(f"short_weight must be in [0, 1], got {short_weight}")
        if short_bandwidth_m < 0 or long_bandwidth_m < 0:
            raise ValueError("bandwidths must not be negative")
        self.long_half_life_days = float(long_half_life_days)
        self.short_days = float(short_days)
        self.short_weight = float(short_weight)
        self.short_bandwidth_m = float(short_bandwidth_m)
        self.long_bandwidth_m = float(long_bandwidth_m)
        long_smooth = f"-{self.long_bandwidth_m:g}m" if self.long_bandwidth_m > 0 else ""
        self.name = (
            f"blend-{self.long_half_life_days:g}d{long_smooth}"
            f"+{self.short_weight:g}x{self.short_days:g}d-{self.short_bandwidth_m:g}m"
        )
        super().__init__()

    def predict(self, at: float, horizon_days: float = 7.0) -> RiskGrid:
        events, grid = self.history(horizon_days)
        past = events.before(at)
        weights = decay_weights(at - past.t, self.long_half_life_days)
        long = _share(_surface(past, grid, weights, self.long_bandwidth_m))
        recent = past.between(at - self.short_days, at)
        short = _share(_surface(recent, grid, None, self.short_bandwidth_m))
        blend = (1.0 - self.short_weight) * long + self.short_weight * short
        # Expected events per cell over the horizon at the last year's rate.
        rate = len(past.between(at - YEAR_DAYS, at)) * horizon_days / YEAR_DAYS
        risk = (blend + _tie_break(past, grid) * 1e-9) * rate
        return RiskGrid(grid, risk, self.name)
