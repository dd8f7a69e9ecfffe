from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from senim.analytics.grid import Grid
from senim.analytics.kde import density, scott_bandwidth, silverman_bandwidth


def exact_gaussian(grid: Grid, x, y, h: float) -> np.ndarray:
    """The unbinned estimate: Σ Gaussian(h) at each cell centre × cell area."""
    gx, gy = grid.centres()
    out = np.zeros(grid.shape)
    for xi, yi in zip(x, y, strict=True):
        out += np.exp(-((gx - xi) ** 2 + (gy - yi) ** 2) / (2 * h * h))
    return out * grid.cell_m**2 / (2 * math.pi * h * h)


def test_density_matches_the_exact_gaussian_sum_within_one_percent():
    rng = np.random.default_rng(3)
    grid = Grid(0, 0, 20, 60, 50)  # cell = bandwidth / 5
    x = rng.normal(600, 150, 4000)
    y = rng.normal(500, 120, 4000)
    ours = density(grid, x, y, 100.0)
    exact = exact_gaussian(grid, x, y, 100.0)
    # In the thin tails a handful of events sit under each kernel, and where each sits inside
    # its cell (lost by binning) shows; where the density matters it averages out.
    meaningful = exact > 0.2 * exact.max()
    assert meaningful.sum() > 200
    assert np.abs(ours[meaningful] / exact[meaningful] - 1).max() < 0.01


def test_density_sums_to_the_number_of_events_well_inside_the_grid():
    rng = np.random.default_rng(0)
    grid = Grid(0, 0, 50, 100, 80)
    x = rng.uniform(1500, 3500, 500)
    y = rng.uniform(1500, 2500, 500)
    assert density(grid, x, y, 200).sum() == pytest.approx(500, rel=1e-12)
    assert density(grid, x, y, 200, weights=np.full(500, 2.5)).sum() == pytest.approx(1250)


def test_a_single_event_gives_a_symmetric_bump_peaking_at_its_cell():
    grid = Grid(0, 0, 10, 41, 41)
    d = density(grid, [205.0], [205.0], 40.0)
    assert d.sum() == pytest.approx(1.0)
    assert np.unravel_index(d.argmax(), d.shape) == (20, 20)
    np.testing.assert_allclose(d, d.T, atol=1e-15)
    np.testing.assert_allclose(d, d[::-1, ::-1], atol=1e-15)
    assert d[20, 20] == pytest.approx(100 / (2 * math.pi * 40**2), rel=0.01)


def test_events_outside_the_grid_spill_in_exactly_as_on_a_larger_grid():
    rng = np.random.default_rng(1)
    big = Grid(0, 0, 20, 60, 50)
    small = Grid(400, 300, 20, 20, 15)  # cells 20..39 × 15..29 of the big grid
    x = rng.uniform(0, 1200, 300)
    y = rng.uniform(0, 1000, 300)
    full = density(big, x, y, 60.0)
    np.testing.assert_allclose(density(small, x, y, 60.0), full[15:30, 20:40], atol=1e-12)


def test_events_far_outside_the_grid_contribute_nothing():
    grid = Grid(0, 0, 10, 20, 20)
    assert density(grid, [-500.0, 900.0], [100.0, 100.0], 50.0).sum() == 0.0


def test_no_events_give_an_empty_density():
    d = density(Grid(0, 0, 10, 5, 4), [], [], 30.0)
    assert d.shape == (4, 5)
    assert not d.any()


@pytest.mark.parametrize("bad", [0.0, -10.0, float("nan"), float("inf")])
def test_a_bandwidth_that_is_not_a_positive_number_is_refused(bad):
    with pytest.raises(ValueError, match="bandwidth"):
        density(Grid(0, 0, 10, 5, 5), [1.0], [1.0], bad)


def test_mismatched_inputs_are_refused():
    grid = Grid(0, 0, 10, 5, 5)
    with pytest.raises(ValueError, match="differ in length"):
        density(grid, [1.0, 2.0], [1.0], 20.0)
    with pytest.raises(ValueError, match="weights"):
        density(grid, [1.0], [1.0], 20.0, weights=[1.0, 2.0])


def test_scott_bandwidth_is_scipys_gaussian_kde_bandwidth_for_isotropic_data():
    rng = np.random.default_rng(2)
    x = rng.normal(0, 300, 1000)
    y = rng.permutation(x)  # same variance on both axes, so the kernel is isotropic
    kde = stats.gaussian_kde(np.vstack([x, y]))
    assert scott_bandwidth(x, y) == pytest.approx(math.sqrt(kde.covariance[0, 0]), rel=1e-12)


def test_silverman_bandwidth_on_a_normal_cloud_and_its_robustness_to_outliers():
    rng = np.random.default_rng(4)
    n = 20000
    x, y = rng.normal(0, 100, n), rng.normal(0, 100, n)
    # For a normal cloud, SD = σ√2 and Dm/√ln 2 agree.
    assert silverman_bandwidth(x, y) == pytest.approx(0.9 * 100 * math.sqrt(2) * n**-0.2, rel=0.02)
    far_x = np.concatenate([x, np.full(200, 50_000.0)])
    far_y = np.concatenate([y, np.zeros(200)])
    # 1 % of events far away: the median keeps Silverman near, Scott blows up.
    assert silverman_bandwidth(far_x, far_y) < 1.2 * silverman_bandwidth(x, y)
    assert scott_bandwidth(far_x, far_y) > 10 * scott_bandwidth(x, y)


def test_bandwidth_rules_refuse_too_few_or_identical_events():
    for rule in (scott_bandwidth, silverman_bandwidth):
        with pytest.raises(ValueError, match="at least two"):
            rule([1.0], [1.0])
        with pytest.raises(ValueError, match="one point"):
            rule([5.0, 5.0, 5.0], [2.0, 2.0, 2.0])
