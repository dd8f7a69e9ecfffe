"""Survey weighting and weighted estimates: raking, proportions and means with design-based CIs.

Pure numpy (arrays in, frozen dataclasses out); senim.trust feeds it respondents and margins.

Raking (iterative proportional fitting, Deming–Stephan) adjusts base weights until the weighted
sample reproduces every population margin at once; final weights are scaled to mean 1 (they sum
to the sample size), the convention of weightipy and of most survey packages.

Standard errors use Taylor linearisation of the weighted mean (a ratio estimator) under a
single-stage with-replacement design without strata or clusters:
    var(ȳ) = n / (n − 1) · Σ z_i²,   z_i = w_i (y_i − ȳ) / Σ w
(R survey's `svymean` with `ids = ~1`), which counts the variance the unequal weights add.
Raking's own gain (margins are fixed, not sampled) is ignored, so the SEs are conservative.
Intervals for proportions are built on the logit scale (as `svyciprop(method = "logit")`) so
they stay inside [0, 1] for small shares; a share of exactly 0 or 1 gets a Wilson interval on
the Kish effective sample size. Kish's design effect of weighting is n Σw² / (Σw)² and the
effective sample size n / deff = (Σw)² / Σw².
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

__all__ = [
    "Distribution",
    "Mean",
    "Proportion",
    "RakeResult",
    "RakingError",
    "effective_sample_size",
    "kish_deff",
    "mean",
    "proportion",
    "proportions",
    "rake",
]


class RakingError(ValueError):
    """The margins cannot be reached: an empty category, a bad code or a bad target."""


@dataclass(frozen=True)
class RakeResult:
    weights: np.ndarray  # one per respondent, mean 1
    iterations: int
    converged: bool
    max_error: float  # largest |weighted share − target share| over every margin at the end


@dataclass(frozen=True)
class Proportion:
    estimate: float
    se: float
    low: float
    high: float


@dataclass(frozen=True)
class Distribution:
    """Weighted shares of the categories of one item among those who answered it."""

    n: int
    n_eff: float
    deff: float
    shares: tuple[Proportion, ...]


@dataclass(frozen=True)
class Mean:
    estimate: float
    se: float
    low: float
    high: float
    n: int
    n_eff: float


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError("the confidence level lies between 0 and 1")
    return NormalDist().inv_cdf(0.5 + level / 2)


def rake(
    dims: Mapping[str, np.ndarray],
    targets: Mapping[str, np.ndarray],
    *,
    base_weights: np.ndarray | None = None,
    max_iterations: int = 1000,
    tolerance: float = 1e-10,
) -> RakeResult:
    """Rake to the margins. `dims[name]` holds each respondent's category index 0..K−1;
    `targets[name]` the K population counts (or shares) of that margin."""
    if set(dims) != set(targets):
        raise RakingError("every margin needs both respondent codes and targets")
    if not dims:
        raise RakingError("no margins to rake to")
    n = len(next(iter(dims.values())))
    if n == 0:
        raise RakingError("no respondents")
    weights = np.ones(n) if base_weights is None else np.asarray(base_weights, dtype=float).copy()
    if weights.shape != (n,) or not np.all(np.isfinite(weights)) or np.any(weights <= 0):
        raise RakingError("base weights must be positive, one per respondent")
    codes: dict[str, np.ndarray] = {}
    shares: dict[str, np.ndarray] = {}
    for name, raw in dims.items():
        c = np.asarray(raw)
        t = np.asarray(targets[name], dtype=float)
        if c.shape != (n,):
            raise RakingError(f"{name}: one code per respondent")
        if t.ndim != 1 or np.any(t < 0) or not np.isfinite(t).all() or t.sum() <= 0:
            raise RakingError(f"{name}: targets must be non-negative with a positive total")
        if c.size and (c.min() < 0 or c.max() >= len(t)):
            raise RakingError(f"{name}: a code lies outside the {len(t)} categories")
        seen = np.bincount(c, minlength=len(t))
        empty = np.nonzero((seen == 0) & (t > 0))[0]
        if empty.size:
            # No weight can put people into a category nobody in the sample belongs to.
            raise RakingError(f"{name}: no respondents in categories {empty.tolist()}")
        codes[name] = c.astype(np.intp)
        shares[name] = t / t.sum()

    def worst() -> float:
        total = weights.sum()
        return max(
            float(np.abs(np.bincount(c, weights, len(shares[k])) / total - shares[k]).max())
            for k, c in codes.items()
        )

    iterations, error = 0, worst()
    while error > tolerance and iterations < max_iterations:
        for name, c in codes.items():
            current = np.bincount(c, weights, len(shares[name]))
            factor = np.divide(
                shares[name] * weights.sum(), current, out=np.zeros_like(current), where=current > 0
            )
            weights = weights * factor[c]
        iterations += 1
        error = worst()
    return RakeResult(
        weights=weights * (n / weights.sum()),
        iterations=iterations,
        converged=error <= tolerance,
        max_error=error,
    )


def kish_deff(weights: np.ndarray) -> float:
    w = np.asarray(weights, dtype=float)
    if w.size == 0 or w.sum() <= 0:
        return float("nan")
    return float(w.size * np.square(w).sum() / w.sum() ** 2)


def effective_sample_size(weights: np.ndarray) -> float:
    w = np.asarray(weights, dtype=float)
    if w.size == 0 or w.sum() <= 0:
        return 0.0
    return float(w.sum() ** 2 / np.square(w).sum())


def _linearised_se(y: np.ndarray, w: np.ndarray, estimate: float) -> float:
    n = y.size
    if n < 2:
        return float("nan")
    z = w * (y - estimate) / w.sum()
    return float(np.sqrt(n / (n - 1) * np.square(z).sum()))


def _wilson(p: float, n_eff: float, z: float) -> tuple[float, float]:
    if n_eff <= 0:
        return 0.0, 1.0
    centre = (p + z * z / (2 * n_eff)) / (1 + z * z / n_eff)
    half = z * np.sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff**2)) / (1 + z * z / n_eff)
    low, high = max(0.0, float(centre - half)), min(1.0, float(centre + half))
    # At the boundary the interval starts exactly at the observed 0 or 1 (no rounding noise).
    return (0.0 if p <= 0 else low), (1.0 if p >= 1 else high)


def proportion(indicator: np.ndarray, weights: np.ndarray, *, level: float = 0.95) -> Proportion:
    """The weighted share of True with its linearised SE and a logit-scale interval."""
    y = np.asarray(indicator, dtype=float)
    w = np.asarray(weights, dtype=float)
    if y.shape != w.shape:
        raise ValueError("one weight per respondent")
    if y.size == 0 or w.sum() <= 0:
        return Proportion(float("nan"), float("nan"), float("nan"), float("nan"))
    z = _z(level)
    p = float((w * y).sum() / w.sum())
    se = _linearised_se(y, w, p)
    if 0 < p < 1 and se > 0 and np.isfinite(se):
        logit = np.log(p / (1 - p))
        half = z * se / (p * (1 - p))
        low, high = (float(1 / (1 + np.exp(-(logit + s * half)))) for s in (-1, 1))
    else:
        low, high = _wilson(p, effective_sample_size(w), z)
    return Proportion(estimate=p, se=se, low=low, high=high)


def proportions(
    codes: np.ndarray, weights: np.ndarray, n_categories: int, *, level: float = 0.95
) -> Distribution:
    """Shares of categories 0..K−1 of a single-choice item among the answering respondents."""
    c = np.asarray(codes)
    w = np.asarray(weights, dtype=float)
    if c.shape != w.shape:
        raise ValueError("one weight per respondent")
    shares = tuple(proportion(c == k, w, level=level) for k in range(n_categories))
    return Distribution(
        n=int(c.size), n_eff=effective_sample_size(w), deff=kish_deff(w), shares=shares
    )


def mean(
    values: np.ndarray,
    weights: np.ndarray,
    *,
    level: float = 0.95,
    bounds: tuple[float, float] | None = None,
) -> Mean:
    """The weighted mean of a numeric or Likert item with its linearised SE (normal interval,
    cut to `bounds` when the scale has them, e.g. 0–100 for the trust index)."""
    y = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    if y.shape != w.shape:
        raise ValueError("one weight per respondent")
    if y.size == 0 or w.sum() <= 0:
        nan = float("nan")
        return Mean(nan, nan, nan, nan, 0, 0.0)
    estimate = float((w * y).sum() / w.sum())
    se = _linearised_se(y, w, estimate)
    half = _z(level) * se
    low, high = estimate - half, estimate + half
    if bounds is not None:
        low, high = max(bounds[0], low), min(bounds[1], high)
    return Mean(
        estimate=estimate,
        se=se,
        low=low,
        high=high,
        n=int(y.size),
        n_eff=effective_sample_size(w),
    )
