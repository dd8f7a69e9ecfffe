"""The learned ranking: its reasons name what drives a score, relative to the officer's peers."""

import json

import numpy as np
import pytest

from senim.analytics.early_intervention import (
    FEEDBACK_INTERVENED,
    FEEDBACK_NONE,
    FEEDBACK_WRONG_FLAG,
    FeatureTable,
    RankingModel,
    feedback_weights,
)


def planted(seed=0, n=3000):
    """Outcome driven by `bribery` strongly and `overtime` moderately; `commendations` is noise.

    Two peer groups: patrol officers have ten times the calls of investigators (not a risk).
    """
    rng = np.random.default_rng(seed)
    bribery = rng.poisson(0.3, n).astype(float)
    overtime = rng.gamma(4.0, 40.0, n)
    commendations = rng.poisson(0.5, n).astype(float)
    patrol = rng.random(n) < 0.5
    calls = rng.poisson(np.where(patrol, 600.0, 60.0)).astype(float)
    logit = -3.5 + 1.6 * bribery + 0.012 * (overtime - 160)
    label = rng.random(n) < 1 / (1 + np.exp(-logit))
    return FeatureTable(
        names=("bribery", "overtime", "commendations", "calls"),
        X=np.column_stack([bribery, overtime, commendations, calls]),
        officer=np.arange(n),
        period=np.zeros(n, dtype=int),
        label=label,
        peer_group=np.where(patrol, "U1/patrol", "U1/investigation"),
    )


def with_row(table, values, peer):
    """`table` plus one officer with the given feature values in peer group `peer`."""
    return FeatureTable(
        names=table.names,
        X=np.vstack([table.X, values]),
        officer=np.append(table.officer, -1),
        period=np.append(table.period, 0),
        label=np.append(table.label, False),
        peer_group=np.append(table.peer_group, peer),
    )


@pytest.mark.parametrize("kind", ["logistic", "boosting"])
def test_reasons_name_the_features_that_drive_a_planted_rows_score(kind):
    table = planted()
    model = RankingModel(kind=kind).fit(table)
    # Officer A: four bribery complaints, ordinary overtime and commendations.
    probe = with_row(table, [4.0, 160.0, 0.0, 600.0], "U1/patrol")
    reasons = model.reasons(probe, probe.n_rows - 1, top=3)
    assert reasons[0].feature == "bribery"
    assert reasons[0].value == 4.0
    assert reasons[0].peer_median == 0.0
    assert reasons[0].contribution > 0
    assert all(r.contribution > 0 for r in reasons)
    # Officer B: no complaint but triple the peers' overtime.
    probe = with_row(table, [0.0, 500.0, 0.0, 600.0], "U1/patrol")
    reasons = model.reasons(probe, probe.n_rows - 1, top=2)
    assert reasons[0].feature == "overtime"
    assert reasons[0].peer_median == pytest.approx(
        np.median(probe.X[probe.peer_group == "U1/patrol", 1])
    )
    scores = model.score(probe)
    assert scores[-1] > np.median(scores)


def test_logistic_contributions_are_coefficient_times_standardised_deviation_from_peers():
    table = planted()
    model = RankingModel().fit(table)
    row = int(np.argmax(table.X[:, 0]))
    reasons = {r.feature: r for r in model.reasons(table, row, top=4)}
    peers = table.peer_group == table.peer_group[row]
    median = np.median(table.X[peers], axis=0)
    j = 0
    deviation = np.log1p(table.X[row, j]) - np.log1p(median[j])
    assert model.scale_ is not None
    expected = model.coefficients["bribery"] * deviation / model.scale_[j]
    assert reasons["bribery"].contribution == pytest.approx(expected)
    all_reasons = model.reasons(table, row, top=4)
    assert [r.contribution for r in all_reasons] == sorted(
        (r.contribution for r in all_reasons), reverse=True
    )


