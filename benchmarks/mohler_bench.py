"""Mohler 2011 at scale: convergence, branching ratio against the truth, time and peak memory.

    .venv/bin/python benchmarks/mohler_bench.py                 # 100 k, 300 k and 1 M events
    .venv/bin/python benchmarks/mohler_bench.py --sizes 100000  # one size

Data: the benchmark city of `benchmarks/predict_bench.py`, rebuilt here from the demo's
self-exciting process (`senim/demo/process.py`): 30 tight hot spots and six diffuse blobs on
10 km × 10 km, 100 000 events over 913 days, every event triggering Poisson(η) offspring
(η = 0.3 by default, the branching ratio that benchmark uses) after an Exp(4 days) delay,
displaced by a Gaussian of 150 m. A run of N events lays N / 100 000 such cities side by
side (each with its own seed), so the density of events per km² per day stays that of the
city and the pairs per event stay bounded: a region of several cities, not one city with
ever more crime in the same streets. `--same-box` stacks them in one box instead: the pairs
per event then grow with N (and `max_pairs` refuses a fit whose pairs would not fit).

Each size runs in a fresh process (spawned), so the peak RSS printed (resource.getrusage,
simulation + fit) is its own. The truth is η, the generator's parameter; the simulation's own
share of triggered events among the events fitted is printed beside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe
from senim.analytics.grid import Grid
from senim.analytics.predict import Events, MohlerPredictor
from senim.demo import process

CITY_EVENTS = 100_000
CITY_DAYS = 913
SIDE_M = 10_000.0
CELL_M = 150.0
TOLERANCE = 0.05


def simulate_city(n_events: int, days: int, branching: float, seed: int) -> tuple[np.ndarray, ...]:
    """One city as in predict_bench.simulate_city: (t days, x, y, parent)."""
    rng = np.random.default_rng(seed)
    hot = rng.uniform(1000, 9000, (30, 2))
    diffuse = rng.uniform(2500, 7500, (6, 2))
    hot_w = rng.lognormal(0, 0.8, 30)
    weights = np.r_[0.5 * hot_w / hot_w.sum(), np.full(6, 0.5 / 6)]
    sigmas = np.r_[rng.uniform(120, 350, 30), np.full(6, 1800.0)]
    profile = process.hourly_profile(dt.date(2023, 1, 1), days)
    hourly = profile / profile.sum() * n_events * (1 - branching)
    background = process.Background(
        centres=np.vstack([hot, diffuse]), sigmas=sigmas, weights=weights, hourly=hourly
    )
    trigger = process.Trigger(branching=branching, decay=1 / (24 * 4.0), sigma=150.0)
    raw = process.simulate(background, trigger, rng)
    return raw.t / 24.0, raw.x, raw.y, raw.parent


def region(
    n_events: int, branching: float, seed: int, same_box: bool = False
) -> tuple[Events, Grid, float]:
    """N / 100 000 cities side by side (columns of up to 4) — or all in the same 10 km box
    with `same_box`, N / 100 000 times the density — their grid, and the share of triggered
    events among those inside it."""
    cities = max(1, round(n_events / CITY_EVENTS))
    columns = 1 if same_box else min(cities, 4)
    rows = 1 if same_box else math.ceil(cities / columns)
    ts, xs, ys, triggered = [], [], [], []
    for k in range(cities):
        t, x, y, parent = simulate_city(CITY_EVENTS, CITY_DAYS, branching, seed + k)
        ts.append(t)
        xs.append(x + (0 if same_box else (k % columns) * SIDE_M))
        ys.append(y + (0 if same_box else (k // columns) * SIDE_M))
        triggered.append(parent >= 0)
    n = math.ceil(SIDE_M / CELL_M)
    grid = Grid(0.0, 0.0, CELL_M, n * columns, n * rows)
    x, y = np.concatenate(xs), np.concatenate(ys)
    inside = grid.flat_index(x, y) >= 0
    share = float(np.mean(np.concatenate(triggered)[inside]))
    return Events.of(np.concatenate(ts), x, y), grid, share


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def run_one(n_events: int, branching: float, seed: int, same_box: bool, queue: Any) -> None:
    started = time.perf_counter()
    events, grid, share = region(n_events, branching, seed, same_box)
    simulated = time.perf_counter() - started
    rss_sim = peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    model = MohlerPredictor().fit(events, grid)
    fit_s, fit_cpu = time.perf_counter() - started, time.process_time() - cpu
    at = float(events.t[-1]) + 1e-9
    started = time.perf_counter()
    model.predict(at, 7.0)
    predict_s = time.perf_counter() - started
    fit = model.fitted
    assert fit is not None
    queue.put(
        {
            "events": fit.events,
            "pairs": fit.pairs,
            "coincident": fit.coincident_pairs,
            "theta": fit.branching_ratio,
            "share_fit": fit.trigger_share,
            "share_true": share,
            "iterations": fit.iterations,
            "converged": fit.converged,
            "path": fit.log_likelihood,
            "delay": fit.mean_delay_days,
            "distance": fit.trigger_distance_m,
            "simulated": simulated,
            "fit": fit_s,
            "fit_cpu": fit_cpu,
            "predict": predict_s,
            "rss_sim": rss_sim,
            "rss": peak_rss_mb(),
            "grid": f"{grid.nx} × {grid.ny}",
        }
    )


def load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--branching", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--same-box",
        action="store_true",
        help="stack the cities in one 10 km box (density grows with N) instead of side by side",
    )
    args = parser.parse_args()
    print(describe())
    print(f"load average at start (1, 5, 15 min): {load()}")
    print(
        f"generator: η = {args.branching} (Poisson offspring per event), mean delay 4 days, "
        f"150 m spread; {CITY_EVENTS:,} events per 10 km × 10 km city over {CITY_DAYS} days; "
        + ("cities stacked in one box" if args.same_box else "cities side by side")
    )
    context = multiprocessing.get_context("spawn")
    for size in (int(s) for s in args.sizes.split(",")):
        queue = context.Queue()
        child = context.Process(
            target=run_one, args=(size, args.branching, args.seed, args.same_box, queue)
        )
        child.start()
        r = queue.get()
        child.join()
        error = r["theta"] - args.branching
        verdict = "met" if abs(error) <= TOLERANCE else "NOT met"
        rss_verdict = "met" if r["rss"] < 2048 else "NOT met"
        path = r["path"]
        print(f"\n{size:,} events requested — grid {r['grid']} cells of {CELL_M:g} m")
        print(
            f"  fitted {r['events']:,} events, {r['pairs']:,} candidate pairs "
            f"({r['pairs'] / r['events']:.0f} per event), {r['coincident']:,} coincident left out"
        )
        print(
            f"  branching ratio {r['theta']:.4f} against the generator's η = {args.branching} "
            f"(error {error:+.4f}; within ±{TOLERANCE}: {verdict}); triggered share "
            f"{r['share_fit']:.4f} (simulation's own {r['share_true']:.4f})"
        )
        print(
            f"  EM: {r['iterations']} iterations, converged: {r['converged']}; log-likelihood "
            f"path of {len(path)} values, first {path[0]:,.1f}, last {path[-1]:,.1f}, last "
            f"change {path[-1] - path[-2] if len(path) > 1 else math.nan:+.3f}"
        )
        print(
            f"  mean delay {r['delay']:.2f} days (true 4), mean distance {r['distance']:.0f} m "
            f"(true {150 * math.sqrt(math.pi / 2):.0f} m)"
        )
        print(
            f"  simulation {r['simulated']:.2f} s; fit {r['fit']:.1f} s wall "
            f"({r['fit_cpu']:.1f} s CPU); predict {r['predict']:.2f} s; peak RSS "
            f"{r['rss']:,.0f} MB (after simulation {r['rss_sim']:,.0f} MB); < 2 GB: {rss_verdict}"
        )
        print(f"  load average now: {load()}")


if __name__ == "__main__":
    main()
