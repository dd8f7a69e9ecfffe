"""Areas, normalisation, the relative effect size, the displacement quotient and `evaluate`,
which puts them together into a Verdict (see the package docstring)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from senim.analytics.days import DateLike, ordinal, to_day, to_days
from senim.analytics.evaluation.baselines import (
    _did,
    _fit_trend,
    _project,
    _ratio,
    _regression_to_mean,
    _same_phase,
    relative_effect,
)
from senim.analytics.evaluation.results import (
    CAVEATS,
    MIN_HISTORY_WINDOWS,
    MIN_TREND_WEEKS,
    PER_DAYS,
    PER_TARGETS,
    TARGETS_CHANGE,
    AreaCounts,
    AreaMasks,
    Circle,
    Displacement,
    Interpretation,
    Outcome,
    Verdict,
    _check_count,
    _check_targets,
    _mask,
    _targets,
)
from senim.analytics.indicators import Period


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
    day = to_days(dates)
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
    first_day, last_day = to_day(start), to_day(end)
    if last_day < first_day:
        raise ValueError(f"the measure ends ({last_day}) before it starts ({first_day})")
    after = Period(first_day, last_day + dt.timedelta(days=1))
    n_before = after.days if before_days is None else int(before_days)
    if n_before < 1:
        raise ValueError(f"before_days must be at least 1, got {before_days}")
    before = Period(first_day - dt.timedelta(days=n_before), first_day)
    s0, b0, a1 = ordinal(after.start), ordinal(before.start), ordinal(after.end)
    if history_start is None:
        h0 = min(int(day.min()), b0)
    else:
        h0 = ordinal(to_day(history_start))
        if h0 > b0:
            raise ValueError(f"history_start {to_day(history_start)} is after the before period")
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
