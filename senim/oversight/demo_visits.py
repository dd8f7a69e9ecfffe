"""One demo year of NPM visits with their teams, checklists, findings, recommendations and status
histories, calibrated by senim.oversight.demo_data (which holds the seed's figures)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from senim.demo.common import largest_remainder, rng_for
from senim.oversight.checklist import Item, Result, decide
from senim.oversight.demo_rows import insert, next_ids
from senim.oversight.models import (
    ChecklistAnswer,
    Finding,
    Recommendation,
    RecommendationEvent,
    RecStatus,
    Visit,
)


@dataclass(frozen=True)
class Inst:
    id: int
    code: str
    region_id: int
    kind: str
    agency: str


@dataclass(frozen=True)
class Calibration:
    visits: dict[str, int]  # by report category
    sent: int
    implemented: int
    shares: dict[int, int]  # region id → percent implemented, where the seed gives one
    order: list[int]  # region ids in Table 3's row order


@dataclass(frozen=True)
class Rates:
    unannounced: float
    violation: dict[str, float]
    applies: dict[str, set[str]]
    texts: dict[str, tuple[str, str]]  # finding, recommendation in Russian
    texts_kk: dict[str, tuple[str, str]] = field(default_factory=dict)  # the same in Kazakh

    def wording(self, visit_id: int) -> dict[str, tuple[str, str]]:
        """The visit's texts: every other visit is written in Kazakh (by number, not by the
        random stream, so the calibrated figures do not move)."""
        return self.texts_kk if self.texts_kk and visit_id % 2 == 0 else self.texts


def build_year(
    *,
    seed: int,
    year: int,
    today: dt.date,
    pools: dict[str, list[Inst]],
    groups: dict[int, int],
    crews: dict[tuple[int, dt.date], list[int]],
    cal: Calibration,
    rates: Rates,
) -> dict[str, int]:
    rng = rng_for(seed, "oversight", year)
    last = min(dt.date(year, 12, 31), today)
    days = np.arange(np.datetime64(f"{year}-01-01"), np.datetime64(last) + 1)
    days = days[np.is_busday(days)]
    chosen: list[Inst] = []
    for category, count in cal.visits.items():
        pool = pools.get(category, [])
        if pool:
            chosen += [
                pool[int(i)] for i in rng.choice(len(pool), size=count, replace=count > len(pool))
            ]
    dates = sorted(days[rng.integers(len(days), size=len(chosen))].tolist())
    visits = Visit.objects.bulk_create(
        [
            Visit(
                group_id=groups[inst.region_id],
                institution_id=inst.id,
                visited_on=day,
                unannounced=bool(rng.random() < rates.unannounced),
                interviews_private=int(rng.integers(2, 16)),
                is_demo=True,
            )
            for inst, day in zip(chosen, dates, strict=True)
        ]
    )
    cycle = dt.date(year - (1 - year % 2), 1, 1)  # terms start in odd years (assumed)
    team: dict[str, list[int]] = {"visit_id": [], "member_id": []}
    for v in visits:
        crew = crews[(v.group_id, cycle)]
        size = min(len(crew), int(rng.integers(2, 4)))
        for i in rng.choice(len(crew), size=size, replace=False):
            team["visit_id"].append(v.pk)
            team["member_id"].append(crew[int(i)])
    insert(Visit.team.through, team)

    per_visit = 1 + largest_remainder(cal.sent - len(visits), rng.gamma(2.0, 1.0, len(visits)))
    findings = _checklists(rng, visits, chosen, per_visit, rates)
    statuses = _recommendations(rng, visits, chosen, per_visit, findings, cal, today, rates)
    return {
        "npm_visits": len(visits),
        "npm_recommendations": int(per_visit.sum()),
        "npm_recommendations_implemented": statuses,
    }


def _checklists(
    rng: np.random.Generator,
    visits: list[Visit],
    insts: list[Inst],
    per_visit: np.ndarray,
    rates: Rates,
) -> list[list[tuple[int, str]]]:
    """Answers for every item; a finding per violation. Returns each visit's (finding id, item)."""
    answers: dict[str, list[Any]] = {k: [] for k in ("visit_id", "item", "result", "value", "note")}
    found: dict[str, list[Any]] = {k: [] for k in ("visit_id", "item", "text", "ill_treatment")}
    per: list[list[str]] = []
    for v, inst, n_recs in zip(visits, insts, per_visit, strict=True):
        items = [i for i in Item if inst.agency in rates.applies.get(i, {inst.agency})]
        violated = {i for i in items if rng.random() < rates.violation[i]}
        if n_recs and not violated:  # a recommendation answers a finding
            violated.add(items[int(rng.integers(len(items)))])
        mine = []
        for item in Item:
            if item not in items:
                result, value = str(Result.NOT_APPLICABLE), None
            else:
                value = _value(rng, item, item in violated)
                result = decide(
                    item, Result.VIOLATION if item in violated else Result.COMPLIANT, value
                )
            _append(
                answers, v.pk, item.value, str(result), None if value is None else str(value), ""
            )
            if item in violated:
                mine.append(item.value)
                _append(
                    found,
                    v.pk,
                    item.value,
                    rates.wording(v.pk)[item][0],
                    item == Item.STAFF_VIOLENCE,
                )
        per.append(mine)
    insert(ChecklistAnswer, answers)
    ids = next_ids(Finding, len(found["visit_id"]))
    insert(Finding, {"id": ids, **found}, with_ids=True)
    out, k = [], 0
    for mine in per:
        out.append([(int(ids[k + j]), item) for j, item in enumerate(mine)])
        k += len(mine)
    return out


