"""The feature table, the threshold rules and bad input to every entry point."""

from typing import Any

import numpy as np
import pytest

from senim.analytics.early_intervention import (
    DEFAULT_RULES,
    SIGNALS,
    WINDOWS_DAYS,
    FeatureTable,
    RankingModel,
    ThresholdRule,
    apply_rules,
    fairness_audit,
    feature_name,
    flags_at_share,
    standard_feature_names,
    temporal_evaluation,
)


def small_table(**overrides: Any) -> FeatureTable:
    fields: dict[str, Any] = {
        "names": ("complaints_all_365d", "discipline_365d"),
        "X": np.array([[0.0, 0.0], [3.0, 0.0], [1.0, 2.0], [5.0, 1.0]]),
        "officer": np.array([1, 2, 3, 4]),
        "period": np.array([2024, 2024, 2024, 2024]),
        "label": np.array([False, True, False, True]),
        "peer_group": np.array(["U1/patrol"] * 4),
        "groups": {"sex": np.array(["M", "F", "M", "M"])},
    }
    fields.update(overrides)
    return FeatureTable(**fields)


def test_feature_names_follow_the_signal_window_convention():
    assert feature_name("complaints_rudeness", 365) == "complaints_rudeness_365d"
    names = standard_feature_names()
    assert len(names) == len(SIGNALS) * len(WINDOWS_DAYS)
    assert names[:2] == ("complaints_all_30d", "complaints_all_90d")
    # Every default rule reads a feature the app computes under the convention.
    assert {rule.feature for rule in DEFAULT_RULES} <= set(names)


def test_rules_flag_rows_and_say_which_rule_fired():
    rules = (
        ThresholdRule("complaints_all_365d", 3, "3 or more complaints in 12 months"),
        ThresholdRule("discipline_365d", 2, "2 or more disciplinary measures in 12 months"),
    )
    flags = apply_rules(small_table(), rules)
    assert flags.flagged.tolist() == [False, True, True, True]
    assert flags.count == 3
    assert flags.reasons(0) == ()
    assert flags.reasons(1) == (rules[0],)
    assert flags.reasons(2) == (rules[1],)
    assert flags.reasons(3) == (rules[0],)  # 5 complaints; one measure is below two


def test_peer_medians_compare_within_unit_and_duty_and_fall_back_for_small_groups():
    table = FeatureTable(
        names=("a",),
        X=np.array([[1.0], [2.0], [3.0], [10.0], [20.0], [30.0], [7.0]]),
        officer=np.arange(7),
        period=np.array([1, 1, 1, 1, 1, 1, 1]),
        peer_group=np.array(["P", "P", "P", "Q", "Q", "Q", "R"]),
    )
    medians = table.peer_medians(min_peers=3)[:, 0]
    # P and Q compare within themselves; R (one officer) falls back to the whole period.
    assert medians.tolist() == [2.0, 2.0, 2.0, 20.0, 20.0, 20.0, 7.0]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"officer": np.array([1, 2, 3])}, "officer has 3 rows but X has 4"),
        ({"period": np.array([2024] * 5)}, "period has 5 rows but X has 4"),
        ({"label": np.array([True, False])}, "label has 2 rows"),
        ({"groups": {"sex": np.array(["M"])}}, r"groups\['sex'\] has 1 rows"),
        ({"peer_group": np.array(["a", "b"])}, "peer_group has 2 rows"),
        ({"names": ("only_one",)}, "X has 2 columns but 1 feature names"),
        ({"names": ("a", "a")}, "feature names must be unique"),
        ({"label": np.array([0, 1, 2, 0])}, "label must be boolean"),
        ({"period": np.array([2024.5] * 4)}, "period must hold integers"),
        ({"X": np.array([1.0, 2.0, 3.0, 4.0])}, "X must be two-dimensional"),
    ],
)
def test_mismatched_or_malformed_input_is_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        small_table(**overrides)


def test_missing_values_are_refused_with_the_row_and_feature():
    X = np.array([[0.0, 0.0], [3.0, np.nan], [1.0, 2.0], [5.0, 1.0]])
    with pytest.raises(ValueError, match=r"row 1, feature 'discipline_365d'"):
        small_table(X=X)


def test_a_rule_on_an_unknown_feature_is_refused():
    rule = ThresholdRule("complaints_all_180d", 2, "2 complaints in 6 months")
    with pytest.raises(ValueError, match="unknown feature 'complaints_all_180d'"):
        apply_rules(small_table(), [rule])
    with pytest.raises(ValueError, match="unknown feature"):
        temporal_evaluation(small_table(), RankingModel, [rule])
    with pytest.raises(ValueError, match="finite"):
        ThresholdRule("complaints_all_365d", float("nan"), "never")


@pytest.mark.parametrize("share", [0, -0.1, 1.5, float("nan"), "ten"])
def test_a_share_outside_zero_to_one_is_refused(share):
    with pytest.raises(ValueError, match=r"share of rows to flag must be in \(0, 1\]"):
        flags_at_share(np.arange(10.0), share)
    table = small_table(period=np.array([2023, 2023, 2024, 2024]))
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        temporal_evaluation(table, RankingModel, DEFAULT_RULES[:1], shares=(0.05, share))


def test_models_refuse_tables_they_cannot_use():
    table = small_table()
    with pytest.raises(ValueError, match="not fitted"):
        RankingModel().score(table)
    with pytest.raises(ValueError, match="only one outcome"):
        RankingModel().fit(small_table(label=np.zeros(4, dtype=bool)))
    with pytest.raises(ValueError, match="no labels"):
        RankingModel().fit(small_table(label=None))
    model = RankingModel().fit(table)
    other = small_table(names=("complaints_all_365d", "sick_days_365d"))
    with pytest.raises(ValueError, match="features differ"):
        model.score(other)
    with pytest.raises(ValueError, match="outside the table"):
        model.reasons(table, 9)
    with pytest.raises(ValueError, match="feedback has shape"):
        RankingModel().fit(table, feedback=np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="feedback codes"):
        RankingModel().fit(table, feedback=np.array([0, 1, 2, 7]))


def test_the_audit_refuses_flags_of_the_wrong_length_or_kind():
    table = small_table()
    with pytest.raises(ValueError, match="flagged must have 4 entries"):
        fairness_audit(table, np.array([True, False]))
    with pytest.raises(ValueError, match="flagged must be boolean"):
        fairness_audit(table, np.array([0.3, 0.2, 0.1, 0.9]))
    with pytest.raises(ValueError, match="band"):
        fairness_audit(table, np.ones(4, dtype=bool), band=(1.1, 1.25))
    with pytest.raises(ValueError, match="metrics must be among"):
        fairness_audit(table, np.ones(4, dtype=bool), metrics=("accuracy",))
