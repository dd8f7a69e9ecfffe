"""The fairness audit: rates per group against the largest group, and a biased model blocked."""

import math

import numpy as np
import pytest

from senim.analytics.early_intervention import (
    DEFAULT_RULES,
    FeatureTable,
    RankingModel,
    fairness_audit,
    simulate_histories,
    temporal_evaluation,
)
from senim.analytics.early_intervention.evaluation import flags_at_share


def audited(label, sex, extra_groups=None):
    n = len(label)
    return FeatureTable(
        names=("x",),
        X=np.zeros((n, 1)),
        officer=np.arange(n),
        period=np.zeros(n, dtype=int),
        label=np.asarray(label, dtype=bool),
        groups={"sex": np.asarray(sex), **(extra_groups or {})},
    )


def test_group_rates_and_ratios_by_hand():
    # Men (reference, 6 rows): flagged 0,1,2; positives 0,1,3 → TP 2, FP 1, FN 1, TN 2.
    # Women (4 rows): flagged 6,7; positives 6,8 → TP 1, FP 1, FN 1, TN 1.
    label = [1, 1, 0, 1, 0, 0, 1, 0, 1, 0]
    flags = np.array([1, 1, 1, 0, 0, 0, 1, 1, 0, 0], dtype=bool)
    sex = ["M"] * 6 + ["F"] * 4
    report = fairness_audit(audited(label, sex), flags, min_group_size=1, alpha=None)
    men, women = report.group("sex", "M"), report.group("sex", "F")
    assert men.is_reference and not women.is_reference
    assert (men.size, men.flagged, men.positives, men.true_positives) == (6, 3, 3, 2)
    assert men.flag_rate == 0.5 and men.precision == pytest.approx(2 / 3)
    assert men.fpr == pytest.approx(1 / 3) and men.fnr == pytest.approx(1 / 3)
    assert women.flag_rate == 0.5 and women.precision == 0.5
    assert women.fpr == 0.5 and women.fnr == 0.5
    assert women.ratios["fpr"] == pytest.approx(1.5)
    assert women.ratios["precision"] == pytest.approx(0.75)
    assert not report.passed
    assert {(d.group, d.metric) for d in report.failures} == {("F", "fpr"), ("F", "fnr")}
    failure = report.failures[0]
    assert failure.attribute == "sex" and failure.reference_group == "M"
    assert failure.ratio == pytest.approx(1.5)
    # Ten rows are not evidence: with the significance test on, it is only a warning — and
    # men's lower rates (the harmless direction) are warnings too, never failures.
    cautious = fairness_audit(audited(label, sex), flags, min_group_size=1)
    assert cautious.passed and len(cautious.warnings) == 4
    assert {(d.group, d.metric) for d in cautious.warnings} >= {("M", "fpr"), ("M", "fnr")}


def scored_population(seed, n=20000, women_share=0.1):
    rng = np.random.default_rng(seed)
    label = rng.random(n) < 0.08
    sex = np.where(rng.random(n) < women_share, "F", "M")
    age = rng.choice(["<30", "30-39", "40-49", "50+"], size=n)
    score = label * 1.2 + rng.normal(size=n)  # informative, blind to sex and age
    return audited(label, sex, {"age_band": age}), score


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_unbiased_model_passes_and_a_biased_one_is_blocked(seed):
    table, score = scored_population(seed)
    fair = fairness_audit(table, flags_at_share(score, 0.05))
    assert fair.passed, fair.failures
    women = table.groups["sex"] == "F"
    inflated = score + 0.5 * women  # the planted bias: women's scores pushed up
    biased = fairness_audit(table, flags_at_share(inflated, 0.05))
    assert not biased.passed
    assert ("sex", "F", "fpr") in {(d.attribute, d.group, d.metric) for d in biased.failures}
    fpr = next(d for d in biased.failures if d.metric == "fpr")
    assert fpr.ratio > 1.25 and fpr.reference_group == "M" and fpr.p_value < 0.001


def test_small_groups_are_reported_but_not_judged():
    table, score = scored_population(0, n=4000, women_share=0.005)
    women = table.groups["sex"] == "F"
    assert 0 < women.sum() < 30
    report = fairness_audit(table, flags_at_share(score + 3.0 * women, 0.05))
    assert report.passed
    assert not report.group("sex", "F").judged
    assert any(w.group == "F" for w in report.warnings)


@pytest.fixture(scope="module")
def evaluated():
    roster = simulate_histories(2000, 6, seed=0)
    evaluation = temporal_evaluation(roster.table, RankingModel, DEFAULT_RULES)
    return roster, evaluation


def test_on_the_roster_the_audit_blocks_a_model_that_inflates_womens_scores(evaluated):
    roster, evaluation = evaluated
    table = roster.table
    flags = evaluation.top_flags(0.05)
    report = fairness_audit(table, flags, rows=evaluation.tested)
    assert report.passed, report.failures
    assert report.group("sex", "M").size == (roster.roster.sex == "M").sum() * 5
    biased_scores = evaluation.scores * np.where(table.groups["sex"] == "F", 1.5, 1.0)
    biased = np.zeros(table.n_rows, dtype=bool)
    for period in table.periods[1:]:
        rows = np.flatnonzero(table.period == period)
        biased[rows] = flags_at_share(biased_scores[rows], 0.05)
    blocked = fairness_audit(table, biased, rows=evaluation.tested)
    assert not blocked.passed
    assert ("sex", "F", "fpr") in {(d.attribute, d.group, d.metric) for d in blocked.failures}


