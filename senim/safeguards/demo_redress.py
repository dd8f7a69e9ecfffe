"""Demo compensation decisions, book-of-records entries, who considered the complaints, and the
terminals found out of order on visits — calibrated to seed 004 (senim.safeguards.reference
holds the figures with their lines).

Reproduced from records: compensation 2023–2025 (22 / 2 265 060 ₸, 24 / 2 856 510 ₸,
15 / 1 541 850 ₸; built whatever the demo years, like the Art. 146 series), the book entries of
2024 and 2025 (163, 223), the 126 complaints of 2025 considered by the regional representatives,
and the 143 terminals found out of order on visits by November 2025.
Assumed: one decision per victim, the award split evenly over a year's victims (whole tenge, the
remainder a tenge each to the first), the days, the regions (by convicts), which complaint or
case a decision or entry follows, which complaints the representatives considered (none of 2024:
the seed gives no figure), and that the 103 terminals beyond the representatives' 40 were found
by NPM groups.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
from django.utils import timezone

from senim.core.models import Region
from senim.safeguards import reference
from senim.safeguards.models import (
    BookEntry,
    CaseEvent,
    Compensation,
    Complaint,
    ConvictPopulation,
    DecisionBody,
    Terminal,
    TerminalOutage,
)

DEMO, PREFIX = "demo", "DEMO-"


def _rng(seed: int, name: str) -> np.random.Generator:
    from senim.safeguards.demo_data import rng_for

    return rng_for(seed, name)


def _day(rng: np.random.Generator, year: int, last: int = 364) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, last + 1)))


def _weights() -> tuple[list[int], np.ndarray]:
    weights = dict(ConvictPopulation.objects.filter(year=2025).values_list("region_id", "convicts"))
    ids = sorted(weights) or list(Region.objects.order_by("pk").values_list("pk", flat=True))
    p = np.array([weights.get(r, 1) for r in ids], dtype=float)
    return ids, p / p.sum()


def compensation(seed: int) -> int:
    rng = _rng(seed, "compensation")
    rows = []
    for year, (victims, total) in sorted(reference.COMPENSATION.items()):
        base, left = divmod(int(total), victims)
        # A victim is compensated after the conviction: the year's convictions, where on record.
        convicted = list(
            CaseEvent.objects.filter(
                case__source_system=DEMO, kind="convicted", on__year=year
            ).order_by("on", "pk")
        )
        for n in range(victims):
            event = convicted[n] if n < len(convicted) else None
            case = event.case if event else None
            day = _day(rng, year, 360)
            if event is not None:
                day = min(max(day, event.on + dt.timedelta(days=14)), dt.date(year, 12, 31))
            rows.append(
                Compensation(
                    source_system=DEMO,
                    external_id=f"{PREFIX}COMP-{year}-{n:03d}",
                    decision_number=f"{year}-{n + 1:03d}",
                    decided_on=day,
                    decision_body=DecisionBody.FUND,
                    amount=Decimal(base + (1 if n < left else 0)),
                    region_id=case.region_id if case else None,
                    case=case,
                    created_by="demo",
                )
            )
    # A 2025 decision follows a complaint on record where one led to an Art. 146 investigation.
    complaints = list(
        Complaint.objects.filter(
            source_system=DEMO,
            outcome="art_146",
            received_at__year=2025,
            received_at__month__lte=9,
        )
        .exclude(region=None)
        .order_by("received_at")
    )
    for row, complaint in zip(
        [r for r in rows if r.decided_on.year == 2025 and r.case is None], complaints, strict=False
    ):
        row.complaint = complaint
        row.region_id = complaint.region_id
        row.decided_on = max(row.decided_on, complaint.received_at.date() + dt.timedelta(days=60))
    Compensation.objects.bulk_create(rows)
    return len(rows)


def book(seed: int) -> int:
    rng = _rng(seed, "book")
    ids, p = _weights()
    rows = []
    for year, count in sorted(reference.BOOK_ENTRIES.items()):
        registered = list(
            Complaint.objects.filter(source_system=DEMO, erdr_registered_at__year=year)
            .exclude(region=None)
            .order_by("erdr_registered_at")[:count]
        )
        for n in range(count):
            complaint = registered[n] if n < len(registered) else None
            rows.append(
                BookEntry(
                    source_system=DEMO,
                    external_id=f"{PREFIX}KUI-{year}-{n:04d}",
                    number=f"{year % 100}-{n + 1:05d}",
                    entered_on=complaint.erdr_registered_at.date()
                    if complaint and complaint.erdr_registered_at
                    else _day(rng, year),
                    region_id=complaint.region_id
                    if complaint and complaint.region_id
                    else int(rng.choice(ids, p=p)),
                    complaint=complaint,
                    created_by="demo",
                )
            )
    BookEntry.objects.bulk_create(rows)
    return len(rows)


def handlers(seed: int) -> int:
    """The 2025 complaints the regional representatives considered; the central office the rest
    (complaints with no region among them: a representative works in a region)."""
    rng = _rng(seed, "handlers")
    year = Complaint.objects.filter(source_system=DEMO, received_at__year=2025)
    regional = list(year.exclude(region=None).order_by("pk").values_list("pk", flat=True))
    if not regional:
        return 0
    size = min(reference.HANDLED_BY_REPRESENTATIVES_2025, len(regional))
    chosen = [int(i) for i in rng.choice(regional, size=size, replace=False)]
    year.update(handled_by="central")
    Complaint.objects.filter(pk__in=chosen).update(handled_by="representative")
    return size


def terminals_found(seed: int) -> int:
    """NPM groups' finds, so that 143 complaint terminals were found on visits by November."""
    rng = _rng(seed, "terminals-found")
    zone = timezone.get_default_timezone()
    start, end = dt.datetime(2025, 1, 1, tzinfo=zone), dt.datetime(2025, 12, 1, tzinfo=zone)
    demo = Terminal.objects.filter(serial__startswith=PREFIX, kind="complaint_terminal")
    found = set(
        TerminalOutage.objects.filter(terminal__in=demo, started_at__gte=start, started_at__lt=end)
        .exclude(found_by="")
        .values_list("terminal_id", flat=True)
    )
    failed_2025 = set(
        TerminalOutage.objects.filter(terminal__in=demo, started_at__year=2025).values_list(
            "terminal_id", flat=True
        )
    )
    need = reference.TERMINALS_FOUND_ON_VISITS_2025 - len(found)
    pool = list(demo.exclude(pk__in=failed_2025).order_by("pk").values_list("pk", "region_id"))
    if need <= 0 or not pool:
        return 0
    picks = rng.choice(len(pool), size=min(need, len(pool)), replace=False)
    rows: list[Any] = []
    for i in picks:
        pk, region_id = pool[int(i)]
        began = start + dt.timedelta(minutes=int(rng.integers(0, 333 * 24 * 60)))
        rows.append(
            TerminalOutage(
                terminal_id=pk,
                region_id=region_id,
                started_at=began,
                detected_at=began + dt.timedelta(hours=float(rng.uniform(2, 72))),
                ended_at=began + dt.timedelta(hours=float(rng.uniform(80, 600))),
                found_by="npm",
            )
        )
    TerminalOutage.objects.bulk_create(rows)
    return len(rows)


def build(*, seed: int) -> dict[str, int]:
    return {
        "compensation_decisions": compensation(seed),
        "book_entries": book(seed),
        "complaints_considered_by_representatives": handlers(seed),
        "terminals_found_on_visits_by_npm": terminals_found(seed),
    }


def delete() -> None:
    Compensation.objects.filter(source_system=DEMO).delete()
    BookEntry.objects.filter(source_system=DEMO).delete()
