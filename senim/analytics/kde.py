"""Kernel density of events on the analysis `Grid`: binned, then smoothed by FFT.

`density` returns *expected events per cell* (a Gaussian kernel estimate integrated over each
cell), so maps, predictors and back-tests can add, compare and rank it like counts.

How it is computed, and why it is fast: events are binned with `Grid.counts` on the grid
widened by the kernel's reach (so events just outside still spill into edge cells), then the
bin counts are convolved with a Gaussian sampled at whole-cell offsets and truncated at four
kernel standard deviations (``scipy.signal.fftconvolve``, 'valid' mode: zero padding, no
wrap-around). The kernel is renormalised to sum to one, so every event whose kernel lies
inside the grid contributes exactly its weight; an event near the edge contributes the share
of its kernel that falls on the grid. Cost is O(n + cells·log cells) instead of O(n · cells).

Binning error: moving each event to its cell centre widens the kernel by a cell-scale jitter.
For events spread evenly inside a cell this adds cell²/12 to the kernel variance on each axis
(Sheppard's correction), so the kernel is sampled with variance ``h² − cell²/12`` and the
effective bandwidth stays ``h``. What is left is of order (cell/h)⁴ plus the noise of where
each event sat inside its cell: with cell = h/4 and 1 M events the estimate is within 0.5 %
of the exact Gaussian sum at cell centres wherever the density is ≥ 1 % of its peak (see
benchmarks/analytics_bench.py). Where only a few events fall under a kernel, or for a lone
event, that position is simply lost — up to half a cell in where its bump sits — so keep
cell ≪ bandwidth (a quarter or less is a good rule).

Bandwidth: the two rules of thumb below assume one normal blob and so over-smooth a city's
many small hotspots; use them as a data-driven starting point, and prefer a fixed bandwidth in
metres at the scale a patrol can act on (≈ 150–400 m in a city). `scott_bandwidth` is
Scott's rule (σ·n^(−1/6), the same as scipy's ``gaussian_kde`` default for isotropic data).
In two dimensions Silverman's normal-reference factor equals Scott's, so
`silverman_bandwidth` is the robust spatial variant used by GIS hotspot tools:
0.9·min(SD, Dm/√ln 2)·n^(−1/5), where SD is the standard distance and Dm the median distance
to the median centre (GIS tools take the mean centre; the median centre and the median
distance together keep a few far-away events from inflating the bandwidth).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy.signal import fftconvolve

from senim.analytics.grid import FloatArray, Grid

# The kernel is cut at this many standard deviations: the two-dimensional mass beyond is
# about 1e-4 and is given back by renormalising the kernel.
TRUNCATE_SD = 4.0


def density(
    grid: Grid,
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    bandwidth_m: float,
    weights: npt.ArrayLike | None = None,
) -> FloatArray:
    """Expected events (or weight) per cell, shape ``grid.shape``, Gaussian kernel `bandwidth_m`.

    The sum over the grid equals the events' total weight when all of their kernels fit in the
    grid; events near or beyond the edge count for the share of their kernel inside it.
    """
    bandwidth = float(bandwidth_m)
    if not math.isfinite(bandwidth) or bandwidth <= 0:
        raise ValueError(f"bandwidth must be a positive number of metres, got {bandwidth_m!r}")
    x_a = np.asarray(x, dtype=np.float64).ravel()
    y_a = np.asarray(y, dtype=np.float64).ravel()
    if x_a.shape != y_a.shape:
        raise ValueError(f"x and y differ in length: {x_a.size} and {y_a.size}")
    w_a: FloatArray | None = None
    if weights is not None:
        w_a = np.asarray(weights, dtype=np.float64).ravel()
        if w_a.shape != x_a.shape:
            raise ValueError(f"weights has {w_a.size} values for {x_a.size} events")
    kernel = gaussian_kernel_1d(bandwidth, grid.cell_m)
    reach = (kernel.size - 1) // 2
    if x_a.size == 0:
        return np.zeros(grid.shape, dtype=np.float64)
    wide = Grid(
        grid.x0 - reach * grid.cell_m,
        grid.y0 - reach * grid.cell_m,
        grid.cell_m,
        grid.nx + 2 * reach,
        grid.ny + 2 * reach,
    )
    counts = wide.counts(x_a, y_a, w_a)
    # Separable kernel: two 1-D passes cost O(cells·log) and equal the 2-D convolution.
    # 'valid' drops the `reach` border again, so the result is exactly the original grid.
    smoothed = fftconvolve(counts, kernel[:, np.newaxis], mode="valid", axes=0)
    smoothed = fftconvolve(smoothed, kernel[np.newaxis, :], mode="valid", axes=1)
    out = np.asarray(smoothed, dtype=np.float64)
    if w_a is None or bool(np.all(w_a >= 0)):
        # FFT round-off leaves values of ~1e-17 below zero in empty areas.
        np.maximum(out, 0.0, out=out)
    return out


def gaussian_kernel_1d(bandwidth_m: float, cell_m: float) -> FloatArray:
    """The 1-D Gaussian weights at whole-cell offsets, Sheppard-corrected, summing to one."""
    variance = bandwidth_m**2 - cell_m**2 / 12.0
    # When the bandwidth is under ~0.4 cells the correction would eat most of the kernel;
    # there the estimate is little more than the counts anyway, so keep half the variance.
    variance = max(variance, bandwidth_m**2 / 2.0)
    sd_cells = math.sqrt(variance) / cell_m
    reach = max(1, math.ceil(TRUNCATE_SD * sd_cells))
    offsets = np.arange(-reach, reach + 1, dtype=np.float64)
    kernel = np.exp(-0.5 * (offsets / sd_cells) ** 2)
    return kernel / kernel.sum()


def _spread(x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray, int]:
    x_a = np.asarray(x, dtype=np.float64).ravel()
    y_a = np.asarray(y, dtype=np.float64).ravel()
    if x_a.shape != y_a.shape:
        raise ValueError(f"x and y differ in length: {x_a.size} and {y_a.size}")
    if x_a.size < 2:
        raise ValueError(f"a bandwidth rule needs at least two events, got {x_a.size}")
    return x_a - x_a.mean(), y_a - y_a.mean(), int(x_a.size)


def scott_bandwidth(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Scott's rule in 2-D: the per-axis standard deviation, pooled over x and y, × n^(−1/6)."""
    dx, dy, n = _spread(x, y)
    # Sample variances (n − 1), as scipy's gaussian_kde uses, pooled over the two axes.
    sigma = math.sqrt((float(np.sum(dx**2)) + float(np.sum(dy**2))) / (2.0 * (n - 1)))
    if sigma == 0:
        raise ValueError("all events are at one point: no bandwidth can be estimated")
    return sigma * n ** (-1.0 / 6.0)


def silverman_bandwidth(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Robust spatial Silverman: 0.9·min(SD, Dm/√ln 2)·n^(−1/5) (see the module docstring)."""
    dx, dy, n = _spread(x, y)
    standard_distance = math.sqrt(float(np.mean(dx**2)) + float(np.mean(dy**2)))
    # Distances to the median centre: far-away events move neither the centre nor the median.
    median_distance = float(np.median(np.hypot(dx - np.median(dx), dy - np.median(dy))))
    # For a normal cloud Dm/√ln 2 equals SD; the median makes it robust to outliers. If more
    # than half the events share one point Dm is 0, and SD is the only usable spread.
    robust = median_distance / math.sqrt(math.log(2.0))
    spread = min(standard_distance, robust) if robust > 0 else standard_distance
    if spread == 0:
        raise ValueError("all events are at one point: no bandwidth can be estimated")
    return 0.9 * spread * n ** (-0.2)
