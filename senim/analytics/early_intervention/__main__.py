"""`python -m senim.analytics.early_intervention [--officers N] [--years Y] [--seed S]`:
the learned ranking against the threshold rules on a simulated roster, judged with the truth."""

from __future__ import annotations

import argparse

import numpy as np

from senim.analytics.early_intervention.evaluation import temporal_evaluation, top_k
from senim.analytics.early_intervention.ranking import RankingModel
from senim.analytics.early_intervention.rules import DEFAULT_RULES, apply_rules
from senim.analytics.early_intervention.simulate import simulate_histories


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--officers", type=int, default=2000)
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kind", choices=("logistic", "boosting"), default="logistic")
    args = parser.parse_args(argv)
    simulated = simulate_histories(args.officers, args.years, args.seed)
    table = simulated.table
    evaluation = temporal_evaluation(
        table, lambda: RankingModel(kind=args.kind), DEFAULT_RULES, truth=simulated.true_risk
    )
    print(
        f"{args.officers} officers, {args.years} years, seed {args.seed}, "
        f"women {simulated.women_share:.1%}, adverse outcomes {table.labels().mean():.1%} of rows"
    )
    print(evaluation.to_text())
    pooled = evaluation.pooled
    print(
        f"top 5 %: precision {pooled.at(0.05).precision:.3f} "
        f"(expected {pooled.at(0.05).expected_precision:.3f})"
    )
    print(
        f"model ÷ rules at the rules' {pooled.rules_k} flags: {pooled.ratio_vs_rules:.2f} "
        f"observed, {pooled.expected_ratio_vs_rules:.2f} with the true risk as judge"
    )
    # The ceiling: the true risk itself ranked, at the same number of flags.
    rules = apply_rules(table, DEFAULT_RULES).flagged
    truth = simulated.true_risk
    best = ruled = 0.0
    for period in table.periods[1:]:
        rows = np.flatnonzero(table.period == period)
        best += float(truth[rows][top_k(truth[rows], int(rules[rows].sum()))].sum())
        ruled += float(truth[rows][rules[rows]].sum())
    print(f"true risk ÷ rules at the same flags (the ceiling): {best / ruled:.2f}")


if __name__ == "__main__":
    main()
