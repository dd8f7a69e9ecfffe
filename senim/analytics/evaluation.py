"""Honest evaluation of a measure: did the problem fall, and was it the measure?

The methodology (§9.3) answers "did it fall?" with a before/after comparison and "why?" by
ruling out the other explanations of a change. Each explanation has its piece here:

- unequal periods and targets (fewer occupied flats, fewer burglaries): every count is also
  given per day, per 28 days and per 1 000 targets (residents, premises) per 28 days;
- activity cycles: the after period against the same calendar dates a year earlier, and the
  before→after change against last year's change over the same phases;
- long-term trend: a log-linear Poisson trend fitted on the weekly counts before the measure
  and projected over the after period, observed against expected with a prediction interval;
- whatever else changed at the same time: a control area, through Welsh & Farrington's
  relative effect size RES = (a·d)/(b·c) (a, b the target before/after, c, d the control
  before/after; RES > 1 means the target fell relative to the control), log variance
  φ (1/a + 1/b + 1/c + 1/d), and the absolute difference in differences;
- displacement: the ring around the target, through Bowers & Johnson's (2003) weighted
  displacement quotient WDQ = (Da/Ca − Db/Cb) / (Ra/Ca − Rb/Cb) — R target, D ring (buffer),
  C control, b before, a after. It is only defined when the target fell relative to the
  control (Ra/Ca − Rb/Cb < 0); then WDQ > 0 is a diffusion of benefits, < 0 displacement,
  < −1 displacement larger than the direct effect;
- regression to the mean: an area picked because it just peaked falls back on its own.

Crime counts vary more than Poisson (φ > 1); φ is estimated as the Pearson χ²/df of the
target's weekly counts about the trend, floored at 1, and inflates every variance — the
textbook RES formula (φ = 1) gives intervals that are too narrow (Farrington et al. 2007).

Dates are calendar days: anything numpy turns into datetime64[D] (dates, "YYYY-MM-DD",
datetime64); times of day are dropped. The measure runs from `start` to `end`, both
inclusive. The before period is the `before_days` (default: as long as the after period) just
before `start`; the history runs from `history_start` (default: the earliest event) to
`start`, and the events passed must cover it and the after period completely.

The verdict answers "did the problem fall because of the measure?" (α = 1 − level):

- "inconclusive" when there are too few events (the target's or the control's total under
  `min_events`, or a zero in the 2 × 2 table);
- otherwise "no_effect" with "adverse_change" when the RES interval lies below 1 (the target
  rose relative to the control);
- "effect" when the RES interval lies above 1 *and* the observed after count lies below the
  trend's prediction interval (P(count ≤ observed) < α/2) — unless regression to the mean is
  flagged and the after rate is not also significantly below the target's own rate before the
  peak, which makes it "inconclusive";
- "inconclusive" when only the RES shows a fall (no trend, or the trend disagrees);
- "no_effect" when the RES interval rules out a fall of `smallest_effect` (default 20 %)
  relative to the control (upper bound < 1 / (1 − smallest_effect)); else "inconclusive",
  because too little data cannot show that nothing happened.

Caveats are codes (CAVEATS) that pages translate; they never change the numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from senim.analytics.grid import FloatArray, IntArray
from senim.analytics.hotspots import BoolArray
from senim.analytics.indicators import Period, shift_years

DateLike = dt.date | np.datetime64 | str
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


def area_masks(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    target: Circle,
    control: Circle,
    ring_m: float | None = None,
) -> AreaMasks:
    """Masks of the events in a circular target, its ring `ring_m` wide, and a control circle.

    The control must lie clear of the target and its ring: a control the measure (or the
    crime it pushes out) can reach would hide the effect.
    """
    x_a = np.asarray(x, dtype=np.float64).ravel()
    y_a = np.asarray(y, dtype=np.float64).ravel()
    if x_a.shape != y_a.shape:
        raise ValueError(f"x has {x_a.size} values, y has {y_a.size}")
    if not (np.all(np.isfinite(x_a)) and np.all(np.isfinite(y_a))):
        raise ValueError("positions contain NaN or infinite values")
    if ring_m is not None and not ring_m > 0:
        raise ValueError(f"the ring width must be positive, got {ring_m}")
    outer = target.radius_m + (ring_m or 0.0)
    if math.hypot(control.x - target.x, control.y - target.y) < outer + control.radius_m:
        raise ValueError("the control area overlaps the target area or its ring")
    d_target = np.hypot(x_a - target.x, y_a - target.y)
    in_target = d_target <= target.radius_m
    ring = None if ring_m is None else (~in_target) & (d_target <= outer)
    in_control = np.hypot(x_a - control.x, y_a - control.y) <= control.radius_m
    return AreaMasks(in_target, in_control, ring)


def relative_effect(
    target_before: float,
    target_after: float,
    control_before: float,
    control_after: float,
    *,
    exposures: tuple[float, float, float, float] | None = None,
    dispersion: float = 1.0,
    level: float = 0.95,
) -> Ratio:
    """Welsh & Farrington's RES = (a·d)/(b·c) with log variance φ (1/a + 1/b + 1/c + 1/d).

    a, b are the target before/after, c, d the control before/after; RES > 1 means the target
    fell relative to the control. `exposures` (in the same order: days × targets) turn counts
    into rates where they differ; periods of equal length cancel out.
    """
    e = (1.0, 1.0, 1.0, 1.0) if exposures is None else exposures
    for value in e:
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"exposures must be positive, got {value}")
    exposure_ratio = (e[1] * e[2]) / (e[0] * e[3])
    return _ratio(
        (target_before, control_after),
        (target_after, control_before),
        exposure_ratio,
        dispersion,
        level,
    )


def weighted_displacement_quotient(
    target_before: int,
    target_after: int,
    ring_before: int,
    ring_after: int,
    control_before: int,
    control_after: int,
    *,
    dispersion: float = 1.0,
    level: float = 0.95,
) -> Displacement:
    """Bowers & Johnson's WDQ, total net effect and their reading (module doc, class doc)."""
    for name, value in (
        ("target_before", target_before),
        ("target_after", target_after),
        ("ring_before", ring_before),
        ("ring_after", ring_after),
        ("control_before", control_before),
        ("control_after", control_after),
    ):
        _check_count(name, value)
    ring = relative_effect(
        ring_before, ring_after, control_before, control_after, dispersion=dispersion, level=level
    )
    # Bowers & Johnson's letters: R the target (response area), D the ring (buffer), C control.
    rb, ra, db, da = (float(v) for v in (target_before, target_after, ring_before, ring_after))
    cb, ca = float(control_before), float(control_after)
    if cb == 0 or ca == 0:
        return Displacement(None, None, None, None, "not_defined", "control_zero", ring)
    success = ra / ca - rb / cb
    buffer = da / ca - db / cb
    tne = (rb * ca / cb - ra) + (db * ca / cb - da)
    if not success < 0:
        return Displacement(
            None, success, buffer, tne, "not_defined", "no_relative_reduction", ring
        )
    wdq = buffer / success
    # Read the sign only when both changes are beyond noise: a WDQ of two noisy differences
    # can take any value when either is small.
    target = relative_effect(
        target_before,
        target_after,
        control_before,
        control_after,
        dispersion=dispersion,
        level=level,
    )
    reading: Interpretation = "none"
    if target.ci_low > 1.0 and ring.ci_high < 1.0 and wdq < 0:
        reading = "displacement"
    elif target.ci_low > 1.0 and ring.ci_low > 1.0 and wdq > 0:
        reading = "diffusion_of_benefits"
    return Displacement(wdq, success, buffer, tne, reading, None, ring)


