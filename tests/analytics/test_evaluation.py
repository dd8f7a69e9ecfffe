from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from scipy import stats

from senim.analytics.evaluation import (
    CAVEATS,
    VERDICTS,
    Circle,
    area_masks,
    evaluate,
    normalised,
    relative_effect,
    weighted_displacement_quotient,
)
from senim.analytics.indicators import Period

D = dt.date
Z95 = stats.norm.ppf(0.975)
START = D(2024, 3, 1)
AFTER_DAYS = 182
END = START + dt.timedelta(days=AFTER_DAYS - 1)
HISTORY_DAYS = 730
BEFORE_DAYS = 91
TARGET, CONTROL, RING = 0, 1, 2


def simulate(
    seed: int,
    target: tuple[float, float],
    control: tuple[float, float],
    ring: tuple[float, float] = (2.0, 2.0),
    *,
    peak: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson events per day for two years before START and AFTER_DAYS after.

    Each area has a daily rate before and after the start; `peak` multiplies the target's
    rate over the before period only (an area picked at its peak).
    """
    rng = np.random.default_rng(seed)
    offset = np.arange(-HISTORY_DAYS, AFTER_DAYS)
    days, labels = [], []
    for label, (before, after) in enumerate((target, control, ring)):
        rate = np.where(offset < 0, before, after).astype(float)
        if label == TARGET:
            rate[(offset < 0) & (offset >= -BEFORE_DAYS)] *= peak
        n = rng.poisson(rate)
        days.append(np.repeat(offset, n))
        labels.append(np.full(int(n.sum()), label))
    day = np.concatenate(days)
    return np.datetime64(START) + day.astype("timedelta64[D]"), np.concatenate(labels)


def run(dates: np.ndarray, label: np.ndarray, **kwargs: object):
    kwargs.setdefault("before_days", BEFORE_DAYS)
    return evaluate(
        dates,
        target=label == TARGET,
        control=label == CONTROL,
        ring=label == RING,
        start=START,
        end=END,
        **kwargs,  # type: ignore[arg-type]
    )


# --- hand-computed ------------------------------------------------------------------------


def test_relative_effect_size_its_interval_and_z_test_by_hand():
    # a = target before, b = target after, c = control before, d = control after.
    res = relative_effect(100, 50, 100, 100)
    log_var = 1 / 100 + 1 / 50 + 1 / 100 + 1 / 100
    assert res.value == pytest.approx(2.0)
    assert res.log_var == pytest.approx(0.05)
    assert res.ci_low == pytest.approx(math.exp(math.log(2) - Z95 * math.sqrt(log_var)))
    assert res.ci_high == pytest.approx(math.exp(math.log(2) + Z95 * math.sqrt(log_var)))
    assert res.z == pytest.approx(math.log(2) / math.sqrt(0.05))
    assert res.p == pytest.approx(2 * stats.norm.sf(math.log(2) / math.sqrt(0.05)))
    assert res.ci_low > 1 and not res.corrected


def test_relative_effect_with_targets_overdispersion_and_a_zero_cell():
    # 2 000 flats before, 1 000 after: half the burglaries is no fall per flat.
    res = relative_effect(100, 50, 100, 100, exposures=(2000, 1000, 1, 1))
    assert res.value == pytest.approx(1.0)
    wide = relative_effect(100, 50, 100, 100, dispersion=2.0)
    assert wide.log_var == pytest.approx(0.10)
    zero = relative_effect(10, 0, 10, 10)
    assert zero.corrected
    assert zero.value == pytest.approx((10.5 * 10.5) / (0.5 * 10.5))


def test_weighted_displacement_quotient_by_hand():
    # Target 500 → 250, ring 400 → 500, control 1 000 → 1 000.
    result = weighted_displacement_quotient(500, 250, 400, 500, 1000, 1000)
    assert result.success_measure == pytest.approx(250 / 1000 - 500 / 1000)
    assert result.buffer_measure == pytest.approx(500 / 1000 - 400 / 1000)
    assert result.wdq == pytest.approx(0.1 / -0.25)
    assert result.total_net_effect == pytest.approx((500 - 250) + (400 - 500))
    assert result.interpretation == "displacement"
    assert result.ring.value == pytest.approx(0.8)

    diffusion = weighted_displacement_quotient(500, 250, 400, 300, 1000, 1000)
    assert diffusion.wdq == pytest.approx(-0.1 / -0.25)
    assert diffusion.interpretation == "diffusion_of_benefits"

    # Same proportions, a tenth of the events: the ring's rise is within noise.
    small = weighted_displacement_quotient(50, 25, 40, 50, 100, 100)
    assert small.wdq == pytest.approx(-0.4)
    assert small.interpretation == "none"


def test_weighted_displacement_quotient_not_defined():
    no_control = weighted_displacement_quotient(50, 20, 30, 40, 0, 10)
    assert no_control.wdq is None
    assert (no_control.interpretation, no_control.reason) == ("not_defined", "control_zero")
    # The target did not fall relative to the control (the denominator would be 0 here).
    flat = weighted_displacement_quotient(50, 50, 30, 40, 100, 100)
    assert flat.wdq is None
    assert (flat.interpretation, flat.reason) == ("not_defined", "no_relative_reduction")
    assert flat.success_measure == 0


def test_normalisation_by_period_length_and_targets():
    # 56 burglaries over 56 days in 2 000 occupied flats, then 30 over 28 days in 1 500.
    area = normalised(56, 30, 56, 28, targets_before=2000, targets_after=1500)
    assert (area.per_day_before, area.per_day_after) == pytest.approx((1.0, 30 / 28))
    assert (area.per_28d_before, area.per_28d_after) == pytest.approx((28.0, 30.0))
    assert area.per_1000_before == pytest.approx(14.0)
    assert area.per_1000_after == pytest.approx(20.0)
    # Fewer burglaries, but more per flat and per day.
    assert area.change_pct == pytest.approx((20 - 14) / 14 * 100)
    assert area.change.value == pytest.approx(20 / 14)
    no_targets = normalised(10, 0, 28, 28)
    assert no_targets.per_1000_before is None
    assert no_targets.change_pct == pytest.approx(-100.0)
    assert normalised(0, 5, 28, 28).change_pct is None


def test_counts_same_phase_and_did_by_hand():
    # The measure runs 1–28 March 2024; the before period is 2–29 February 2024 (leap year),
    # last year's twins are 1–28 March 2023 and 2–28 February 2023 (27 days).
    events = {
        (D(2024, 3, 5), TARGET): 10,
        (D(2024, 2, 10), TARGET): 20,
        (D(2023, 3, 10), TARGET): 15,
        (D(2023, 2, 15), TARGET): 12,
        (D(2024, 3, 29), TARGET): 7,  # after the end: ignored
        (D(2024, 3, 5), CONTROL): 20,
        (D(2024, 2, 10), CONTROL): 20,
        (D(2023, 3, 10), CONTROL): 20,
        (D(2023, 2, 15), CONTROL): 20,
    }
    dates = np.repeat(
        np.array([d for d, _ in events], dtype="datetime64[D]"), list(events.values())
    )
    label = np.repeat([k for _, k in events], list(events.values()))
    v = evaluate(
        dates,
        target=label == TARGET,
        control=label == CONTROL,
        start="2024-03-01",
        end=D(2024, 3, 28),
        history_start=D(2023, 1, 1),
        dispersion=1.0,
    )
    assert v.before == Period(D(2024, 2, 2), D(2024, 3, 1))
    assert v.after == Period(D(2024, 3, 1), D(2024, 3, 29))
    assert (v.target.before, v.target.after, v.control.before, v.control.after) == (20, 10, 20, 20)
    assert v.relative_effect.value == pytest.approx(2.0)
    assert v.relative_effect.log_var == pytest.approx(1 / 20 + 1 / 10 + 1 / 20 + 1 / 20)
    assert v.did.unit == "per_28d"
    assert (v.did.target_change, v.did.control_change, v.did.difference) == (-10, 0, -10)
    assert v.did.se == pytest.approx(math.sqrt(10 + 20 + 20 + 20))

    phase = v.same_phase
    assert phase is not None
    assert phase.after_last_year == Period(D(2023, 3, 1), D(2023, 3, 29))
    assert phase.before_last_year == Period(D(2023, 2, 2), D(2023, 3, 1))
    assert (phase.count, phase.count_last_year, phase.before_count_last_year) == (10, 15, 12)
    assert phase.change.value == pytest.approx(10 / 15)
    assert phase.seasonal is not None
    # (20/28 ÷ 10/28) over (12/27 ÷ 15/28): this year fell more than last year's season.
    assert phase.seasonal.value == pytest.approx((20 / 28) / (10 / 28) / ((12 / 27) / (15 / 28)))
    assert "short_after_period" in v.caveats


def test_targets_give_rates_per_1000_and_adjust_the_effect():
    dates, label = simulate(1, (3.0, 3.0), (3.0, 3.0))
    v = run(dates, label, targets={"target": (2000.0, 1000.0), "control": 5000.0})
    assert v.did.unit == "per_1000_per_28d"
    assert v.target.per_1000_before == pytest.approx(v.target.per_28d_before / 2)
    assert v.target.per_1000_after == pytest.approx(v.target.per_28d_after)
    # Same count with half the targets: the rate per target doubled, the RES sees a rise.
    assert v.relative_effect.value < 0.7
    assert v.verdict == "no_effect"
    assert "targets_changed" in v.caveats and "adverse_change" in v.caveats


# --- simulated ----------------------------------------------------------------------------


def test_a_real_fall_in_the_target_is_an_effect():
    dates, label = simulate(1, target=(3.0, 1.5), control=(3.0, 3.0))
    v = run(dates, label)
    assert v.verdict == "effect"
    assert v.relative_effect.ci_low > 1
    assert v.relative_change_pct == pytest.approx(-50, abs=15)
    assert v.trend is not None and v.trend.observed < v.trend.pi_low
    assert v.trend.weeks == HISTORY_DAYS // 7
    assert v.did.ci_high < 0
    assert v.displacement is not None and v.displacement.interpretation == "none"
    assert 1.0 <= v.dispersion < 1.5
    assert set(v.caveats) <= set(CAVEATS) and v.verdict in VERDICTS


def test_no_change_is_no_effect_or_inconclusive():
    for seed in range(3):
        dates, label = simulate(seed, target=(3.0, 3.0), control=(3.0, 3.0))
        assert run(dates, label).verdict in ("no_effect", "inconclusive")
    # With plenty of events the interval rules out a 20 % fall: "no_effect".
    dates, label = simulate(4, target=(12.0, 12.0), control=(12.0, 12.0))
    v = run(dates, label)
    assert v.verdict == "no_effect"
    assert v.relative_effect.ci_high < 1.25


def test_a_control_that_falls_as_much_means_no_effect_is_claimed():
    dates, label = simulate(1, target=(3.0, 1.8), control=(3.0, 1.8), ring=(2.0, 1.2))
    v = run(dates, label)
    assert v.verdict != "effect"
    assert v.target.change.ci_high < 1  # the naive before/after would have claimed it
    assert v.trend is not None and v.trend.p_lower < 0.025
    assert "control_also_changed" in v.caveats
    assert v.relative_effect.ci_low < 1 < v.relative_effect.ci_high


def test_displacement_into_the_ring_is_flagged():
    dates, label = simulate(1, target=(3.0, 1.5), control=(3.0, 3.0), ring=(2.0, 3.5))
    v = run(dates, label)
    assert v.displacement is not None
    assert v.displacement.interpretation == "displacement"
    assert v.displacement.wdq is not None and v.displacement.wdq < 0
    assert "displacement" in v.caveats


def test_a_target_picked_at_its_peak_warns_of_regression_to_the_mean():
    dates, label = simulate(1, target=(3.0, 3.0), control=(3.0, 3.0), peak=2.0)
    v = run(dates, label)
    rtm = v.regression_to_mean
    assert rtm.flagged and "above_own_history" in rtm.reasons
    assert rtm.z is not None and rtm.z > 2
    assert rtm.history_mean == pytest.approx(3.0 * BEFORE_DAYS, rel=0.15)
    assert rtm.history_windows == HISTORY_DAYS // BEFORE_DAYS - 1
    # The fall from the peak looks like an effect to the RES, but the after period is only
    # back at the usual level.
    assert v.relative_effect.ci_low > 1
    assert rtm.after_vs_history_p is not None and rtm.after_vs_history_p > 0.025
    assert v.verdict == "inconclusive"
    assert "regression_to_mean" in v.caveats


def test_peers_flag_a_top_decile_target_but_a_fall_below_its_usual_level_stands():
    dates, label = simulate(1, target=(3.0, 1.5), control=(3.0, 3.0))
    peers = np.linspace(50, 200, 30)  # every comparable area had fewer events
    v = run(dates, label, peers=peers)
    rtm = v.regression_to_mean
    assert rtm.reasons == ("top_decile_of_peers",)
    assert rtm.peers == 30 and rtm.peer_percentile == 100.0
    assert rtm.peer_p90 == pytest.approx(np.quantile(peers, 0.9))
    assert v.verdict == "effect" and "regression_to_mean" in v.caveats
    # Peers too few to have a top decile: no flag.
    assert not run(dates, label, peers=peers[:5]).regression_to_mean.flagged


def test_too_few_events_is_inconclusive():
    dates, label = simulate(1, target=(0.03, 0.01), control=(0.03, 0.03))
    v = run(dates, label)
    assert v.verdict == "inconclusive"
    assert "too_few_events" in v.caveats


def test_short_history_has_no_trend_and_no_same_phase():
    dates, label = simulate(1, target=(3.0, 1.5), control=(3.0, 3.0))
    keep = dates >= np.datetime64(START - dt.timedelta(days=35))
    v = run(dates[keep], label[keep], before_days=28)
    assert v.trend is None and v.same_phase is None
    assert {"no_trend_baseline", "no_same_phase", "short_history"} <= set(v.caveats)
    # The RES alone shows the fall, which is not enough for "effect".
    assert v.relative_effect.ci_low > 1
    assert v.verdict == "inconclusive"


def test_a_trend_projected_far_beyond_its_history_is_flagged():
    dates, label = simulate(1, target=(3.0, 1.5), control=(3.0, 3.0))
    keep = dates >= np.datetime64(START - dt.timedelta(days=BEFORE_DAYS + 21))
    v = run(dates[keep], label[keep])
    assert v.trend is not None and v.trend.weeks == 16
    assert "long_extrapolation" in v.caveats
    # 16 weeks projected over 26: the interval is too wide to confirm the RES.
    assert v.trend.pi_low < v.trend.observed
    assert v.verdict == "inconclusive" and "methods_disagree" in v.caveats


# --- positions and input checks -----------------------------------------------------------


def test_area_masks_from_positions():
    x = np.array([0.0, 150.0, 250.0, 1050.0, 5000.0])
    y = np.zeros(5)
    masks = area_masks(x, y, target=Circle(0, 0, 100), control=Circle(1000, 0, 100), ring_m=100.0)
    assert masks.target.tolist() == [True, False, False, False, False]
    assert masks.ring is not None and masks.ring.tolist() == [False, True, False, False, False]
    assert masks.control.tolist() == [False, False, False, True, False]
    with pytest.raises(ValueError, match="overlaps"):
        area_masks(x, y, target=Circle(0, 0, 100), control=Circle(250, 0, 100), ring_m=100)
    with pytest.raises(ValueError, match="radius"):
        Circle(0, 0, 0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end": D(2024, 2, 1)}, "ends .* before it starts"),
        ({"dates": np.array([], dtype="datetime64[D]")}, "no events"),
        ({"target": np.array([True, False])}, "target mask has 2 values"),
        ({"control": np.array([0, 1, 0])}, "must be boolean"),
        ({"control": np.array([True, False, False])}, "target and control masks overlap"),
        ({"history_start": D(2024, 2, 20)}, "history_start"),
        ({"targets": {"park": 100.0}}, "unknown area"),
        ({"targets": {"target": (100.0, 0.0)}}, "targets must be positive"),
        ({"start": "not a date"}, "not a date"),
        ({"before_days": 0}, "before_days"),
        ({"level": 1.5}, "level"),
    ],
)
def test_invalid_input_is_a_clear_error(change, message):
    arguments = {
        "dates": np.array(["2024-01-10", "2024-03-10", "2024-03-12"], dtype="datetime64[D]"),
        "target": np.array([True, False, True]),
        "control": np.array([False, True, False]),
        "start": START,
        "end": D(2024, 3, 31),
        **change,
    }
    dates = arguments.pop("dates")
    with pytest.raises(ValueError, match=message):
        evaluate(dates, **arguments)


def test_invalid_counts_are_a_clear_error():
    with pytest.raises(ValueError, match="non-negative count"):
        relative_effect(-1, 5, 5, 5)
    with pytest.raises(ValueError, match="exposures must be positive"):
        relative_effect(5, 5, 5, 5, exposures=(1, 0, 1, 1))
    with pytest.raises(ValueError, match="both periods"):
        normalised(5, 5, 28, 28, targets_before=100)
