"""Temporal evaluation: train on the past only, measured against the rules at equal flags."""

import numpy as np
import pytest
from sklearn.model_selection import KFold

from senim.analytics.early_intervention import (
    FEEDBACK_WRONG_FLAG,
    FeatureTable,
    RankingModel,
    ThresholdRule,
    simulate_histories,
    temporal_evaluation,
)
from senim.analytics.early_intervention.evaluation import flags_at_share

RULES = (ThresholdRule("complaints_all_365d", 3, "3 or more complaints in 12 months"),)


def with_feature(table, name, values):
    return FeatureTable(
        names=(*table.names, name),
        X=np.column_stack([table.X, values]),
        officer=table.officer,
        period=table.period,
        label=table.label,
        peer_group=table.peer_group,
        groups=table.groups,
    )


@pytest.fixture(scope="module")
def roster():
    return simulate_histories(1500, 5, seed=11)


def test_a_future_only_signal_cannot_be_used_by_a_model_trained_on_the_past(roster):
    table = roster.table
    last = max(table.periods)
    rng = np.random.default_rng(0)
    # A signal that is noise in every past period and equals the outcome in the test period:
    # what a feature computed after the as-of date would look like.
    leak = np.where(table.period == last, table.labels(), rng.random(table.n_rows) < 0.06)
    leaky = with_feature(table, "future_only", leak.astype(float))
    past = len(table.periods) - 1
    honest = temporal_evaluation(table, RankingModel, RULES, min_train_periods=past).pooled
    leaked = temporal_evaluation(leaky, RankingModel, RULES, min_train_periods=past).pooled
    assert [c.period for c in (honest, leaked)] == [None, None]
    # No better than without it (it may even be worse: the small coefficient the noise got in
    # the past, whatever its sign, now moves exactly the positives).
    for share in (0.01, 0.05, 0.10):
        assert leaked.at(share).precision <= honest.at(share).precision + 0.03
    assert leaked.at(0.05).precision < 0.4

    # The same signal under a shuffled split (rows of the test period in training) is exploited.
    in_last = np.flatnonzero(leaky.period == last)
    scores = np.full(leaky.n_rows, np.nan)
    for train, test in KFold(5, shuffle=True, random_state=0).split(leaky.X):
        model = RankingModel().fit(leaky.select(train))
        scores[test] = model.score(leaky.select(test))
    flagged = flags_at_share(scores[in_last], 0.05)
    shuffled_precision = leaky.labels()[in_last][flagged].mean()
    assert shuffled_precision > 0.5
    assert shuffled_precision > 2 * leaked.at(0.05).precision


def test_each_period_is_scored_by_a_model_that_never_saw_it():
    seen = []

    class Spy(RankingModel):
        def fit(self, table, *, feedback=None):
            seen.append((tuple(table.periods), feedback))
            return super().fit(table, feedback=feedback)

    roster = simulate_histories(300, 4, seed=2)
    feedback = np.zeros(roster.table.n_rows, dtype=int)
    feedback[roster.table.period == 2021] = FEEDBACK_WRONG_FLAG
    evaluation = temporal_evaluation(roster.table, Spy, RULES, feedback=feedback)
    assert [s[0] for s in seen] == [(2020,), (2020, 2021), (2020, 2021, 2022)]
    # Feedback travels with the training rows only.
    assert [int((s[1] == FEEDBACK_WRONG_FLAG).sum()) for s in seen] == [0, 300, 300]
    assert [c.period for c in evaluation.periods] == [2021, 2022, 2023]
    assert not evaluation.tested[roster.table.period == 2020].any()
    assert evaluation.tested[roster.table.period > 2020].all()
    flags = evaluation.top_flags(0.10)
    assert flags.sum() == 3 * 30
    assert not flags[~evaluation.tested].any()


def test_precision_recall_and_the_ratio_to_the_rules_by_hand():
    class Oracle(RankingModel):
        """Scores are the feature `hint` (fit does nothing)."""

        def fit(self, table, *, feedback=None):
            return self

        def score(self, table):
            return table.column("hint")

    # Period 2: ten officers; the rules flag rows 0-3 (two positive: 0, 1); the model's top 4
    # by hint are rows 0, 1, 4, 5 (three positive: 0, 1, 4).
    complaints = [5, 4, 3, 3, 0, 0, 0, 0, 0, 0]
    hint = [9, 8, 1, 1, 7, 6, 0, 0, 0, 0]
    label = [1, 1, 0, 0, 1, 0, 0, 0, 0, 1]
    table = FeatureTable(
        names=("complaints_all_365d", "hint"),
        X=np.array([complaints * 2, hint * 2], dtype=float).T,
        officer=np.tile(np.arange(10), 2),
        period=np.repeat([1, 2], 10),
        label=np.array(label * 2, dtype=bool),
    )
    evaluation = temporal_evaluation(table, Oracle, RULES, shares=(0.1, 0.5))
    (card,) = evaluation.periods
    assert card.period == 2 and card.n_train == 10 and card.positives == 4
    assert card.rules_k == 4 and card.rules_hits == 2 and card.model_hits_at_rules_k == 3
    assert card.rules_precision == 0.5
    assert card.model_precision_at_rules_k == 0.75
    assert card.ratio_vs_rules == pytest.approx(1.5)
    assert card.rules_recall == 0.5 and card.model_recall_at_rules_k == 0.75
    top10, top50 = card.at_shares
    assert (top10.k, top10.hits, top10.precision, top10.recall) == (1, 1, 1.0, 0.25)
    assert (top50.k, top50.hits, top50.precision, top50.recall) == (5, 3, 0.6, 0.75)
    assert card.expected_ratio_vs_rules is None
    assert evaluation.pooled.ratio_vs_rules == pytest.approx(1.5)
    assert "pooled" in evaluation.to_text()


def test_evaluation_needs_labels_and_a_past():
    roster = simulate_histories(100, 2, seed=1)
    one_period = roster.table.select(roster.table.period == 2020)
    with pytest.raises(ValueError, match="needs more than 1 period"):
        temporal_evaluation(one_period, RankingModel, RULES)
    with pytest.raises(ValueError, match="truth must have"):
        temporal_evaluation(roster.table, RankingModel, RULES, truth=np.zeros(3))
    quiet_start = FeatureTable(
        names=roster.table.names,
        X=roster.table.X,
        officer=roster.table.officer,
        period=roster.table.period,
        label=roster.table.labels() & (roster.table.period > 2020),
    )
    with pytest.raises(ValueError, match="test period 2021: the rows before it hold only one"):
        temporal_evaluation(quiet_start, RankingModel, RULES)
