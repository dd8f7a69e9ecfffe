"""The paired difference of two forecasts' scores over the same back-test origins, with its
confidence interval: how a model is compared with the yearly count per cell.

Pure numpy/scipy, no dependency on the predictors, so both the back-test and the automatic
predictor use it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class PairedDifference:
    """Mean of (model − baseline) over the origins both scored, with a confidence interval.

    Paired Student t over origins: each origin gives one difference of hit rates on the same
    events, and the interval is mean ± t(n − 1) · sd / √n. The t interval is used rather than a
    bootstrap over origins because back-tests have 8–52 origins, where the percentile
    bootstrap is too narrow (it ignores the t quantile and shrinks the spread by √((n−1)/n);
    at n = 12 it covers about 90 % for a nominal 95 %), while the t interval is exact for
    normal differences and close for bounded, roughly symmetric ones like these (see
    tests/analytics/test_backtest.py, which checks its coverage on planted differences). It
    treats weeks as independent; weekly differences that are positively autocorrelated
    would make any such interval too narrow, so "clearly better" also needs enough weeks.
    """

    mean: float
    low: float
    high: float
    n: int
    confidence: float

    @property
    def verdict(self) -> str:
        """'better' or 'worse' when the interval excludes zero, else 'uncertain'."""
        if self.n >= 2 and self.low > 0:
            return "better"
        if self.n >= 2 and self.high < 0:
            return "worse"
        return "uncertain"

    def to_json(self) -> dict[str, float | int | None]:
        def num(v: float) -> float | None:
            return None if not math.isfinite(v) else round(v, 5)

        return {
            "mean": num(self.mean),
            "low": num(self.low),
            "high": num(self.high),
            "n": self.n,
            "confidence": self.confidence,
        }


def paired_difference(
    model: Sequence[float] | npt.ArrayLike,
    baseline: Sequence[float] | npt.ArrayLike,
    confidence: float = 0.95,
) -> PairedDifference:
    """The paired difference model − baseline over origins where both are scored (not NaN)."""
    from scipy.stats import t as student_t

    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    a = np.asarray(model, dtype=np.float64)
    b = np.asarray(baseline, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError("model and baseline must be scored on the same origins")
    d = (a - b)[np.isfinite(a) & np.isfinite(b)]
    n = int(d.size)
    if n == 0:
        return PairedDifference(math.nan, math.nan, math.nan, 0, confidence)
    mean = float(d.mean())
    if n == 1:
        return PairedDifference(mean, -math.inf, math.inf, 1, confidence)
    half = float(student_t.ppf(0.5 + confidence / 2, n - 1)) * float(d.std(ddof=1)) / math.sqrt(n)
    return PairedDifference(mean, mean - half, mean + half, n, confidence)
