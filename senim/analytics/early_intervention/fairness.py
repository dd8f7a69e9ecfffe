"""The fairness audit a ranking must pass before it goes live.

For every audit attribute (sex, age band, region …) and every group of it, on rows whose
outcome is known: the flag rate, the precision of the flags, the false-positive rate (flagged
among officers with no adverse outcome) and the false-negative rate (not flagged among those
with one). Each is divided by the same metric of the reference group, the attribute's largest
group (as Aequitas' `get_disparity_major_group` does).

The acceptable band is Aequitas' default: a disparity ratio in [0.8, 1.25] (τ = 0.8, fair when
τ ≤ ratio ≤ 1/τ), judged by default on the false-positive and false-negative rates — being
flagged without cause, and being missed. A ratio outside the band fails the audit only when
(1) the group has at least `min_group_size` rows (30 by default; smaller groups are reported but
not judged) and (2) the difference from the reference group is statistically significant: Fisher's exact test,
two-sided, at `alpha` = 0.05 with Bonferroni's correction over every judged (group, metric)
comparison of the audit — twenty regions × two metrics are forty chances for noise to look like
bias (`alpha=None` judges on the ratio alone).
Condition (2) keeps a fair model from failing on the noise of a small group — with a few hundred
women officers a handful of flags moves a rate by a quarter — at the price that a small group's
real but moderate disparity may only show as a warning: warnings are listed and should be read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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
    """A metric of a group outside the band, against the reference group."""

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


def fairness_audit(
    table: FeatureTable,
    flagged: Any,
    *,
    rows: Any = None,
    band: tuple[float, float] = DEFAULT_BAND,
    metrics: Sequence[str] = ("fpr", "fnr"),
    min_group_size: int = 30,
    alpha: float | None = 0.05,
) -> FairnessReport:
    """Audit the flags `flagged` (bool per row of `table`) on every attribute of `table.groups`.

    `rows` (a mask or indices) restricts the audit, e.g. to `Evaluation.tested`; the rows'
    labels must be known. `metrics` are the ones judged (all four are reported).
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
    if not table.groups:
        raise ValueError("the table has no audit attributes (groups) to audit")
    index = np.arange(table.n_rows) if rows is None else np.arange(table.n_rows)[rows]
    if index.size == 0:
        raise ValueError("no rows to audit")
    label, flags = label_all[index], flags_all[index]

    entries: list[GroupMetrics] = []
    candidates: list[tuple[Disparity, bool]] = []  # out of band, and whether judged
    comparisons = 0  # judged (group, metric) pairs: the family for the Bonferroni correction
    for attribute, values in table.groups.items():
        values = np.asarray(values)[index].astype(str)
        names, sizes = np.unique(values, return_counts=True)
        # The largest group is the reference; ties go to the first name in sort order.
        reference = str(names[int(np.argmax(sizes))])
        counts = {
            str(name): _counts(flags[values == name], label[values == name]) for name in names
        }
        rates = {}
        for name, (tp, fp, fn, tn) in counts.items():
            rates[name] = {
                "flag_rate": _share(tp + fp, tp + fp + fn + tn),
                "precision": _share(tp, tp + fp),
                "fpr": _share(fp, fp + tn),
                "fnr": _share(fn, fn + tp),
            }
        for name, size in zip(names, sizes, strict=True):
            name = str(name)
            tp, fp, fn, tn = counts[name]
            ratios = {m: _ratio(rates[name][m], rates[reference][m]) for m in METRICS}
            judged = name != reference and int(size) >= min_group_size
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
                    judged=judged,
                    **rates[name],
                )
            )
            if name == reference:
                continue
            for metric in metrics:
                ratio = ratios[metric]
                comparisons += judged and not math.isnan(ratio)
                if math.isnan(ratio) or low <= ratio <= high:
                    continue
                mine = _fisher_row(metric, tp, fp, fn, tn)
                theirs = _fisher_row(metric, *counts[reference])
                p_value = float(fisher_exact([list(mine), list(theirs)]).pvalue)
                candidates.append(
                    (Disparity(attribute, name, metric, ratio, reference, p_value), judged)
                )
    failures: list[Disparity] = []
    warnings: list[Disparity] = []
    for disparity, judged in candidates:
        significant = alpha is None or disparity.p_value < alpha / max(1, comparisons)
        (failures if judged and significant else warnings).append(disparity)
    return FairnessReport(
        band=(low, high),
        judged_metrics=tuple(metrics),
        min_group_size=min_group_size,
        alpha=alpha,
        groups=tuple(entries),
        failures=tuple(failures),
        warnings=tuple(warnings),
    )
