"""Temporal cross-validation of a ranking against the threshold rules.

For every period t with earlier labelled periods, a fresh model is fitted on the rows of the
periods before t only and scores the rows of t; nothing is ever shuffled across time. With
yearly as-of dates and a 12-month outcome, the label of period t − 1 is known exactly at the
as-of date of t, so training on periods < t uses only what was known then. Reported per test
period and pooled over them (sums of hits over sums of flags):

- precision and recall of the model's top 1 / 5 / 10 % (k = round(share × rows), at least 1);
- the rules' flags (k_rules = the rows they flag) against the model's top k_rules on the same
  officers: the ratio of precisions is the "≥ 1.3× the rules" goal;
- with a known true risk (simulated data), the same precisions in expectation: the mean true
  risk of the flagged rows, which judges a ranking without the noise of one year's outcomes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from senim.analytics.early_intervention.ranking import RankingModel
from senim.analytics.early_intervention.rules import ThresholdRule, apply_rules, check_rules
from senim.analytics.early_intervention.table import (
    BoolArray,
    FeatureTable,
    FloatArray,
    IntArray,
)

ModelFactory = Callable[[], RankingModel]


def check_share(share: float) -> float:
    try:
        value = float(share)
    except (TypeError, ValueError):
        value = math.nan
    if not 0 < value <= 1:
        raise ValueError(f"a share of rows to flag must be in (0, 1], got {share!r}")
    return value


def top_k(scores: FloatArray, k: int) -> BoolArray:
    """The `k` highest scores flagged (ties by row order, so the result is deterministic)."""
    flags = np.zeros(scores.size, dtype=bool)
    flags[np.argsort(-scores, kind="stable")[:k]] = True
    return flags


def flags_at_share(scores: FloatArray, share: float) -> BoolArray:
    """The top `share` of rows by score: k = round(share × rows), at least one."""
    share = check_share(share)
    return top_k(scores, max(1, round(share * scores.size)))


@dataclass(frozen=True)
class AtShare:
    """The model's top `share` of rows: k flags, precision and recall (NaN: no positives)."""

    share: float
    k: int
    hits: int
    precision: float
    recall: float
    expected_precision: float | None  # mean true risk of the flagged rows, when known


@dataclass(frozen=True)
class Scorecard:
    """One test period (`period`), or all of them pooled (`period` None)."""

    period: int | None
    n_train: int
    n_test: int
    positives: int
    at_shares: tuple[AtShare, ...]
    rules_k: int
    rules_hits: int
    model_hits_at_rules_k: int
    rules_expected_hits: float | None
    model_expected_hits_at_rules_k: float | None

    @property
    def rules_precision(self) -> float:
        return self.rules_hits / self.rules_k if self.rules_k else math.nan

    @property
    def model_precision_at_rules_k(self) -> float:
        return self.model_hits_at_rules_k / self.rules_k if self.rules_k else math.nan

    @property
    def rules_recall(self) -> float:
        return self.rules_hits / self.positives if self.positives else math.nan

    @property
    def model_recall_at_rules_k(self) -> float:
        return self.model_hits_at_rules_k / self.positives if self.positives else math.nan

    @property
    def ratio_vs_rules(self) -> float:
        """Model precision ÷ rules precision at the same number of flags (NaN if undefined)."""
        if not self.rules_hits:
            return math.nan
        return self.model_hits_at_rules_k / self.rules_hits

    @property
    def expected_ratio_vs_rules(self) -> float | None:
        """The same ratio judged with the true risk (simulated data only)."""
        if self.rules_expected_hits is None or self.model_expected_hits_at_rules_k is None:
            return None
        if not self.rules_expected_hits:
            return math.nan
        return self.model_expected_hits_at_rules_k / self.rules_expected_hits

    def at(self, share: float) -> AtShare:
        for entry in self.at_shares:
            if math.isclose(entry.share, share):
                return entry
        raise KeyError(share)


@dataclass(frozen=True)
class Evaluation:
    """Per test period and pooled scorecards, and the out-of-sample scores themselves.

    `scores[i]` is row i's score from the model trained on the periods before its own, NaN for
    rows never tested (the first periods); `tested` marks the others; `row_period` is the
    table's period of every row.
    """

    shares: tuple[float, ...]
    periods: tuple[Scorecard, ...]
    pooled: Scorecard
    scores: FloatArray
    tested: BoolArray
    row_period: IntArray

    def top_flags(self, share: float) -> BoolArray:
        """Bool (n,): each tested period's top `share` of rows by out-of-sample score."""
        flags = np.zeros(self.scores.size, dtype=bool)
        for card in self.periods:
            rows = np.flatnonzero(self.row_period == card.period)
            flags[rows] = flags_at_share(self.scores[rows], share)
        return flags

    def to_text(self) -> str:
        """A plain table for a terminal or a log."""
        head = f"{'period':>7} {'test':>6} {'pos':>5}"
        for share in self.shares:
            head += f" {'P@' + format(share, '.0%'):>7} {'R@' + format(share, '.0%'):>7}"
        head += f" {'rules k':>8} {'P rules':>8} {'P model':>8} {'ratio':>6} {'E ratio':>8}"
        lines = [head]
        for card in (*self.periods, self.pooled):
            name = "pooled" if card.period is None else str(card.period)
            line = f"{name:>7} {card.n_test:>6} {card.positives:>5}"
            for entry in card.at_shares:
                line += f" {entry.precision:>7.3f} {entry.recall:>7.3f}"
            expected = card.expected_ratio_vs_rules
            line += (
                f" {card.rules_k:>8} {card.rules_precision:>8.3f}"
                f" {card.model_precision_at_rules_k:>8.3f} {card.ratio_vs_rules:>6.2f}"
                f" {'' if expected is None else format(expected, '.2f'):>8}"
            )
            lines.append(line)
        return "\n".join(lines)


