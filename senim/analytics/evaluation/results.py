"""What an evaluation returns (frozen dataclasses), its vocabulary (verdicts, caveat codes)
and the input checks every step shares."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from senim.analytics.hotspots import BoolArray
from senim.analytics.indicators import Period

Outcome = Literal["effect", "no_effect", "inconclusive"]
Interpretation = Literal["diffusion_of_benefits", "displacement", "none", "not_defined"]

VERDICTS: tuple[Outcome, ...] = ("effect", "no_effect", "inconclusive")
CAVEATS = (
    "too_few_events",  # a total under min_events or a zero in the 2 × 2 table
    "short_after_period",  # after period under min_after_days: novelty effects, early decay
    "short_history",  # under 3 before-periods of history: own-history RTM check impossible
    "no_trend_baseline",  # under MIN_TREND_WEEKS weeks of history, or the fit failed
    "long_extrapolation",  # the after period is longer than half the trend's history
    "no_same_phase",  # no data for the same dates a year earlier
    "seasonal_change",  # the target's change matches last year's change over the same phases
    "control_also_changed",  # the control's own before→after change is beyond noise
    "targets_changed",  # an area's targets changed by more than 10 % between periods
    "methods_disagree",  # the RES shows a fall the trend baseline does not confirm
    "adverse_change",  # the target rose relative to the control
    "displacement",  # the ring rose relative to the control while the target fell
    "regression_to_mean",  # the target was picked at a peak (see RegressionToMean)
)
RTM_REASONS = ("above_own_history", "top_decile_of_peers")
AREAS = ("target", "control", "ring")
# count(area, first day, day after the last) as day ordinals: the events of one area in a range.
_Counter = Callable[[str, int, int], int]
PER_DAYS = 28
PER_TARGETS = 1_000
MIN_TREND_WEEKS = 8
MIN_HISTORY_WINDOWS = 3
MIN_PEERS = 10
TARGETS_CHANGE = 0.10
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Ratio:
    """A ratio of rates estimated on the log scale, with its interval and two-sided z-test.

    `corrected` says 0.5 was added to every count because one was 0 (Haldane), so the ratio
    stays finite; treat such a ratio as rough.
    """

    value: float
    log_var: float
    ci_low: float
    ci_high: float
    z: float
    p: float
    corrected: bool

    def excludes_one(self) -> bool:
        return self.ci_low > 1.0 or self.ci_high < 1.0


@dataclass(frozen=True)
class AreaCounts:
    """One area's events before and after, normalised so unequal periods and sizes compare.

    `per_1000_*` is per 1 000 targets per 28 days (None without targets). `change_pct` is the
    change of the most normalised rate (None when its before value is 0); `change` is the
    after rate over the before rate with its interval.
    """

    before: int
    after: int
    before_days: int
    after_days: int
    targets_before: float | None
    targets_after: float | None
    per_day_before: float
    per_day_after: float
    per_28d_before: float
    per_28d_after: float
    per_1000_before: float | None
    per_1000_after: float | None
    change_pct: float | None
    change: Ratio


@dataclass(frozen=True)
class DifferenceInDifferences:
    """(target after − before) − (control after − before) in rates; < 0: the target fell more."""

    unit: Literal["per_28d", "per_1000_per_28d"]
    target_change: float
    control_change: float
    difference: float
    se: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class TrendBaseline:
    """The target's weekly trend before the measure, projected over the after period.

    `p_lower` is P(count ≤ observed) if the trend had simply continued (small: the after count
    is lower than the trend explains); `p_upper` is P(count ≥ observed).
    """

    weeks: int
    slope_pct_per_week: float
    dispersion: float
    observed: int
    expected: float
    pi_low: int
    pi_high: int
    p_lower: float
    p_upper: float

    @property
    def ratio(self) -> float:
        return self.observed / self.expected if self.expected > 0 else math.nan


@dataclass(frozen=True)
class SamePhase:
    """The target's after period against the same calendar dates a year earlier.

    `change` is the after period's daily rate over last year's. `seasonal` is a RES with last
    year as the control: this year's before→after fall over last year's fall across the same
    phases (> 1: fell more than the season explains); None without last year's before period.
    """

    after_last_year: Period
    count_last_year: int
    count: int
    change: Ratio
    before_last_year: Period | None
    before_count_last_year: int | None
    seasonal: Ratio | None


@dataclass(frozen=True)
class Displacement:
    """Bowers & Johnson's WDQ and total net effect for the ring around the target.

    `interpretation` reads the WDQ's sign only when the target's fall relative to the control
    and the ring's own change relative to the control (`ring`, RES-type: < 1 the ring rose)
    are both beyond noise; otherwise "none".
    `reason` says why the WDQ is not defined: "control_zero" (Ca or Cb is 0) or
    "no_relative_reduction" (the target did not fall relative to the control).
    """

    wdq: float | None
    success_measure: float | None
    buffer_measure: float | None
    total_net_effect: float | None
    interpretation: Interpretation
    reason: str | None
    ring: Ratio


@dataclass(frozen=True)
class RegressionToMean:
    """Was the target picked at a peak? The figures behind the flag.

    Own history: the before count against counts over equal windows further back (mean, SD
    floored at the Poisson √mean, z). Peers: where the target's before value stands among
    comparable areas. `after_vs_history_p` is P(after ≤ observed) at the target's rate before
    the before period: small means the after period is low even against the pre-peak level.
    """

    flagged: bool
    reasons: tuple[str, ...]
    before: int
    history_windows: int
    history_mean: float | None
    history_sd: float | None
    z: float | None
    peers: int
    peer_percentile: float | None
    peer_p90: float | None
    after_vs_history_p: float | None


@dataclass(frozen=True)
class Verdict:
    """Everything `evaluate` found, the one-word verdict and its caveat codes."""

    verdict: Outcome
    caveats: tuple[str, ...]
    before: Period
    after: Period
    target: AreaCounts
    control: AreaCounts
    ring: AreaCounts | None
    relative_effect: Ratio
    did: DifferenceInDifferences
    trend: TrendBaseline | None
    same_phase: SamePhase | None
    displacement: Displacement | None
    regression_to_mean: RegressionToMean
    dispersion: float

    @property
    def relative_change_pct(self) -> float:
        """The target's change relative to the control, % (−30: fell 30 % more)."""
        return (1.0 / self.relative_effect.value - 1.0) * 100.0


