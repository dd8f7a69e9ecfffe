"""The analysis grid of an area: events projected to metres and binned on square cells.

Every spatial page (hot spots, forecasts) uses this one construction so that a forecast and a
density over the same area, cell size and data line up cell for cell. The grid's corner is
snapped to whole cells of the projection's plane, so grids of different periods line up too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from senim.analysis.params import (
    MAX_CELL_M,
    MAX_CELLS,
    MIN_CELL_M,
    AnalysisError,
    NoData,
    check_number,
)
from senim.analytics.grid import EARTH_RADIUS_M, FloatArray, Grid, Projection

# Sizes offered when none is asked for: the smallest one that keeps the map near TARGET_SIDE
# cells a side, so a city gets ~100 m cells and an oblast kilometres.
NICE_CELLS_M = (100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000)
TARGET_SIDE = 250


@dataclass(frozen=True)
class Plane:
    projection: Projection
    grid: Grid

    @property
    def cell_degrees(self) -> tuple[float, float]:
        """(Δlon, Δlat) of one cell: constant over the grid in an equirectangular projection."""
        cell = self.grid.cell_m
        dlat = math.degrees(cell / EARTH_RADIUS_M)
        dlon = math.degrees(cell / (EARTH_RADIUS_M * math.cos(math.radians(self.projection.lat0))))
        return dlon, dlat

    def centres_lonlat(self) -> tuple[FloatArray, FloatArray]:
        """lon and lat of every cell centre, each of shape grid.shape."""
        gx, gy = self.grid.centres()
        return self.projection.inverse(gx, gy)

    def xy(self, lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
        return self.projection.forward(lon, lat)

    def frame(self) -> dict[str, list[float]]:
        """For a chart: the grid's south-west corner, one cell and the extent, in degrees.

        The projection is linear in each axis, so cell (col, row) has its centre at
        origin + (col + ½, row + ½) × cell: the page sends cells as indices, not coordinates.
        """
        g = self.grid
        lon, lat = self.projection.inverse(
            np.array([g.x0, g.x0 + g.nx * g.cell_m]), np.array([g.y0, g.y0 + g.ny * g.cell_m])
        )
        dlon, dlat = self.cell_degrees
        return {
            "origin": [round(float(lon[0]), 7), round(float(lat[0]), 7)],
            "cell": [round(dlon, 9), round(dlat, 9)],
            "extent": [float(lon[0]), float(lat[0]), float(lon[1]), float(lat[1])],
        }

    @staticmethod
    def sparse(mask: np.ndarray, values: FloatArray, digits: int) -> list[list[float]]:
        """[col, row, value] of the cells in `mask` (arrays of the grid's shape)."""
        rows, cols = np.nonzero(mask)
        vals = np.round(values[rows, cols], digits).tolist()
        return [list(t) for t in zip(cols.tolist(), rows.tolist(), vals, strict=True)]

    def describe(self) -> dict[str, Any]:
        """What a stored forecast needs to rebuild the same plane."""
        g = self.grid
        return {
            "lon0": self.projection.lon0,
            "lat0": self.projection.lat0,
            "x0": g.x0,
            "y0": g.y0,
            "cell_m": g.cell_m,
            "nx": g.nx,
            "ny": g.ny,
        }

    @classmethod
    def from_description(cls, d: dict[str, Any]) -> Plane:
        return cls(
            Projection(float(d["lon0"]), float(d["lat0"])),
            Grid(float(d["x0"]), float(d["y0"]), float(d["cell_m"]), int(d["nx"]), int(d["ny"])),
        )


def auto_cell(extent_m: float, minimum_m: float = 100.0) -> float:
    """The smallest offered size of at least `minimum_m` that fits the extent in TARGET_SIDE."""
    for size in NICE_CELLS_M:
        if size >= minimum_m and extent_m / size <= TARGET_SIDE:
            return float(size)
    return float(NICE_CELLS_M[-1])


def plane_for(
    lat: FloatArray,
    lon: FloatArray,
    *,
    centre: tuple[float, float],
    cell_m: float | None,
    minimum_m: float = 100.0,
    margin_m: float = 0.0,
) -> Plane:
    """A plane centred on `centre` (lat, lon) whose grid holds every point plus a margin.

    `cell_m` None picks a size of at least `minimum_m` with `auto_cell`; a size that would need more than MAX_CELLS
    cells is refused with the smallest size that fits, so the analyst knows what to ask for.
    """
    check_number("cell_m", cell_m, MIN_CELL_M, MAX_CELL_M)
    projection = Projection(lon0=centre[1], lat0=centre[0])
    if lat.size == 0:
        raise NoData("area", _("No offences with coordinates in this area and period."))
    x, y = projection.forward(lon, lat)
    x_lo, x_hi = float(x.min()) - margin_m, float(x.max()) + margin_m
    y_lo, y_hi = float(y.min()) - margin_m, float(y.max()) + margin_m
    extent = max(x_hi - x_lo, y_hi - y_lo, 1.0)
    size = auto_cell(extent, minimum_m) if cell_m is None else float(cell_m)
    # Snap the corner to whole cells of the plane: the same area and size give the same cells.
    x0 = math.floor(x_lo / size) * size
    y0 = math.floor(y_lo / size) * size
    nx = math.floor((x_hi - x0) / size) + 1
    ny = math.floor((y_hi - y0) / size) + 1
    if nx * ny > MAX_CELLS:
        fits = math.ceil(extent / math.sqrt(MAX_CELLS))
        raise AnalysisError(
            "cell_m",
            _(
                "This area needs %(cells)s cells of %(size)s m; the limit is %(limit)s. "
                "Choose cells of at least %(fits)s m or a smaller area."
            )
            % {
                "cells": f"{nx * ny:,}",
                "size": f"{size:g}",
                "limit": f"{MAX_CELLS:,}",
                "fits": fits,
            },
        )
    return Plane(projection, Grid(x0, y0, size, nx, ny))


def located(lat: FloatArray, lon: FloatArray) -> np.ndarray:
    """Which events have usable coordinates."""
    return np.isfinite(lat) & np.isfinite(lon)
