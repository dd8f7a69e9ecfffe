import numpy as np
import pytest

from senim.analytics.grid import Grid, Projection


def test_projection_round_trip_and_scale():
    proj = Projection(76.9, 43.25)  # Almaty
    x, y = proj.forward([76.9, 77.0], [43.25, 43.35])
    assert x[0] == pytest.approx(0) and y[0] == pytest.approx(0)
    # 0.1° of latitude is ~11.1 km everywhere; 0.1° of longitude shrinks with cos(lat).
    assert y[1] == pytest.approx(11_119.5, rel=1e-3)
    assert x[1] == pytest.approx(11_119.5 * np.cos(np.radians(43.25)), rel=1e-3)
    lon, lat = proj.inverse(x, y)
    np.testing.assert_allclose(lon, [76.9, 77.0])
    np.testing.assert_allclose(lat, [43.25, 43.35])


def test_counts_bin_points_and_drop_outside():
    grid = Grid(0.0, 0.0, 100.0, nx=3, ny=2)
    x = np.array([10, 150, 150, 299.9, -1, 350, 50])
    y = np.array([10, 10, 10, 199.9, 10, 10, 250])
    counts = grid.counts(x, y)
    assert counts.shape == (2, 3)
    assert counts.tolist() == [[1, 2, 0], [0, 0, 1]]
    assert grid.flat_index([-1, 150], [10, 150]).tolist() == [-1, 4]


def test_covering_holds_every_point():
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-5_000, 5_000, 1000), rng.uniform(0, 3_000, 1000)
    grid = Grid.covering(x, y, 150.0)
    assert grid.counts(x, y).sum() == 1000


def test_invalid_grid_is_refused():
    with pytest.raises(ValueError, match="positive"):
        Grid(0, 0, 0, 1, 1)
    with pytest.raises(ValueError, match="empty"):
        Grid.covering([], [], 100)
