"""Window counts before an as-of date: the future never counts."""

from datetime import date

import numpy as np
import pytest

from senim.analytics.early_intervention.features import window_counts

AS_OF = date(2025, 1, 1).toordinal()


def test_counts_and_sums_per_window_by_hand():
    officer = np.array([7, 7, 7, 3, 3, 9])
    day = AS_OF - np.array([1, 29, 200, 30, 400, 5])
    counts = window_counts(officer, day, [3, 7, 5], AS_OF, windows=(30, 365))
    # Officer 3: 30 days before (inside 30), 400 days before (outside 365); 7: 1, 29, 200 days;
    # 5: nothing; 9 is not on the roster.
    assert counts.tolist() == [[1.0, 1.0], [2.0, 3.0], [0.0, 0.0]]
    hours = window_counts(officer, day, [7], AS_OF, windows=(30,), weight=[8, 4, 2, 1, 1, 1])
    assert hours.tolist() == [[12.0]]


def test_events_on_or_after_the_as_of_day_never_count():
    officer = np.array([1, 1, 1])
    day = np.array([AS_OF, AS_OF + 10, AS_OF - 1])
    assert window_counts(officer, day, [1], AS_OF, windows=(1825,)).tolist() == [[1.0]]


def test_bad_event_input_is_refused():
    with pytest.raises(ValueError, match="equal length"):
        window_counts([1, 2], [AS_OF], [1], AS_OF)
    with pytest.raises(ValueError, match="integer day numbers"):
        window_counts([1], [1.5], [1], AS_OF)
    with pytest.raises(ValueError, match="weight has missing"):
        window_counts([1], [AS_OF - 1], [1], AS_OF, weight=[np.nan])
    with pytest.raises(ValueError, match="windows must be positive"):
        window_counts([1], [AS_OF - 1], [1], AS_OF, windows=(0,))
    with pytest.raises(ValueError, match="officers must be unique"):
        window_counts([1], [AS_OF - 1], [1, 1], AS_OF)
    assert window_counts([], np.array([], dtype=int), [4], AS_OF).shape == (1, 4)