def normalised(
    before: int,
    after: int,
    before_days: int,
    after_days: int,
    *,
    targets_before: float | None = None,
    targets_after: float | None = None,
    dispersion: float = 1.0,
    level: float = 0.95,
) -> AreaCounts:
    """Counts per day, per 28 days and per 1 000 targets per 28 days, and their change."""
    _check_count("before", before)
    _check_count("after", after)
    if before_days < 1 or after_days < 1:
        raise ValueError(f"periods need at least one day, got {before_days} and {after_days}")
    if (targets_before is None) != (targets_after is None):
        raise ValueError("give targets for both periods or for neither")
    per_day_b, per_day_a = before / before_days, after / after_days
    per_1000_b = per_1000_a = None
    exposures = (float(before_days), float(after_days))
    if targets_before is not None and targets_after is not None:
        _check_targets(targets_before, targets_after)
        per_1000_b = per_day_b * PER_DAYS / targets_before * PER_TARGETS
        per_1000_a = per_day_a * PER_DAYS / targets_after * PER_TARGETS
        exposures = (before_days * targets_before, after_days * targets_after)
    base, now = (per_day_b, per_day_a) if per_1000_b is None else (per_1000_b, per_1000_a)
    assert now is not None
    change_pct = (now - base) / base * 100.0 if base > 0 else None
    change = _ratio((after,), (before,), exposures[0] / exposures[1], dispersion, level)
    return AreaCounts(
        int(before),
        int(after),
        int(before_days),
        int(after_days),
        targets_before,
        targets_after,
        per_day_b,
        per_day_a,
        per_day_b * PER_DAYS,
        per_day_a * PER_DAYS,
        per_1000_b,
        per_1000_a,
        change_pct,
        change,
    )