def _scorecard(
    period: int | None,
    n_train: int,
    label: BoolArray,
    scores: FloatArray,
    rules_flag: BoolArray,
    shares: tuple[float, ...],
    truth: FloatArray | None,
) -> Scorecard:
    positives = int(label.sum())
    at_shares = []
    for share in shares:
        flags = flags_at_share(scores, share)
        hits = int(label[flags].sum())
        at_shares.append(
            AtShare(
                share=share,
                k=int(flags.sum()),
                hits=hits,
                precision=hits / flags.sum(),
                recall=hits / positives if positives else math.nan,
                expected_precision=None if truth is None else float(truth[flags].mean()),
            )
        )
    k = int(rules_flag.sum())
    model_flag = top_k(scores, k)
    return Scorecard(
        period=period,
        n_train=n_train,
        n_test=label.size,
        positives=positives,
        at_shares=tuple(at_shares),
        rules_k=k,
        rules_hits=int(label[rules_flag].sum()),
        model_hits_at_rules_k=int(label[model_flag].sum()),
        rules_expected_hits=None if truth is None else float(truth[rules_flag].sum()),
        model_expected_hits_at_rules_k=None if truth is None else float(truth[model_flag].sum()),
    )


def _pool(cards: Sequence[Scorecard], shares: tuple[float, ...]) -> Scorecard:
    positives = sum(c.positives for c in cards)
    at_shares = []
    for i, share in enumerate(shares):
        k = sum(c.at_shares[i].k for c in cards)
        hits = sum(c.at_shares[i].hits for c in cards)
        expected = [c.at_shares[i].expected_precision for c in cards]
        expected_hits = sum(
            (e or 0.0) * c.at_shares[i].k for e, c in zip(expected, cards, strict=True)
        )
        at_shares.append(
            AtShare(
                share=share,
                k=k,
                hits=hits,
                precision=hits / k,
                recall=hits / positives if positives else math.nan,
                expected_precision=None if None in expected else expected_hits / k,
            )
        )
    known = all(c.rules_expected_hits is not None for c in cards)
    return Scorecard(
        period=None,
        n_train=sum(c.n_train for c in cards),
        n_test=sum(c.n_test for c in cards),
        positives=positives,
        at_shares=tuple(at_shares),
        rules_k=sum(c.rules_k for c in cards),
        rules_hits=sum(c.rules_hits for c in cards),
        model_hits_at_rules_k=sum(c.model_hits_at_rules_k for c in cards),
        rules_expected_hits=sum(float(c.rules_expected_hits or 0) for c in cards)
        if known
        else None,
        model_expected_hits_at_rules_k=sum(
            float(c.model_expected_hits_at_rules_k or 0) for c in cards
        )
        if known
        else None,
    )


def temporal_evaluation(
    table: FeatureTable,
    make_model: ModelFactory,
    rules: Sequence[ThresholdRule],
    shares: Sequence[float] = (0.01, 0.05, 0.10),
    *,
    feedback: Any = None,
    truth: Any = None,
    min_train_periods: int = 1,
) -> Evaluation:
    """Train on periods < t, test on period t, for every t after `min_train_periods` periods.

    `make_model()` returns a fresh unfitted model each time; `feedback` (FEEDBACK_* codes, one
    per row) is passed to `fit` for the training rows only; `truth` (true risk per row, for
    simulated data) adds the expected precisions.
    """
    label = table.labels()
    checked_rules = check_rules(table, rules)
    checked_shares = tuple(check_share(s) for s in shares)
    if not checked_shares:
        raise ValueError("at least one share is needed")
    if min_train_periods < 1:
        raise ValueError(f"min_train_periods must be at least 1, got {min_train_periods}")
    truth_array = None
    if truth is not None:
        truth_array = np.asarray(truth, dtype=np.float64)
        if truth_array.shape != (table.n_rows,):
            raise ValueError(f"truth must have {table.n_rows} entries, got {truth_array.shape}")
    codes = None
    if feedback is not None:
        codes = np.asarray(feedback)
        if codes.shape != (table.n_rows,):
            raise ValueError(f"feedback must have {table.n_rows} entries, got {codes.shape}")
    periods = table.periods
    if len(periods) <= min_train_periods:
        raise ValueError(
            f"temporal evaluation needs more than {min_train_periods} period(s), "
            f"the table has {len(periods)}"
        )
    rules_flag = apply_rules(table, checked_rules).flagged
    scores = np.full(table.n_rows, np.nan)
    cards = []
    for period in periods[min_train_periods:]:
        train = table.period < period
        test = table.period == period
        if label[train].all() or not label[train].any():
            raise ValueError(
                f"cannot train a model to test period {period}: the rows before it hold only "
                "one outcome (raise min_train_periods or add earlier periods)"
            )
        model = make_model().fit(
            table.select(train), feedback=None if codes is None else codes[train]
        )
        scores[test] = model.score(table.select(test))
        cards.append(
            _scorecard(
                period,
                int(train.sum()),
                label[test],
                scores[test],
                rules_flag[test],
                checked_shares,
                None if truth_array is None else truth_array[test],
            )
        )
    evaluation = Evaluation(
        shares=checked_shares,
        periods=tuple(cards),
        pooled=_pool(cards, checked_shares),
        scores=scores,
        tested=np.isfinite(scores),
        row_period=table.period,
    )
    return evaluation