@dataclass(frozen=True)
class Circle:
    """A circle in projected metres (see grid.Projection)."""

    x: float
    y: float
    radius_m: float

    def __post_init__(self) -> None:
        if not self.radius_m > 0:
            raise ValueError(f"a circle's radius must be positive, got {self.radius_m}")


@dataclass(frozen=True)
class AreaMasks:
    target: BoolArray
    control: BoolArray
    ring: BoolArray | None


def _check_count(name: str, value: float) -> None:
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a non-negative count, got {value}")


def _check_targets(before: float, after: float) -> None:
    for value in (before, after):
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"targets must be positive, got {value}")


def _targets(
    targets: Mapping[str, float | tuple[float, float]] | None, has_ring: bool
) -> dict[str, tuple[float, float]]:
    result: dict[str, tuple[float, float]] = {}
    for area, value in (targets or {}).items():
        if area not in AREAS:
            raise ValueError(f"targets for unknown area {area!r}; areas: {', '.join(AREAS)}")
        if area == "ring" and not has_ring:
            raise ValueError("targets for the ring, but no ring mask")
        if isinstance(value, tuple):
            pair = (float(value[0]), float(value[1]))
        else:
            pair = (float(value), float(value))
        _check_targets(*pair)
        result[area] = pair
    return result


def _mask(values: npt.ArrayLike, size: int, name: str) -> BoolArray:
    arr = np.asarray(values)
    if arr.dtype != np.bool_:
        raise ValueError(f"the {name} mask must be boolean, got dtype {arr.dtype}")
    arr = arr.ravel()
    if arr.size != size:
        raise ValueError(f"the {name} mask has {arr.size} values for {size} events")
    return arr
