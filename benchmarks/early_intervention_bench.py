"""Early intervention: the learned ranking against the threshold rules departments use, on the
same simulated officers, over several seeds (`docs/integrity.md`).

    .venv/bin/python benchmarks/early_intervention_bench.py [--officers 2000] [--seeds 5]
        [--C 0.001] [--no-peers] [--first-seed 0]

For each seed: the model's precision at the rules' number of flags ÷ the rules' precision, on
the observed outcomes and with the simulator's true risk as the judge, the ceiling (the true
risk itself ranked), and the time of the whole temporal evaluation. The goal of issue 14 is
≥ 1.3× the rules.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.machine import describe
from senim.analytics.early_intervention import (
    DEFAULT_RULES,
    RankingModel,
    apply_rules,
    simulate_histories,
    temporal_evaluation,
)
from senim.analytics.early_intervention.evaluation import top_k


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--officers", type=int, default=2000)
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--C", type=float, default=None, help="the model's C (its default)")
    parser.add_argument("--no-peers", action="store_true", help="raw counts, not peer-relative")
    args = parser.parse_args()
    C = RankingModel().C if args.C is None else args.C
    peers = not args.no_peers

    def make() -> RankingModel:
        return RankingModel(C=C, peer_relative=peers)

    model = make()
    print(describe())
    print(
        f"{args.officers} simulated officers, {args.years} years, logistic ranking "
        f"(C = {model.C}, {'peer-relative' if model.peer_relative else 'raw'}) vs rules"
    )
    print(
        f"{'seed':>4} {'rules %':>8} {'observed':>9} {'true risk':>10} {'ceiling':>8} "
        f"{'seconds':>8}"
    )
    observed, judged, ceilings = [], [], []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        sim = simulate_histories(args.officers, args.years, seed)
        started = time.perf_counter()
        evaluation = temporal_evaluation(sim.table, make, DEFAULT_RULES, truth=sim.true_risk)
        seconds = time.perf_counter() - started
        rules = apply_rules(sim.table, DEFAULT_RULES).flagged
        best = ruled = 0.0
        for period in sim.table.periods[1:]:
            rows = np.flatnonzero(sim.table.period == period)
            best += float(
                sim.true_risk[rows][top_k(sim.true_risk[rows], int(rules[rows].sum()))].sum()
            )
            ruled += float(sim.true_risk[rows][rules[rows]].sum())
        pooled = evaluation.pooled
        observed.append(pooled.ratio_vs_rules)
        judged.append(pooled.expected_ratio_vs_rules or float("nan"))
        ceilings.append(best / ruled)
        share = 100 * pooled.rules_k / pooled.n_test
        print(
            f"{seed:>4} {share:>8.1f} {observed[-1]:>9.2f} {judged[-1]:>10.2f} "
            f"{ceilings[-1]:>8.2f} {seconds:>8.1f}"
        )
    print(
        f"mean {'':>8} {np.mean(observed):>9.2f} {np.mean(judged):>10.2f} "
        f"{np.mean(ceilings):>8.2f}   (goal: 1.30)"
    )
    if len(judged) > 1:
        print(
            f"sd   {'':>8} {np.std(observed, ddof=1):>9.2f} {np.std(judged, ddof=1):>10.2f} "
            f"{np.std(ceilings, ddof=1):>8.2f}   (over seeds)"
        )


if __name__ == "__main__":
    main()
