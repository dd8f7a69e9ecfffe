"""The early-intervention run: features of every officer from the register, the threshold
rules, a ranking trained and judged on the past, a fairness audit, and today's flags with their
reasons. Run by `senim integrity_flags` (a timer) and by the demo.

One row per officer in service on each 1 January whose following year is over (the labelled
periods), plus today's row (the live one). The model is retrained at every run on all labelled
periods with the supervisors' feedback; it is activated only if its out-of-sample flags pass the
fairness audit, otherwise the rules alone flag and the page says why.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from senim.analytics.early_intervention import (
    DEFAULT_RULES,
    FEEDBACK_INTERVENED,
    FEEDBACK_NONE,
    FEEDBACK_WRONG_FLAG,
    FeatureTable,
    RankingModel,
    apply_rules,
    fairness_audit,
    temporal_evaluation,
)
from senim.integrity import features
from senim.integrity.models import (
    FlagStatus,
    Intervention,
    InterventionKind,
    ModelStatus,
    OfficerFile,
    RiskFlag,
    RiskModel,
)

SHARES = (0.01, 0.05, 0.10)
FLAG_SHARE = 0.05  # the model flags the top 5 % of officers (of the force, compared with peers)
RULES = tuple(r for r in DEFAULT_RULES if r.feature in features.NAMES)
AGE_BANDS = ((0, 30, "<30"), (30, 40, "30-39"), (40, 50, "40-49"), (50, 200, "50+"))

SIGNAL_LABELS = {
    "complaints_all": _("complaints"),
    "complaints_rudeness": _("complaints of rudeness"),
    "complaints_inaction": _("complaints of inaction"),
    "complaints_unlawful_detention": _("complaints of unlawful detention"),
    "complaints_bribery": _("complaints of bribery or extortion"),
    "complaints_abuse": _("complaints of abuse of office"),
    "complaints_ill_treatment": _("complaints of ill-treatment"),
    "complaints_other": _("other complaints"),
    "complaints_sustained": _("sustained complaints"),
    "discipline": _("disciplinary measures"),
    "commendations": _("commendations"),
    "sick_days": _("days of sick leave"),
    "overtime_hours": _("hours of overtime"),
    "custody_records": _("detentions recorded"),
    "custody_force": _("detentions with force or special means"),
    "custody_incidents": _("detentions with injuries recorded"),
    "ill_treatment_register": _("ill-treatment complaints in the safeguards register"),
    "calls_handled": _("calls handled as the crew's senior officer"),
    "calls_late": _("calls reached after the due time"),
    "media_negative_unit": _("negative media items about the unit"),
}
WINDOW_LABELS = {
    30: _("in the last 30 days"),
    90: _("in the last 3 months"),
    365: _("in the last 12 months"),
    1825: _("in the last 5 years"),
}


def feature_label(name: str) -> str:
    """'complaints_rudeness_365d' → 'complaints of rudeness in the last 12 months'."""
    signal, _sep, window = name.rpartition("_")
    days = int(window.rstrip("d")) if window.rstrip("d").isdigit() else 0
    return f"{SIGNAL_LABELS.get(signal, signal)} {WINDOW_LABELS.get(days, '')}".strip()


def _age_band(age: np.ndarray) -> np.ndarray:
    out = np.empty(age.shape, dtype=object)
    for low, high, label in AGE_BANDS:
        out[(age >= low) & (age < high)] = label
    return out.astype(str)


@dataclass(frozen=True)
class Rows:
    table: FeatureTable
    files: list[OfficerFile]  # the officer of each row


def _rows(
    files: list[OfficerFile], events: features.Events, as_ofs: list[dt.date], *, labelled: bool
) -> Rows:
    blocks: list[np.ndarray] = []
    who: list[int] = []
    periods: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    for as_of in as_ofs:
        serving = features.serving_on(files, as_of)
        index = np.nonzero(serving)[0]
        blocks.append(features.matrix(events, as_of)[index])
        who.extend(int(i) for i in index)
        periods.append(np.full(index.size, as_of.toordinal(), dtype=np.int64))
        if labelled:
            labels.append(features.labels(events, as_of)[index])
    rows = [files[i] for i in who]
    year = np.concatenate(periods) if periods else np.zeros(0, dtype=np.int64)
    ages = np.array(
        [dt.date.fromordinal(int(p)).year - f.birth_year for p, f in zip(year, rows, strict=True)]
    )
    table = FeatureTable(
        names=features.NAMES,
        X=np.vstack(blocks) if blocks else np.zeros((0, len(features.NAMES))),
        officer=np.array([f.pk for f in rows], dtype=np.int64),
        period=year,
        label=np.concatenate(labels) if labelled and labels else None,
        peer_group=np.array([f"{f.unit_id}/{f.duty}" for f in rows]),
        groups={
            "sex": np.array([f.sex for f in rows]),
            "age_band": _age_band(ages),
            "region": np.array([str(f.region_id) for f in rows]),
        },
    )
    return Rows(table=table, files=rows)


def _feedback(rows: Rows) -> np.ndarray:
    """Each labelled row's supervisor feedback: the latest decision on a flag of that officer
    raised within half a year of the row's date."""
    codes = np.full(rows.table.n_rows, FEEDBACK_NONE)
    decisions: dict[int, list[tuple[int, int]]] = {}
    for officer_id, as_of, kind, wrong in Intervention.objects.values_list(
        "flag__officer_id", "flag__as_of", "kind", "flag_was_wrong"
    ):
        code = (
            FEEDBACK_WRONG_FLAG
            if wrong
            else (FEEDBACK_NONE if kind == InterventionKind.NO_ACTION else FEEDBACK_INTERVENED)
        )
        decisions.setdefault(officer_id, []).append((as_of.toordinal(), code))
    for i, (officer_id, period) in enumerate(
        zip(rows.table.officer, rows.table.period, strict=True)
    ):
        near = [c for day, c in decisions.get(int(officer_id), []) if abs(day - int(period)) <= 183]
        if near:
            codes[i] = near[-1]
    return codes