def test_the_numbers_match_fairlearns_metric_frame(evaluated):
    fairlearn = pytest.importorskip("fairlearn.metrics")
    from sklearn.metrics import precision_score

    roster, evaluation = evaluated
    tested = evaluation.tested
    table = roster.table.select(tested)
    flags = evaluation.top_flags(0.05)[tested]
    report = fairness_audit(table, flags)
    for attribute in ("sex", "age_band", "region"):
        frame = fairlearn.MetricFrame(
            metrics={
                "flag_rate": fairlearn.selection_rate,
                "precision": lambda y, p: precision_score(y, p, zero_division=np.nan),
                "fpr": fairlearn.false_positive_rate,
                "fnr": fairlearn.false_negative_rate,
            },
            y_true=table.labels(),
            y_pred=flags,
            sensitive_features=table.groups[attribute],
        )
        by_group = frame.by_group
        reference = next(g for g in report.groups if g.attribute == attribute and g.is_reference)
        for entry in (g for g in report.groups if g.attribute == attribute):
            for metric in ("flag_rate", "precision", "fpr", "fnr"):
                theirs = float(by_group.loc[entry.group, metric])
                mine = entry.rate(metric)
                assert (math.isnan(mine) and math.isnan(theirs)) or mine == pytest.approx(theirs)
                ratio = theirs / float(by_group.loc[reference.group, metric])
                if math.isfinite(ratio):
                    assert entry.ratios[metric] == pytest.approx(ratio)


def test_a_group_flagged_wrongly_less_often_does_not_block_but_aequitas_two_sided_would():
    # The decision case (the demo's): ten regions whose officers without an adverse outcome are
    # flagged 8 % of the time, and one flagged 3.5 %. That region is not harmed by the flags,
    # and no other region is over-flagged against the rest of the force beyond the band: the
    # default audit passes and warns of it; Aequitas' two-sided band against the largest group
    # would block the model.
    rng = np.random.default_rng(0)
    names = ["A"] + [f"R{i}" for i in range(9)] + ["C"]
    region = np.array([n for n in names for _ in range(4100 if n == "A" else 4000)])
    label = np.zeros(region.size, dtype=bool)
    flags = rng.random(region.size) < np.where(region == "C", 0.035, 0.08)
    table = audited(label, np.full(region.size, "M"), {"region": region})
    harm = fairness_audit(table, flags, metrics=("fpr",))
    assert harm.passed, harm.failures
    low = [d for d in harm.warnings if d.group == "C"]
    assert low and low[0].ratio < 0.8 and low[0].reference_group == "rest"
    both = fairness_audit(table, flags, metrics=("fpr",), comparison="both")
    assert not both.passed
    assert {(d.group, d.metric) for d in both.failures} == {("C", "fpr")}
    assert both.failures[0].reference_group == "A"


def test_the_largest_group_over_flagged_is_blocked_against_the_rest():
    # Harm may fall on the largest group: its FPR 1.6× everyone else's blocks (it would never
    # be judged against itself as the Aequitas reference).
    rng = np.random.default_rng(1)
    region = np.array(["big"] * 6000 + ["s1"] * 2000 + ["s2"] * 2000)
    label = np.zeros(region.size, dtype=bool)
    rate = np.where(region == "big", 0.08, 0.05)
    flags = rng.random(region.size) < rate
    table = audited(label, np.full(region.size, "M"), {"region": region})
    report = fairness_audit(table, flags, metrics=("fpr",))
    assert ("region", "big", "fpr") in {(d.attribute, d.group, d.metric) for d in report.failures}
    assert all(d.group == "big" for d in report.failures)


def test_repeated_officers_are_clustered_in_the_significance_test():
    # The same 60 women and 600 men over five years: a flag pattern that repeats per officer is
    # one officer's evidence five times, not five officers'. The clustered p-value is larger
    # than Fisher's on the pooled rows would be, and repetition alone cannot make it pass as
    # independent evidence.
    rng = np.random.default_rng(2)
    n_officers, years = 660, 5
    sex_officer = np.array(["F"] * 60 + ["M"] * 600)
    flag_officer = rng.random(n_officers) < np.where(sex_officer == "F", 0.12, 0.06)
    officer = np.tile(np.arange(n_officers), years)
    table = FeatureTable(
        names=("x",),
        X=np.zeros((officer.size, 1)),
        officer=officer,
        period=np.repeat(np.arange(years), n_officers),
        label=np.zeros(officer.size, dtype=bool),
        groups={"sex": sex_officer[officer]},
    )
    flags = flag_officer[officer]
    clustered = fairness_audit(table, flags, metrics=("fpr",), alpha=0.05)
    once = fairness_audit(
        table.select(table.period == 0), flags[table.period == 0], metrics=("fpr",), alpha=0.05
    )
    repeated = [d for d in (*clustered.failures, *clustered.warnings) if d.group == "F"]
    single = [d for d in (*once.failures, *once.warnings) if d.group == "F"]
    assert repeated and single
    # Five copies of the same officers give (about) the evidence of one copy, not five.
    assert repeated[0].p_value == pytest.approx(single[0].p_value, rel=0.6)
    assert repeated[0].p_value > 1e-3
