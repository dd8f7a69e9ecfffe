"""The synthetic roster, and the learned ranking judged on it against the rules and the truth."""

import numpy as np
import pytest

from senim.analytics.early_intervention import (
    DEFAULT_RULES,
    SIGNALS,
    RankingModel,
    apply_rules,
    feature_name,
    simulate_histories,
    temporal_evaluation,
)
from senim.analytics.early_intervention.evaluation import top_k


@pytest.fixture(scope="module")
def roster():
    return simulate_histories(2000, 6, seed=0)


def test_the_roster_is_deterministic_per_seed_and_realistic(roster):
    again = simulate_histories(2000, 6, seed=0)
    assert np.array_equal(again.table.X, roster.table.X)
    assert np.array_equal(again.table.labels(), roster.table.labels())
    table = roster.table
    assert table.n_rows == 2000 * 6
    assert table.periods == (2020, 2021, 2022, 2023, 2024, 2025)
    # Women 6-12 % (seed 000: 6-12 % of Kazakhstan's police today), per seed.
    shares = [simulate_histories(200, 2, seed=s).women_share for s in range(20)]
    assert all(0.06 <= s <= 0.12 for s in shares)
    assert (roster.roster.sex == "F").mean() == pytest.approx(roster.women_share, abs=0.02)
    # Complaints are rare, sustained findings rarer, adverse outcomes a few per cent.
    complaints = table.column("complaints_all_365d")
    sustained = table.column("complaints_sustained_365d")
    assert 0.2 < complaints.mean() < 0.6
    assert sustained.mean() < complaints.mean() / 3
    assert (complaints == 0).mean() > 0.6
    assert 0.03 < table.labels().mean() < 0.10
    assert roster.true_risk.min() > 0 and roster.true_risk.max() < 1
    assert set(table.groups) == {"sex", "age_band", "region"}


def test_tidy_counts_add_up_to_the_features(roster):
    counts = roster.counts
    officer, year = 17, 2023
    table = roster.table
    row = int(np.flatnonzero((table.officer == officer) & (table.period == year))[0])
    for signal in ("complaints_all", "overtime_hours", "calls_handled"):
        mine = (counts.officer == officer) & (counts.signal == signal)
        in_year = counts.count[mine & (counts.year == year)].sum()
        in_december = counts.count[mine & (counts.year == year) & (counts.month == 12)].sum()
        assert table.column(feature_name(signal, 365))[row] == in_year
        assert table.column(feature_name(signal, 30))[row] == in_december
    yearly = roster.yearly_counts()
    assert set(yearly.signal) <= set(SIGNALS)
    assert (yearly.month == 0).all()
    mine = (yearly.officer == officer) & (yearly.year == year) & (yearly.signal == "calls_handled")
    assert yearly.count[mine].sum() == table.column("calls_handled_365d")[row]
    assert yearly.count.sum() == counts.count.sum()


def test_history_predicts_the_outcome_with_noise(roster):
    table = roster.table
    risk, label = roster.true_risk, table.labels()
    # The truth is informative but not a certainty.
    top = top_k(risk, table.n_rows // 20)
    assert label[top].mean() > 3 * label.mean()
    assert label[top].mean() < 0.6


def test_learned_ranking_against_the_rules_at_the_same_number_of_flags(roster):
    """The issue's goal is ≥ 1.3 × the rules' precision. On this roster the logistic ranking
    reaches about 1.1-1.2 × (the true risk itself reaches 1.7 ×): better than the rules, short of
    the goal. `python -m senim.analytics.early_intervention` prints the table."""
    table = roster.table
    evaluation = temporal_evaluation(table, RankingModel, DEFAULT_RULES, truth=roster.true_risk)
    pooled = evaluation.pooled
    assert pooled.n_test == 2000 * 5
    assert pooled.rules_k == apply_rules(table).flagged[table.period > 2020].sum()
    # Judged with the true risk (no noise of one year's outcomes): better than the rules.
    expected_ratio = pooled.expected_ratio_vs_rules
    assert expected_ratio is not None
    assert 1.1 < expected_ratio < 1.3
    assert pooled.ratio_vs_rules > 1.0
    # The top 5 %: about three times the base rate.
    top5 = pooled.at(0.05)
    assert top5.k == 5 * 100
    assert top5.precision > 2.5 * table.labels()[table.period > 2020].mean()
    assert top5.expected_precision is not None and top5.expected_precision > 0.2
    # More years of history help: the last period beats the first.
    first, last = evaluation.periods[0], evaluation.periods[-1]
    assert (last.expected_ratio_vs_rules or 0) > (first.expected_ratio_vs_rules or 0) > 0
    # The ceiling: ranking by the true risk at the rules' number of flags.
    best = ruled = 0.0
    for period in table.periods[1:]:
        rows = np.flatnonzero(table.period == period)
        truth = roster.true_risk[rows]
        best += truth[top_k(truth, int(apply_rules(table).flagged[rows].sum()))].sum()
        ruled += truth[apply_rules(table).flagged[rows]].sum()
    assert best / ruled > 1.5
