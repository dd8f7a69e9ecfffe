"""Anonymising event points for open data: 500 m cells, month only, small groups merged or held back.

Pure (numpy and senim.analytics.grid, never Django), so every rule is tested without a database:

* place: a point becomes the centre of its 500 m cell on a local metric projection centred on its
  region's administrative centre (cells aligned on the projection's origin, so a cell id means
  the same square every month and year). A point without coordinates has only its district.
* time: the local calendar month; the builder passes nothing finer.
* count: events are grouped by (month, cell, category). A group of fewer than THRESHOLD events
  moves to the next coarser category of its cell and month (e.g. "crime, ch. 6" → "crime, other
  chapters" → "offences of several kinds"); what is still below the threshold is grouped again
  by district instead of cell (with the points that have no coordinates), through the same
  categories; what is still below it then is suppressed. The numbers merged and suppressed
  are reported per month, so that totals reconcile. No cell or district total is published, so
  a held-back group cannot be recovered by subtraction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from senim.analytics.grid import EARTH_RADIUS_M, Grid, Projection

CELL_M = 500.0
THRESHOLD = 3
DIGITS = 6  # ~0.1 m: a published centre is exactly reproducible from its cell id

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]


@dataclass(frozen=True)
class CellFrame:
    """The 500 m cells of one region."""

    region: str  # ISO code: part of every cell id
    lat0: float
    lon0: float
    cell_m: float = CELL_M

    @property
    def projection(self) -> Projection:
        return Projection(lon0=self.lon0, lat0=self.lat0)

    def cells(self, lat: FloatArray, lon: FloatArray) -> tuple[IntArray, IntArray]:
        """(column, row) of each point, counted from the projection's origin (may be negative)."""
        x, y = self.projection.forward(lon, lat)
        if x.size == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        # A grid whose corner sits on a whole cell of the plane, so that its cells are the frame's.
        x0 = math.floor(float(x.min()) / self.cell_m) * self.cell_m
        y0 = math.floor(float(y.min()) / self.cell_m) * self.cell_m
        nx = int((float(x.max()) - x0) // self.cell_m) + 1
        ny = int((float(y.max()) - y0) // self.cell_m) + 1
        col, row = Grid(x0, y0, self.cell_m, nx, ny).cells(x, y)
        return col + round(x0 / self.cell_m), row + round(y0 / self.cell_m)

    def centres(self, col: IntArray, row: IntArray) -> tuple[FloatArray, FloatArray]:
        """(lat, lon) of the centres of cells (col, row), rounded to DIGITS decimals."""
        lon, lat = self.projection.inverse((col + 0.5) * self.cell_m, (row + 0.5) * self.cell_m)
        return np.round(lat, DIGITS), np.round(lon, DIGITS)

    def centre(self, col: int, row: int) -> tuple[float, float]:
        lat, lon = self.centres(np.array([col]), np.array([row]))
        return float(lat[0]), float(lon[0])

    def cell_id(self, col: int, row: int) -> str:
        return f"{self.region}:{col}:{row}"

    def parse(self, cell_id: str) -> tuple[int, int]:
        """(col, row) of a cell id of this frame; ValueError for any other text."""
        region, col, row = cell_id.rsplit(":", 2)
        if region != self.region:
            raise ValueError(f"cell {cell_id!r} is not in {self.region}")
        return int(col), int(row)

    @property
    def cell_degrees(self) -> tuple[float, float]:
        """(Δlat, Δlon) of one cell: constant over an equirectangular frame."""
        dlat = math.degrees(self.cell_m / EARTH_RADIUS_M)
        dlon = math.degrees(self.cell_m / (EARTH_RADIUS_M * math.cos(math.radians(self.lat0))))
        return dlat, dlon


@dataclass(frozen=True)
class Place:
    cell_id: str  # "" for a district-level place
    lat: float | None  # cell centre
    lon: float | None
    district_id: int  # -1 unknown


def places(
    frame: CellFrame, lat: FloatArray, lon: FloatArray, district_id: IntArray
) -> tuple[list[StrArray], dict[str, Place]]:
    """Each point's place at each spatial level, finest first, and what each place publishes.

    Level 0 is the point's 500 m cell ("" for a point without coordinates, which skips it);
    level 1 its district. A cell's district is the one most of its points lie in (ties: the
    smaller id), so a cell has one district across the months of a dataset.
    """
    n = lat.size
    cell_keys = np.full(n, "", dtype=object)
    district_keys = np.array([f"d{d}" for d in district_id.tolist()], dtype=object)
    table = {f"d{d}": Place("", None, None, d) for d in np.unique(district_id).tolist()}
    idx = np.nonzero(np.isfinite(lat) & np.isfinite(lon))[0]
    if idx.size:
        col, row = frame.cells(lat[idx], lon[idx])
        cells, inverse = np.unique(np.column_stack([col, row]), axis=0, return_inverse=True)
        inverse = inverse.ravel()
        # Most common district per cell: count (cell, district) pairs, order each cell's pairs
        # by count (most first) then district (smallest first), keep each cell's first.
        pairs, counts = np.unique(
            np.column_stack([inverse, district_id[idx]]), axis=0, return_counts=True
        )
        order = np.lexsort((pairs[:, 1], -counts, pairs[:, 0]))
        first = np.unique(pairs[order, 0], return_index=True)[1]
        districts = pairs[order[first], 1]
        lats, lons = frame.centres(cells[:, 0], cells[:, 1])
        keys = [frame.cell_id(c, r) for c, r in cells.tolist()]
        for key, la, lo, d in zip(
            keys, lats.tolist(), lons.tolist(), districts.tolist(), strict=True
        ):
            table[key] = Place(key, la, lo, d)
        cell_keys[idx] = np.asarray(keys, dtype=object)[inverse]
    return [cell_keys.astype(str), district_keys.astype(str)], table


@dataclass(frozen=True)
class Group:
    month: int
    place: str
    category: str
    count: int
    level: int  # 0: the events' own category; higher: merged into a coarser one


@dataclass(frozen=True)
class MonthTotals:
    month: int
    events: int
    published: int
    merged: int  # of `published`: events shown in a coarser category or place than their own
    suppressed: int


@dataclass(frozen=True)
class Anonymised:
    groups: list[Group]
    months: list[MonthTotals]  # every month with at least one event


def _codes(values: StrArray) -> tuple[IntArray, int]:
    names, codes = np.unique(values, return_inverse=True)
    return codes.ravel().astype(np.int64), len(names)


def anonymise(
    *,
    month: IntArray,
    places: list[StrArray],
    levels: list[StrArray],
    threshold: int = THRESHOLD,
) -> Anonymised:
    """Groups of (month, place, category) with at least `threshold` events, coarsening as needed.

    `places` holds each event's place at each spatial level, finest first ("": not placed at
    that level); `levels` its category from the finest to the coarsest. Events are grouped at
    the finest place through every category level, then what is left at the next place, and
    so on; what is left at the end is suppressed. Each event is counted exactly once.
    """
    n = month.size
    if not levels or not places:
        raise ValueError("at least one place level and one category level are needed")
    if any(a.size != n for a in [*places, *levels]):
        raise ValueError("every array must have one element per event")
    own_place = np.full(n, len(places), dtype=np.int64)  # the finest level that places it
    for depth in reversed(range(len(places))):
        own_place[places[depth] != ""] = depth
    pending = np.ones(n, dtype=bool)
    merged = np.zeros(n, dtype=bool)
    groups: list[Group] = []
    for place_depth, place in enumerate(places):
        remaining = np.nonzero(pending & (place != ""))[0]
        place_code, n_places = _codes(place)
        for depth, category in enumerate(levels):
            if not remaining.size:
                break
            category_code, n_categories = _codes(category)
            # One integer per (month, place, category) of this level.
            key = (month[remaining] * n_places + place_code[remaining]) * n_categories
            key += category_code[remaining]
            _keys, first, inverse, counts = np.unique(
                key, return_index=True, return_inverse=True, return_counts=True
            )
            published = counts >= threshold
            for i, count in zip(first[published], counts[published], strict=True):
                event = remaining[i]
                groups.append(
                    Group(
                        int(month[event]),
                        str(place[event]),
                        str(category[event]),
                        int(count),
                        depth,
                    )
                )
            done = remaining[published[inverse.ravel()]]
            pending[done] = False
            merged[done] = (depth > 0) | (own_place[done] < place_depth)
            remaining = remaining[~published[inverse.ravel()]]
    events = np.bincount(month, minlength=13)
    suppressed = np.bincount(month[pending], minlength=13)
    moved = np.bincount(month[merged], minlength=13)
    groups.sort(key=lambda g: (g.month, g.place, g.category))
    months = [
        MonthTotals(
            m, int(events[m]), int(events[m] - suppressed[m]), int(moved[m]), int(suppressed[m])
        )
        for m in range(1, 13)
        if events[m]
    ]
    return Anonymised(groups=groups, months=months)
