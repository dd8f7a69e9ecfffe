"""Transparent threshold rules: the early-warning baseline departments use today.

A rule fires when one feature reaches a threshold ("3 or more complaints in 12 months"); an
officer is flagged when any rule fires, and the rules that fired are the reasons. The learned
ranking is judged against these flags on the same officers at the same number of flags.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from senim.analytics.early_intervention.table import BoolArray, FeatureTable, feature_name


@dataclass(frozen=True)
class ThresholdRule:
    """Fires on a row when `feature` ≥ `at_least`; `label_en` says so in English (the app
    translates it or keys its own text on `feature` and `at_least`)."""

    feature: str
    at_least: float
    label_en: str

    def __post_init__(self) -> None:
        if not self.feature:
            raise ValueError("a threshold rule needs a feature name")
        try:
            threshold = float(self.at_least)
        except (TypeError, ValueError):
            threshold = math.nan
        if not math.isfinite(threshold):
            raise ValueError(f"rule on {self.feature!r}: at_least must be a finite number")
        object.__setattr__(self, "at_least", threshold)


# Conventional thresholds of the kind departments use (the Chicago study's baseline flagged
# officers on counts of complaints and use-of-force incidents over fixed windows). Windows are
# the app's: 30, 90, 365 and 1825 days.
DEFAULT_RULES: tuple[ThresholdRule, ...] = (
    ThresholdRule(feature_name("complaints_all", 365), 3, "3 or more complaints in 12 months"),
    ThresholdRule(
        feature_name("complaints_ill_treatment", 365),
        2,
        "2 or more ill-treatment complaints in 12 months",
    ),
    ThresholdRule(
        feature_name("complaints_bribery", 365),
        2,
        "2 or more bribery or extortion complaints in 12 months",
    ),
    ThresholdRule(
        feature_name("complaints_sustained", 365), 1, "a sustained complaint in 12 months"
    ),
    ThresholdRule(
        feature_name("discipline", 365), 2, "2 or more disciplinary measures in 12 months"
    ),
    ThresholdRule(
        feature_name("custody_incidents", 365), 2, "2 or more custody incidents in 12 months"
    ),
)


@dataclass(frozen=True)
class RuleFlags:
    """`flagged[i]`: any rule fired on row i; `fired[i, j]`: rule j fired on row i."""

    rules: tuple[ThresholdRule, ...]
    flagged: BoolArray
    fired: BoolArray

    @property
    def count(self) -> int:
        return int(self.flagged.sum())

    def reasons(self, row: int) -> tuple[ThresholdRule, ...]:
        """The rules that fired on `row`, in the order the rules were given."""
        return tuple(rule for rule, hit in zip(self.rules, self.fired[row], strict=True) if hit)


def check_rules(table: FeatureTable, rules: Sequence[ThresholdRule]) -> tuple[ThresholdRule, ...]:
    """The rules as a tuple, or a ValueError naming a rule whose feature the table lacks."""
    rules = tuple(rules)
    if not rules:
        raise ValueError("at least one threshold rule is needed")
    for rule in rules:
        if not isinstance(rule, ThresholdRule):
            raise ValueError(f"not a ThresholdRule: {rule!r}")
        if rule.feature not in table.names:
            raise ValueError(
                f"rule {rule.label_en!r} uses unknown feature {rule.feature!r}: "
                "the table has no such column"
            )
    return rules


def apply_rules(table: FeatureTable, rules: Sequence[ThresholdRule] = DEFAULT_RULES) -> RuleFlags:
    """Evaluate every rule on every row of `table`."""
    checked = check_rules(table, rules)
    fired = np.column_stack([table.column(rule.feature) >= rule.at_least for rule in checked])
    return RuleFlags(rules=checked, flagged=np.asarray(fired.any(axis=1)), fired=fired)
