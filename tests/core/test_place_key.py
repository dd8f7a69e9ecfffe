"""One address cell for calls, demo history and the prevention's addresses: the vectorised key
equals the scalar one, and points a few metres apart share it."""

from __future__ import annotations

import numpy as np

from senim.core.geo import place_key, place_keys


def test_the_vectorised_key_equals_the_scalar_one() -> None:
    rng = np.random.default_rng(1)
    lat = rng.uniform(40.6, 55.4, 5000)
    lon = rng.uniform(46.6, 87.3, 5000)
    lat[:3], lon[:3] = [43.25, 43.00025, 51.1], [76.95, 76.00025, 71.4]  # halves on the grid
    assert place_keys(lat, lon).tolist() == [place_key(a, b) for a, b in zip(lat, lon, strict=True)]


def test_points_metres_apart_share_a_cell_and_a_street_away_do_not() -> None:
    here = place_key(43.2381, 76.9452)
    assert place_key(43.23812, 76.94522) == here
    assert place_key(43.2391, 76.9452) != here  # ~110 m north