@dataclass(frozen=True)
class RunResult:
    model: RiskModel | None
    flags: int


def _labelled_dates(events: features.Events, today: dt.date) -> list[dt.date]:
    """1 January of every year with at least a year of recorded history before it and its
    whole following year over (at most the last six)."""
    days = [d for _who, d, _n in events.by_signal.values() if d.size]
    if not days:
        return []
    first = dt.date.fromordinal(int(min(int(d.min()) for d in days)))
    return [
        dt.date(year, 1, 1)
        for year in range(max(first.year + 1, today.year - 6), today.year)
        if dt.date(year + 1, 1, 1) <= today
    ]


def _num(value: Any) -> float | None:
    """A JSON-safe number: NaN (undefined, e.g. no positives) is stored as null."""
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def _evaluation_json(evaluation: Any) -> dict[str, Any]:
    pooled = evaluation.pooled
    return {
        "periods": [dt.date.fromordinal(int(c.period)).isoformat() for c in evaluation.periods],
        "rows": int(pooled.n_test),
        "positives": int(pooled.positives),
        "rules_flags": int(pooled.rules_k),
        "rules_precision": _num(pooled.rules_precision),
        "model_precision_at_rules_k": _num(pooled.model_precision_at_rules_k),
        "rules_recall": _num(pooled.rules_recall),
        "model_recall_at_rules_k": _num(pooled.model_recall_at_rules_k),
        "ratio_vs_rules": _num(pooled.ratio_vs_rules),
        "at": [
            {"share": a.share, "k": a.k, "precision": _num(a.precision), "recall": _num(a.recall)}
            for a in pooled.at_shares
        ],
    }


def _fairness_json(report: Any) -> dict[str, Any]:
    return {
        "passed": bool(report.passed),
        "band": list(report.band),
        "failures": [
            {"attribute": d.attribute, "group": d.group, "metric": d.metric, "ratio": _num(d.ratio)}
            for d in report.failures
        ],
        # Out of band but not blocking: a group flagged wrongly (or missed) less often than the
        # rest, a small group, or a difference not significant (docs/integrity.md, "Fairness").
        "warnings": [
            {
                "attribute": d.attribute,
                "group": d.group,
                "metric": d.metric,
                "ratio": _num(d.ratio),
                "p_value": _num(d.p_value),
            }
            for d in report.warnings
        ],
        "groups": [
            {
                "attribute": g.attribute,
                "group": g.group,
                "size": g.size,
                "flag_rate": _num(g.flag_rate),
                "precision": _num(g.precision),
                "fpr": _num(g.fpr),
                "fnr": _num(g.fnr),
                "judged": bool(g.judged),
            }
            for g in report.groups
        ],
    }


