"""Early intervention: which officers a supervisor should look at first, and why.

A methods note (the source of docs/integrity.md). Pure library: arrays in, frozen dataclasses
out; the app `senim/integrity` computes the features from its records and calls this API.

Input — `FeatureTable`: one row per (officer, as-of date). Features are named
`<signal>_<window>d`, the count (hours, days) of a signal over the `window` days before the as-of
date: signals `SIGNALS` (complaints by kind — all, rudeness, inaction, unlawful detention,
bribery, abuse, ill-treatment — sustained complaints, discipline, commendations, sick days,
overtime hours, detentions recorded, detentions with force, custody incidents, the safeguards
register's ill-treatment complaints, calls handled, complained about and reached late, negative
media items about the unit), windows
`WINDOWS_DAYS` (30, 90, 365, 1825). `label` is the adverse outcome in the 12 months after the
as-of date (a sustained complaint, a dismissal), None while it is not known; `peer_group` is
the unit × duty; `groups` the attributes audited for fairness (sex, age band, region).
`window_counts` counts an officer's events in each window strictly before the as-of day, so no
feature can see the future.

1. Threshold rules (`ThresholdRule`, `apply_rules`, `DEFAULT_RULES`): what departments do today,
   e.g. "3 or more complaints in 12 months"; an officer is flagged when any rule fires, and the
   rules that fired are the reasons. They are the baseline the learned ranking must beat.
2. Learned ranking (`RankingModel`): by default a logistic regression (L2, balanced classes) on
   each feature's log(1 + count) minus the same for the median of the officer's peers — same
   unit and duty, same as-of date — standardised. Every score then splits into per-feature
   contributions: `reasons()` returns the features that raise it most, each with the officer's
   value, the peer median and the contribution in log-odds (coefficient × standardised
   deviation from the peers). Gradient boosting is an option (`kind="boosting"`); its reasons
   measure the change of the score when a feature is set to the peer median.
   Supervisor feedback (`FEEDBACK_*` codes per row) changes training weights, never labels: a
   flag a supervisor called wrong that no adverse outcome followed counts double (a confirmed
   false alarm); a row where an intervention was made counts half (its outcome is no longer the
   untreated one, so a clean year may be the intervention working).
3. Evaluation (`temporal_evaluation`): train on the periods before t, test on t, for every t —
   never shuffled. Reported per period and pooled: precision and recall of the top 1 / 5 / 10 %,
   and against the rules on the same officers at the same number of flags (k = the rows the
   rules flag): the ratio of precisions, whose goal is ≥ 1.3. With a known true risk (the
   simulator), the same numbers in expectation.
4. Fairness audit (`fairness_audit`): per attribute and group, flag rate, precision,
   false-positive and false-negative rates and their ratios to the largest group; a model fails
   when a group of at least 30 has an FPR or FNR more than 1.25× that of all the other rows
   (the direction that harms it: flagged without cause, or missed) and the difference is
   significant (α = 0.05, Bonferroni; clustered by officer when officers repeat across
   periods). A group flagged wrongly less often does not block (a warning). Aequitas'
   two-sided band against the largest group is `comparison="both"`. A model that fails is not
   to be activated.
5. Simulator (`simulate_histories`): a synthetic roster with a known true risk, for the tests and
   the demo.

Limits. The ranking learns whatever the recorded outcomes reflect: if complaints against some
units are investigated less, their officers look safer than they are. It ranks officers for a
supervisor's attention; it proves nothing about any one of them, and a flag is not a finding.
Complaints are rare, so one year's precision is noisy (a few dozen hits): read the pooled
figures and their spread over periods. An intervention changes the outcome it was meant to
prevent, which blurs later training data (the feedback weights soften, not cure, this).
Temporal validation guards against training on the future, not against a feature computed with
data from after its as-of date: the app must count only events before each as-of date, and the
label horizon must not exceed the spacing of periods. The fairness audit pools periods, so an
officer counts once per period in its ratios; its significance test clusters those rows by
officer. Disparity ratios at 5 % flags rest on few flags: on the simulated roster
even flagging by the true risk gives women a false-positive-rate ratio between 0.62 and 1.45
depending on the seed (about 900 women-years, two dozen false positives); hence the significance
condition — and the warnings, where a real but unproven disparity shows, must be read.

Measured (benchmarks/early_intervention_bench.py). On the simulated roster (2,000 officers,
six years, five test years pooled; seeds 0–4) the logistic ranking's precision at the rules'
number of flags is 1.21–1.26× the rules' judged with the true risk (mean 1.23) and 1.19–1.34×
judged with one draw of outcomes; ranking by the true risk itself would give 1.44–1.51×. So the
≥ 1.3× goal is not reached on this roster: with complaints this rare, a few years of counts say
little about an officer — a linear model fitted to the true risk itself on these features
reaches 1.32–1.36× — and the baseline includes "a sustained complaint in 12 months", close kin
of the outcome. More officers help a little (8,000: 1.26×); gradient boosting does worse.
These figures depend on the simulator's assumptions; on real records they must be measured
again, and `python -m senim.analytics.early_intervention --seed N` prints them for the
simulation.
"""

from senim.analytics.early_intervention.evaluation import (
    AtShare,
    Evaluation,
    Scorecard,
    flags_at_share,
    temporal_evaluation,
)
from senim.analytics.early_intervention.fairness import (
    DEFAULT_BAND,
    Disparity,
    FairnessReport,
    GroupMetrics,
    fairness_audit,
)
from senim.analytics.early_intervention.features import window_counts
from senim.analytics.early_intervention.ranking import (
    FEEDBACK_INTERVENED,
    FEEDBACK_NONE,
    FEEDBACK_WRONG_FLAG,
    RankingModel,
    Reason,
    feedback_weights,
)
from senim.analytics.early_intervention.rules import (
    DEFAULT_RULES,
    RuleFlags,
    ThresholdRule,
    apply_rules,
)
from senim.analytics.early_intervention.simulate import (
    Roster,
    SimulatedRoster,
    TidyCounts,
    simulate_histories,
)
from senim.analytics.early_intervention.table import (
    SIGNALS,
    WINDOWS_DAYS,
    FeatureTable,
    feature_name,
    standard_feature_names,
)

__all__ = [
    "DEFAULT_BAND",
    "DEFAULT_RULES",
    "FEEDBACK_INTERVENED",
    "FEEDBACK_NONE",
    "FEEDBACK_WRONG_FLAG",
    "SIGNALS",
    "WINDOWS_DAYS",
    "AtShare",
    "Disparity",
    "Evaluation",
    "FairnessReport",
    "FeatureTable",
    "GroupMetrics",
    "RankingModel",
    "Reason",
    "Roster",
    "RuleFlags",
    "Scorecard",
    "SimulatedRoster",
    "ThresholdRule",
    "TidyCounts",
    "apply_rules",
    "fairness_audit",
    "feature_name",
    "feedback_weights",
    "flags_at_share",
    "simulate_histories",
    "standard_feature_names",
    "temporal_evaluation",
    "window_counts",
]
