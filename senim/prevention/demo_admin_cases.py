"""Synthetic administrative cases of the demo city's inspectors: a few per sector at every step
of the workflow, some past their (assumed) legal deadline, some linked to the register's
administrative offences of the sector. Labelled synthetic (`is_demo`, the "DEMO-" protocol
numbers, the page's tag) and deterministic for a seed.

No seed gives how many cases an inspector handles or how they end; the mix below is assumed
(docs/prevention.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
from django.utils import timezone

from senim.core.models import Person, Sector, User
from senim.demo.common import rng_for
from senim.prevention.admin_cases import _due, terms
from senim.prevention.models import AdminCase, AdminCaseStep, AdminStatus
from senim.register.models import Article, CodeKind, Offence, OffenceKind

DEMO_USER = "demo"
PER_SECTOR = (1, 4)  # cases per sector, drawn uniformly (assumed)
MOST = 600  # keep the demo fast: at most this many cases
# Where the cases stand (assumed shares).
STATUSES: tuple[tuple[str, float], ...] = (
    (AdminStatus.PROTOCOL, 0.15),
    (AdminStatus.SENT, 0.20),
    (AdminStatus.DECIDED, 0.25),
    (AdminStatus.EXECUTED, 0.30),
    (AdminStatus.APPEALED, 0.10),
)
ORDER: list[str] = [AdminStatus.PROTOCOL, AdminStatus.SENT, AdminStatus.DECIDED]
# Days since the protocol, by where the case stands: open ones recent, some past their term.
AGES: dict[str, tuple[int, int]] = {
    AdminStatus.PROTOCOL: (0, 6),
    AdminStatus.SENT: (2, 26),
    AdminStatus.DECIDED: (10, 60),
    AdminStatus.EXECUTED: (30, 160),
    AdminStatus.APPEALED: (30, 160),
}
# Days between one step and the next (assumed).
GAPS = {"sent": (0, 4), "decided": (3, 16), "executed": (5, 40), "appealed": (2, 10)}
OUTCOMES = (("fine", 0.55), ("warning", 0.25), ("arrest", 0.08), ("terminated", 0.12))
BODY_NAMES = {
    "court": "Мамандандырылған әкімшілік сот",
    "police": "Аудандық полиция басқармасының бастығы",
    "other": "Әкімшілік комиссия",
}
# Synthetic fines in tenge (round amounts; not the Code's scale).
FINES = (14_765, 29_530, 36_920, 73_840, 147_680)


def _pick(rng: np.random.Generator, options: tuple[tuple[str, float], ...]) -> str:
    weights = np.array([w for _, w in options])
    return options[int(rng.choice(len(options), p=weights / weights.sum()))][0]


def build(seed: int, sectors: list[Sector], now: dt.datetime) -> tuple[int, int]:
    """(cases, steps) written for the sectors."""
    rng = rng_for(seed, "prevention", "admin_cases")
    today = timezone.localdate(now)
    days = terms()
    articles = list(
        Article.objects.filter(code_kind=CodeKind.ADMINISTRATIVE)
        .order_by("code")
        .values_list("pk", flat=True)
    )
    if not articles or not sectors:
        return 0, 0
    inspectors = dict(
        User.objects.filter(sector__in=sectors).order_by("pk").values_list("sector_id", "pk")
    )
    # The register's recent administrative offences of these sectors, to link some cases to.
    records: dict[int, list[tuple[int, int, dt.datetime]]] = defaultdict(list)
    for pk, sector_id, article_id, at in (
        Offence.objects.filter(
            sector_id__in=[s.pk for s in sectors],
            kind=OffenceKind.ADMINISTRATIVE,
            occurred_at__gte=now - dt.timedelta(days=150),
            occurred_at__lte=now - dt.timedelta(days=1),
        )
        .order_by("pk")
        .values_list("pk", "sector_id", "article_id", "occurred_at")[:5000]
    ):
        records[sector_id].append((pk, article_id, at))
    cases: list[AdminCase] = []
    plans: list[list[tuple[str, dt.date]]] = []
    people: list[Person] = []
    for sector in sectors:
        for _ in range(int(rng.integers(PER_SECTOR[0], PER_SECTOR[1] + 1))):
            if len(cases) >= MOST:
                break
            status = _pick(rng, STATUSES)
            linked = records[sector.pk].pop() if records[sector.pk] and rng.random() < 0.5 else None
            # The age of the case: open ones recent (some past the term), closed ones older.
            low_age, high_age = AGES[status]
            age = int(rng.integers(low_age, high_age + 1))
            protocol_on = today - dt.timedelta(days=age)
            if linked is not None:
                offence_on = min(timezone.localdate(linked[2]), protocol_on)
            else:
                offence_on = protocol_on - dt.timedelta(days=int(rng.integers(0, 3)))
            case = AdminCase(
                number=f"DEMO-{sector.pk}-{len(cases) + 1:04d}",
                inspector_id=inspectors.get(sector.pk),
                region_id=sector.district.region_id,
                district_id=sector.district_id,
                sector=sector,
                article_id=linked[1] if linked else int(rng.choice(articles)),
                offence_id=linked[0] if linked else None,
                offence_on=offence_on,
                protocol_on=protocol_on,
                summary="Синтетикалық демо-іс / синтетическое демо-дело",
                created_by=DEMO_USER,
                is_demo=True,
            )
            plan: list[tuple[str, dt.date]] = [(AdminStatus.PROTOCOL, protocol_on)]
            path = ORDER[1 : ORDER.index(status) + 1] if status in ORDER else ORDER[1:]
            if status in (AdminStatus.EXECUTED, AdminStatus.APPEALED):
                path.append(status)
            day = protocol_on
            for step in path:
                low, high = GAPS[step]
                day = min(day + dt.timedelta(days=int(rng.integers(low, high + 1))), today)
                plan.append((step, day))
                if step == AdminStatus.SENT:
                    case.body = (
                        "court"
                        if rng.random() < 0.6
                        else _pick(rng, (("police", 0.8), ("other", 0.2)))
                    )
                    case.body_name = BODY_NAMES[case.body]
                    case.sent_on = day
                elif step == AdminStatus.DECIDED:
                    outcome = _pick(rng, OUTCOMES)
                    if outcome == "arrest" and case.body != "court":
                        outcome = "fine"
                    if outcome == "terminated" and status == AdminStatus.EXECUTED:
                        outcome = "warning"  # a terminated case is never executed
                    case.outcome, case.decided_on = outcome, day
                    if outcome == "fine":
                        case.fine_kzt = int(rng.choice(FINES))
                    elif outcome == "arrest":
                        case.arrest_days = int(rng.integers(3, 16))
                    elif outcome == "terminated":
                        case.termination = _pick(
                            rng, (("no_elements", 0.5), ("limitation", 0.3), ("minor", 0.2))
                        )
                        case.closed_on = day
                else:
                    case.closed_on = day
            case.status = plan[-1][0]
            case.due_on = None if case.closed_on else _due(case, days)
            male = rng.random() < 0.8
            born = today - dt.timedelta(days=int(rng.uniform(18, 65) * 365.25))
            people.append(Person(iin_hash=None, birth_date=born, sex="M" if male else "F"))
            cases.append(case)
            plans.append(plan)
    Person.objects.bulk_create(people, batch_size=2000)
    for person, case in zip(people, cases, strict=True):
        case.person = person
    AdminCase.objects.bulk_create(cases, batch_size=2000)
    zone = timezone.get_default_timezone()
    steps = [
        AdminCaseStep(
            case=case,
            status=status,
            on=on,
            recorded_at=dt.datetime.combine(on, dt.time(17, 0), tzinfo=zone),
            recorded_by=DEMO_USER,
        )
        for case, plan in zip(cases, plans, strict=True)
        for status, on in plan
    ]
    AdminCaseStep.objects.bulk_create(steps, batch_size=2000)
    return len(cases), len(steps)


def delete() -> set[int]:
    """Delete the demo cases (their steps go with them); the people they named, to be removed
    by the caller when nothing else refers to them."""
    people = set(AdminCase.objects.filter(is_demo=True).values_list("person_id", flat=True))
    AdminCase.objects.filter(is_demo=True).delete()
    return people
