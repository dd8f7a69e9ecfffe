"""The centre's load and response arithmetic on plain arrays."""

from __future__ import annotations

import numpy as np

from senim.analytics.load import attended_within, components, expected_hourly

DAY = 86_400


def test_expected_is_the_mean_of_the_same_hour_over_the_weeks_with_data() -> None:
    day_start = 100 * 7 * DAY
    history = np.array(
        [day_start - 7 * DAY + 3 * 3600] * 4
        + [day_start - 14 * DAY + 3 * 3600] * 2
        + [day_start - 3 * DAY]
    )
    today = np.array([day_start + 3 * 3600 + 10] * 9)
    load = expected_hourly(today, history, day_start=day_start, weeks=8)
    assert load.reference_days == 2  # the weeks without a call are no data, not zero
    assert load.expected[3] == 3.0 and load.expected.sum() == 3.0
    assert load.observed[3] == 9 and load.unusual[3] and not load.unusual[4]
    assert load.low[3] <= 3 <= load.high[3]


def test_no_history_gives_no_expectation() -> None:
    load = expected_hourly(np.array([5]), np.array([], dtype=np.int64), day_start=0)
    assert load.reference_days == 0 and load.expected.sum() == 0.0 and load.unusual[0]


def test_response_components_and_attendance() -> None:
    nan = np.nan
    received = np.array([0.0, 0.0, 0.0])
    answered = np.array([10.0, nan, 5.0])
    dispatched = np.array([70.0, 40.0, nan])
    arrived = np.array([670.0, 1240.0, nan])
    closed = np.array([2470.0, 1840.0, 300.0])
    by = {c.name: c for c in components(received, answered, dispatched, arrived, closed)}
    assert by["answer"].n == 2 and by["dispatch"].median_s == 50.0  # 60 and 40 (from receipt)
    assert by["travel"].median_s == 900.0 and by["on_scene"].n == 2 and by["response"].n == 2
    due = np.array([600.0, 1800.0, 600.0])
    a = attended_within(received, arrived, due)
    assert (a.n, a.within, a.share) == (2, 1, 0.5) and a.median_s == 955.0
