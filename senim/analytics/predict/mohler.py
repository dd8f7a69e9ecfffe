"""The non-parametric self-exciting point process of Mohler, Short, Brantingham, Schoenberg &
Tita 2011, "Self-exciting point process modeling of crime", JASA 106(493).

    λ(t, x, y) = μ(x, y) + Σ_{t_j < t} g(t − t_j, x − x_j, y − y_j)

The background μ is a spatial kernel density of the events judged to be background, scaled to
their rate; the trigger g = θ·f is a density in (Δt, Δx, Δy) of the parent → offspring
displacements, θ the expected offspring per event (the branching ratio). Neither has a
parametric form: both are learned from the branching structure — the probability that event i
is background, μ_i/λ_i, or the offspring of an earlier event j, g_ij/λ_i.

**Fitting: EM, iterated to convergence.** Mohler et al. *sample* that branching structure at
each iteration (stochastic declustering, Zhuang, Ogata & Vere-Jones 2002) and re-estimate μ
and g from the sample, for a fixed number of iterations. Here the probabilities are used as
weights instead of being sampled (the expectation of that step; Zhuang et al. 2002 estimate
the background the same way, and with histogram kernels it is the EM algorithm of Marsan &
Lengliné 2008, "Extending earthquakes' reach through cascading", Science 319): the result is
deterministic, has no sampling noise, and so can be iterated until it stops moving. Each
iteration computes the log-likelihood

    ℓ = Σ_i log λ_i − ∫ μ − Σ_j ∫ g(· − t_j, · − x_j)

(μ left out at each event's own position, see below; ∫ g counts only the part of each
parent's support before the data's end); the fit stops when ℓ changes by less than
`tolerance` nats per event *and* θ by less than `branching_tolerance` between iterations, or
after `max_iterations` (then `converged` is False). The whole path of ℓ and of θ is kept on
`MohlerFit`. Because the estimates are smoothed and the chance level is taken out of g (below),
the steps are not exact EM and ℓ may fall by a little near the end; the rule is on the size of
the change. A fixed 20 iterations stopped far from the maximum on large data (branching ratio
0.106 against a true 0.45 at 300 000 synthetic events, issue 15): EM moves θ slowly when the
data are dense, and only a criterion on the likelihood tells when it has arrived.

**Coincident points are never each other's parent.** Addresses are snapped to street points and
intersections, and one incident is often recorded as several offences with the same place and
time. In a continuous model two events at *exactly* the same point have no likelihood of their
own (a density has no mass at a point), and a non-parametric g learns any concentration at
offset zero — snapping, duplicate records, a shop or a station that reports every week — as
triggering: on real data it read the branching ratio as 0.82. So a pair closer than
`coincident_m` (default 1 m: snapped points coincide exactly, real positions almost never do; 0
turns the rule off) and at most `coincident_days` apart (default: the whole trigger support) is
not a candidate pair: such events are explained by the background, whose variable bandwidth
narrows where events pile up. The cost, stated plainly: a genuine repeat at the very same
address (repeat victimisation) is not counted as triggering; repeats at neighbouring points
still are, and a forecast still spreads each recent event's offspring over its own 25 m bin and
the bins around it. With exact (unsnapped) coordinates set `coincident_days` to, e.g., 1/24 to
drop only same-hour duplicates. `MohlerFit.coincident_pairs` counts the pairs left out. Measured
on the test suite's simulated process (θ 0.46 fitted): recording 40 % of events two or three
times within the hour gave 0.43 with the rule and 0.52 without; twenty addresses reporting at
random times gave 0.32 with it and 0.50 without (the simulation's own triggered share falls to
0.35 there, as those events are background). Not solved: snapping to a lattice of *distinct*
points coarser than ~10 m still inflates θ (0.57 at 30 m, 0.62 at 60 m on that set), as every
pair then sits on a peak of the finely binned g while μ is smooth; 50 m bins only bring the
60 m case to 0.59. Left open.

**Bounded pairs, linear memory.** The trigger has bounded support: Δt ≤ `trigger_days` and
distance ≤ `trigger_radius_m`. Only pairs inside it are ever considered, found with a bucket
grid of that radius and sorted-time windows (two binary searches per event and neighbouring
bucket, no Python loop over events), built and used block by block of children and stored as
one int32 trigger-bin index per pair (4 bytes) plus one count per event: memory grows with the
pairs, i.e. linearly in the events at a given density of events per km² per day, not with n².
`max_pairs` refuses, with a clear error, a support so wide for the data that the pairs would
not fit. Choose the support a few times the expected near-repeat scales (defaults 30 days and
500 m: burglary near repeats last 1–2 weeks within 200–400 m, Johnson et al. 2007).

Estimates:

- g is separable, θ·f_t(Δt)·f_s(Δx, Δy): a histogram of offspring weight per parent over lag
  bins (`time_bin_days`, each divided by the parents old enough to show it) and one over offset
  bins (`space_bin_m`²), each smoothed by a Gaussian with Scott's-rule bandwidths, reflected at
  Δt = 0. Mohler et al. fit a 3-D kernel with k-nearest-neighbour bandwidths; a 3-D histogram
  has ~190 000 mostly empty bins, and EM keeps a little of each bin's noise above zero, which
  added 0.05–0.06 to θ on the test suite's simulated process; the two marginals pool the pairs
  instead.
- The chance level is taken out of g (`chance_lags`, the last third of the support by default):
  whatever weight per parent g still holds at those lags, per offset bin, is what a background
  slightly off the true rate leaves to g at every lag (its smoothing lowers hot spots' peaks;
  seasons and weekdays are not in a constant μ), so it is subtracted from every lag. This is the
  Knox idea inside EM; it assumes the true trigger has died out by then, which is what choosing
  the support "a few times" the near-repeat scales means. On the 100 000-event benchmark it
  brought θ from 0.337 to 0.312 against a true 0.3 (`chance_lags=0` turns it off).
- μ is a weighted kernel density (each event weighted by its probability of being background)
  with the variable bandwidth of the paper (each event's distance to its k-th nearest neighbour,
  at least `min_bandwidth_m`, computed once from all events as in Zhuang et al. 2002), found
  with a summed-area table (see `_bandwidths`) and evaluated by binned FFT densities, one per
  bandwidth class (classes 40 % apart, so a bandwidth is off by at most ±18 %). An event's own
  kernel is left out of μ at its location (a background event must not explain itself), exactly,
  as the lattice value of its own kernel is known.
- The start is data-driven (a Knox-style excess of close pairs, see `_initial_trigger`).
- μ is constant in time (the paper also fits a temporal background profile ν(t); for a forecast
  of the coming week a constant rate ranks the cells the same).

A forecast integrates λ over [at, at + horizon): the background plus the offspring still due
from events of the last `trigger_days` (first generation).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.ndimage import gaussian_filter, gaussian_filter1d

from senim.analytics.grid import FloatArray, Grid, IntArray
from senim.analytics.kde import density, gaussian_kernel_1d
from senim.analytics.predict.base import Events, RiskGrid

Int32Array = npt.NDArray[np.int32]
# Adjacent background bandwidth classes differ by this factor.
_CLASS_RATIO = 1.4
# Candidate pairs examined at a time while the pairs are built and while EM runs over them:
# bounds the temporary arrays (≈ 100 bytes per candidate) whatever the number of events.
_BLOCK_PAIRS = 2_000_000


def window_pairs(
    t: FloatArray,
    x: FloatArray,
    y: FloatArray,
    lag_days: float,
    radius_m: float,
    block_pairs: int = _BLOCK_PAIRS,
) -> Iterator[tuple[int, int, IntArray, IntArray]]:
    """Every pair (i, j) with t_i − lag_days ≤ t_j < t_i and distance ≤ radius_m, block by
    block of children: yields (lo, hi, i, j) with lo ≤ i < hi, sorted by i.

    Events are placed on buckets of side `radius_m` and sorted once by (bucket, time); for each
    of the 3 × 3 neighbouring buckets two binary searches per child give the run of candidate
    parents. Blocks are cut so that each holds about `block_pairs` candidates, so the
    temporary arrays stay bounded however many events and pairs there are. `t` must be
    sorted (as `Events` are), so the children of a block are consecutive in time.
    """
    n = t.size
    if n == 0:
        return
    col = np.floor((x - float(x.min())) / radius_m).astype(np.int64)
    row = np.floor((y - float(y.min())) / radius_m).astype(np.int64)
    ncols = int(col.max()) + 1
    bucket = row * ncols + col
    order = np.lexsort((t, bucket))
    t0 = float(t.min())
    # One sortable key: bucket first, then time. The stride exceeds the time span plus the
    # lag, so a search window never runs into the next bucket.
    stride = float(t.max()) - t0 + lag_days + 1.0
    key = bucket[order] * stride + (t[order] - t0)
    offsets = [(dc, dr) for dr in (-1, 0, 1) for dc in (-1, 0, 1)]

    def runs(children: IntArray, dc: int, dr: int) -> tuple[IntArray, IntArray, IntArray]:
        pc, pr = col[children] - dc, row[children] - dr
        ok = (pc >= 0) & (pc < ncols) & (pr >= 0)
        idx = children[ok]
        base = (pr[ok] * ncols + pc[ok]) * stride + (t[idx] - t0)
        lo = np.searchsorted(key, base - lag_days, side="left")
        hi = np.searchsorted(key, base, side="left")
        return idx, lo, hi

    everyone = np.arange(n, dtype=np.int64)
    candidates = np.zeros(n, dtype=np.int64)
    for dc, dr in offsets:
        idx, lo, hi = runs(everyone, dc, dr)
        candidates[idx] += hi - lo
    # Cut the children into blocks of about `block_pairs` candidates (at least one child).
    cumulative = np.cumsum(candidates)
    cuts = np.searchsorted(cumulative, np.arange(block_pairs, int(cumulative[-1]), block_pairs))
    edges = np.unique(np.r_[0, cuts + 1, n].clip(0, n))
    del candidates, cumulative
    limit = radius_m * radius_m
    for lo_child, hi_child in itertools.pairwise(edges):
        block = everyone[lo_child:hi_child]
        parts_i, parts_j = [], []
        for dc, dr in offsets:
            idx, lo, hi = runs(block, dc, dr)
            count = hi - lo
            total = int(count.sum())
            if total == 0:
                continue
            starts = np.cumsum(count) - count
            pos = np.arange(total, dtype=np.int64) + np.repeat(lo - starts, count)
            i, j = np.repeat(idx, count), order[pos]
            dx, dy = x[i] - x[j], y[i] - y[j]
            keep = dx * dx + dy * dy <= limit
            parts_i.append(i[keep])
            parts_j.append(j[keep])
        if not parts_i:
            continue
        i, j = np.concatenate(parts_i), np.concatenate(parts_j)
        by_child = np.argsort(i, kind="stable")
        yield int(lo_child), int(hi_child), i[by_child], j[by_child]


@dataclass(frozen=True)
class CandidatePairs:
    """The candidate (parent → child) pairs inside the trigger's support, stored sparsely.

    `runs[i]` is the number of candidate parents of event i; `blocks` holds, for consecutive
    ranges of children [lo, hi), the trigger bin of each of their pairs, sorted by child
    (int32: 4 bytes a pair). `coincident` counts the pairs left out as coincident points.
    """

    runs: Int32Array
    blocks: tuple[tuple[int, int, Int32Array], ...]
    coincident: int

    @property
    def count(self) -> int:
        return int(sum(b.size for _, _, b in self.blocks))

    def trigger_sums(self, trigger: FloatArray) -> FloatArray:
        """Σ_j g(t_i − t_j, x_i − x_j) for every event i."""
        out = np.zeros(self.runs.size)
        flat = trigger.ravel()
        for lo, hi, bins in self.blocks:
            runs = self.runs[lo:hi]
            nonempty = np.flatnonzero(runs)
            starts = (np.cumsum(runs) - runs)[nonempty]
            out[lo + nonempty] = np.add.reduceat(flat[bins], starts)
        return out

    def offspring_histogram(self, trigger: FloatArray, lam: FloatArray) -> FloatArray:
        """Σ over the pairs of each trigger bin of P(j is i's parent) = g_ij / λ_i."""
        flat = trigger.ravel()
        hist = np.zeros(flat.size)
        inverse = 1.0 / lam
        for lo, hi, bins in self.blocks:
            weights = flat[bins] * np.repeat(inverse[lo:hi], self.runs[lo:hi])
            hist += np.bincount(bins, weights=weights, minlength=flat.size)
        return hist.reshape(trigger.shape)

    def bin_counts(self, size: int) -> FloatArray:
        hist = np.zeros(size)
        for _, _, bins in self.blocks:
            hist += np.bincount(bins, minlength=size)
        return hist


@dataclass(frozen=True)
class MohlerFit:
    """What the fit found.

    `branching_ratio` is θ, the expected offspring per event (the trigger's integral);
    `trigger_share` the expected share of events that were triggered, Σ_i (1 − μ_i/λ_i) / n.
    `log_likelihood` is ℓ at every iteration (see the module docstring) and `branching_path`
    θ at every iteration; `converged` says whether the stopping
    rule was met before `max_iterations`. `pairs` are the candidate pairs inside the support,
    `coincident_pairs` those left out as coincident points (see the module docstring).
    """

    events: int
    pairs: int
    coincident_pairs: int
    branching_ratio: float
    trigger_share: float
    iterations: int
    converged: bool
    log_likelihood: tuple[float, ...]
    branching_path: tuple[float, ...]
    mean_delay_days: float
    trigger_distance_m: float  # mean parent → offspring distance under the fitted trigger


class MohlerPredictor:
    """EM fit of the Mohler et al. (2011) model to convergence; see the module docstring."""

    def __init__(
        self,
        trigger_days: float = 30.0,
        trigger_radius_m: float = 500.0,
        max_iterations: int = 300,
        tolerance: float = 1e-5,
        branching_tolerance: float = 1e-4,
        background_neighbours: int = 15,
        min_bandwidth_m: float = 50.0,
        time_bin_days: float = 0.25,
        space_bin_m: float = 25.0,
        coincident_m: float = 1.0,
        coincident_days: float | None = None,
        chance_lags: float = 1.0 / 3.0,
        max_pairs: int = 300_000_000,
        window_days: float | None = None,
    ) -> None:
        if min(trigger_days, trigger_radius_m, min_bandwidth_m, time_bin_days, space_bin_m) <= 0:
            raise ValueError("trigger support, bandwidth and bin sizes must be positive")
        if max_iterations < 1 or background_neighbours < 1 or max_pairs < 1:
            raise ValueError("max_iterations, background_neighbours and max_pairs must be ≥ 1")
        if tolerance < 0 or branching_tolerance < 0 or coincident_m < 0:
            raise ValueError("tolerances and coincident_m must not be negative")
        if coincident_days is not None and coincident_days < 0:
            raise ValueError("coincident_days must not be negative")
        if window_days is not None and window_days <= 0:
            raise ValueError("window_days must be positive")
        if not 0 <= chance_lags < 1:
            raise ValueError("chance_lags must be in [0, 1)")
        self.trigger_days = float(trigger_days)
        self.space_bin_m = float(space_bin_m)
        # A whole number of spatial bins on each side of the parent.
        self.half_bins = max(1, math.ceil(trigger_radius_m / self.space_bin_m))
        self.trigger_radius_m = self.half_bins * self.space_bin_m
        self.time_bins = max(1, math.ceil(trigger_days / time_bin_days))
        self.time_bin_days = self.trigger_days / self.time_bins
        self.max_iterations = int(max_iterations)
        self.tolerance = float(tolerance)
        self.branching_tolerance = float(branching_tolerance)
        self.background_neighbours = int(background_neighbours)
        self.min_bandwidth_m = float(min_bandwidth_m)
        self.coincident_m = float(coincident_m)
        self.coincident_days = self.trigger_days if coincident_days is None else coincident_days
        self.chance_lags = float(chance_lags)
        self.max_pairs = int(max_pairs)
        self.window_days = window_days
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
        n = t.size
        span = max(float(t[-1] - t[0]), 1.0)
        pairs = self._pairs(t, x, y)
        bandwidths = self._bandwidths(area, x, y)
        classes, widths = self._classes(bandwidths)

        trigger = self._initial_trigger(pairs.bin_counts(self._bins), n, span)
        theta = float(trigger.sum() * self._bin_volume)
        weights = np.full(n, 1.0 - theta)
        mu_i, mass = self._background_at(area, x, y, weights, classes, widths)
        mu_i /= span

        path: list[float] = []
        thetas: list[float] = []
        converged = False
        lam = mu_i
        for iteration in range(self.max_iterations):
            # E-step: the intensity at every event under the current μ and g, and ℓ.
            lam = mu_i + pairs.trigger_sums(trigger)
            compensator = mass + self._expected_offspring(trigger, t)
            path.append(float(np.sum(np.log(lam)) - compensator))
            thetas.append(theta)
            if iteration > 0 and (
                abs(path[-1] - path[-2]) <= self.tolerance * n
                and abs(thetas[-1] - thetas[-2]) <= self.branching_tolerance
            ):
                converged = True
                break
            if iteration == self.max_iterations - 1:
                break
            # M-step: the background from the background weights, g from the offspring's.
            offspring = pairs.offspring_histogram(trigger, lam)
            weights = mu_i / lam
            trigger = self._trigger_density(offspring, t)
            theta = float(trigger.sum() * self._bin_volume)
            mu_i, mass = self._background_at(area, x, y, weights, classes, widths)
            mu_i /= span

        weights = mu_i / lam
        self._background = self._background_density(grid, x, y, weights, classes, widths) / span
        self._trigger = trigger
        marginal_t = trigger.sum(axis=(1, 2))
        delays = (np.arange(self.time_bins) + 0.5) * self.time_bin_days
        self.fitted = MohlerFit(
            events=n,
            pairs=pairs.count,
            coincident_pairs=pairs.coincident,
            branching_ratio=theta,
            trigger_share=float(1.0 - np.mean(weights)),
            iterations=len(path),
            converged=converged,
            log_likelihood=tuple(path),
            branching_path=tuple(thetas),
            mean_delay_days=float(np.sum(marginal_t * delays) / max(marginal_t.sum(), 1e-300)),
            trigger_distance_m=self._mean_distance(trigger),
        )
        self._events, self._grid = events, grid
        return self

    @property
    def _bin_volume(self) -> float:
        return self.time_bin_days * self.space_bin_m**2

    @property
    def _shape(self) -> tuple[int, int, int]:
        side = 2 * self.half_bins
        return (self.time_bins, side, side)

    @property
    def _bins(self) -> int:
        return self.time_bins * (2 * self.half_bins) ** 2

    def _offsets_m(self) -> tuple[FloatArray, FloatArray]:
        """Centres of the spatial bins (Δx per column, Δy per row), metres."""
        steps = np.arange(2 * self.half_bins, dtype=np.float64) + 0.5 - self.half_bins
        centres = np.asarray(steps * self.space_bin_m, dtype=np.float64)
        return centres, centres

    def _disc(self) -> npt.NDArray[np.bool_]:
        dx, dy = self._offsets_m()
        return np.hypot(dx[None, :], dy[:, None]) <= self.trigger_radius_m

    def _pairs(self, t: FloatArray, x: FloatArray, y: FloatArray) -> CandidatePairs:
        """Candidate pairs inside the support, as trigger-bin indices, coincident ones out."""
        radius = self.trigger_radius_m
        side = 2 * self.half_bins
        runs = np.zeros(t.size, dtype=np.int32)
        blocks: list[tuple[int, int, Int32Array]] = []
        total = coincident = 0
        close = self.coincident_m * self.coincident_m
        for lo, hi, i, j in window_pairs(t, x, y, self.trigger_days, radius):
            dt, dx, dy = t[i] - t[j], x[i] - x[j], y[i] - y[j]
            same = (dx * dx + dy * dy < close) & (dt <= self.coincident_days)
            coincident += int(same.sum())
            if same.any():
                keep = ~same
                i, dt, dx, dy = i[keep], dt[keep], dx[keep], dy[keep]
            total += i.size
            if total > self.max_pairs:
                raise ValueError(
                    f"{self.name}: more than max_pairs={self.max_pairs:,} candidate pairs "
                    f"({t.size:,} events, {self.trigger_days:g} days × "
                    f"{self.trigger_radius_m:g} m support); narrow the support or set "
                    "window_days"
                )
            tb = np.minimum((dt / self.time_bin_days).astype(np.int64), self.time_bins - 1)
            xb = np.clip(((dx + radius) / self.space_bin_m).astype(np.int64), 0, side - 1)
            yb = np.clip(((dy + radius) / self.space_bin_m).astype(np.int64), 0, side - 1)
            runs[lo:hi] = np.bincount(i - lo, minlength=hi - lo)
            blocks.append((lo, hi, ((tb * side + yb) * side + xb).astype(np.int32)))
        return CandidatePairs(runs=runs, blocks=tuple(blocks), coincident=coincident)

    def _initial_trigger(self, hist_flat: FloatArray, n: int, span: float) -> FloatArray:
        """A Knox-style start: the excess of close pairs over chance.

        Pairs at the longest lags of the support (its last third) are taken as chance
        coincidences. Chance pairs at lag L are proportional to the data's span minus L, so
        that level, scaled to each lag, is subtracted per spatial bin, and what is left,
        smoothed, is the first trigger's shape. Related pairs outnumber parent links (siblings
        pair too): for Poisson(η) offspring the related pairs per event are
        η/2 · (1/(1 − η)² + 1/(1 − η)), which is inverted for the first η.
        """
        hist = hist_flat.reshape(self._shape)
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

    def _seen(self, per_bin: FloatArray, t: FloatArray) -> float:
        """Σ over parents of the mass of `per_bin` (offspring per time bin) that falls before
        the data's end: a parent near the end has only had part of the trigger's support."""
        cdf = np.concatenate([[0.0], np.cumsum(per_bin)])
        age = np.minimum((t[-1] - t) / self.time_bin_days, self.time_bins)
        whole = age.astype(np.int64)
        frac = age - whole
        seen = cdf[whole] + frac * (cdf[np.minimum(whole + 1, self.time_bins)] - cdf[whole])
        return float(seen.sum())

    def _expected_offspring(self, trigger: FloatArray, t: FloatArray) -> float:
        """Σ_j ∫ g over the data's window: the trigger's part of the compensator."""
        return self._seen(trigger.sum(axis=(1, 2)) * self._bin_volume, t)

    def _trigger_density(self, hist: FloatArray, t: FloatArray) -> FloatArray:
        """θ·f on the bins from the offspring weight per (Δt, Δy, Δx) bin.

        Separable, g = θ f_t(Δt) f_s(Δx, Δy): a lag histogram of offspring per parent and an
        offset histogram, each smoothed (Scott's rule), instead of one 3-D histogram whose
        192 000 mostly-empty bins each keep a little noise above zero. The lag histogram is
        divided by the parents old enough to show each lag (a parent near the data's end has
        only had part of the support). Then the chance level is taken out: the weight per
        parent in the last `chance_lags` of the support, per offset bin, is what a background
        slightly off the true rate (its smoothing, seasons, points where addresses pile up)
        leaves to g at every lag, so it is subtracted from every lag before the two
        histograms are formed (the Knox idea, inside EM).
        """
        if float(hist.sum()) <= 0:
            return np.zeros(self._shape)
        # Parents old enough to show each lag bin (fractionally for the last one).
        age = np.minimum((t[-1] - t) / self.time_bin_days, self.time_bins)
        whole = np.minimum(age.astype(np.int64), self.time_bins)
        older = np.bincount(whole, minlength=self.time_bins + 1)
        reach = np.cumsum(older[::-1])[::-1][1:]  # parents with age ≥ bin + 1
        partial = np.bincount(whole, weights=age - whole, minlength=self.time_bins + 1)[:-1]
        exposure = np.maximum(reach + partial, 1.0)
        per_parent = hist / exposure[:, None, None]
        tail = round(self.time_bins * (1.0 - self.chance_lags))
        if self.chance_lags > 0 and tail < self.time_bins:
            per_parent = per_parent - per_parent[tail:].mean(axis=0)[None, :, :]
        by_lag = per_parent.sum(axis=(1, 2))
        by_offset = per_parent[:tail].sum(axis=0) if tail > 0 else per_parent.sum(axis=0)
        weight = float(np.maximum(by_lag, 0).sum()) * float(exposure.mean())
        if weight <= 0:
            return np.zeros(self._shape)
        # Scott's rule per axis, from the (positive part of the) marginals, in bins.
        sigmas = []
        for marginal, power in (
            (by_lag, 5.0),
            (by_offset.sum(axis=1), 6.0),
            (by_offset.sum(axis=0), 6.0),
        ):
            w = np.maximum(marginal, 0.0)
            cells = np.arange(w.size)
            mean = float(np.sum(w * cells) / max(w.sum(), 1e-300))
            spread = math.sqrt(float(np.sum(w * (cells - mean) ** 2)) / max(w.sum(), 1e-300))
            sigmas.append(max(spread * max(weight, 1.0) ** (-1.0 / power), 0.5))
        rate = gaussian_filter1d(by_lag, sigmas[0], mode="reflect", truncate=3.0)
        rate = np.maximum(rate, 0.0)
        spatial = gaussian_filter(by_offset, sigmas[1:], mode="reflect", truncate=3.0)
        spatial = np.maximum(spatial, 0.0) * self._disc()
        if spatial.sum() <= 0:
            return np.zeros(self._shape)
        spatial /= float(spatial.sum())
        values = rate[:, None, None] * spatial[None, :, :] / self._bin_volume
        return np.asarray(values, dtype=np.float64)

    def _bandwidths(self, area: Grid, x: FloatArray, y: FloatArray) -> FloatArray:
        """Distance to the k-th nearest other event (at least min_bandwidth_m), to the
        resolution of the bandwidth classes.

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
        weights: FloatArray,
        classes: IntArray,
        widths: FloatArray,
    ) -> tuple[FloatArray, float]:
        """Σ_k w_k K_k(x_i, y_i) per m² at every event i, each event's own kernel left out
        (a background event must not explain itself), and Σ_k w_k (mass of K_k in the area).

        Each bandwidth class is binned on a lattice of a quarter of its bandwidth (at least
        `space_bin_m`): fine where kernels are narrow, coarse — and cheap — where they are
        wide, with the same relative accuracy everywhere.
        """
        out = np.zeros(x.size)
        mass = 0.0
        side_x, side_y = area.nx * area.cell_m, area.ny * area.cell_m
        for c in np.unique(classes):
            bandwidth = float(widths[c])
            cell = max(self.space_bin_m, bandwidth / 4.0)
            lattice = Grid(
                area.x0, area.y0, cell, math.ceil(side_x / cell), math.ceil(side_y / cell)
            )
            members = classes == c
            cells = density(lattice, x[members], y[members], bandwidth, weights[members])
            mass += float(cells.sum())
            values = cells.ravel() / cell**2
            where = lattice.flat_index(x, y)
            out[where >= 0] += values[where[where >= 0]]
            kernel = gaussian_kernel_1d(bandwidth, cell)
            out[members] -= weights[members] * kernel[kernel.size // 2] ** 2 / cell**2
        floor = 1e-12 * float(out.max()) + 1e-300
        return np.maximum(out, floor), mass

    def _background_density(
        self,
        lattice: Grid,
        x: FloatArray,
        y: FloatArray,
        weights: FloatArray,
        classes: IntArray,
        widths: FloatArray,
    ) -> FloatArray:
        """Σ of each event's weighted Gaussian (own bandwidth class) per cell of `lattice`."""
        out = np.zeros(lattice.shape)
        for c in np.unique(classes):
            members = classes == c
            out += density(lattice, x[members], y[members], float(widths[c]), weights[members])
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
        col, row, age, until = col[known], row[known], age[known], until[known]
        shift = np.arange(side) - self.half_bins
        offspring = np.zeros(lattice.size)
        # A few thousand parents at a time: the (parents, side, side) arrays stay small.
        for start in range(0, col.size, 2048):
            part = slice(start, start + 2048)
            due = running[until[part]] - running[age[part]]  # (parents, side, side)
            target_row = row[part, None, None] + shift[None, :, None]
            target_col = col[part, None, None] + shift[None, None, :]
            ok = (
                (target_row >= 0)
                & (target_row < lattice.ny)
                & (target_col >= 0)
                & (target_col < lattice.nx)
            )
            flat = np.broadcast_to(target_row * lattice.nx + target_col, due.shape)[ok]
            offspring += np.bincount(flat, weights=due[ok], minlength=lattice.size)
        centre_x, centre_y = lattice.centres()
        cell = grid.flat_index(centre_x.ravel(), centre_y.ravel())
        on_grid = cell >= 0
        triggered = np.bincount(cell[on_grid], weights=offspring[on_grid], minlength=grid.size)
        risk = self._background * horizon_days + triggered.reshape(grid.shape)
        return RiskGrid(grid, np.asarray(risk, dtype=np.float64), self.name)
