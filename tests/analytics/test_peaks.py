from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from scipy import stats

from senim.analytics.peaks import iso_week, temporal_profile, to_local_seconds

MONDAY = np.datetime64("2024-03-04T00:00")  # a Monday


def one_event_per_hour(days: int) -> np.ndarray:
    return MONDAY + np.arange(days * 24).astype("timedelta64[h]") + np.timedelta64(30, "m")


def test_a_burst_on_wednesday_night_is_the_only_peak_with_the_poisson_z_by_hand():
    burst = np.datetime64("2024-03-06T22:10") + np.arange(30).astype("timedelta64[m]")
    times = np.concatenate([one_event_per_hour(14), burst])
    profile = temporal_profile(times)
    hw = profile.hour_weekday
    assert hw.counts.shape == (7, 24)
    assert hw.counts[2, 22] == 32 and hw.counts.sum() == 366
    expected = 366 / 168  # two whole weeks: the uniform share
    np.testing.assert_allclose(hw.expected, expected)
    assert hw.z[2, 22] == pytest.approx((32 - expected) / math.sqrt(expected))
    assert hw.p[2, 22] == pytest.approx(stats.poisson.sf(31, expected))
    assert hw.peaks() == [(2, 22)]
    assert profile.hour.peaks() == [(22,)]
    assert profile.weekday.peaks() == [(2,)]


def test_an_even_rate_has_no_peaks_even_when_the_period_is_not_whole_weeks():
    # Eight days from a Monday: two Mondays; a naive 1/7 share would call Monday a peak.
    profile = temporal_profile(one_event_per_hour(8))
    assert profile.weekday.exposure.tolist() == [48, 24, 24, 24, 24, 24, 24]
    np.testing.assert_allclose(profile.weekday.ratio, 1.0)
    assert not profile.hour_weekday.peak.any() and not profile.weekday.peak.any()


def test_epoch_seconds_and_datetime64_agree_and_the_utc_offset_moves_the_hours():
    times = np.array(["2024-05-01T03:15", "2024-05-01T20:00"], dtype="datetime64[m]")
    seconds = times.astype("datetime64[s]").astype(np.int64)
    a = temporal_profile(times)
    b = temporal_profile(seconds.astype(float))
    np.testing.assert_array_equal(a.hour_weekday.counts, b.hour_weekday.counts)
    assert a.hour.counts[3] == 1 and a.hour.counts[20] == 1
    almaty = temporal_profile(times, utc_offset_hours=5)
    assert almaty.hour.counts[8] == 1 and almaty.hour.counts[1] == 1  # 20:00 UTC → 01:00
    assert almaty.weekday.counts[3] == 1  # and that one is already Thursday


def test_months_are_weighted_by_their_days_in_a_leap_year():
    days = np.arange(np.datetime64("2024-01-01"), np.datetime64("2025-01-01"))
    profile = temporal_profile(days + np.timedelta64(12, "h"))
    assert profile.month.exposure.tolist() == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    np.testing.assert_allclose(profile.month.ratio, 1.0)
    assert profile.iso_week.counts.sum() == 366
    assert not profile.month.peak.any()


def test_iso_week_matches_the_standard_library():
    days = np.arange(-400, 25_000, 3)
    ours = iso_week(days)
    reference = [(dt.date(1970, 1, 1) + dt.timedelta(days=int(d))).isocalendar()[1] for d in days]
    assert ours.tolist() == reference


def test_events_outside_the_given_period_are_left_out():
    times = np.array(["2024-01-01T10:00", "2024-01-05T10:00", "2024-02-01T10:00"], "M8[m]")
    profile = temporal_profile(
        times, start=np.datetime64("2024-01-01"), end=np.datetime64("2024-01-08")
    )
    assert profile.n_events == 2
    assert profile.hour_weekday.exposure.sum() == 7 * 24


def test_an_empty_period_has_zero_counts_and_no_peaks():
    profile = temporal_profile(
        np.array([], dtype="datetime64[s]"),
        start=np.datetime64("2024-01-01"),
        end=np.datetime64("2024-02-01"),
    )
    assert profile.n_events == 0
    assert not profile.hour_weekday.counts.any() and not profile.month.peak.any()
    assert np.all(profile.hour.p == 1)


def test_bad_input_is_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="no events"):
        temporal_profile(np.array([], dtype="datetime64[s]"))
    with pytest.raises(ValueError, match="NaT"):
        temporal_profile(np.array(["NaT"], dtype="datetime64[s]"))
    with pytest.raises(ValueError, match="epoch seconds"):
        to_local_seconds(np.array(["monday"]))
    with pytest.raises(ValueError, match="end after"):
        temporal_profile([0.0], start=np.datetime64("2024-01-02"), end=np.datetime64("2024-01-01"))
    with pytest.raises(ValueError, match="alpha"):
        temporal_profile([0.0], alpha=0)