@transaction.atomic
def run(*, now: dt.datetime | None = None, actor: str = "system", demo: bool = False) -> RunResult:
    """Train, judge, audit, and flag today's officers. Returns the stored model (None when there
    is too little labelled history to train one: the rules alone flag then)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    files = list(OfficerFile.objects.all().order_by("pk"))
    if not files:
        return RunResult(model=None, flags=0)
    events = features.load(files)
    labelled = _rows(files, events, _labelled_dates(events, today), labelled=True)
    live = _rows(files, events, [today], labelled=False)
    stored: RiskModel | None = None
    ranking: RankingModel | None = None
    label = labelled.table.label
    if (
        len(set(labelled.table.period.tolist())) >= 2
        and label is not None
        and 0 < label.sum() < label.size
    ):
        feedback = _feedback(labelled)
        try:
            evaluation = temporal_evaluation(
                labelled.table, RankingModel, RULES, SHARES, feedback=feedback
            )
        except ValueError:
            # Too little history to judge a model on the past (no outcome yet in the earliest
            # year): the rules alone flag, as they would without Senim.
            return RunResult(model=None, flags=_flag(live, None, None, today, demo=demo))
        audit = fairness_audit(
            labelled.table, evaluation.top_flags(FLAG_SHARE), rows=evaluation.tested
        )
        ranking = RankingModel().fit(labelled.table, feedback=feedback)
        status = ModelStatus.ACTIVE if audit.passed else ModelStatus.BLOCKED
        if status == ModelStatus.ACTIVE:
            RiskModel.objects.filter(status=ModelStatus.ACTIVE).update(status=ModelStatus.RETIRED)
        stored = RiskModel.objects.create(
            trained_at=now,
            trained_by=actor,
            status=status,
            parameters={
                "kind": "logistic",
                "coefficients": ranking.coefficients,
                "flag_share": FLAG_SHARE,
            },
            evaluation=_evaluation_json(evaluation),
            fairness=_fairness_json(audit),
            rows=labelled.table.n_rows,
            is_demo=demo,
        )
        if status != ModelStatus.ACTIVE:
            ranking = None
    return RunResult(model=stored, flags=_flag(live, ranking, stored, today, demo=demo))


def _flag(
    live: Rows, ranking: RankingModel | None, model: RiskModel | None, today: dt.date, *, demo: bool
) -> int:
    table = live.table
    if table.n_rows == 0:
        return 0
    by_rules = apply_rules(table, RULES)
    scores = ranking.score(table) if ranking is not None else np.full(table.n_rows, np.nan)
    by_model = np.zeros(table.n_rows, dtype=bool)
    percentile = np.full(table.n_rows, np.nan)
    if ranking is not None:
        order = np.argsort(-scores, kind="stable")
        rank = np.empty(table.n_rows)
        rank[order] = np.arange(1, table.n_rows + 1) / table.n_rows
        percentile = rank
        by_model[order[: max(1, round(FLAG_SHARE * table.n_rows))]] = True
    flagged = by_rules.flagged | by_model
    RiskFlag.objects.filter(as_of=today, status=FlagStatus.OPEN).delete()
    taken = set(RiskFlag.objects.filter(as_of=today).values_list("officer_id", flat=True))
    flags = []
    for i in np.nonzero(flagged)[0]:
        officer = live.files[int(i)]
        if officer.pk in taken:
            continue
        reasons = []
        if ranking is not None:
            reasons = [
                {
                    "feature": r.feature,
                    "value": r.value,
                    "peer_median": r.peer_median,
                    "contribution": r.contribution,
                }
                for r in ranking.reasons(table, int(i), top=3)
                if r.contribution > 0
            ]
        flags.append(
            RiskFlag(
                officer=officer,
                model=model if ranking is not None else None,
                as_of=today,
                score=None if np.isnan(scores[i]) else float(scores[i]),
                percentile=None if np.isnan(percentile[i]) else float(percentile[i]),
                by_rules=bool(by_rules.flagged[i]),
                by_model=bool(by_model[i]),
                rules=[
                    {
                        "feature": r.feature,
                        "at_least": r.at_least,
                        "value": float(table.X[i, table.names.index(r.feature)]),
                    }
                    for r in by_rules.reasons(int(i))
                ],
                reasons=reasons,
                is_demo=demo,
            )
        )
    RiskFlag.objects.bulk_create(flags, batch_size=1000)
    return len(flags)
