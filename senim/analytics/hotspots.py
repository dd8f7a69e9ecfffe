"""Getis-Ord Gi* hot and cold spots on a grid of counts, by convolution.

Gi* asks of every cell: is the total of the cell *and its neighbours* larger (hot) or smaller
(cold) than the same number of cells drawn at random from the grid would give? Weights are
binary and include the cell itself: the 3 × 3 queen window, or every cell whose centre lies
within a distance band. Because the weights are the same window everywhere, the neighbourhood
sums are a convolution of the grid with that window, so a 500 × 500 grid takes milliseconds
instead of a sparse-matrix product over a quarter of a million rows.

The z-scores are exactly PySAL's ``esda.G_Local(y, w, star=True, transform="B")`` ``Zs``
(with n cells, S = Σy, ȳ = S/n, s² = Σy²/n − ȳ², W_i = the number of cells in i's window,
which is smaller at the edges)::

    G_i  = Σ_j w_ij y_j / S
    E    = W_i / n
    Var  = W_i (n − W_i) / (n − 1) / n² · s² / ȳ²
    z_i  = (G_i − E) / √Var

p-values are two-sided from the normal distribution; with many cells tested at once the
false discovery rate is controlled by Benjamini–Hochberg, so "hot at α = 0.05" means that at
most about 5 % of the flagged cells are expected to be false alarms. An optional mask (the
study area) drops cells such as lakes or steppe from both the neighbourhoods and n, like an
esda weights object built on the masked cells only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import ndimage
from scipy.special import ndtr

from senim.analytics.grid import FloatArray, Grid

BoolArray = npt.NDArray[np.bool_]
Int8Array = npt.NDArray[np.int8]

HOT = 1
COLD = -1


@dataclass(frozen=True)
class Hotspots:
    """Gi* per cell (shape of the input counts); cells outside the mask have z 0 and p 1."""

    z: FloatArray
    p: FloatArray
    significant: BoolArray
    category: Int8Array  # HOT (+1), COLD (−1) or 0, after the FDR control
    neighbours: FloatArray  # W_i: cells in the window, the cell itself included
    alpha: float

    @property
    def hot(self) -> BoolArray:
        return self.category == HOT

    @property
    def cold(self) -> BoolArray:
        return self.category == COLD


def queen_window() -> FloatArray:
    """The cell and its 8 neighbours."""
    return np.ones((3, 3), dtype=np.float64)


def distance_window(grid: Grid, distance_m: float) -> FloatArray:
    """Every cell whose centre lies within `distance_m` of the focal cell's centre."""
    if not math.isfinite(distance_m) or distance_m < 0:
        raise ValueError(f"distance band must be a non-negative number of metres: {distance_m}")
    reach = math.floor(distance_m / grid.cell_m * (1 + 1e-12))
    offsets = np.arange(-reach, reach + 1, dtype=np.float64) * grid.cell_m
    dx, dy = np.meshgrid(offsets, offsets)
    # A hair of tolerance so that a band of exactly k cells includes the cell k away.
    return (np.hypot(dx, dy) <= distance_m * (1 + 1e-12)).astype(np.float64)


