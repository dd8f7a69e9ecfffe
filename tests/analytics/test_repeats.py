from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from senim.analytics.grid import Grid
from senim.analytics.repeats import (
    KnoxTooLarge,
    knox_test,
    repeat_offenders,
    repeat_places,
    repeat_victims,
)


def test_repeat_places_by_grid_cell_in_a_time_window():
    grid = Grid(0, 0, 100, 10, 10)
    x = [50, 60, 70, 250, 260, 850, 855, 5000]
    y = [50, 40, 30, 250, 240, 850, 845, 50]  # last one is outside the grid
    t = [1, 2, 30, 3, 4, 5, 50, 6]
    result = repeat_places(x, y, t, grid=grid)
    assert result.counts.tolist() == [3, 2, 2]
    assert result.place.tolist() == [0, 0, 0, 1, 1, 2, 2, -1]
    assert result.x[0] == pytest.approx(60) and result.y[0] == pytest.approx(40)
    assert result.first_t.tolist() == [1, 3, 5] and result.last_t.tolist() == [30, 4, 50]
    assert result.n_events == 7
    assert result.share_of_events == pytest.approx(1.0)
    # Only days [0, 10): the third event of the first cell and the second of the last drop.
    windowed = repeat_places(x, y, t, grid=grid, window=(0, 10))
    assert windowed.counts.tolist() == [2, 2]
    assert windowed.place.tolist() == [0, 0, -1, 1, 1, -1, -1, -1]
    assert windowed.n_events == 5  # in the window and in the grid
    assert windowed.share_of_events == pytest.approx(4 / 5)


def test_repeat_places_by_distance_chain_events_within_the_radius():
    x = [0, 8, 16, 100, 105, 300]
    y = [0, 0, 0, 0, 0, 0]
    result = repeat_places(x, y, radius_m=10)
    assert result.counts.tolist() == [3, 2]  # 0–8–16 chain although 0 and 16 are 16 m apart
    assert result.place.tolist() == [0, 0, 0, 1, 1, -1]
    assert result.first_t.size == 2 and np.isnan(result.first_t).all()
    assert repeat_places(x, y, radius_m=10, min_events=3).counts.tolist() == [3]


def test_repeat_places_refuse_ambiguous_or_bad_arguments():
    with pytest.raises(ValueError, match="exactly one"):
        repeat_places([0], [0])
    with pytest.raises(ValueError, match="exactly one"):
        repeat_places([0], [0], grid=Grid(0, 0, 1, 1, 1), radius_m=5)
    with pytest.raises(ValueError, match="needs the event times"):
        repeat_places([0], [0], radius_m=5, window=(0, 1))
    with pytest.raises(ValueError, match="radius"):
        repeat_places([0], [0], radius_m=-1)
    assert repeat_places([], [], radius_m=5).counts.size == 0


def test_repeat_victims_and_offenders_sorted_by_count_then_key():
    keys = np.array([5, 5, 3, 7, 7, 7, -1, -1, 9, 2, 2])
    victims = repeat_victims(keys)
    assert victims.keys.tolist() == [7, 2, 5]
    assert victims.counts.tolist() == [3, 2, 2]
    assert victims.n_people == 5 and victims.n_events == 9
    assert victims.share_of_events == pytest.approx(7 / 9)
    assert repeat_offenders(keys, min_events=3).keys.tolist() == [7]
    assert repeat_offenders(np.array([], dtype=np.int64)).keys.size == 0
    with pytest.raises(ValueError, match="integers"):
        repeat_victims([1.5, 2.0])


def brute_force_knox(x, y, t, s_edges, t_edges):
    observed = np.zeros((len(s_edges) - 1, len(t_edges) - 1), dtype=int)
    space_pairs = np.zeros(len(s_edges) - 1)
    time_pairs = np.zeros(len(t_edges) - 1)
    pairs = list(itertools.combinations(range(len(x)), 2))
    for i, j in pairs:
        d = np.hypot(x[i] - x[j], y[i] - y[j])
        g = abs(t[i] - t[j])
        s = np.searchsorted(s_edges, d, side="right") - 1
        k = np.searchsorted(t_edges, g, side="right") - 1
        if 0 <= s < len(s_edges) - 1:
            space_pairs[s] += 1
            if 0 <= k < len(t_edges) - 1:
                observed[s, k] += 1
        if 0 <= k < len(t_edges) - 1:
            time_pairs[k] += 1
    return observed, np.outer(space_pairs, time_pairs) / len(pairs)


def test_knox_table_and_exact_expected_counts_match_a_brute_force_count():
    rng = np.random.default_rng(8)
    x, y = rng.uniform(0, 1000, 80), rng.uniform(0, 1000, 80)
    t = rng.integers(0, 60, 80).astype(float)
    s_edges, t_edges = [0, 100, 200, 400], [0, 7, 14, 30]
    result = knox_test(x, y, t, space_edges_m=s_edges, time_edges_days=t_edges, permutations=0)
    observed, expected = brute_force_knox(x, y, t, s_edges, t_edges)
    np.testing.assert_array_equal(result.observed, observed)
    np.testing.assert_allclose(result.expected, expected, rtol=1e-12)
    assert len(result.table()) == 9


