from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import stats

from senim.analytics.grid import Grid
from senim.analytics.hotspots import (
    COLD,
    HOT,
    benjamini_hochberg,
    distance_window,
    gi_star,
    queen_window,
)


def esda_zs(y: np.ndarray, w) -> np.ndarray:
    esda = pytest.importorskip("esda")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda.G_Local(y, w, star=True, transform="B", permutations=0).Zs


@pytest.mark.parametrize("shape", [(7, 9), (9, 4), (1, 6)])
def test_gi_star_equals_esda_with_queen_lattice_weights(shape):
    libpysal = pytest.importorskip("libpysal")
    ny, nx = shape
    counts = np.random.default_rng(ny * nx).poisson(3, shape).astype(float)
    counts[0, 0] = 25  # a corner hot spot: edge cells have fewer neighbours
    w = libpysal.weights.lat2W(ny, nx, rook=False)  # ids are row * nx + col, like ours
    ours = gi_star(counts)
    np.testing.assert_allclose(ours.z.ravel(), esda_zs(counts.ravel(), w), rtol=0, atol=1e-9)


def test_gi_star_equals_esda_with_explicit_self_weights():
    libpysal = pytest.importorskip("libpysal")
    from libpysal.weights.util import fill_diagonal

    counts = np.random.default_rng(5).poisson(1.5, (6, 8)).astype(float)
    w = fill_diagonal(libpysal.weights.lat2W(6, 8, rook=False), 1.0)
    np.testing.assert_allclose(
        gi_star(counts).z.ravel(), esda_zs(counts.ravel(), w), rtol=0, atol=1e-9
    )


def test_gi_star_equals_esda_with_a_distance_band():
    libpysal = pytest.importorskip("libpysal")
    grid = Grid(0, 0, 100, 9, 7)
    counts = np.random.default_rng(6).poisson(2, grid.shape).astype(float)
    cx, cy = grid.centres()
    points = np.column_stack([cx.ravel(), cy.ravel()])
    w = libpysal.weights.DistanceBand(points, threshold=250, binary=True, silence_warnings=True)
    ours = gi_star(counts, window=distance_window(grid, 250))
    np.testing.assert_allclose(ours.z.ravel(), esda_zs(counts.ravel(), w), rtol=0, atol=1e-9)


def test_a_mask_equals_esda_on_the_weights_of_the_masked_cells_only():
    libpysal = pytest.importorskip("libpysal")
    rng = np.random.default_rng(7)
    counts = rng.poisson(2, (8, 8)).astype(float)
    mask = rng.random((8, 8)) > 0.25
    ids = [int(i) for i in np.flatnonzero(mask)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.w_subset(libpysal.weights.lat2W(8, 8, rook=False), ids)
    ours = gi_star(counts, mask=mask)
    np.testing.assert_allclose(ours.z[mask], esda_zs(counts.ravel()[ids], w), rtol=0, atol=1e-9)
    assert np.all(ours.z[~mask] == 0) and np.all(ours.p[~mask] == 1)


def test_gi_star_by_hand_on_a_three_by_three_grid_with_one_event_in_a_corner():
    counts = np.zeros((3, 3))
    counts[0, 0] = 1
    # n = 9, ȳ = 1/9, s² = 1/9 − 1/81, s²/ȳ² = 8. Corner window: W = 4 cells.
    # Var = 4·5/8/81·8 = 20/81, so the corner is z = (1 − 4/9)/(√20/9) = √5/2.
    result = gi_star(counts)
    assert result.z[0, 0] == pytest.approx(math.sqrt(5) / 2, abs=1e-12)
    assert result.z[2, 2] == pytest.approx(-4 / math.sqrt(20), abs=1e-12)
    # The centre's window is the whole grid: no variance, Gi* undefined, reported as 0.
    assert result.z[1, 1] == 0
    assert result.neighbours.tolist() == [[4, 6, 4], [6, 9, 6], [4, 6, 4]]
    assert result.p[0, 0] == pytest.approx(2 * stats.norm.sf(math.sqrt(5) / 2))


def test_a_planted_cluster_is_hot_and_pure_noise_flags_nothing():
    rng = np.random.default_rng(0)
    counts = rng.poisson(2.0, (40, 40)).astype(float)
    assert not gi_star(counts).significant.any()
    counts[10:13, 20:23] += 8
    result = gi_star(counts, alpha=0.05)
    assert result.hot[11, 21]
    assert result.category[11, 21] == HOT
    assert np.all(result.z[result.hot] > 0) and np.all(result.z[result.cold] < 0)
    assert np.all(result.category[result.cold] == COLD)
    assert result.significant.sum() < 40


def test_a_grid_without_variation_has_no_hot_spots():
    for counts in (np.zeros((5, 5)), np.full((5, 5), 3.0)):
        result = gi_star(counts)
        assert not result.z.any()
        assert np.all(result.p == 1)
        assert not result.significant.any()


def test_distance_window_includes_cells_exactly_on_the_band():
    grid = Grid(0, 0, 100, 10, 10)
    window = distance_window(grid, 100)
    assert window.tolist() == [[0, 1, 0], [1, 1, 1], [0, 1, 0]]
    assert distance_window(grid, 50).tolist() == [[1]]
    assert distance_window(grid, 150).sum() == 9  # √2·100 ≈ 141 < 150


def test_benjamini_hochberg_known_answers():
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.2], 0.05).tolist() == [
        True,
        False,
        False,
        False,
    ]
    # Step-up: 0.03 misses its own threshold (0.025) but a larger k passes, so it is kept.
    assert benjamini_hochberg([0.001, 0.03, 0.035, 0.04], 0.05).all()
    assert benjamini_hochberg([], 0.05).size == 0


@pytest.mark.parametrize(
    ("counts", "kwargs", "message"),
    [
        (np.zeros(5), {}, "2-D"),
        (np.zeros((3, 3)), {"window": np.ones((2, 2))}, "odd"),
        (np.zeros((3, 3)), {"window": np.array([[1, 1, 1], [1, 0, 1], [1, 1, 1]])}, "centre"),
        (np.zeros((3, 3)), {"window": queen_window() * 0.5}, "binary"),
        (np.zeros((3, 3)), {"alpha": 1.5}, "alpha"),
        (np.full((3, 3), np.nan), {}, "finite"),
        (np.zeros((3, 3)), {"mask": np.ones((2, 2))}, "mask"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(counts, kwargs, message):
    with pytest.raises(ValueError, match=message):
        gi_star(counts, **kwargs)