def _append(columns: dict[str, list[Any]], *values: Any) -> None:
    for column, value in zip(columns.values(), values, strict=True):
        column.append(value)


def _value(rng: np.random.Generator, item: str, violated: bool) -> Decimal | None:
    if item == Item.LIVING_SPACE:
        low, high = (1.6, 2.49) if violated else (2.5, 4.5)
        return Decimal(f"{rng.uniform(low, high):.2f}")
    if item in {Item.TERMINALS, Item.CAMERAS, Item.MEDICINES, Item.FOREIGNERS, Item.DISCIPLINE}:
        return Decimal(int(rng.integers(1, 6)) if violated else 0)
    return None


def implemented_by_region(sent: dict[int, int], cal: Calibration) -> dict[int, int]:
    """The seed's shares where it gives them; the rest spread over the other regions with shares
    falling in Table 3's row order (assumed: 0.50 down to 0.15 before scaling)."""
    done = {r: round(cal.shares[r] * sent[r] / 100) for r in sent if r in cal.shares}
    rest = sorted(
        (r for r in sent if r not in done),
        key=lambda r: cal.order.index(r) if r in cal.order else 99,
    )
    weights = np.array([sent[r] for r in rest], dtype=float) * np.linspace(0.5, 0.15, len(rest))
    for r, n in zip(
        rest, largest_remainder(cal.implemented - sum(done.values()), weights), strict=True
    ):
        done[r] = min(int(n), sent[r])
    return done


def _recommendations(
    rng: np.random.Generator,
    visits: list[Visit],
    insts: list[Inst],
    per_visit: np.ndarray,
    findings: list[list[tuple[int, str]]],
    cal: Calibration,
    today: dt.date,
    rates: Rates,
) -> int:
    year_end = min(dt.date(visits[0].visited_on.year, 12, 31), today) if visits else today
    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "visit_id",
            "finding_id",
            "institution_id",
            "agency",
            "text",
            "sent_on",
            "due_on",
            "status",
            "closed_on",
        )
    }
    region_of: list[int] = []
    for v, inst, n, mine in zip(visits, insts, per_visit, findings, strict=True):
        for j in range(int(n)):
            finding, item = mine[j % len(mine)]
            sent_on = min(v.visited_on + dt.timedelta(days=int(rng.integers(3, 21))), year_end)
            due_on = sent_on + dt.timedelta(days=int(rng.choice([30, 60, 90, 180])))
            row = (
                v.pk,
                finding,
                inst.id,
                inst.agency,
                rates.wording(v.pk)[item][1],
                sent_on,
                due_on,
                RecStatus.SENT.value,
                None,
            )
            _append(cols, *row)
            region_of.append(inst.region_id)
    sent: dict[int, int] = defaultdict(int)
    rows_of: dict[int, list[int]] = defaultdict(list)
    for i, region in enumerate(region_of):
        sent[region] += 1
        rows_of[region].append(i)
    targets = implemented_by_region(sent, cal)
    others = [RecStatus.SENT.value, RecStatus.IN_PROGRESS.value, RecStatus.NOT_IMPLEMENTED.value]
    for region, rows in rows_of.items():
        chosen = set(rng.choice(rows, size=targets.get(region, 0), replace=False).tolist())
        for i in rows:
            status = (
                RecStatus.IMPLEMENTED.value
                if i in chosen
                else str(rng.choice(others, p=[0.45, 0.4, 0.15]))
            )
            cols["status"][i] = status
            if status in {RecStatus.IMPLEMENTED, RecStatus.NOT_IMPLEMENTED}:
                start, due = cols["sent_on"][i], cols["due_on"][i]
                span = (due - start).days + 60
                cols["closed_on"][i] = min(
                    start + dt.timedelta(days=int(rng.integers(7, span))), today
                )
    ids = next_ids(Recommendation, len(region_of))
    insert(Recommendation, {"id": ids, **cols}, with_ids=True)
    events: dict[str, list[Any]] = {
        k: [] for k in ("recommendation_id", "on", "status", "note", "actor")
    }

    def event(rec: int, on: dt.date, status: str) -> None:
        _append(events, rec, on, status, "", "")

    for i, rec in enumerate(ids.tolist()):
        start, closed, status = cols["sent_on"][i], cols["closed_on"][i], cols["status"][i]
        event(rec, start, RecStatus.SENT.value)
        if status == RecStatus.IN_PROGRESS or (closed and closed > start):
            event(rec, start + ((closed or today) - start) // 2, RecStatus.IN_PROGRESS.value)
        if closed:
            event(rec, closed, str(status))
    insert(RecommendationEvent, events)
    return sum(1 for s in cols["status"] if s == RecStatus.IMPLEMENTED)