def window_sum(values: FloatArray, window: FloatArray) -> FloatArray:
    """Σ of `values` over the window centred on each cell; outside the grid counts as zero."""
    if window.ndim != 2 or window.shape[0] % 2 == 0 or window.shape[1] % 2 == 0:
        raise ValueError(f"the window must be 2-D with odd sides, got shape {window.shape}")
    if bool(np.all(window == 1)):
        # A full rectangle is separable: one pass along each axis, O(cells · side).
        return _box_sum(_box_sum(values, window.shape[0] // 2, 0), window.shape[1] // 2, 1)
    # The window is symmetric, so correlation and convolution agree.
    return np.asarray(
        ndimage.correlate(values, window, mode="constant", cval=0.0), dtype=np.float64
    )


def _box_sum(values: FloatArray, reach: int, axis: int) -> FloatArray:
    # Shifted adds rather than a running sum: no cancellation, so sums of counts stay exact.
    n = values.shape[axis]
    pad = [(0, 0), (0, 0)]
    pad[axis] = (reach, reach)
    padded = np.pad(values, pad)
    out = np.zeros_like(values, dtype=np.float64)
    for shift in range(2 * reach + 1):
        out += np.take(padded, np.arange(shift, shift + n), axis=axis)
    return out


def gi_star(
    counts: npt.ArrayLike,
    *,
    window: FloatArray | None = None,
    mask: npt.ArrayLike | None = None,
    alpha: float = 0.05,
) -> Hotspots:
    """Gi* z-scores, two-sided p-values and FDR-controlled hot/cold cells of a 2-D grid.

    `window` is a binary odd-sided array (default: queen); `mask` marks the study area.
    A grid with no variation (e.g. all zeros) has no hot spots: z 0, p 1 everywhere.
    """
    y = np.asarray(counts, dtype=np.float64)
    if y.ndim != 2:
        raise ValueError(f"counts must be a 2-D grid, got shape {y.shape}")
    if not bool(np.all(np.isfinite(y))):
        raise ValueError("counts must be finite numbers")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    win = queen_window() if window is None else np.asarray(window, dtype=np.float64)
    if not bool(np.all((win == 0) | (win == 1))):
        raise ValueError("Gi* here uses binary weights: the window must hold only 0 and 1")
    centre = (win.shape[0] // 2, win.shape[1] // 2) if win.ndim == 2 else (0, 0)
    if win.ndim == 2 and win[centre] != 1:
        raise ValueError("Gi* includes the cell itself: the window's centre must be 1")
    if mask is None:
        inside = np.ones(y.shape, dtype=bool)
    else:
        inside = np.asarray(mask, dtype=bool)
        if inside.shape != y.shape:
            raise ValueError(f"mask has shape {inside.shape}, counts {y.shape}")
    y = np.where(inside, y, 0.0)
    n = int(inside.sum())
    total = float(y.sum())
    neighbours = np.where(inside, window_sum(inside.astype(np.float64), win), 0.0)

    z = np.zeros(y.shape, dtype=np.float64)
    if n >= 2 and total != 0:
        mean = total / n
        variance = float((y**2).sum()) / n - mean**2
        if variance > 0:
            g = window_sum(y, win) / total
            expected = neighbours / n
            var_g = neighbours * (n - neighbours) / (n - 1) / n**2 * variance / mean**2
            # A window covering every cell has no variance; its Gi* is undefined — leave 0.
            ok = inside & (var_g > 0)
            z[ok] = (g[ok] - expected[ok]) / np.sqrt(var_g[ok])
    p = 2.0 * ndtr(-np.abs(z))
    p[~inside] = 1.0
    significant = np.zeros(y.shape, dtype=bool)
    significant[inside] = benjamini_hochberg(p[inside], alpha)
    category = (np.sign(z) * significant).astype(np.int8)
    return Hotspots(z, p, significant, category, neighbours, alpha)


def benjamini_hochberg(p: npt.ArrayLike, alpha: float) -> BoolArray:
    """Which of the p-values are discoveries with the false discovery rate held at `alpha`.

    Step-up rule: with the m p-values sorted, find the largest k with p_(k) ≤ k·α/m and reject
    the k smallest. Valid for independent or positively dependent tests (as neighbouring
    Gi* cells are).
    """
    p_a = np.asarray(p, dtype=np.float64)
    flat = p_a.ravel()
    m = flat.size
    result = np.zeros(m, dtype=bool)
    if m == 0:
        return result.reshape(p_a.shape)
    order = np.argsort(flat, kind="stable")
    passed = flat[order] <= alpha * np.arange(1, m + 1) / m
    if passed.any():
        k = int(np.nonzero(passed)[0][-1]) + 1
        result[order[:k]] = True
    return result.reshape(p_a.shape)
