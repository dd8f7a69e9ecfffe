"""The statistical pieces of an evaluation: ratios with intervals, difference in differences,
the log-linear trend baseline, the same-phase comparison and the regression-to-the-mean check."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from senim.analytics.days import ordinal
from senim.analytics.evaluation.results import (
    _DAY,
    MIN_HISTORY_WINDOWS,
    MIN_PEERS,
    PER_DAYS,
    PER_TARGETS,
    AreaCounts,
    DifferenceInDifferences,
    Ratio,
    RegressionToMean,
    SamePhase,
    TrendBaseline,
    _check_count,
    _Counter,
)
from senim.analytics.grid import FloatArray, IntArray
from senim.analytics.indicators import Period, shift_years


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
    if ordinal(last_year.start) < h0:
        return None
    now = count("target", ordinal(after.start), ordinal(after.end))
    then = count("target", ordinal(last_year.start), ordinal(last_year.end))
    change = _ratio((now,), (then,), last_year.days / after.days, phi, level)
    try:
        before_ly: Period | None = Period(
            shift_years(before.start, -1), shift_years(after.start, -1)
        )
    except ValueError:  # a one-day before period on 29 February has no twin
        before_ly = None
    if before_ly is None or ordinal(before_ly.start) < h0:
        return SamePhase(last_year, then, now, change, None, None, None)
    then_before = count("target", ordinal(before_ly.start), ordinal(before_ly.end))
    now_before = count("target", ordinal(before.start), ordinal(before.end))
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
