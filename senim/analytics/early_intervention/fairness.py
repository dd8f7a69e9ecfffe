"""The fairness audit a ranking must pass before it goes live.

For every audit attribute (sex, age band, region …) and every group of it, on rows whose
outcome is known: the flag rate, the precision of the flags, the false-positive rate (flagged
among officers with no adverse outcome) and the false-negative rate (not flagged among those
with one). Each is reported with its ratio to the same metric of the attribute's largest group
(as Aequitas' `get_disparity_major_group` does).

The decision (`out_of_band`, the one place it is made; docs/integrity.md explains it). The band
is Aequitas' default, τ = 0.8: a ratio in [0.8, 1.25] is acceptable. By default
(`comparison="harm"`) each group is compared with *all the other rows* and only the direction
that harms it can block: an FPR (or FNR) more than 1.25× the rest's. The harm of an
early-intervention flag falls on the flagged officer, so a group flagged wrongly less often is
not harmed; if that means the others are over-flagged, it shows — and blocks — on them, each
against the rest. Comparing with the rest rather than the largest group also stops the largest
group's own over-flagging from hiding: it is judged like any other. `comparison="both"` is
Aequitas' two-sided practice against the largest group. Out-of-band ratios in the harmless
direction are kept as warnings, never dropped.

A disparity blocks only when (1) the group has at least `min_group_size` rows (30 by default;
smaller groups are reported but not judged) and (2) the difference is statistically
significant at `alpha` = 0.05 with Bonferroni's correction over every judged (group, metric)
comparison of the audit — twenty regions × two metrics are forty chances for noise to look like
bias (`alpha=None` judges on the ratio alone). The test is Fisher's exact test when every
officer appears once; when officers repeat (the audit pools test years, an officer once per
year) it is a two-proportion test whose variance is clustered by officer, so an officer's
repeated years count as correlated evidence, not as independent rows.
Condition (2) keeps a fair model from failing on the noise of a small group — with a few hundred
women officers a handful of flags moves a rate by a quarter — at the price that a small group's
real but moderate disparity may only show as a warning: warnings are listed and should be read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy.stats import fisher_exact

from senim.analytics.early_intervention.table import FeatureTable

METRICS: tuple[str, ...] = ("flag_rate", "precision", "fpr", "fnr")
DEFAULT_BAND: tuple[float, float] = (0.8, 1.25)


@dataclass(frozen=True)
class GroupMetrics:
    """One group of one attribute: its counts, its rates (NaN when undefined) and its ratios to
    the reference group's rates (`ratios[metric]`)."""

    attribute: str
    group: str
    size: int
    flagged: int
    positives: int
    true_positives: int
    flag_rate: float
    precision: float
    fpr: float
    fnr: float
    ratios: dict[str, float]
    is_reference: bool
    judged: bool  # large enough to be judged

    def rate(self, metric: str) -> float:
        return float(getattr(self, metric))


@dataclass(frozen=True)
class Disparity:
    """A metric of a group outside the band, against what it was compared with
    (`reference_group`: the other group when there is one, "rest" for all the other groups
    together, or the largest group under `comparison="both"`)."""

    attribute: str
    group: str
    metric: str
    ratio: float
    reference_group: str
    p_value: float


@dataclass(frozen=True)
class FairnessReport:
    """`passed` when no judged disparity is out of band and significant (`failures`);
    `warnings` hold the out-of-band ratios that were not judged (small group or not
    significant)."""

    band: tuple[float, float]
    judged_metrics: tuple[str, ...]
    min_group_size: int
    alpha: float | None
    groups: tuple[GroupMetrics, ...]
    failures: tuple[Disparity, ...]
    warnings: tuple[Disparity, ...]
    comparison: str = "harm"

    @property
    def passed(self) -> bool:
        return not self.failures

    def group(self, attribute: str, group: str) -> GroupMetrics:
        for entry in self.groups:
            if entry.attribute == attribute and entry.group == group:
                return entry
        raise KeyError((attribute, group))


def _counts(flagged: np.ndarray, label: np.ndarray) -> tuple[int, int, int, int]:
    tp = int((flagged & label).sum())
    fp = int((flagged & ~label).sum())
    fn = int((~flagged & label).sum())
    tn = int((~flagged & ~label).sum())
    return tp, fp, fn, tn


