from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from senim.analytics.compstat import PERIODS, compstat
from senim.analytics.indicators import Period

D = dt.date
REFERENCE = D(2024, 3, 10)
EVENTS = (
    [D(2024, 3, 10)] * 3
    + [D(2024, 3, 4), D(2024, 3, 3), D(2024, 1, 20), D(2023, 12, 31)]
    + [D(2023, 3, 5)] * 2
    + [D(2024, 3, 11)] * 5  # after the reference date: never counted
)


def anscombe_z(c: float, b: float, rho: float = 1.0) -> float:
    return 2 * (math.sqrt(c + 3 / 8) - math.sqrt(rho * (b + 3 / 8))) / math.sqrt(1 + rho)


def test_periods_counts_and_bases_by_hand():
    result = compstat(np.array(EVENTS, dtype="datetime64[D]"), REFERENCE)
    assert [p.name for p in result.periods] == list(PERIODS)
    week, month, ytd, year = (result[name] for name in PERIODS)
    assert week.period == Period(D(2024, 3, 4), D(2024, 3, 11))
    assert week.prior.base_period == Period(D(2024, 2, 26), D(2024, 3, 4))
    assert week.last_year.base_period == Period(D(2023, 3, 4), D(2023, 3, 11))
    assert ytd.period == Period(D(2024, 1, 1), D(2024, 3, 11)) and ytd.period.days == 70
    assert ytd.prior.base_period == Period(D(2023, 10, 23), D(2024, 1, 1))
    assert ytd.last_year.base_period == Period(D(2023, 1, 1), D(2023, 3, 11))
    assert year.period == Period(D(2023, 3, 12), D(2024, 3, 11))
    counts = {
        name: (
            int(result[name].current[0]),
            int(result[name].prior.base[0]),
            int(result[name].last_year.base[0]),
        )
        for name in PERIODS
    }
    assert counts == {"7d": (4, 1, 2), "28d": (5, 1, 2), "ytd": (6, 1, 2), "365d": (7, 2, 2)}
    assert week.prior.change.tolist() == [3]
    assert week.prior.change_pct.tolist() == [300.0]
    assert month.last_year.change_pct.tolist() == [150.0]


def test_z_scores_p_values_and_alerts():
    result = compstat(EVENTS, REFERENCE)
    week, ytd = result["7d"], result["ytd"]
    assert week.prior.z[0] == pytest.approx(anscombe_z(4, 1))
    # Exact conditional test: 4 of 5 events in the current half, two-sided = 2 · 6/32.
    assert week.prior.p[0] == pytest.approx(0.375)
    assert week.prior.alert[0] == 0
    # 70 days this year against 69 last year: the exposure ratio enters the z-score.
    assert ytd.last_year.z[0] == pytest.approx(anscombe_z(6, 2, 70 / 69))


def test_a_jump_from_nothing_raises_an_alert_and_a_fall_a_negative_one():
    ref = D(2024, 6, 30)
    jump = compstat([ref] * 10, ref)["7d"].prior
    assert jump.z[0] == pytest.approx(math.sqrt(2) * (math.sqrt(10.375) - math.sqrt(0.375)))
    assert jump.alert[0] == 1
    assert jump.p[0] == pytest.approx(2 / 1024)
    assert np.isnan(jump.change_pct[0])  # base 0: no percentage
    fall = compstat([ref - dt.timedelta(days=8)] * 10, ref)["7d"].prior
    assert fall.alert[0] == -1
    steady = compstat([ref, ref - dt.timedelta(days=8)], ref)["7d"].prior
    assert steady.z[0] == 0 and steady.alert[0] == 0 and steady.p[0] == 1


def test_the_same_period_last_year_of_a_leap_day():
    result = compstat([D(2023, 2, 28)], D(2024, 2, 29))
    assert result["ytd"].last_year.base_period == Period(D(2023, 1, 1), D(2023, 3, 1))
    assert result["ytd"].last_year.base.tolist() == [1]


def test_grouped_results_equal_each_group_computed_alone():
    rng = np.random.default_rng(11)
    dates = np.datetime64("2023-01-01") + rng.integers(0, 800, 3000).astype("timedelta64[D]")
    keys = rng.integers(1, 6, 3000)
    ref = np.datetime64("2024-08-15")
    grouped = compstat(dates, ref, keys=keys, groups=[5, 1, 2, 3, 4, 99])
    assert grouped.keys.tolist() == [5, 1, 2, 3, 4, 99]
    for key in (1, 3, 5):
        alone = compstat(dates[keys == key], ref)
        row = grouped.row(key)
        for name in PERIODS:
            assert grouped[name].current[row] == alone[name].current[0]
            assert grouped[name].prior.z[row] == pytest.approx(alone[name].prior.z[0])
            assert grouped[name].last_year.base[row] == alone[name].last_year.base[0]
    empty = grouped.row(99)
    assert all(grouped[name].current[empty] == 0 for name in PERIODS)
    only_two = compstat(dates, ref, keys=keys, groups=[2])
    assert only_two["365d"].current[0] == grouped["365d"].current[grouped.row(2)]


def test_no_events_give_zero_rows():
    result = compstat(np.array([], dtype="datetime64[D]"), "2024-05-01")
    assert result.reference == D(2024, 5, 1)
    assert result["28d"].current.tolist() == [0]
    assert result["28d"].prior.alert.tolist() == [0]


def test_bad_input_is_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="NaT"):
        compstat(np.array(["NaT"], dtype="datetime64[D]"), REFERENCE)
    with pytest.raises(ValueError, match="integers"):
        compstat(EVENTS, REFERENCE, keys=np.full(len(EVENTS), 1.5))
    with pytest.raises(ValueError, match="keys has"):
        compstat(EVENTS, REFERENCE, keys=[1, 2])
    with pytest.raises(ValueError, match="repeat"):
        compstat(EVENTS, REFERENCE, keys=np.ones(len(EVENTS), int), groups=[1, 1])
    with pytest.raises(ValueError, match="dates"):
        compstat(["yesterday"], REFERENCE)
    with pytest.raises(KeyError):
        compstat(EVENTS, REFERENCE)["quarter"]
