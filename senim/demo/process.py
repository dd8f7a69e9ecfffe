"""A clustered self-exciting (Hawkes) point process in the plane and in time, and its truth.

The demo's city offences come from here, so that hot spots, peak hours, repeat places and
near-repeats really exist in the data and a forecast can be scored against the intensity that
generated the events rather than against another noisy sample.

Conventions: time in hours from an origin chosen by the caller; space in metres on a local
plane (x east, y north). The background is a Gaussian mixture in space times a piecewise
constant rate per hour; every event independently triggers Poisson(branching) offspring,
delayed by Exp(decay) hours and displaced by an isotropic Gaussian of `sigma` metres.

Pure numpy and the standard library: no Django, so the analytics tests can import it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

_erf = np.vectorize(math.erf, otypes=[float])


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + _erf(np.asarray(z, dtype=float) / math.sqrt(2.0)))


@dataclass(frozen=True)
class Grid:
    """Square cells of `cell` metres; row 0 is the southern edge (y0), column 0 the western (x0)."""

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int

    @property
    def x_edges(self) -> np.ndarray:
        return self.x0 + self.cell * np.arange(self.nx + 1)

    @property
    def y_edges(self) -> np.ndarray:
        return self.y0 + self.cell * np.arange(self.ny + 1)

    def counts(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Events per cell, shape (ny, nx); events outside the grid are not counted."""
        col = np.floor((np.asarray(x) - self.x0) / self.cell).astype(np.int64)
        row = np.floor((np.asarray(y) - self.y0) / self.cell).astype(np.int64)
        inside = (col >= 0) & (col < self.nx) & (row >= 0) & (row < self.ny)
        flat = np.bincount(row[inside] * self.nx + col[inside], minlength=self.nx * self.ny)
        return flat.reshape(self.ny, self.nx).astype(float)


def _axis_mass(edges: np.ndarray, centres: np.ndarray, sigmas: np.ndarray) -> np.ndarray:
    """Mass of 1-D Gaussians (one per centre) in each interval between edges: (n, len(edges)-1)."""
    z = (edges[None, :] - centres[:, None]) / sigmas[:, None]
    return np.diff(_normal_cdf(z), axis=1)