def _share(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else math.nan


def _ratio(value: float, reference: float) -> float:
    if math.isnan(value) or math.isnan(reference):
        return math.nan
    if reference == 0:
        return 1.0 if value == 0 else math.inf
    return value / reference


# For each metric: (events, non-events) in a group, the 2 × 2 table's row for Fisher's test.
def _fisher_row(metric: str, tp: int, fp: int, fn: int, tn: int) -> tuple[int, int]:
    if metric == "flag_rate":
        return tp + fp, fn + tn
    if metric == "precision":
        return tp, fp
    if metric == "fpr":
        return fp, tn
    return fn, tp  # fnr


# The direction in which each metric harms a group: a higher false-positive rate means more of
# its officers flagged without cause, a higher false-negative rate more of its at-risk officers
# missed (no support offered, the public not protected), a higher flag rate more scrutiny, a
# lower precision more of its flags wasted on officers who did nothing.
HARMFUL_DIRECTION: dict[str, int] = {"flag_rate": +1, "precision": -1, "fpr": +1, "fnr": +1}

Comparison = Literal["harm", "both"]


def out_of_band(
    metric: str, ratio: float, band: tuple[float, float], comparison: Comparison
) -> int:
    """The decision, in one place: +1 when `ratio` (a group's rate ÷ its comparison's) is a
    disparity that can block a model, −1 when it is out of band but only reported, 0 in band.

    `comparison="both"` (Aequitas' practice): either side of the band blocks.
    `comparison="harm"` (Senim's default, docs/integrity.md "Fairness"): only the side that
    harms the group blocks — for FPR a ratio above the band (its officers flagged without cause
    more often than everyone else's); a group flagged wrongly *less* often than the rest is not
    harmed by the flags and is reported, not blocking. Whether that leaves the others
    over-flagged is judged where it would hurt, on each of them against the rest.
    """
    low, high = band
    if math.isnan(ratio) or low <= ratio <= high:
        return 0
    if comparison == "both":
        return 1
    above = ratio > high
    return 1 if above == (HARMFUL_DIRECTION[metric] > 0) else -1


def _cluster_p_value(
    mine: tuple[np.ndarray, np.ndarray], theirs: tuple[np.ndarray, np.ndarray]
) -> float:
    """Two-sided p-value of the difference of two proportions whose rows cluster by officer.

    Each side is (events, trials) summed per officer. The variance of a ratio estimate
    Σy / Σm over clusters (the usual sandwich form, C/(C−1) Σ (y − p m)² / (Σm)²) counts an
    officer's repeated years as one draw, so an officer flagged wrongly in three years weighs
    as the correlated evidence it is, not as three independent ones.
    """
    variances, rates = [], []
    for events, trials in (mine, theirs):
        total = float(trials.sum())
        if total == 0 or trials.size < 2:
            return math.nan
        rate = float(events.sum()) / total
        clusters = trials.size
        resid = events - rate * trials
        variances.append(clusters / (clusters - 1) * float((resid**2).sum()) / total**2)
        rates.append(rate)
    spread = math.sqrt(variances[0] + variances[1])
    if spread == 0:
        return 1.0 if rates[0] == rates[1] else 0.0
    z = abs(rates[0] - rates[1]) / spread
    return float(math.erfc(z / math.sqrt(2)))


def _per_officer(
    metric: str, officer: np.ndarray, flags: np.ndarray, label: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(events, trials) of `metric` summed per officer, as in `_fisher_row`."""
    if metric == "flag_rate":
        trials, events = np.ones(flags.size, dtype=bool), flags
    elif metric == "precision":
        trials, events = flags, flags & label
    elif metric == "fpr":
        trials, events = ~label, flags & ~label
    else:
        trials, events = label, ~flags & label
    keys, inverse = np.unique(officer[trials], return_inverse=True)
    return (
        np.bincount(inverse, weights=events[trials].astype(float), minlength=keys.size),
        np.bincount(inverse, minlength=keys.size).astype(float),
    )


def fairness_audit(
    table: FeatureTable,
    flagged: Any,
    *,
    rows: Any = None,
    band: tuple[float, float] = DEFAULT_BAND,
    metrics: Sequence[str] = ("fpr", "fnr"),
    min_group_size: int = 30,
    alpha: float | None = 0.05,
    comparison: Comparison = "harm",
) -> FairnessReport:
    """Audit the flags `flagged` (bool per row of `table`) on every attribute of `table.groups`.

    `rows` (a mask or indices) restricts the audit, e.g. to `Evaluation.tested`; the rows'
    labels must be known. `metrics` are the ones judged (all four are reported, with ratios to
    the attribute's largest group). `comparison` is how a disparity is judged (`out_of_band`):
    "harm" (default) each group against all the other rows, blocking only in the direction that
    harms the group; "both" each group against the largest, both sides of the band (Aequitas).
    Significance: Fisher's exact test when every officer appears once among the audited rows,
    otherwise a two-proportion test clustered by officer (`_cluster_p_value`).
    """
    label_all = table.labels()
    flags_all = np.asarray(flagged)
    if flags_all.shape != (table.n_rows,):
        raise ValueError(f"flagged must have {table.n_rows} entries, got {flags_all.shape}")
    if flags_all.dtype != np.bool_:
        raise ValueError("flagged must be boolean")
    low, high = float(band[0]), float(band[1])
    if not 0 < low <= 1 <= high:
        raise ValueError(f"the band must contain 1 and be positive, got {band!r}")
    unknown = [m for m in metrics if m not in METRICS]
    if unknown or not metrics:
        raise ValueError(f"metrics must be among {METRICS}, got {tuple(metrics)!r}")
    if alpha is not None and not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1) or None, got {alpha!r}")
    if comparison not in ("harm", "both"):
        raise ValueError(f"comparison must be 'harm' or 'both', got {comparison!r}")
    if not table.groups:
        raise ValueError("the table has no audit attributes (groups) to audit")
    index = np.arange(table.n_rows) if rows is None else np.arange(table.n_rows)[rows]
    if index.size == 0:
        raise ValueError("no rows to audit")
    label, flags = label_all[index], flags_all[index]
    officer = table.officer[index]
    clustered = np.unique(officer).size < officer.size

    entries: list[GroupMetrics] = []
    candidates: list[tuple[Disparity, bool]] = []  # out of band, and whether it can block
    comparisons = 0  # judged (group, metric) pairs: the family for the Bonferroni correction
    for attribute, values in table.groups.items():
        values = np.asarray(values)[index].astype(str)
        names, sizes = np.unique(values, return_counts=True)
        # The largest group is the reference; ties go to the first name in sort order.
        reference = str(names[int(np.argmax(sizes))])
        counts = {
            str(name): _counts(flags[values == name], label[values == name]) for name in names
        }
        rates = {name: _rates(*c) for name, c in counts.items()}
        for name, size in zip(names, sizes, strict=True):
            name = str(name)
            tp, fp, fn, tn = counts[name]
            ratios = {m: _ratio(rates[name][m], rates[reference][m]) for m in METRICS}
            entries.append(
                GroupMetrics(
                    attribute=attribute,
                    group=name,
                    size=int(size),
                    flagged=tp + fp,
                    positives=tp + fn,
                    true_positives=tp,
                    ratios=ratios,
                    is_reference=name == reference,
                    judged=int(size) >= min_group_size
                    and (comparison == "harm" or name != reference),
                    **rates[name],
                )
            )
            if comparison == "both" and name == reference:
                continue
            if comparison == "both":
                other, other_name = values == reference, reference
            else:
                other = values != name
                rest = sorted(set(values[other].tolist()))
                other_name = rest[0] if len(rest) == 1 else "rest"
                if not other.any():
                    continue
            other_counts = _counts(flags[other], label[other])
            other_rates = _rates(*other_counts)
            judged = int(size) >= min_group_size
            mine_mask = values == name
            for metric in metrics:
                ratio = _ratio(rates[name][metric], other_rates[metric])
                comparisons += judged and not math.isnan(ratio)
                verdict = out_of_band(metric, ratio, (low, high), comparison)
                if verdict == 0:
                    continue
                if clustered:
                    p_value = _cluster_p_value(
                        _per_officer(
                            metric, officer[mine_mask], flags[mine_mask], label[mine_mask]
                        ),
                        _per_officer(metric, officer[other], flags[other], label[other]),
                    )
                else:
                    mine = _fisher_row(metric, tp, fp, fn, tn)
                    theirs = _fisher_row(metric, *other_counts)
                    p_value = float(fisher_exact([list(mine), list(theirs)]).pvalue)
                candidates.append(
                    (
                        Disparity(attribute, name, metric, ratio, other_name, p_value),
                        judged and verdict > 0,
                    )
                )
    failures: list[Disparity] = []
    warnings: list[Disparity] = []
    for disparity, can_block in candidates:
        significant = alpha is None or (
            not math.isnan(disparity.p_value) and disparity.p_value < alpha / max(1, comparisons)
        )
        (failures if can_block and significant else warnings).append(disparity)
    return FairnessReport(
        band=(low, high),
        judged_metrics=tuple(metrics),
        min_group_size=min_group_size,
        alpha=alpha,
        groups=tuple(entries),
        failures=tuple(failures),
        warnings=tuple(warnings),
        comparison=comparison,
    )


def _rates(tp: int, fp: int, fn: int, tn: int) -> dict[str, float]:
    return {
        "flag_rate": _share(tp + fp, tp + fp + fn + tn),
        "precision": _share(tp, tp + fp),
        "fpr": _share(fp, fp + tn),
        "fnr": _share(fn, fn + tp),
    }
