"""The non-parametric self-exciting point process of Mohler, Short, Brantingham, Schoenberg &
Tita 2011, "Self-exciting point process modeling of crime", JASA 106(493).

    λ(t, x, y) = μ(x, y) + Σ_{t_j < t} g(t − t_j, x − x_j, y − y_j)

The background μ is a spatial kernel density of the events judged to be background, scaled to
their rate; the trigger g = θ·f is a kernel density in (Δt, Δx, Δy) of the parent → offspring
displacements, θ the expected offspring per event. Neither has a parametric form: both are
learned by *stochastic declustering* (Zhuang, Ogata & Vere-Jones 2002; Mohler et al. §3): given
the current μ and g, each event is assigned at random to the background or to one earlier
event, with probabilities μ(x_i)/λ_i and g(·)/λ_i; the two samples are then re-estimated by
kernel density, and so on for a fixed number of iterations.

What makes it fit 100 000 events in seconds (the naïve algorithm holds an n × n probability
matrix: 80 GB at that size) — the truncation choices:

- The trigger has bounded support: Δt ≤ `trigger_days` and distance ≤ `trigger_radius_m`.
  Only pairs inside it are ever considered, found with a bucket grid of that radius and
  sorted-time windows (two binary searches per event and neighbouring bucket), so memory and
  time grow with the pairs (tens per event), not with n². Choose the support a few times the
  expected near-repeat scales (defaults 30 days and 500 m: burglary near repeats last
  1–2 weeks within 200–400 m, Johnson et al. 2007), because g is zero beyond it.
- g is a histogram on (Δt, Δx, Δy) bins (`time_bin_days` × `space_bin_m`²) smoothed by a
  Gaussian with Scott's-rule bandwidths per axis, reflected at Δt = 0. Mohler et al. use
  k-nearest-neighbour variable bandwidths for g; with tens of thousands of offspring the
  binned fixed-bandwidth estimate is as smooth and costs one filter pass.
- μ keeps the variable bandwidth of the paper (each background event's distance to its k-th
  nearest background neighbour, at least `min_bandwidth_m`), found with a summed-area table
  (see `_bandwidths`) and evaluated by binned FFT densities, one per bandwidth class
  (classes 40 % apart, so a bandwidth is off by at most ±18 %). An event's own kernel is left
  out of μ at its location (a background event must not explain itself), exactly, as the
  lattice value of its own kernel is known.
- The start is data-driven (a Knox-style excess of close pairs, see `_initial_trigger`):
  stochastic declustering moves the triggered share only slowly from wherever it starts.
- μ is constant in time (the paper also fits a temporal background profile ν(t); for a
  forecast of the coming week a constant rate ranks the cells the same).

A forecast integrates λ over [at, at + horizon): the background plus the offspring still due
from events of the last `trigger_days` (first generation).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.ndimage import gaussian_filter

from senim.analytics.grid import FloatArray, Grid, IntArray
from senim.analytics.kde import density, gaussian_kernel_1d
from senim.analytics.predict.base import Events, RiskGrid

AnyIntArray = npt.NDArray[np.int32] | npt.NDArray[np.int64]
# Adjacent background bandwidth classes differ by this factor.
_CLASS_RATIO = 1.4


def neighbour_pairs(
    t: FloatArray,
    col: IntArray,
    row: IntArray,
    shape: tuple[int, int],
    offsets: list[tuple[int, int]],
    cutoff: float,
) -> Iterator[tuple[IntArray, IntArray]]:
    """For each offset in turn, every pair (i, j) with t_i − cutoff ≤ t_j < t_i and the bucket
    of j equal to the bucket of i minus the offset.

    `col`/`row` place each event on a `shape` = (rows, cols) bucket lattice, offsets are
    (dcol, drow). Events are sorted once by (bucket, time); for each offset two binary searches
    per event give the run of candidate parents, so the cost is O(n log n + pairs) with no
    Python loop over events, and one offset's pairs are in memory at a time.
    """
    nrows, ncols = shape
    if t.size == 0:
        return
    bucket = row.astype(np.int64) * ncols + col.astype(np.int64)
    order = np.lexsort((t, bucket))
    t0 = float(t.min())
    # One sortable key: bucket first, then time. The stride exceeds the time span plus the
    # cutoff, so a search window never runs into the next bucket.
    stride = float(t.max()) - t0 + cutoff + 1.0
    key = bucket[order] * stride + (t[order] - t0)
    for dc, dr in offsets:
        pc, pr = col - dc, row - dr
        idx = np.flatnonzero((pc >= 0) & (pc < ncols) & (pr >= 0) & (pr < nrows))
        base = (pr[idx].astype(np.int64) * ncols + pc[idx]) * stride + (t[idx] - t0)
        lo = np.searchsorted(key, base - cutoff, side="left")
        hi = np.searchsorted(key, base, side="left")
        runs = hi - lo
        total = int(runs.sum())
        if total == 0:
            continue
        starts = np.cumsum(runs) - runs
        pos = np.arange(total, dtype=np.int64) + np.repeat(lo - starts, runs)
        yield np.repeat(idx, runs), order[pos]


@dataclass(frozen=True)
class MohlerFit:
    """What the fit found. `trigger_share` is the expected share of events that were
    triggered (Σ_i (1 − μ_i/λ_i) / n at the last iteration); `sampled_share` the share the
    stochastic declustering drew at each iteration (its spread shows the sampling noise)."""

    events: int
    pairs: int
    branching_ratio: float
    trigger_share: float
    sampled_share: tuple[float, ...]
    mean_delay_days: float
    trigger_distance_m: float  # mean parent → offspring distance under the fitted trigger


class MohlerPredictor:
    """Stochastic-declustering fit of the Mohler et al. (2011) model; see the module docstring."""

    def __init__(
        self,
        trigger_days: float = 30.0,
        trigger_radius_m: float = 500.0,
        iterations: int = 20,
        background_neighbours: int = 15,
        min_bandwidth_m: float = 50.0,
        time_bin_days: float = 0.25,
        space_bin_m: float = 25.0,
        window_days: float | None = None,
        seed: int = 0,
    ) -> None:
        if min(trigger_days, trigger_radius_m, min_bandwidth_m, time_bin_days, space_bin_m) <= 0:
            raise ValueError("trigger support, bandwidth and bin sizes must be positive")
        if iterations < 1 or background_neighbours < 1:
            raise ValueError("iterations and background_neighbours must be at least 1")
        if window_days is not None and window_days <= 0:
            raise ValueError("window_days must be positive")
        self.trigger_days = float(trigger_days)
        self.space_bin_m = float(space_bin_m)
        # A whole number of spatial bins on each side of the parent.
        self.half_bins = max(1, math.ceil(trigger_radius_m / self.space_bin_m))
        self.trigger_radius_m = self.half_bins * self.space_bin_m
        self.time_bins = max(1, math.ceil(trigger_days / time_bin_days))
        self.time_bin_days = self.trigger_days / self.time_bins
        self.iterations = int(iterations)
        self.background_neighbours = int(background_neighbours)
        self.min_bandwidth_m = float(min_bandwidth_m)
        self.window_days = window_days
        self.seed = seed
        self.name = "mohler2011"
        self.fitted: MohlerFit | None = None
        self._events: Events | None = None
        self._grid: Grid | None = None
        self._background: FloatArray | None = None  # events per day per analysis cell
        self._trigger: FloatArray | None = None  # θ·f per bin, events per day per m²

    # -- fitting ---------------------------------------------------------------------------

    def fit(self, events: Events, grid: Grid) -> MohlerPredictor:
        if len(events) == 0:
            raise ValueError(f"{self.name}: cannot fit on an empty set of events")
        if self.window_days is not None:
            events = events.between(float(events.t[-1]) - self.window_days, math.inf)
        radius = self.trigger_radius_m
        # The area: the grid widened by the trigger's reach, so events just outside it still
        # count as parents of events inside.
        area = Grid(
            grid.x0 - radius,
            grid.y0 - radius,
            self.space_bin_m,
            math.ceil((grid.nx * grid.cell_m + 2 * radius) / self.space_bin_m),
            math.ceil((grid.ny * grid.cell_m + 2 * radius) / self.space_bin_m),
        )
        inside = area.flat_index(events.x, events.y) >= 0
        t, x, y = events.t[inside], events.x[inside], events.y[inside]
        if t.size < 2:
            raise ValueError(f"{self.name}: fewer than two events fall in the area")
        span = max(float(t[-1] - t[0]), 1.0)
        child, pair_bin = self._pairs(t, x, y, area)
        rng = np.random.default_rng(self.seed)
        n = t.size

        trigger = self._initial_trigger(pair_bin, n, span)
        theta = float(trigger.sum() * self._bin_volume)
        mu_cell = density(area, x, y, 200.0) * (1 - theta) / span / area.cell_m**2
        mu_i = mu_cell.ravel()[area.flat_index(x, y)]

        starts = np.searchsorted(child, np.arange(n), side="left")
        ends = np.searchsorted(child, np.arange(n), side="right")
        shares: list[float] = []
        trigger_share = 0.0
        background_x, background_y, bandwidths = x, y, np.full(n, 200.0)
        for _ in range(self.iterations):
            g = trigger.ravel()[pair_bin]
            lam = mu_i + np.bincount(child, weights=g, minlength=n)
            trigger_share = float(1.0 - np.mean(mu_i / lam))
            # Draw each event's origin: background with probability μ_i/λ_i, else the pair
            # whose g lands the uniform draw, found on the running sum of g (pairs are sorted
            # by child, so each child's pairs are one contiguous run of it).
            draw = rng.random(n) * lam
            is_background = (draw < mu_i) | (ends == starts)
            running = np.cumsum(g)
            before = np.where(starts > 0, running[np.maximum(starts - 1, 0)], 0.0)
            offspring = np.flatnonzero(~is_background)
            chosen = np.searchsorted(running, before[offspring] + draw[offspring] - mu_i[offspring])
            chosen = np.clip(chosen, starts[offspring], ends[offspring] - 1)
            shares.append(offspring.size / n)

            background = np.flatnonzero(is_background)
            background_x, background_y = x[background], y[background]
            bandwidths = self._bandwidths(area, background_x, background_y)
            density_i, own = self._background_at(area, x, y, background, bandwidths)
            # Leave each background event's own kernel out of μ at its own position.
            density_i[background] -= own
            mu_i = np.maximum(density_i, 1e-12 * float(density_i.max()) + 1e-300) / span
            trigger = self._trigger_density(pair_bin[chosen], t, offspring.size)

        self._background = (
            self._background_density(grid, background_x, background_y, bandwidths) / span
        )
        self._trigger = trigger
        theta = float(trigger.sum() * self._bin_volume)
        marginal_t = trigger.sum(axis=(1, 2))
        delays = (np.arange(self.time_bins) + 0.5) * self.time_bin_days
        self.fitted = MohlerFit(
            events=n,
            pairs=int(child.size),
            branching_ratio=theta,
            trigger_share=trigger_share,
            sampled_share=tuple(shares),
            mean_delay_days=float(np.sum(marginal_t * delays) / max(marginal_t.sum(), 1e-300)),
            trigger_distance_m=self._mean_distance(trigger),
        )
        self._events, self._grid = events, grid
        return self

    @property
    def _bin_volume(self) -> float:
        return self.time_bin_days * self.space_bin_m**2

    def _offsets_m(self) -> tuple[FloatArray, FloatArray]:
        """Centres of the spatial bins (Δx per column, Δy per row), metres."""
        steps = np.arange(2 * self.half_bins, dtype=np.float64) + 0.5 - self.half_bins
        centres = np.asarray(steps * self.space_bin_m, dtype=np.float64)
        return centres, centres

    def _disc(self) -> npt.NDArray[np.bool_]:
        dx, dy = self._offsets_m()
        return np.hypot(dx[None, :], dy[:, None]) <= self.trigger_radius_m

    def _pairs(
        self, t: FloatArray, x: FloatArray, y: FloatArray, area: Grid
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
        """Candidate (child, trigger-bin) pairs inside the support, sorted by child."""
        radius = self.trigger_radius_m
        col = np.floor((x - area.x0) / radius).astype(np.int64)
        row = np.floor((y - area.y0) / radius).astype(np.int64)
        shape = (int(row.max()) + 1, int(col.max()) + 1)
        offsets = [(dc, dr) for dr in (-1, 0, 1) for dc in (-1, 0, 1)]
        side = 2 * self.half_bins
        children, bins = [], []
        for i, j in neighbour_pairs(t, col, row, shape, offsets, self.trigger_days):
            dx, dy = x[i] - x[j], y[i] - y[j]
            keep = dx * dx + dy * dy <= radius * radius
            i, j, dx, dy = i[keep], j[keep], dx[keep], dy[keep]
            tb = np.minimum(
                ((t[i] - t[j]) / self.time_bin_days).astype(np.int64), self.time_bins - 1
            )
            xb = np.clip(((dx + radius) / self.space_bin_m).astype(np.int64), 0, side - 1)
            yb = np.clip(((dy + radius) / self.space_bin_m).astype(np.int64), 0, side - 1)
            children.append(i.astype(np.int32))
            bins.append(((tb * side + yb) * side + xb).astype(np.int32))
        if not children:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
        child = np.concatenate(children)
        pair_bin = np.concatenate(bins)
        order = np.argsort(child, kind="stable")
        return child[order], pair_bin[order]

    def _initial_trigger(self, bins: AnyIntArray, n: int, span: float) -> FloatArray:
        """A Knox-style start: the excess of close pairs over chance.

        Pairs at the longest lags of the support (its last third) are taken as chance
        coincidences. Chance pairs at lag L are proportional to the data's span minus L, so
        that level, scaled to each lag, is subtracted per spatial bin, and what is left,
        smoothed, is the first trigger's shape. Related pairs outnumber parent links (siblings
        pair too): for Poisson(η) offspring the related pairs per event are
        η/2 · (1/(1 − η)² + 1/(1 − η)), which is inverted for the first η. Starting from the
        data rather than an arbitrary share matters: stochastic declustering moves the
        triggered share only slowly from wherever it starts.
        """
        side = 2 * self.half_bins
        shape = (self.time_bins, side, side)
        hist = np.bincount(bins, minlength=self.time_bins * side * side).reshape(shape)
        lags = (np.arange(self.time_bins) + 0.5) * self.time_bin_days
        tail = slice((2 * self.time_bins) // 3, None)
        exposure = np.maximum(span - lags, 1e-9)
        chance = hist[tail].sum(axis=0) / exposure[tail].sum()
        excess = hist - exposure[:, None, None] * chance[None, :, :]
        # The total excess is unbiased; clipping noisy bins at zero would not be, so the
        # share comes from the total and only the shape from the smoothed, clipped bins.
        related = max(float(excess.sum()), 0.0) / n
        excess = gaussian_filter(excess, sigma=(2.0, 1.0, 1.0), mode="reflect", truncate=3.0)
        excess = np.maximum(excess, 0.0) * self._disc()[None, :, :]
        if excess.sum() <= 0:
            excess = np.exp(-lags / (self.trigger_days / 6.0))[:, None, None] * self._disc()
        grid_eta = np.linspace(0.0, 0.95, 951)
        per_event = grid_eta / 2 * (1 / (1 - grid_eta) ** 2 + 1 / (1 - grid_eta))
        theta = float(np.clip(np.interp(related, per_event, grid_eta), 0.05, 0.9))
        return np.asarray(theta * excess / (excess.sum() * self._bin_volume), dtype=np.float64)

    def _trigger_density(self, bins: AnyIntArray, t: FloatArray, offspring: int) -> FloatArray:
        """θ·f on the bins from the sampled offspring's displacement bins."""
        side = 2 * self.half_bins
        shape = (self.time_bins, side, side)
        if offspring == 0:
            return np.zeros(shape)
        hist = np.bincount(bins, minlength=self.time_bins * side * side).reshape(shape)
        hist = hist.astype(np.float64)
        # Scott's rule per axis (d = 3): σ_axis · n^(−1/7), in bins, from the sample.
        tb, rest = np.divmod(bins, side * side)
        yb, xb = np.divmod(rest, side)
        factor = offspring ** (-1.0 / 7.0)
        sigmas = [max(float(np.std(b)) * factor, 0.5) for b in (tb, yb, xb)]
        smooth = gaussian_filter(hist, sigma=sigmas, mode="reflect", truncate=3.0)
        smooth *= self._disc()[None, :, :]
        total = smooth.sum()
        if total <= 0:
            return np.zeros(shape)
        f = smooth / (total * self._bin_volume)
        # θ: offspring over the offspring the parents could have shown by the data's end
        # (a parent near the end has only had part of f's time support).
        cdf = np.concatenate([[0.0], np.cumsum(f.sum(axis=(1, 2)) * self._bin_volume)])
        age = np.minimum((t[-1] - t) / self.time_bin_days, self.time_bins)
        whole = age.astype(np.int64)
        frac = age - whole
        seen = cdf[whole] + frac * (cdf[np.minimum(whole + 1, self.time_bins)] - cdf[whole])
        return np.asarray(f * (offspring / max(float(seen.sum()), 1.0)), dtype=np.float64)

    def _bandwidths(self, area: Grid, x: FloatArray, y: FloatArray) -> FloatArray:
        """Distance to the k-th nearest other background event (at least min_bandwidth_m),
        to the resolution of the bandwidth classes.

        Only the class of that distance is used, so it is read off a summed-area table of the
        events on the lattice instead of a k-d tree: for radii r on the classes' ladder, the
        events in the square of the disc's area (side r√π) around each event are counted with
        four look-ups, and the first r holding k + 1 events (itself included) ends the search.
        Cost O(n · classes), ~8× less than a k-d tree query at 100 000 events; on the
        benchmark's city 91 % of events get the class the exact k-th distance gives and the
        rest the neighbouring class (a square is not a disc, the lattice not the points).
        """
        k = min(self.background_neighbours, x.size - 1)
        if k < 1:
            return np.full(x.size, self.min_bandwidth_m)
        counts = area.counts(x, y)
        table = np.zeros((area.ny + 1, area.nx + 1))
        table[1:, 1:] = counts.cumsum(axis=0).cumsum(axis=1)
        col, row = area.cells(x, y)
        out = np.full(x.size, np.nan)
        pending = np.arange(x.size)
        level = 0
        largest = math.hypot(area.nx, area.ny) * area.cell_m
        while pending.size:
            radius = self.min_bandwidth_m * _CLASS_RATIO**level
            half = max(0, math.ceil(radius * math.sqrt(math.pi) / 2 / area.cell_m - 0.5))
            c, r = col[pending], row[pending]
            c0, c1 = np.maximum(c - half, 0), np.minimum(c + half + 1, area.nx)
            r0, r1 = np.maximum(r - half, 0), np.minimum(r + half + 1, area.ny)
            inside = table[r1, c1] - table[r0, c1] - table[r1, c0] + table[r0, c0]
            done = (inside >= k + 1) | (radius > largest)
            # The k-th distance lies between the previous radius and this one: the midpoint
            # (geometric) puts it in the class below this radius, as an exact query would.
            out[pending[done]] = radius / math.sqrt(_CLASS_RATIO) if level else radius
            pending = pending[~done]
            level += 1
        return np.maximum(out, self.min_bandwidth_m)

    def _classes(self, bandwidths: FloatArray) -> tuple[IntArray, FloatArray]:
        """Each event's bandwidth class, and every class's bandwidth (geometric mid-point)."""
        classes = np.floor(np.log(bandwidths / self.min_bandwidth_m) / math.log(_CLASS_RATIO))
        classes = classes.astype(np.int64)
        top = int(classes.max()) + 1 if classes.size else 0
        widths = self.min_bandwidth_m * _CLASS_RATIO ** (np.arange(top) + 0.5)
        return classes, np.asarray(widths, dtype=np.float64)

    def _background_at(
        self,
        area: Grid,
        x: FloatArray,
        y: FloatArray,
        members: IntArray,
        bandwidths: FloatArray,
    ) -> tuple[FloatArray, FloatArray]:
        """Σ over the background events `members` of their Gaussians (own bandwidths), per m²,
        at every event, and each member's own kernel at its own position (to leave it out).

        Each bandwidth class is binned on a lattice of a quarter of its bandwidth (at least
        `space_bin_m`): fine where kernels are narrow, coarse — and cheap — where they are
        wide, with the same relative accuracy everywhere.
        """
        out = np.zeros(x.size)
        own = np.zeros(members.size)
        classes, widths = self._classes(bandwidths)
        side_x, side_y = area.nx * area.cell_m, area.ny * area.cell_m
        for c in np.unique(classes):
            bandwidth = float(widths[c])
            cell = max(self.space_bin_m, bandwidth / 4.0)
            lattice = Grid(
                area.x0, area.y0, cell, math.ceil(side_x / cell), math.ceil(side_y / cell)
            )
            chosen = members[classes == c]
            values = density(lattice, x[chosen], y[chosen], bandwidth).ravel() / cell**2
            where = lattice.flat_index(x, y)
            out[where >= 0] += values[where[where >= 0]]
            kernel = gaussian_kernel_1d(bandwidth, cell)
            own[classes == c] = kernel[kernel.size // 2] ** 2 / cell**2
        return out, own

    def _background_density(
        self, lattice: Grid, x: FloatArray, y: FloatArray, bandwidths: FloatArray
    ) -> FloatArray:
        """Σ of each event's Gaussian (own bandwidth class) per cell of `lattice`."""
        out = np.zeros(lattice.shape)
        classes, widths = self._classes(bandwidths)
        for c in np.unique(classes):
            members = classes == c
            out += density(lattice, x[members], y[members], float(widths[c]))
        return out

    def _mean_distance(self, trigger: FloatArray) -> float:
        dx, dy = self._offsets_m()
        spatial = trigger.sum(axis=0)
        distance = np.hypot(dx[None, :], dy[:, None])
        return float((spatial * distance).sum() / max(spatial.sum(), 1e-300))

    # -- forecasting -----------------------------------------------------------------------

    def predict(self, at: float, horizon_days: float = 7.0) -> RiskGrid:
        if self._events is None or self._grid is None:
            raise RuntimeError(f"{self.name}: call fit() before predict()")
        if self._background is None or self._trigger is None:
            raise RuntimeError(f"{self.name}: call fit() before predict()")
        if horizon_days <= 0:
            raise ValueError(f"horizon_days must be positive, got {horizon_days}")
        grid, trigger = self._grid, self._trigger
        past = self._events.between(at - self.trigger_days, at)
        side = 2 * self.half_bins
        # Offspring due in [at, at + horizon) per spatial bin, for each parent age (in bins):
        # the trigger's running integral over time, differenced.
        per_bin = trigger * self._bin_volume  # expected offspring per bin
        running = np.concatenate([np.zeros((1, side, side)), np.cumsum(per_bin, axis=0)])
        age = np.minimum(((at - past.t) / self.time_bin_days).astype(np.int64), self.time_bins)
        until = np.minimum(age + round(horizon_days / self.time_bin_days), self.time_bins)
        due = running[until] - running[age]  # (events, side, side)
        # Scatter onto a lattice of space_bin_m cells aligned with the grid, then sum the
        # lattice cells into the grid's cells by their centres.
        lattice = Grid(
            grid.x0 - self.trigger_radius_m,
            grid.y0 - self.trigger_radius_m,
            self.space_bin_m,
            math.ceil(grid.nx * grid.cell_m / self.space_bin_m) + side,
            math.ceil(grid.ny * grid.cell_m / self.space_bin_m) + side,
        )
        col, row = lattice.cells(past.x, past.y)
        known = col >= 0
        col, row, due = col[known], row[known], due[known]
        shift = np.arange(side) - self.half_bins
        target_row = row[:, None, None] + shift[None, :, None]
        target_col = col[:, None, None] + shift[None, None, :]
        ok = (
            (target_row >= 0)
            & (target_row < lattice.ny)
            & (target_col >= 0)
            & (target_col < lattice.nx)
        )
        flat = np.broadcast_to(target_row * lattice.nx + target_col, due.shape)[ok]
        offspring = np.bincount(flat, weights=due[ok], minlength=lattice.size)
        centre_x, centre_y = lattice.centres()
        cell = grid.flat_index(centre_x.ravel(), centre_y.ravel())
        on_grid = cell >= 0
        triggered = np.bincount(cell[on_grid], weights=offspring[on_grid], minlength=grid.size)
        risk = self._background * horizon_days + triggered.reshape(grid.shape)
        return RiskGrid(grid, np.asarray(risk, dtype=np.float64), self.name)
