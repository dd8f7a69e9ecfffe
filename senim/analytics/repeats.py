"""Repeats: places, victims and offenders that come back, and the near-repeat Knox test.

A small share of places and people accounts for a large share of events; these functions find
them so that prevention can start there. Places are grouped either by grid cell or by
distance (events within `radius_m` of each other, chained: keep the radius at address scale,
≈ 10–30 m, or a dense street will chain into one "place"). People are integer keys (the
register's pseudonymised person ids; negative = unknown, ignored).

Near repeats (Knox test): after an event, are there more events *close in space and in time*
than chance would give? Every pair of events is counted in a table of distance bands × time
bands. Under the null hypothesis that when an event happened has nothing to do with where,
the times are exchangeable: shuffling them among the events keeps the spatial pattern and the
overall timing and destroys only their link. The expected count of a cell is then exact, with
no simulation: N_s (pairs in space band s) × T_l (pairs of all events in time band l) / C(n, 2),
because a shuffle gives any fixed pair a uniformly random pair of times. The Knox ratio is
observed / expected and the p-value is the Monte Carlo rank (1 + #{shuffled ≥ observed}) /
(permutations + 1), one-sided, since a near-repeat is an excess.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from senim.analytics.grid import FloatArray, Grid, IntArray


@dataclass(frozen=True)
class RepeatPlaces:
    """Places with ≥ `min_events` events, most events first.

    `place` gives each input event its place's row in the per-place arrays, -1 when the event
    is not at a repeat place (or was outside the window or the grid).
    """

    place: IntArray
    counts: IntArray
    x: FloatArray  # mean position of the place's events
    y: FloatArray
    first_t: FloatArray  # NaN when no times were given
    last_t: FloatArray
    n_events: int  # events considered (inside the window and the grid)

    @property
    def share_of_events(self) -> float:
        """Share of the considered events that happened at a repeat place."""
        return float(self.counts.sum()) / self.n_events if self.n_events else 0.0


@dataclass(frozen=True)
class RepeatPeople:
    """People with ≥ `min_events` events: keys and counts, most events first, then by key."""

    keys: IntArray
    counts: IntArray
    n_people: int  # distinct known people
    n_events: int  # events with a known person

    @property
    def share_of_events(self) -> float:
        return float(self.counts.sum()) / self.n_events if self.n_events else 0.0


@dataclass(frozen=True)
class KnoxCell:
    space_from_m: float
    space_to_m: float
    time_from_days: float
    time_to_days: float
    observed: int
    expected: float
    ratio: float
    p_value: float


@dataclass(frozen=True)
class Knox:
    """Pairs of events per space band (rows) × time band (columns); bands are [from, to)."""

    space_edges_m: FloatArray
    time_edges_days: FloatArray
    observed: IntArray
    expected: FloatArray
    ratio: FloatArray  # observed / expected, NaN where nothing was expected
    p_value: FloatArray
    permutations: int
    n_events: int

    def table(self) -> list[KnoxCell]:
        """One row per band pair, space band outer, for printing or a template."""
        rows = []
        for s in range(self.observed.shape[0]):
            for t in range(self.observed.shape[1]):
                rows.append(
                    KnoxCell(
                        float(self.space_edges_m[s]),
                        float(self.space_edges_m[s + 1]),
                        float(self.time_edges_days[t]),
                        float(self.time_edges_days[t + 1]),
                        int(self.observed[s, t]),
                        float(self.expected[s, t]),
                        float(self.ratio[s, t]),
                        float(self.p_value[s, t]),
                    )
                )
        return rows


def _coordinates(x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    x_a = np.asarray(x, dtype=np.float64).ravel()
    y_a = np.asarray(y, dtype=np.float64).ravel()
    if x_a.shape != y_a.shape:
        raise ValueError(f"x and y differ in length: {x_a.size} and {y_a.size}")
    if not (bool(np.all(np.isfinite(x_a))) and bool(np.all(np.isfinite(y_a)))):
        raise ValueError("coordinates must be finite numbers")
    return x_a, y_a


def repeat_places(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    t: npt.ArrayLike | None = None,
    *,
    grid: Grid | None = None,
    radius_m: float | None = None,
    window: tuple[float, float] | None = None,
    min_events: int = 2,
) -> RepeatPlaces:
    """Group events into places (same `grid` cell, or chained within `radius_m`) and keep the
    places with at least `min_events` events in `window` = [start, end) of `t`."""
    x_a, y_a = _coordinates(x, y)
    if (grid is None) == (radius_m is None):
        raise ValueError("give exactly one of grid (same cell) or radius_m (within a distance)")
    if radius_m is not None and not radius_m >= 0:
        raise ValueError(f"radius must be a non-negative number of metres, got {radius_m}")
    if min_events < 1:
        raise ValueError(f"min_events must be at least 1, got {min_events}")
    t_a = None if t is None else np.asarray(t, dtype=np.float64).ravel()
    if t_a is not None and t_a.shape != x_a.shape:
        raise ValueError(f"t has {t_a.size} values for {x_a.size} events")
    if window is not None and t_a is None:
        raise ValueError("a time window needs the event times t")

    considered = np.ones(x_a.size, dtype=bool)
    if window is not None and t_a is not None:
        considered &= (t_a >= window[0]) & (t_a < window[1])
    if grid is not None:
        group = grid.flat_index(x_a, y_a)
        considered &= group >= 0
    idx = np.nonzero(considered)[0]
    if grid is None:
        group = np.full(x_a.size, -1, dtype=np.int64)
        group[idx] = _chained(x_a[idx], y_a[idx], float(radius_m or 0.0))

    labels, inverse, counts = np.unique(group[idx], return_inverse=True, return_counts=True)
    keep = counts >= min_events
    # Rank the kept places by count (desc), ties by their label so the order is stable.
    kept = np.nonzero(keep)[0]
    kept = kept[np.lexsort((labels[kept], -counts[kept]))]
    rank = np.full(labels.size, -1, dtype=np.int64)
    rank[kept] = np.arange(kept.size)
    place = np.full(x_a.size, -1, dtype=np.int64)
    place[idx] = rank[inverse]

    k = kept.size
    inside = place >= 0
    member = place[inside]
    n_at = np.bincount(member, minlength=k).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        px = np.bincount(member, weights=x_a[inside], minlength=k) / n_at
        py = np.bincount(member, weights=y_a[inside], minlength=k) / n_at
    first = np.full(k, np.nan)
    last = np.full(k, np.nan)
    if t_a is not None and k:
        first = np.full(k, np.inf)
        last = np.full(k, -np.inf)
        np.minimum.at(first, member, t_a[inside])
        np.maximum.at(last, member, t_a[inside])
    return RepeatPlaces(
        place, counts[kept].astype(np.int64), px, py, first, last, int(considered.sum())
    )


def _chained(x: FloatArray, y: FloatArray, radius_m: float) -> IntArray:
    """Connected components of the "within radius" graph: one label per event."""
    n = x.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    pairs = cKDTree(np.column_stack([x, y])).query_pairs(radius_m, output_type="ndarray")
    graph = coo_matrix(
        (np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n)
    )
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels, dtype=np.int64)


@dataclass(frozen=True)
class NearRepeatClusters:
    """Chains of events each within `radius_m` and `days` of another: `label[i]` is event i's
    cluster (-1 when its cluster is smaller than the minimum), clusters largest first."""

    label: IntArray
    sizes: IntArray  # events per cluster, cluster k = label k
    x: FloatArray  # centre of each cluster
    y: FloatArray


def near_repeat_clusters(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    t_days: npt.ArrayLike,
    *,
    radius_m: float = 200.0,
    days: float = 14.0,
    min_events: int = 3,
) -> NearRepeatClusters:
    """Near-repeat clusters: events linked when close in both space and time (Bowers and
    Johnson's "near repeat" — a burglary raises the risk next door for a couple of weeks),
    chained into clusters of at least `min_events`."""
    xa, ya = _coordinates(x, y)
    t = np.asarray(t_days, dtype=np.float64).ravel()
    if t.size != xa.size or not np.isfinite(t).all():
        raise ValueError("t_days must be finite, one per event")
    if radius_m <= 0 or days <= 0 or min_events < 2:
        raise ValueError("radius_m and days must be positive and min_events at least 2")
    n = xa.size
    empty = np.zeros(0, dtype=np.float64)
    if n == 0:
        return NearRepeatClusters(
            np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), empty, empty
        )
    pairs = cKDTree(np.column_stack([xa, ya])).query_pairs(radius_m, output_type="ndarray")
    if len(pairs):
        pairs = pairs[np.abs(t[pairs[:, 0]] - t[pairs[:, 1]]) <= days]
    graph = coo_matrix(
        (np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n)
    )
    _, component = connected_components(graph, directed=False)
    counts = np.bincount(component)
    big = np.flatnonzero(counts >= min_events)
    big = big[np.lexsort((big, -counts[big]))]
    relabel = np.full(counts.size, -1, dtype=np.int64)
    relabel[big] = np.arange(big.size)
    label = relabel[component]
    inside = label >= 0
    sizes = np.bincount(label[inside], minlength=big.size).astype(np.int64)
    cx = np.bincount(label[inside], weights=xa[inside], minlength=big.size) / np.maximum(sizes, 1)
    cy = np.bincount(label[inside], weights=ya[inside], minlength=big.size) / np.maximum(sizes, 1)
    return NearRepeatClusters(label, sizes, cx, cy)


def repeat_people(keys: npt.ArrayLike, *, min_events: int = 2) -> RepeatPeople:
    """People (integer keys, negative = unknown) with at least `min_events` events."""
    k = np.asarray(keys)
    if k.size and not np.issubdtype(k.dtype, np.integer):
        raise ValueError(f"person keys must be integers, got dtype {k.dtype}")
    if min_events < 1:
        raise ValueError(f"min_events must be at least 1, got {min_events}")
    known = k.ravel().astype(np.int64)
    known = known[known >= 0]
    people, counts = np.unique(known, return_counts=True)
    keep = counts >= min_events
    people, counts = people[keep], counts[keep]
    order = np.lexsort((people, -counts))
    return RepeatPeople(
        people[order].astype(np.int64),
        counts[order].astype(np.int64),
        int(np.unique(known).size),
        int(known.size),
    )


def repeat_victims(victim_keys: npt.ArrayLike, *, min_events: int = 2) -> RepeatPeople:
    """Victims with several events: the first protection measure goes to them."""
    return repeat_people(victim_keys, min_events=min_events)


def repeat_offenders(offender_keys: npt.ArrayLike, *, min_events: int = 2) -> RepeatPeople:
    """Offenders with several events: candidates for the preventive register."""
    return repeat_people(offender_keys, min_events=min_events)


class KnoxTooLarge(ValueError):
    """More pairs of events within the last space edge than the caller allows (`max_pairs`):
    every permutation re-tabulates all of them, so the cost is pairs × (permutations + 1)."""

    def __init__(self, pairs: int, limit: int) -> None:
        super().__init__(f"{pairs} pairs of events within the last space edge; limit {limit}")
        self.pairs = pairs
        self.limit = limit


def _edges(edges: npt.ArrayLike, what: str) -> FloatArray:
    e = np.asarray(edges, dtype=np.float64).ravel()
    if e.size < 2 or not bool(np.all(np.isfinite(e))) or e[0] < 0 or bool(np.any(np.diff(e) <= 0)):
        raise ValueError(f"{what} band edges must be ≥ 2 increasing non-negative numbers: {e}")
    return e


def knox_test(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    t: npt.ArrayLike,
    *,
    space_edges_m: npt.ArrayLike,
    time_edges_days: npt.ArrayLike,
    permutations: int = 99,
    seed: int = 0,
    max_pairs: int | None = None,
) -> Knox:
    """Knox table of event pairs by distance band × time gap band, with Monte Carlo p-values.

    Bands are half-open [edge_k, edge_k+1); pairs beyond the last edges are not tabulated.
    With `max_pairs`, the pairs within the last space edge are counted first (no memory) and
    KnoxTooLarge raised when there are more: a city's year with a wide last band can hold
    millions, each re-tabulated by every permutation.
    """
    x_a, y_a = _coordinates(x, y)
    t_a = np.asarray(t, dtype=np.float64).ravel()
    if t_a.shape != x_a.shape:
        raise ValueError(f"t has {t_a.size} values for {x_a.size} events")
    if not bool(np.all(np.isfinite(t_a))):
        raise ValueError("times must be finite numbers")
    s_edges = _edges(space_edges_m, "space")
    t_edges = _edges(time_edges_days, "time")
    if permutations < 0:
        raise ValueError(f"permutations must be ≥ 0, got {permutations}")
    n = x_a.size
    ns, nt = s_edges.size - 1, t_edges.size - 1

    # Only pairs closer than the last space edge can land in the table; the k-d tree finds
    # them without looking at the other n²/2 (the open last edge is dropped just below).
    if n >= 2:
        tree = cKDTree(np.column_stack([x_a, y_a]))
        if max_pairs is not None:
            # Ordered pairs within the radius, each point with itself included.
            within = (int(tree.count_neighbors(tree, float(s_edges[-1]))) - n) // 2
            if within > max_pairs:
                raise KnoxTooLarge(within, max_pairs)
        pairs = tree.query_pairs(float(s_edges[-1]), output_type="ndarray")
    else:
        pairs = np.zeros((0, 2), dtype=np.intp)
    i, j = pairs[:, 0], pairs[:, 1]
    distance = np.hypot(x_a[i] - x_a[j], y_a[i] - y_a[j])
    space_band = np.searchsorted(s_edges, distance, side="right") - 1
    in_space = (space_band >= 0) & (space_band < ns)
    i, j, space_band = i[in_space], j[in_space], space_band[in_space]

    # Every permutation re-tabulates every pair, so the band of a gap is looked up, not searched,
    # when the time edges are whole days (the usual case): with integer edges, "edge ≤ gap" is
    # "edge ≤ floor(gap)". Band nt stands for "outside the table" and its column is dropped.
    integral = bool(np.all(t_edges == np.floor(t_edges))) and t_edges[-1] <= 100_000
    last_day = int(t_edges[-1]) if integral else 0
    lookup = np.searchsorted(t_edges, np.arange(last_day + 1), side="right") - 1
    lookup = np.where((lookup >= 0) & (lookup < nt), lookup, nt).astype(np.int64)
    base = space_band * (nt + 1)

    def table(times: FloatArray) -> IntArray:
        gap = np.abs(times[i] - times[j])
        if integral:
            time_band = lookup[np.minimum(gap, last_day).astype(np.int64)]
        else:
            time_band = np.searchsorted(t_edges, gap, side="right") - 1
            time_band[(time_band < 0) | (time_band >= nt)] = nt
        counts = np.bincount(base + time_band, minlength=ns * (nt + 1))
        return counts.reshape(ns, nt + 1)[:, :nt].astype(np.int64)

    observed = table(t_a)
    space_pairs = np.bincount(space_band, minlength=ns).astype(np.float64)
    all_pairs = n * (n - 1) / 2
    time_pairs = np.diff(_pairs_within(t_a, t_edges))
    expected = (
        np.outer(space_pairs, time_pairs) / all_pairs
        if all_pairs
        else np.zeros((ns, nt), dtype=np.float64)
    )
    rng = np.random.default_rng(seed)
    at_least = np.zeros((ns, nt), dtype=np.int64)
    for _ in range(permutations):
        at_least += table(rng.permutation(t_a)) >= observed
    p_value = (at_least + 1) / (permutations + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / expected, np.nan)
    return Knox(s_edges, t_edges, observed, expected, ratio, p_value, permutations, n)


def _pairs_within(t: FloatArray, edges: FloatArray) -> FloatArray:
    """For each edge e, the number of unordered pairs of events with |Δt| < e."""
    s = np.sort(t)
    n = s.size
    out = np.zeros(edges.size, dtype=np.float64)
    for k, e in enumerate(edges):
        # For each event, the later events less than e after it.
        ahead = np.searchsorted(s, s + e, side="left") - np.arange(1, n + 1)
        out[k] = float(np.maximum(ahead, 0).sum())
    return out
