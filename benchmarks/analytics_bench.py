"""Speed and agreement of the analytics library against the reference implementations, one run.

    .venv/bin/python benchmarks/analytics_bench.py            # full sizes
    .venv/bin/python benchmarks/analytics_bench.py --quick    # smoke check, a few seconds

(a) Gi* on a grid of counts: `senim.analytics.hotspots.gi_star` against PySAL
    `esda.G_Local(y, w, star=True, transform="B", permutations=0)` with a libpysal queen lattice
    (self-weights filled in while building W, so esda's time is the statistic alone; building
    W is reported separately). Target: max |Δz| ≤ 1e-9, ≥ 10× faster.
(b) KDE of N events on a 10 km square of 50 m cells, bandwidth 200 m: `kde.density` against
    scikit-learn `KernelDensity` (exact, rtol=0) and scipy `gaussian_kde`, both evaluated at
    cell centres × cell area × N. They are far too slow for every cell, so they are timed on a
    random subset of cells and extrapolated linearly (their cost per query point is roughly
    constant), and their agreement is also checked on a subset of the densest cells. The
    events are whitened so that their sample covariance is isotropic: then gaussian_kde's
    `bw_method = h / σ` is exactly a 200 m isotropic kernel. Target: ≤ 1 % max relative
    difference where density ≥ 1 % of the peak, ≥ 100× faster.
(c) Knox near-repeat test of N events over a year, 4 × 4 bands, 99 permutations: time.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe
from senim.analytics.grid import Grid
from senim.analytics.hotspots import gi_star
from senim.analytics.kde import density
from senim.analytics.repeats import knox_test

Row = tuple[str, str, str, str]


def timed(func: Callable[[], Any], repeat: int = 1) -> tuple[Any, float]:
    """The result and the best wall time of `repeat` calls."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return result, best


def seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def bench_gi_star(side: int, rng: np.random.Generator) -> list[Row]:
    import esda
    import libpysal
    from libpysal.weights.util import fill_diagonal

    counts = rng.poisson(2.0, (side, side)).astype(np.float64)
    counts[side // 3 : side // 3 + 5, side // 2 : side // 2 + 5] += 6  # one planted hot spot

    def build_w() -> Any:
        w = fill_diagonal(libpysal.weights.lat2W(side, side, rook=False), 1.0)
        w.transform = "B"
        return w

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w, t_build = timed(build_w)
        theirs, t_esda = timed(
            lambda: esda.G_Local(counts.ravel(), w, star=True, transform="B", permutations=0)
        )
    ours, t_ours = timed(lambda: gi_star(counts), repeat=3)
    dz = float(np.abs(ours.z.ravel() - theirs.Zs).max())
    label = f"Gi* {side}×{side} queen"
    return [
        (label, "esda G_Local (W prebuilt)", seconds(t_esda), f"build W: {seconds(t_build)}"),
        (label, "senim gi_star", seconds(t_ours), f"max |Δz| = {dz:.1e}"),
        (label, "ratio esda / senim", f"{t_esda / t_ours:.0f}×", "target ≥ 10×, |Δz| ≤ 1e-9"),
    ]


def city_events(n: int, side_m: float, rng: np.random.Generator) -> tuple[Any, Any, float]:
    """60 % of events in 30 hot spots (σ 100–500 m), 40 % spread evenly; then whitened."""
    in_spots = int(0.6 * n)
    cx, cy = rng.uniform(0.1 * side_m, 0.9 * side_m, (2, 30))
    sd = rng.uniform(100, 500, 30)
    spot = rng.integers(0, 30, in_spots)
    x = np.concatenate([rng.normal(cx[spot], sd[spot]), rng.uniform(0, side_m, n - in_spots)])
    y = np.concatenate([rng.normal(cy[spot], sd[spot]), rng.uniform(0, side_m, n - in_spots)])
    points = np.column_stack([x, y])
    centre = points.mean(axis=0)
    cov = np.cov(points.T)
    sigma = float(np.sqrt(np.trace(cov) / 2))
    white = np.linalg.solve(np.linalg.cholesky(cov), (points - centre).T).T * sigma + centre
    return white[:, 0], white[:, 1], sigma


def bench_kde(
    n: int, side_m: float, sk_cells: int, sp_cells: int, rng: np.random.Generator
) -> list[Row]:
    from scipy.stats import gaussian_kde
    from sklearn.neighbors import KernelDensity

    cell, h = 50.0, 200.0
    grid = Grid.square(side_m, cell)
    x, y, sigma = city_events(n, side_m, rng)
    ours, t_ours = timed(lambda: density(grid, x, y, h), repeat=3)
    flat = ours.ravel()
    gx, gy = grid.centres()
    centres = np.column_stack([gx.ravel(), gy.ravel()])
    meaningful = flat >= 0.01 * flat.max()
    dense = np.flatnonzero(flat >= np.quantile(flat, 0.95))
    scale = n * cell * cell  # a probability density → expected events per cell

    sk = KernelDensity(bandwidth=h, kernel="gaussian").fit(np.column_stack([x, y]))
    sp = gaussian_kde(np.vstack([x, y]), bw_method=h / sigma)
    assert np.allclose(sp.covariance, h * h * np.eye(2), rtol=1e-9, atol=1e-6)
    rows: list[Row] = []
    label = f"KDE {n:,} ev, {grid.nx}×{grid.ny} cells"
    contenders: list[tuple[str, Callable[[Any], Any], int]] = [
        ("sklearn KernelDensity", lambda q: np.exp(sk.score_samples(q)) * scale, sk_cells),
        ("scipy gaussian_kde", lambda q: sp(q.T) * scale, sp_cells),
    ]
    speeds = []
    for name, evaluate, k in contenders:
        timed_cells = rng.choice(grid.size, k, replace=False)
        checked = np.concatenate([timed_cells, rng.choice(dense, k, replace=False)])
        queries = centres[timed_cells]
        at_timed, t_sub = timed(partial(evaluate, queries))
        at_dense = evaluate(centres[checked[k:]])
        values = np.concatenate([at_timed, at_dense])
        keep = meaningful[checked]
        rel = float(np.abs(flat[checked][keep] / values[keep] - 1).max())
        t_full = t_sub * grid.size / k
        speeds.append(t_full / t_ours)
        rows.append(
            (
                label,
                name,
                f"{seconds(t_full)} (extrap.)",
                f"timed on {k} random cells: {seconds(t_sub)}; max rel Δ {rel:.2%} "
                f"on {int(keep.sum())} cells",
            )
        )
    rows.append((label, "senim kde.density", seconds(t_ours), f"h = {h:.0f} m, cell {cell:.0f} m"))
    rows.append(
        (
            label,
            "ratio peer / senim",
            " / ".join(f"{s:,.0f}×" for s in speeds),
            "sklearn / scipy; target ≥ 100×, rel Δ ≤ 1 %",
        )
    )
    return rows


def bench_knox(n: int, permutations: int, rng: np.random.Generator) -> list[Row]:
    x, y = rng.uniform(0, 10_000, (2, n))
    t = rng.uniform(0, 365, n)
    result, t_knox = timed(
        lambda: knox_test(
            x,
            y,
            t,
            space_edges_m=[0, 100, 200, 300, 400],
            time_edges_days=[0, 7, 14, 21, 28],
            permutations=permutations,
            seed=1,
        )
    )
    return [
        (
            f"Knox {n:,} ev, 4×4 bands",
            f"senim knox_test, {permutations} perms",
            seconds(t_knox),
            f"{int(result.observed.sum()):,} close pairs tabulated",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke check")
    args = parser.parse_args()
    rng = np.random.default_rng(20240301)
    print(describe())
    if args.quick:
        sizes = {"gi": 100, "kde_n": 100_000, "side": 5_000.0, "sk": 20, "sp": 10, "knox": 2_000}
    else:
        sizes = {"gi": 500, "kde_n": 1_000_000, "side": 10_000.0, "sk": 100, "sp": 40}
        sizes["knox"] = 20_000
    rows = bench_gi_star(int(sizes["gi"]), rng)
    rows += bench_kde(
        int(sizes["kde_n"]), float(sizes["side"]), int(sizes["sk"]), int(sizes["sp"]), rng
    )
    rows += bench_knox(int(sizes["knox"]), 99, rng)
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    header = ("benchmark", "contender", "time", "notes")
    print(" | ".join(h.ljust(w) for h, w in zip(header, [*widths, 0], strict=True)))
    print("-+-".join("-" * w for w in [*widths, 40]))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, [*widths, 0], strict=True)))


if __name__ == "__main__":
    main()
