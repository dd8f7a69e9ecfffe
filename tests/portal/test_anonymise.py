"""The anonymiser on its own (no database): cells, merging by level, suppression, totals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from senim.portal.anonymise import CellFrame, anonymise, places
from tests.portal.conftest import ALMATY, EARTH_RADIUS_M, cell_centre, near


def _arrays(*columns: list[object]) -> list[np.ndarray]:
    return [np.asarray(c) for c in columns]


def test_a_small_group_moves_up_a_level_and_what_stays_small_is_suppressed() -> None:
    month, place, fine, coarse = _arrays(
        [3, 3, 3, 3, 3, 3, 3, 4, 4],
        ["a", "a", "a", "a", "a", "b", "b", "a", "a"],
        ["theft", "theft", "theft", "murder", "fraud", "theft", "theft", "theft", "theft"],
        ["crime", "crime", "crime", "crime", "crime", "crime", "crime", "crime", "crime"],
    )
    result = anonymise(month=month, places=[place], levels=[fine, coarse])
    groups = {(g.month, g.place, g.category): (g.count, g.level) for g in result.groups}
    # theft in a (3) stays; murder + fraud in a (1 + 1) is 2 even as "crime": suppressed;
    # b has 2 thefts (suppressed); April has 2 thefts in a (suppressed).
    assert groups == {(3, "a", "theft"): (3, 0)}
    march, april = result.months
    assert (march.events, march.published, march.merged, march.suppressed) == (7, 3, 0, 4)
    assert (april.events, april.published, april.suppressed) == (2, 0, 2)


def test_merged_groups_are_published_at_the_coarser_level_and_every_event_counted_once() -> None:
    month = np.array([1] * 7)
    place = np.array(["c"] * 7)
    fine = np.array(["theft"] * 4 + ["murder", "fraud", "arson"])
    mid = np.array(["crime"] * 7)
    top = np.array(["all"] * 7)
    result = anonymise(month=month, places=[place], levels=[fine, mid, top])
    assert [(g.category, g.count, g.level) for g in result.groups] == [
        ("crime", 3, 1),
        ("theft", 4, 0),
    ]
    totals = result.months[0]
    assert (totals.events, totals.published, totals.merged, totals.suppressed) == (7, 7, 3, 0)
    assert all(g.count >= 3 for g in result.groups)


def test_what_no_cell_can_publish_is_grouped_by_district_with_the_points_without_a_place() -> None:
    # Two thefts in cell a, one in cell b (same district d1), one without coordinates in d1,
    # one in cell c of district d2: nothing publishes by cell; d1 gathers 4 thefts; d2's 1 is
    # suppressed.
    month = np.array([5, 5, 5, 5, 5])
    cells = np.array(["a", "a", "b", "", "c"])
    districts = np.array(["d1", "d1", "d1", "d1", "d2"])
    fine = np.array(["theft"] * 5)
    result = anonymise(month=month, places=[cells, districts], levels=[fine, np.array(["x"] * 5)])
    assert [(g.place, g.category, g.count, g.level) for g in result.groups] == [
        ("d1", "theft", 4, 0)
    ]
    totals = result.months[0]
    # The point without coordinates was never placed finer than its district: not "merged".
    assert (totals.events, totals.published, totals.merged, totals.suppressed) == (5, 4, 3, 1)


def test_a_threshold_of_one_publishes_everything_at_the_finest_level() -> None:
    month, place, fine = _arrays([1, 2], ["x", "y"], ["a", "b"])
    result = anonymise(month=month, places=[place], levels=[fine], threshold=1)
    assert [(g.month, g.count, g.level) for g in result.groups] == [(1, 1, 0), (2, 1, 0)]


def test_arrays_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError):
        anonymise(month=np.array([1, 2]), places=[np.array(["a"])], levels=[np.array(["x", "y"])])


def test_points_snap_to_the_centres_of_500_m_cells_on_the_regions_projection() -> None:
    frame = CellFrame("KZ-75", *ALMATY)
    points = [near(cell_centre(1, 2), k) for k in range(4)] + [near(cell_centre(-9, -8), 1)]
    lat = np.array([p[0] for p in points] + [np.nan])
    lon = np.array([p[1] for p in points] + [np.nan])
    districts = np.array([7, 7, 8, 7, 9, 5])
    (cells, by_district), table = places(frame, lat, lon, districts)
    assert list(cells) == ["KZ-75:1:2"] * 4 + ["KZ-75:-9:-8", ""]
    assert list(by_district) == ["d7", "d7", "d8", "d7", "d9", "d5"]
    a = table["KZ-75:1:2"]
    assert a.district_id == 7  # most of the cell's points lie in district 7
    # The published centre is the cell's centre by the plain equirectangular formula.
    assert (a.lat, a.lon) == pytest.approx(cell_centre(1, 2), abs=1e-6)
    assert table["d5"].cell_id == "" and table["d5"].lat is None
    for point in points:
        assert (a.lat, a.lon) != point


def test_a_cells_side_is_500_m() -> None:
    frame = CellFrame("KZ-75", *ALMATY)
    (lat0, lon0), (lat1, lon1) = frame.centre(0, 0), frame.centre(1, 1)
    dy = math.radians(lat1 - lat0) * EARTH_RADIUS_M
    dx = math.radians(lon1 - lon0) * EARTH_RADIUS_M * math.cos(math.radians(ALMATY[0]))
    assert (dx, dy) == pytest.approx((500.0, 500.0), abs=0.2)
    assert frame.parse("KZ-75:-3:4") == (-3, 4)
    with pytest.raises(ValueError):
        frame.parse("KZ-71:1:1")