def evaluate(
    dates: npt.ArrayLike,
    *,
    target: npt.ArrayLike,
    control: npt.ArrayLike,
    start: DateLike,
    end: DateLike,
    ring: npt.ArrayLike | None = None,
    before_days: int | None = None,
    history_start: DateLike | None = None,
    targets: Mapping[str, float | tuple[float, float]] | None = None,
    peers: npt.ArrayLike | None = None,
    peer_targets: npt.ArrayLike | None = None,
    dispersion: float | None = None,
    level: float = 0.95,
    smallest_effect: float = 0.2,
    min_events: int = 20,
    min_after_days: int = 90,
    rtm_z: float = 2.0,
) -> Verdict:
    """Evaluate a measure in force from `start` to `end` (inclusive) in the `target` area.

    `target`, `control` and `ring` are boolean masks over `dates` (see `area_masks` to build
    them from positions); they must not overlap. `targets` maps "target" / "control" / "ring"
    to their number of targets, one figure or (before, after). `peers` are the before-period
    counts of comparable areas (not the target), or with `peer_targets` their targets, so
    rates per target are compared. `dispersion` overrides the estimated φ (1 for the textbook
    Poisson intervals). The rules behind the verdict are in the module doc.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    if not 0 < smallest_effect < 1:
        raise ValueError(f"smallest_effect must be between 0 and 1, got {smallest_effect}")
    if dispersion is not None and not dispersion > 0:
        raise ValueError(f"dispersion must be positive, got {dispersion}")
    day = _days(dates)
    if day.size == 0:
        raise ValueError("no events: an evaluation needs the events of the areas")
    masks = {
        "target": _mask(target, day.size, "target"),
        "control": _mask(control, day.size, "control"),
    }
    if ring is not None:
        masks["ring"] = _mask(ring, day.size, "ring")
    names = list(masks)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if bool(np.any(masks[first] & masks[second])):
                raise ValueError(f"the {first} and {second} masks overlap")
    first_day, last_day = _day(start), _day(end)
    if last_day < first_day:
        raise ValueError(f"the measure ends ({last_day}) before it starts ({first_day})")
    after = Period(first_day, last_day + dt.timedelta(days=1))
    n_before = after.days if before_days is None else int(before_days)
    if n_before < 1:
        raise ValueError(f"before_days must be at least 1, got {before_days}")
    before = Period(first_day - dt.timedelta(days=n_before), first_day)
    s0, b0, a1 = _ordinal(after.start), _ordinal(before.start), _ordinal(after.end)
    if history_start is None:
        h0 = min(int(day.min()), b0)
    else:
        h0 = _ordinal(_day(history_start))
        if h0 > b0:
            raise ValueError(f"history_start {_day(history_start)} is after the before period")
    exposure = _targets(targets, ring is not None)
    alpha = 1.0 - level

    def count(area: str, lo: int, hi: int) -> int:
        return int(np.count_nonzero(masks[area] & (day >= lo) & (day < hi)))

    # Trend first: its residuals estimate the dispersion every interval uses.
    weeks = (s0 - h0) // 7
    fit = _fit_trend(day[masks["target"]], s0, weeks) if weeks >= MIN_TREND_WEEKS else None
    phi = dispersion if dispersion is not None else (max(1.0, fit[2]) if fit else 1.0)
    trend = None
    if fit is not None:
        trend = _project(fit, weeks, count("target", s0, a1), after.days, phi, level)

    areas = {
        name: normalised(
            count(name, b0, s0),
            count(name, s0, a1),
            before.days,
            after.days,
            targets_before=exposure[name][0] if name in exposure else None,
            targets_after=exposure[name][1] if name in exposure else None,
            dispersion=phi,
            level=level,
        )
        for name in masks
    }
    tgt, ctl = areas["target"], areas["control"]
    t_exp, c_exp = exposure.get("target", (1.0, 1.0)), exposure.get("control", (1.0, 1.0))
    res = relative_effect(
        tgt.before,
        tgt.after,
        ctl.before,
        ctl.after,
        exposures=(t_exp[0], t_exp[1], c_exp[0], c_exp[1]),
        dispersion=phi,
        level=level,
    )
    did = _did(tgt, ctl, phi, level)
    same_phase = _same_phase(count, before, after, h0, phi, level)
    displacement = None
    if "ring" in areas:
        around = areas["ring"]
        displacement = weighted_displacement_quotient(
            tgt.before,
            tgt.after,
            around.before,
            around.after,
            ctl.before,
            ctl.after,
            dispersion=phi,
            level=level,
        )
    rtm = _regression_to_mean(
        count, tgt, h0, b0, phi, rtm_z, peers, peer_targets, exposure.get("target")
    )

    caveats: set[str] = set()
    too_few = (
        tgt.before + tgt.after < min_events
        or ctl.before + ctl.after < min_events
        or min(tgt.before, tgt.after, ctl.before, ctl.after) == 0
    )
    if too_few:
        caveats.add("too_few_events")
    if after.days < min_after_days:
        caveats.add("short_after_period")
    if rtm.history_windows < MIN_HISTORY_WINDOWS:
        caveats.add("short_history")
    if trend is None:
        caveats.add("no_trend_baseline")
    elif after.days > 7 * trend.weeks / 2:
        caveats.add("long_extrapolation")
    if same_phase is None:
        caveats.add("no_same_phase")
    elif (
        same_phase.seasonal is not None
        and tgt.change.p < alpha
        and not same_phase.seasonal.excludes_one()
    ):
        caveats.add("seasonal_change")
    if ctl.change.p < alpha:
        caveats.add("control_also_changed")
    if any(abs(a / b - 1.0) > TARGETS_CHANGE for b, a in exposure.values()):
        caveats.add("targets_changed")
    if displacement is not None and displacement.interpretation == "displacement":
        caveats.add("displacement")
    if rtm.flagged:
        caveats.add("regression_to_mean")

    res_fall, res_rise = res.ci_low > 1.0, res.ci_high < 1.0
    trend_fall = trend is not None and trend.p_lower < alpha / 2
    verdict: Outcome
    if too_few:
        verdict = "inconclusive"
    elif res_rise:
        verdict = "no_effect"
        caveats.add("adverse_change")
    elif res_fall and trend_fall:
        below_history = rtm.after_vs_history_p is not None and rtm.after_vs_history_p < alpha / 2
        verdict = "inconclusive" if rtm.flagged and not below_history else "effect"
    elif res_fall:
        verdict = "inconclusive"
        if trend is not None:
            caveats.add("methods_disagree")
    elif res.ci_high < 1.0 / (1.0 - smallest_effect):
        verdict = "no_effect"
    else:
        verdict = "inconclusive"
    return Verdict(
        verdict,
        tuple(code for code in CAVEATS if code in caveats),
        before,
        after,
        tgt,
        ctl,
        areas.get("ring"),
        res,
        did,
        trend,
        same_phase,
        displacement,
        rtm,
        phi,
    )


# --- pieces -------------------------------------------------------------------------------


def _ratio(
    numerator: tuple[float, ...],
    denominator: tuple[float, ...],
    exposure_ratio: float,
    dispersion: float,
    level: float,
) -> Ratio:
    """Π numerator / Π denominator × exposure_ratio; log variance φ Σ 1/count."""
    for value in (*numerator, *denominator):
        _check_count("count", value)
    if not dispersion > 0:
        raise ValueError(f"dispersion must be positive, got {dispersion}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    corrected = bool(np.any(num == 0) or np.any(den == 0))
    if corrected:
        num, den = num + 0.5, den + 0.5
    log_value = float(np.log(num).sum() - np.log(den).sum()) + math.log(exposure_ratio)
    log_var = dispersion * float(np.sum(1.0 / num) + np.sum(1.0 / den))
    se = math.sqrt(log_var)
    q = float(stats.norm.ppf(0.5 + level / 2))
    z = log_value / se
    return Ratio(
        math.exp(log_value),
        log_var,
        math.exp(log_value - q * se),
        math.exp(log_value + q * se),
        z,
        float(2.0 * stats.norm.sf(abs(z))),
        corrected,
    )


def _did(
    target: AreaCounts, control: AreaCounts, phi: float, level: float
) -> DifferenceInDifferences:
    """Absolute DiD in the most normalised common rate; Poisson variance × φ per count."""
    per_targets = target.per_1000_before is not None and control.per_1000_before is not None
    change, var = [], 0.0
    for area in (target, control):
        scale_b = PER_DAYS / area.before_days
        scale_a = PER_DAYS / area.after_days
        if per_targets:
            assert area.targets_before is not None and area.targets_after is not None
            scale_b *= PER_TARGETS / area.targets_before
            scale_a *= PER_TARGETS / area.targets_after
        change.append(area.after * scale_a - area.before * scale_b)
        var += phi * (area.after * scale_a**2 + area.before * scale_b**2)
    diff, se = change[0] - change[1], math.sqrt(var)
    q = float(stats.norm.ppf(0.5 + level / 2))
    unit: Literal["per_28d", "per_1000_per_28d"] = "per_1000_per_28d" if per_targets else "per_28d"
    return DifferenceInDifferences(
        unit, change[0], change[1], diff, se, diff - q * se, diff + q * se
    )


def _fit_trend(
    target_days: IntArray, start: int, weeks: int
) -> tuple[FloatArray, FloatArray, float] | None:
    """Poisson log-linear fit of the weekly counts ending at `start` (IRLS).

    Returns the coefficients (log weekly count at the start, log change per week), their
    unscaled covariance (X'WX)⁻¹ and the Pearson χ²/df; None when there is nothing to fit.
    Week k (0 = the last before the start) covers [start − 7(k+1), start − 7k); its time is
    its middle, −(k + ½) weeks.
    """
    inside = (target_days >= start - 7 * weeks) & (target_days < start)
    week = (start - 1 - target_days[inside]) // 7
    y = np.bincount(week, minlength=weeks).astype(np.float64)
    if y.sum() == 0:
        return None
    t = -(np.arange(weeks, dtype=np.float64) + 0.5)
    x = np.column_stack([np.ones(weeks), t])
    beta = np.array([math.log(y.mean()), 0.0])
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(100):  # Newton = IRLS for the canonical log link
            mu = np.exp(x @ beta)
            try:
                step = np.linalg.solve((x.T * mu) @ x, x.T @ (y - mu))
            except np.linalg.LinAlgError:
                return None
            beta = beta + step
            if not np.all(np.isfinite(beta)):
                return None
            if float(np.max(np.abs(step))) < 1e-10:
                break
        else:
            return None
    mu = np.exp(x @ beta)
    cov = np.linalg.inv((x.T * mu) @ x)
    pearson = float(np.sum((y - mu) ** 2 / mu)) / max(weeks - 2, 1)
    return beta, cov, pearson


def _project(
    fit: tuple[FloatArray, FloatArray, float],
    weeks: int,
    observed: int,
    after_days: int,
    phi: float,
    level: float,
) -> TrendBaseline:
    """Expected after count if the trend continued, and a prediction interval around it.

    Its variance adds the count's own noise (φ·E) to the uncertainty of the fitted trend
    (delta method); the interval is a negative binomial with that mean and variance, so it
    stays sensible for small counts.
    """
    beta, cov, _ = fit
    t = (np.arange(after_days, dtype=np.float64) + 0.5) / 7.0
    x = np.column_stack([np.ones(after_days), t])
    daily = np.exp(x @ beta) / 7.0
    expected = float(daily.sum())
    grad = daily @ x
    var = phi * expected + phi * float(grad @ cov @ grad)
    dist = _count_distribution(expected, var)
    alpha = 1.0 - level
    return TrendBaseline(
        weeks,
        (math.exp(float(beta[1])) - 1.0) * 100.0,
        phi,
        int(observed),
        expected,
        int(dist.ppf(alpha / 2)),
        int(dist.ppf(1 - alpha / 2)),
        float(dist.cdf(observed)),
        float(dist.sf(observed - 1)),
    )


def _count_distribution(mean: float, var: float) -> stats.rv_discrete:
    """Poisson, or negative binomial when the variance exceeds the mean."""
    if var <= mean * (1 + 1e-9):
        return stats.poisson(mean)
    return stats.nbinom(mean * mean / (var - mean), mean / var)


def _same_phase(
    count: _Counter, before: Period, after: Period, h0: int, phi: float, level: float
) -> SamePhase | None:
    """The after period against the same dates a year earlier (activity cycles)."""
    last_year = Period(shift_years(after.start, -1), shift_years(after.last_day, -1) + _DAY)
    if _ordinal(last_year.start) < h0:
        return None
    now = count("target", _ordinal(after.start), _ordinal(after.end))
    then = count("target", _ordinal(last_year.start), _ordinal(last_year.end))
    change = _ratio((now,), (then,), last_year.days / after.days, phi, level)
    try:
        before_ly: Period | None = Period(
            shift_years(before.start, -1), shift_years(after.start, -1)
        )
    except ValueError:  # a one-day before period on 29 February has no twin
        before_ly = None
    if before_ly is None or _ordinal(before_ly.start) < h0:
        return SamePhase(last_year, then, now, change, None, None, None)
    then_before = count("target", _ordinal(before_ly.start), _ordinal(before_ly.end))
    now_before = count("target", _ordinal(before.start), _ordinal(before.end))
    seasonal = relative_effect(
        now_before,
        now,
        then_before,
        then,
        exposures=(before.days, after.days, before_ly.days, last_year.days),
        dispersion=phi,
        level=level,
    )
    return SamePhase(last_year, then, now, change, before_ly, then_before, seasonal)


def _regression_to_mean(
    count: _Counter,
    target: AreaCounts,
    h0: int,
    b0: int,
    phi: float,
    rtm_z: float,
    peers: npt.ArrayLike | None,
    peer_targets: npt.ArrayLike | None,
    target_exposure: tuple[float, float] | None,
) -> RegressionToMean:
    """Flag a target picked at a peak: its own history, and its rank among its peers."""
    reasons = []
    n = target.before_days
    windows = [count("target", lo, lo + n) for lo in range(b0 - n, h0 - 1, -n)]
    mean = sd = z = None
    if len(windows) >= MIN_HISTORY_WINDOWS:
        mean = float(np.mean(windows))
        sd = max(float(np.std(windows, ddof=1)), math.sqrt(mean))
        if sd > 0:
            z = (target.before - mean) / sd
            if z > rtm_z:
                reasons.append("above_own_history")
    n_peers, percentile, p90 = 0, None, None
    if peers is not None:
        values = np.asarray(peers, dtype=np.float64).ravel()
        mine = float(target.before)
        if peer_targets is not None:
            sizes = np.asarray(peer_targets, dtype=np.float64).ravel()
            if sizes.shape != values.shape or not bool(np.all(sizes > 0)):
                raise ValueError("peer_targets must be positive, one per peer")
            if target_exposure is None:
                raise ValueError("peer_targets need the target's own targets")
            values = values / sizes
            mine = mine / target_exposure[0]
        if not bool(np.all(np.isfinite(values))) or bool(np.any(values < 0)):
            raise ValueError("peers must be non-negative counts or rates")
        n_peers = values.size
        if n_peers >= MIN_PEERS:
            percentile = float(np.mean(values < mine)) * 100.0
            p90 = float(np.quantile(values, 0.9))
            if mine >= p90:
                reasons.append("top_decile_of_peers")
    # The after period against the level before the before period: a real effect takes the
    # target below its usual level, a fall back from a peak only to it.
    hist_days = b0 - h0
    after_p = None
    if hist_days > 0:
        hist = count("target", h0, b0)
        if hist > 0:
            scale = target.after_days / hist_days
            expected = hist * scale
            var = phi * (expected + hist * scale**2)
            after_p = float(_count_distribution(expected, var).cdf(target.after))
    return RegressionToMean(
        bool(reasons),
        tuple(reasons),
        target.before,
        len(windows),
        mean,
        sd,
        z,
        n_peers,
        percentile,
        p90,
        after_p,
    )


# --- input checks -------------------------------------------------------------------------


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


def _day(value: DateLike) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        day = np.datetime64(value).astype("datetime64[D]")
    except ValueError as exc:
        raise ValueError(f"not a date: {value!r}") from exc
    if np.isnat(day):
        raise ValueError(f"not a date: {value!r}")
    result = day.astype(object)
    assert isinstance(result, dt.date)
    return result


def _days(values: npt.ArrayLike) -> IntArray:
    arr = np.asarray(values)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    try:
        days = arr.astype("datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"dates must be dates or datetime64, got dtype {arr.dtype}") from exc
    if bool(np.any(np.isnat(days))):
        raise ValueError("dates contain NaT (missing dates)")
    return days.astype(np.int64).ravel()


def _ordinal(day: dt.date) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))
