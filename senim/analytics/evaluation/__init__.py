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

from senim.analytics.evaluation.baselines import relative_effect
from senim.analytics.evaluation.results import (
    AREAS,
    CAVEATS,
    MIN_HISTORY_WINDOWS,
    MIN_PEERS,
    MIN_TREND_WEEKS,
    PER_DAYS,
    PER_TARGETS,
    RTM_REASONS,
    TARGETS_CHANGE,
    VERDICTS,
    AreaCounts,
    AreaMasks,
    Circle,
    DifferenceInDifferences,
    Displacement,
    Interpretation,
    Outcome,
    Ratio,
    RegressionToMean,
    SamePhase,
    TrendBaseline,
    Verdict,
)
from senim.analytics.evaluation.verdict import (
    area_masks,
    evaluate,
    normalised,
    weighted_displacement_quotient,
)

__all__ = [
    "AREAS",
    "CAVEATS",
    "MIN_HISTORY_WINDOWS",
    "MIN_PEERS",
    "MIN_TREND_WEEKS",
    "PER_DAYS",
    "PER_TARGETS",
    "RTM_REASONS",
    "TARGETS_CHANGE",
    "VERDICTS",
    "AreaCounts",
    "AreaMasks",
    "Circle",
    "DifferenceInDifferences",
    "Displacement",
    "Interpretation",
    "Outcome",
    "Ratio",
    "RegressionToMean",
    "SamePhase",
    "TrendBaseline",
    "Verdict",
    "area_masks",
    "evaluate",
    "normalised",
    "relative_effect",
    "weighted_displacement_quotient",
]
