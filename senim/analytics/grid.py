"""A regular grid of square cells over an area, in metres, and fast binning of events onto it.

Every spatial method of the analytics centre (density, Gi*, predictors, back-tests) works on
this one grid so that their cells line up and a forecast can be scored against a density.
Coordinates are projected from WGS 84 to a local equirectangular plane around the area's
centre: over a city (tens of kilometres) the distortion is below 0.1 %, far under one cell.
Pure: numpy only, never Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_M = 6_371_008.8

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Projection:
    """Local equirectangular projection centred on (lon0, lat0); x east, y north, metres."""

    lon0: float
    lat0: float

    def forward(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        lon_r = np.radians(np.asarray(lon, dtype=np.float64) - self.lon0)
        lat_r = np.radians(np.asarray(lat, dtype=np.float64) - self.lat0)
        x = EARTH_RADIUS_M * np.cos(np.radians(self.lat0)) * lon_r
        y = EARTH_RADIUS_M * lat_r
        return x, y

    def inverse(self, x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        x_a = np.asarray(x, dtype=np.float64)
        y_a = np.asarray(y, dtype=np.float64)
        lon = self.lon0 + np.degrees(x_a / (EARTH_RADIUS_M * np.cos(np.radians(self.lat0))))
        lat = self.lat0 + np.degrees(y_a / EARTH_RADIUS_M)
        return lon, lat


@dataclass(frozen=True)
class Grid:
    """`nx` × `ny` square cells of `cell_m` metres whose lower-left corner is (x0, y0).

    Arrays over the grid have shape (ny, nx): row = y (south → north), column = x. A cell's
    flat index is `row * nx + col`.
    """

    x0: float
    y0: float
    cell_m: float
    nx: int
    ny: int

    def __post_init__(self) -> None:
        if self.cell_m <= 0:
            raise ValueError(f"cell size must be positive, got {self.cell_m}")
        if self.nx < 1 or self.ny < 1:
            raise ValueError(f"a grid needs at least one cell, got {self.nx} × {self.ny}")

    @classmethod
    def covering(
        cls, x: npt.ArrayLike, y: npt.ArrayLike, cell_m: float, margin_m: float = 0.0
    ) -> Grid:
        """The smallest grid of `cell_m` cells holding every point, plus a margin."""
        x_a = np.asarray(x, dtype=np.float64)
        y_a = np.asarray(y, dtype=np.float64)
        if x_a.size == 0:
            raise ValueError("cannot cover an empty set of points")
        x0 = float(x_a.min()) - margin_m
        y0 = float(y_a.min()) - margin_m
        nx = int(np.floor((float(x_a.max()) + margin_m - x0) / cell_m)) + 1
        ny = int(np.floor((float(y_a.max()) + margin_m - y0) / cell_m)) + 1
        return cls(x0, y0, float(cell_m), nx, ny)

    @classmethod
    def square(cls, side_m: float, cell_m: float, x0: float = 0.0, y0: float = 0.0) -> Grid:
        n = int(np.ceil(side_m / cell_m))
        return cls(x0, y0, float(cell_m), n, n)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.ny, self.nx)

    @property
    def size(self) -> int:
        return self.nx * self.ny

    def cells(self, x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[IntArray, IntArray]:
        """(column, row) of each point; points outside the grid get -1 in both."""
        x_a = np.asarray(x, dtype=np.float64)
        y_a = np.asarray(y, dtype=np.float64)
        col = np.floor((x_a - self.x0) / self.cell_m).astype(np.int64)
        row = np.floor((y_a - self.y0) / self.cell_m).astype(np.int64)
        outside = (col < 0) | (col >= self.nx) | (row < 0) | (row >= self.ny)
        col[outside] = -1
        row[outside] = -1
        return col, row

    def flat_index(self, x: npt.ArrayLike, y: npt.ArrayLike) -> IntArray:
        """Flat cell index of each point, -1 outside the grid."""
        col, row = self.cells(x, y)
        flat = row * self.nx + col
        flat[col < 0] = -1
        return flat

    def counts(
        self, x: npt.ArrayLike, y: npt.ArrayLike, weights: npt.ArrayLike | None = None
    ) -> FloatArray:
        """Events (or their weights) per cell, shape (ny, nx); points outside are dropped."""
        flat = self.flat_index(x, y)
        inside = flat >= 0
        w = None if weights is None else np.asarray(weights, dtype=np.float64)[inside]
        binned = np.bincount(flat[inside], weights=w, minlength=self.size)
        return binned.astype(np.float64).reshape(self.shape)

    def centres(self) -> tuple[FloatArray, FloatArray]:
        """x and y of every cell centre, each of shape (ny, nx)."""
        xs = self.x0 + (np.arange(self.nx) + 0.5) * self.cell_m
        ys = self.y0 + (np.arange(self.ny) + 0.5) * self.cell_m
        gx, gy = np.meshgrid(xs, ys)
        return gx, gy