def test_peers_not_the_force_calls_are_judged_against_the_same_duty():
    # Overload relative to one's own duty drives the outcome: an investigator with 300 calls
    # (five times the investigators' usual) is at risk; a patrol officer with 600 is ordinary.
    rng = np.random.default_rng(5)
    n = 4000
    patrol = rng.random(n) < 0.5
    usual = np.where(patrol, 600.0, 60.0)
    calls = usual * rng.lognormal(0.0, 0.5, n)
    label = rng.random(n) < 1 / (1 + np.exp(-(-3.0 + 2.0 * np.log(calls / usual))))
    table = FeatureTable(
        names=("calls", "noise"),
        X=np.column_stack([calls, rng.poisson(1.0, n)]),
        officer=np.arange(n),
        period=np.zeros(n, dtype=int),
        label=label,
        peer_group=np.where(patrol, "U1/patrol", "U1/investigation"),
    )
    peer_model = RankingModel().fit(table)
    force_model = RankingModel(peer_relative=False).fit(table)
    top = n // 20
    peer_top = np.argsort(-peer_model.score(table))[:top]
    force_top = np.argsort(-force_model.score(table))[:top]
    # Compared with the force, the top 5 % is nearly all patrol; with peers, both duties.
    assert patrol[force_top].mean() > 0.9
    assert 0.3 < patrol[peer_top].mean() < 0.7
    assert label[peer_top].mean() > label[force_top].mean()
    investigator = int(np.argmax(np.where(patrol, 0, calls)))
    reason = peer_model.reasons(table, investigator, top=1)[0]
    assert reason.feature == "calls"
    assert reason.peer_median == pytest.approx(np.median(calls[~patrol]))


def test_feedback_changes_weights_never_labels():
    label = np.array([False, True, False, True, False])
    codes = np.array(
        [
            FEEDBACK_NONE,
            FEEDBACK_WRONG_FLAG,
            FEEDBACK_WRONG_FLAG,
            FEEDBACK_INTERVENED,
            FEEDBACK_INTERVENED,
        ]
    )
    weights = feedback_weights(label, codes)
    # Wrong flag + outcome followed: the outcome stands (1); wrong flag + clean year: a confirmed
    # false alarm (2); an intervention: its outcome is not the untreated one (0.5).
    assert weights.tolist() == [1.0, 1.0, 2.0, 0.5, 0.5]


def test_a_false_alarm_profile_confirmed_by_supervisors_ranks_lower_after_retraining():
    rng = np.random.default_rng(3)
    table = planted(seed=3)
    # Supervisors reviewed officers with many commendations who were flagged and said "wrong
    # flag"; in fact none had an adverse outcome. Retrained with the feedback, such profiles
    # rank lower than without it.
    reviewed = (table.X[:, 2] >= 2) & ~table.label & (rng.random(table.n_rows) < 0.8)
    codes = np.where(reviewed, FEEDBACK_WRONG_FLAG, FEEDBACK_NONE)
    plain = RankingModel().fit(table)
    taught = RankingModel(wrong_flag_weight=5.0).fit(table, feedback=codes)
    assert taught.coefficients["commendations"] < plain.coefficients["commendations"]


def test_a_stored_model_scores_and_explains_the_live_period_like_the_original():
    table = planted()
    model = RankingModel().fit(table)
    payload = json.loads(json.dumps(model.to_payload()))
    stored = RankingModel.from_payload(payload)
    # The live period: outcomes not known yet, integer peer groups.
    live = FeatureTable(
        names=table.names,
        X=table.X[:200],
        officer=table.officer[:200],
        period=np.full(200, 1),
        label=None,
        peer_group=(table.peer_group[:200] == "U1/patrol").astype(int),
    )
    assert np.allclose(stored.score(live), model.score(live))
    assert stored.reasons(live, 7) == model.reasons(live, 7)
    with pytest.raises(ValueError, match="only a fitted logistic"):
        RankingModel(kind="boosting").to_payload()
    with pytest.raises(ValueError, match="not an early-intervention"):
        RankingModel.from_payload({"kind": "tone"})