def gaussian_cell_mass(
    grid: Grid, x: np.ndarray, y: np.ndarray, sigma: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """Σ_i weight_i × (mass of N((x_i, y_i), sigma_i²) in each cell), shape (ny, nx).

    An isotropic Gaussian factorises, so the 2-D mass is an outer product of two 1-D masses
    and the whole sum is one matrix product.
    """
    x, y = np.atleast_1d(x).astype(float), np.atleast_1d(y).astype(float)
    sigma = np.broadcast_to(np.asarray(sigma, dtype=float), x.shape)
    weight = np.broadcast_to(np.asarray(weight, dtype=float), x.shape)
    if x.size == 0:
        return np.zeros((grid.ny, grid.nx))
    mx = _axis_mass(grid.x_edges, x, sigma)
    my = _axis_mass(grid.y_edges, y, sigma)
    return (my * weight[:, None]).T @ mx


@dataclass(frozen=True)
class Background:
    """μ(x, y, t) = hourly[⌊t⌋] × Σ_k weights_k N((x, y); centres_k, sigmas_k²)."""

    centres: np.ndarray  # (K, 2) metres
    sigmas: np.ndarray  # (K,) metres
    weights: np.ndarray  # (K,) summing to 1
    hourly: np.ndarray  # (H,) expected background events in hour h = [h, h + 1)
    _cumulative: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_cumulative", np.concatenate([[0.0], np.cumsum(self.hourly)]))

    @property
    def hours(self) -> int:
        return len(self.hourly)

    def expected(self, start: float, end: float) -> float:
        """Expected background events in [start, end) hours (zero outside the horizon)."""
        return float(self._integral(end) - self._integral(start))

    def _integral(self, t: float) -> float:
        t = min(max(t, 0.0), float(self.hours))
        whole = math.floor(t)
        partial = self.hourly[whole] * (t - whole) if whole < self.hours else 0.0
        return float(self._cumulative[whole] + partial)

    def spatial_mass(self, grid: Grid) -> np.ndarray:
        """Share of the background falling in each cell (sums to < 1 if mass leaves the grid)."""
        return gaussian_cell_mass(
            grid, self.centres[:, 0], self.centres[:, 1], self.sigmas, self.weights
        )


@dataclass(frozen=True)
class Trigger:
    """Each event's offspring: Poisson(branching) of them, Exp(decay)-delayed, Gaussian-spread."""

    branching: float = 0.3
    decay: float = 1.0 / (4 * 24)  # per hour: a mean delay of four days
    sigma: float = 150.0  # metres

    def __post_init__(self) -> None:
        if not 0 <= self.branching < 1:
            raise ValueError("branching must be in [0, 1) or the process explodes")


@dataclass(frozen=True)
class Events:
    """Events sorted by time; `parent` is the index of the triggering event, -1 for background
    (and for offspring of the history, which is not part of the output)."""

    t: np.ndarray
    x: np.ndarray
    y: np.ndarray
    parent: np.ndarray

    def __len__(self) -> int:
        return len(self.t)

    @staticmethod
    def empty() -> Events:
        z = np.zeros(0)
        return Events(t=z, x=z, y=z, parent=np.zeros(0, dtype=np.int64))

    def before(self, t: float) -> Events:
        keep = self.t < t
        return Events(t=self.t[keep], x=self.x[keep], y=self.y[keep], parent=self.parent[keep])


def simulate(
    background: Background,
    trigger: Trigger,
    rng: np.random.Generator,
    *,
    start: float = 0.0,
    end: float | None = None,
    history: Events | None = None,
) -> Events:
    """Simulate the process on [start, end) given the events before `start` (the cluster method).

    Background events come hour by hour; then generation after generation of offspring until
    none falls inside the window. Offspring of history events are drawn from the remaining
    (memoryless) part of their exponential delay, so a continuation is an exact conditional draw.
    """
    end = float(background.hours) if end is None else end
    lo, hi = max(math.floor(start), 0), min(math.ceil(end), background.hours)
    hours = np.arange(lo, hi, dtype=float)
    seg_start, seg_end = np.maximum(hours, start), np.minimum(hours + 1, end)
    rates = background.hourly[lo:hi] * np.clip(seg_end - seg_start, 0, None)
    counts = rng.poisson(rates)
    t = np.repeat(seg_start, counts) + rng.random(counts.sum()) * np.repeat(
        seg_end - seg_start, counts
    )
    component = rng.choice(len(background.weights), size=len(t), p=background.weights)
    x = background.centres[component, 0] + rng.normal(0, 1, len(t)) * background.sigmas[component]
    y = background.centres[component, 1] + rng.normal(0, 1, len(t)) * background.sigmas[component]
    parts_t, parts_x, parts_y = [t], [x], [y]
    parts_parent = [np.full(len(t), -1, dtype=np.int64)]
    offset = len(t)

    if history is not None and len(history):
        # Children still to come from history events: Poisson(η e^{-ω(start - t_i)}) each.
        past = history.before(start)
        n = rng.poisson(trigger.branching * np.exp(-trigger.decay * (start - past.t)))
        ht = start + rng.exponential(1 / trigger.decay, n.sum())
        hx = np.repeat(past.x, n) + rng.normal(0, trigger.sigma, n.sum())
        hy = np.repeat(past.y, n) + rng.normal(0, trigger.sigma, n.sum())
        keep = ht < end
        parts_t.append(ht[keep])
        parts_x.append(hx[keep])
        parts_y.append(hy[keep])
        parts_parent.append(np.full(int(keep.sum()), -1, dtype=np.int64))
        offset += int(keep.sum())

    generation = np.arange(offset)
    gen_t, gen_x, gen_y = np.concatenate(parts_t), np.concatenate(parts_x), np.concatenate(parts_y)
    while len(generation):
        n = rng.poisson(trigger.branching, len(generation))
        ct = np.repeat(gen_t, n) + rng.exponential(1 / trigger.decay, n.sum())
        cx = np.repeat(gen_x, n) + rng.normal(0, trigger.sigma, n.sum())
        cy = np.repeat(gen_y, n) + rng.normal(0, trigger.sigma, n.sum())
        cp = np.repeat(generation, n)
        keep = ct < end
        ct, cx, cy, cp = ct[keep], cx[keep], cy[keep], cp[keep]
        parts_t.append(ct)
        parts_x.append(cx)
        parts_y.append(cy)
        parts_parent.append(cp)
        generation = offset + np.arange(len(ct))
        offset += len(ct)
        gen_t, gen_x, gen_y = ct, cx, cy

    all_t = np.concatenate(parts_t)
    order = np.argsort(all_t, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    parent = np.concatenate(parts_parent)[order]
    parent = np.where(parent >= 0, rank[np.maximum(parent, 0)], -1)
    return Events(
        t=all_t[order],
        x=np.concatenate(parts_x)[order],
        y=np.concatenate(parts_y)[order],
        parent=parent,
    )


def _blur_matrix(edges: np.ndarray, sigma: float) -> np.ndarray:
    """B[j, k]: mass in cell j of a Gaussian centred on the centre of cell k."""
    centres = (edges[:-1] + edges[1:]) / 2
    return _axis_mass(edges, centres, np.full(len(centres), sigma)).T


def true_intensity(
    background: Background,
    trigger: Trigger,
    grid: Grid,
    *,
    start: float,
    end: float,
    history: Events | None = None,
    step: float = 1.0,
) -> np.ndarray:
    """Expected number of events per cell in [start, end) given the events before `start`.

    This is the truth a forecast made at `start` should be scored against: the background
    integral, plus the offspring still due from the history, plus the cascades that both set
    off inside the window. The expected offspring not yet emitted are carried as a field on
    the grid and released at rate `decay`; cascades inside the window are stepped in `step`
    hours with offspring placed from cell centres (an error well below a cell when the cell is
    no smaller than the trigger's spread).
    """
    spatial = background.spatial_mass(grid)
    blur_y = _blur_matrix(grid.y_edges, trigger.sigma)
    blur_x = _blur_matrix(grid.x_edges, trigger.sigma)
    pending = np.zeros((grid.ny, grid.nx))
    if history is not None and len(history):
        past = history.before(start)
        due = trigger.branching * np.exp(-trigger.decay * (start - past.t))
        live = due > 1e-9
        pending = gaussian_cell_mass(
            grid, past.x[live], past.y[live], np.full(int(live.sum()), trigger.sigma), due[live]
        )
    total = np.zeros((grid.ny, grid.nx))
    a = start
    while a < end:
        b = min(a + step, end)
        released = pending * (1.0 - math.exp(-trigger.decay * (b - a)))
        pending = pending - released
        new = background.expected(a, b) * spatial + released
        total += new
        pending = pending + trigger.branching * (blur_y @ new @ blur_x.T)
        a = b
    return total


# Relative risk by local hour: low before dawn, rising through the day, peaking 19-22 h.
HOUR_WEIGHTS = np.array(
    [
        *(3.0, 2.2, 1.6, 1.2, 1.0, 1.0, 1.4, 2.2, 3.2, 4.0, 4.5, 5.0),
        *(5.4, 5.6, 5.6, 5.8, 6.3, 7.2, 8.4, 9.4, 9.6, 8.6, 6.6, 4.6),
    ]
)
# Monday … Sunday: more on Friday evening and the weekend.
WEEKDAY_WEIGHTS = np.array([0.93, 0.92, 0.94, 0.96, 1.06, 1.12, 1.07])


def hourly_profile(
    first_day: dt.date,
    days: int,
    *,
    hour_weights: np.ndarray = HOUR_WEIGHTS,
    weekday_weights: np.ndarray = WEEKDAY_WEIGHTS,
    season_amplitude: float = 0.12,
    season_peak_day: int = 200,
) -> np.ndarray:
    """Relative rate for each local hour from `first_day` on: hour × weekday × season.

    The seasonal factor is 1 + A cos(2π (day of year − peak) / 365.25): summer peaks (mid-July)
    as in most property and street crime. Weights are relative; callers scale them per year.
    """
    start = np.datetime64(first_day, "D")
    day = start + np.arange(days)
    weekday = (day.astype("int64") - 4) % 7  # 1970-01-01 was a Thursday (Monday = 0)
    year_start = day.astype("datetime64[Y]").astype("datetime64[D]")
    doy = (day - year_start).astype("int64")
    season = 1 + season_amplitude * np.cos(2 * np.pi * (doy - season_peak_day) / 365.25)
    per_day = weekday_weights[weekday] * season
    return (per_day[:, None] * (hour_weights / hour_weights.mean())[None, :]).ravel()