def test_knox_expected_is_the_mean_over_shuffled_times():
    rng = np.random.default_rng(9)
    x, y = rng.uniform(0, 500, 40), rng.uniform(0, 500, 40)
    t = rng.uniform(0, 30, 40)
    base: dict[str, Any] = {"space_edges_m": [0, 150, 300], "time_edges_days": [0, 5, 15]}
    expected = knox_test(x, y, t, permutations=0, **base).expected
    shuffled = np.mean(
        [knox_test(x, y, rng.permutation(t), permutations=0, **base).observed for _ in range(600)],
        axis=0,
    )
    np.testing.assert_allclose(shuffled, expected, rtol=0.08)


def test_planted_near_repeats_are_detected_and_the_test_is_reproducible():
    rng = np.random.default_rng(10)
    n = 300
    x, y = rng.uniform(0, 5000, n), rng.uniform(0, 5000, n)
    t = rng.uniform(0, 365, n)
    # Each of 60 events gets a follower 20 m away one day later.
    follower = rng.choice(n, 60, replace=False)
    x = np.concatenate([x, x[follower] + 20])
    y = np.concatenate([y, y[follower]])
    t = np.concatenate([t, t[follower] + 1])
    kwargs: dict[str, Any] = {
        "space_edges_m": [0, 100, 1000],
        "time_edges_days": [0, 7, 60],
        "seed": 4,
    }
    result = knox_test(x, y, t, permutations=99, **kwargs)
    assert result.ratio[0, 0] > 5
    assert result.p_value[0, 0] == pytest.approx(1 / 100)
    assert result.p_value[1, 1] > 0.05
    again = knox_test(x, y, t, permutations=99, **kwargs)
    np.testing.assert_array_equal(again.p_value, result.p_value)


def test_knox_on_too_few_events_is_an_empty_table():
    result = knox_test([1.0], [1.0], [1.0], space_edges_m=[0, 10], time_edges_days=[0, 1])
    assert result.observed.tolist() == [[0]] and result.expected.tolist() == [[0.0]]
    assert np.isnan(result.ratio).all() and result.p_value.tolist() == [[1.0]]


@pytest.mark.parametrize(
    ("space", "time"), [([0], [0, 1]), ([0, 10], [5, 5]), ([-1, 10], [0, 1]), ([0, 10], [2, 1])]
)
def test_knox_refuses_bad_band_edges(space, time):
    with pytest.raises(ValueError, match="band edges"):
        knox_test([0, 1], [0, 1], [0, 1], space_edges_m=space, time_edges_days=time)


def test_knox_with_fractional_time_edges_matches_a_brute_force_count_too():
    """Whole-day edges are looked up, others searched: both give the brute-force table."""
    rng = np.random.default_rng(11)
    x, y = rng.uniform(0, 800, 70), rng.uniform(0, 800, 70)
    t = rng.uniform(0, 40, 70)
    for t_edges in ([0, 2.5, 7.25, 20], [1, 3, 9, 21], [0, 0.5]):
        s_edges = [0, 150, 300]
        result = knox_test(x, y, t, space_edges_m=s_edges, time_edges_days=t_edges, permutations=0)
        observed, expected = brute_force_knox(x, y, t, s_edges, t_edges)
        np.testing.assert_array_equal(result.observed, observed)
        np.testing.assert_allclose(result.expected, expected, rtol=1e-12)


def test_knox_refuses_more_pairs_than_allowed_before_building_them():
    x = np.array([0.0, 10, 20, 5000])
    y = np.zeros(4)
    t = np.array([0.0, 1, 2, 3])
    edges: dict[str, Any] = {"space_edges_m": [0, 100], "time_edges_days": [0, 7]}
    assert knox_test(x, y, t, max_pairs=3, **edges).observed.tolist() == [[3]]
    with pytest.raises(KnoxTooLarge) as refused:
        knox_test(x, y, t, max_pairs=2, **edges)
    assert (refused.value.pairs, refused.value.limit) == (3, 2)


def test_near_repeat_clusters_link_events_close_in_space_and_time_only() -> None:
    from senim.analytics.repeats import near_repeat_clusters

    # Three burglaries 100 m apart within a week; a fourth at the same place a year later;
    # two far away on the same days.
    x = [0.0, 100.0, 200.0, 100.0, 5000.0, 5100.0]
    y = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    t = [0.0, 3.0, 6.0, 400.0, 0.0, 1.0]
    clusters = near_repeat_clusters(x, y, t, radius_m=150, days=14, min_events=3)
    assert clusters.sizes.tolist() == [3]
    assert clusters.label.tolist() == [0, 0, 0, -1, -1, -1]
    assert clusters.x[0] == pytest.approx(100.0)
    with pytest.raises(ValueError):
        near_repeat_clusters(x, y, t[:2])
