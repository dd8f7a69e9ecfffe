"""The demo's complaints, Art. 146 cases and terminals (see demo_data)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from senim.core.models import Facility, Region, User
from senim.safeguards import demo_video, reference
from senim.safeguards.models import (
    Art146Case,
    CaseEvent,
    Complaint,
    ConvictPopulation,
    Terminal,
    TerminalOutage,
)
from senim.safeguards.services import complaints as complaint_rules

if TYPE_CHECKING:
    from senim.safeguards.demo_data import People

DEMO, PREFIX = "demo", "DEMO-"
ZONE = timezone.get_default_timezone()
RULE_DAY = dt.datetime(2025, 6, 24, tzinfo=ZONE)  # rules.ONE_DAY_RULE_SINCE
# Synthetic shares: the seed's breakdowns by channel and outcome are figures without numbers.
CHANNELS = {
    "terminal": 0.2,
    "e_otinish": 0.25,
    "letter": 0.2,
    "personal_reception": 0.13,
    "lawyer_or_relative": 0.12,
    "social_media": 0.04,
    "ombudsman": 0.06,
}
OUTCOMES = {
    "refused": 0.55,
    "pending": 0.18,
    "art_146": 0.08,
    "art_362": 0.06,
    "disciplinary": 0.06,
    "other_article": 0.04,
    "administrative": 0.03,
}


def _rng(seed: int, name: str) -> np.random.Generator:
    from senim.safeguards.demo_data import rng_for

    return rng_for(seed, name)


def _split(total: int, weights: list[float]) -> list[int]:
    from senim.safeguards.demo_data import largest_remainder

    return largest_remainder(total, weights)


def _pick(rng: np.random.Generator, shares: dict[str, float]) -> str:
    keys = list(shares)
    return str(rng.choice(keys, p=np.array(list(shares.values())) / sum(shares.values())))


def _local(
    year: int, rng: np.random.Generator, *, first_day: int = 0, last_day: int = 364
) -> dt.datetime:
    start = dt.datetime(year, 1, 1, tzinfo=ZONE) + dt.timedelta(days=first_day)
    return start + dt.timedelta(minutes=int(rng.integers(0, (last_day - first_day) * 24 * 60)))


# --- complaints ------------------------------------------------------------------------------


def _groups_2025(published: dict[str, int]) -> list[tuple[str | None, int]]:
    """(region ISO, size) of each group of complaints about the same events, 55 repeats in all.

    The seed's own examples: two citizens' ten complaints about a pre-trial centre, and five
    from one person about events of 2016 (§5); the other repeats are pairs.
    """
    groups: list[tuple[str | None, int]] = [("KZ-59", 10), ("KZ-75", 5)]
    left = {iso: n - sum(s for g, s in groups if g == iso) for iso, n in published.items()}
    pairs_total = reference.COMPLAINTS_REPEATED_2025 - sum(s - 1 for _g, s in groups)
    isos = sorted(left)
    pairs = dict(zip(isos, _split(pairs_total, [left[i] for i in isos]), strict=True))
    for iso in isos:  # a region cannot have more pairs than its complaints allow
        pairs[iso] = min(pairs[iso], left[iso] // 2)
    for iso in sorted(isos, key=lambda i: -left[i]):
        while sum(pairs.values()) < pairs_total and left[iso] - 2 * pairs[iso] >= 2:
            pairs[iso] += 1
    for iso in isos:
        groups += [(iso, 2)] * pairs[iso] + [(iso, 1)] * (left[iso] - 2 * pairs[iso])
    no_region = reference.COMPLAINTS[2025] - sum(published.values())
    return groups + [(None, 1)] * no_region


def _stages(rng: np.random.Generator, groups: list[tuple[str | None, int]]) -> list[str]:
    """A stage per group so that the totals are exactly the seed's (117 pre-trial, 123 after)."""
    pre_left = reference.COMPLAINTS_BY_STAGE_2025["pre_trial"]
    pen_left = reference.COMPLAINTS_BY_STAGE_2025["penitentiary"]
    order = sorted(range(len(groups)), key=lambda i: (-groups[i][1], rng.random()))
    stages = [""] * len(groups)
    for i in order:
        size = groups[i][1]
        pre = pre_left >= size and (
            pen_left < size or rng.random() < pre_left / (pre_left + pen_left)
        )
        stages[i] = "pre_trial" if pre else "penitentiary"
        pre_left, pen_left = (pre_left - size, pen_left) if pre else (pre_left, pen_left - size)
    return stages


def _complaint(rng: np.random.Generator, n: int, received: dt.datetime, **fields: Any) -> Complaint:
    registered = forensic = video = outcome_at = None
    draw = rng.random()
    if received >= RULE_DAY:
        delay = rng.uniform(1, 22) if draw < 0.85 else rng.uniform(26, 72) if draw < 0.95 else None
    else:
        delay = rng.uniform(10, 240) if draw < 0.8 else None
    if delay is not None:
        registered = received + dt.timedelta(hours=float(delay))
        for name in ("forensic", "video"):
            d = rng.random()
            hours = rng.uniform(2, 20) if d < 0.8 else rng.uniform(26, 72) if d < 0.92 else None
            at = None if hours is None else registered + dt.timedelta(hours=float(hours))
            forensic, video = (at, video) if name == "forensic" else (forensic, at)
    outcome = _pick(rng, OUTCOMES)
    if outcome != "pending":
        outcome_at = (registered or received) + dt.timedelta(days=float(rng.uniform(3, 40)))
    return Complaint(
        source_system=DEMO,
        external_id=f"{PREFIX}K-{received.year}-{n:04d}",
        received_at=received,
        channel=_pick(rng, CHANNELS),
        erdr_registered_at=registered,
        erdr_number=f"25{n:010d}" if registered else "",
        forensic_ordered_at=forensic,
        video_requested_at=video,
        outcome=outcome,
        outcome_at=outcome_at,
        created_by="demo",
        **fields,
    )


def complaints(seed: int, years: list[int], places: dict[str, Any], people: People) -> int:
    rng = _rng(seed, "complaints")
    regions = {r.iso: r for r in Region.objects.all()}
    published = {
        p.region.iso: p.published_complaints or 0
        for p in ConvictPopulation.objects.filter(year=2025).select_related("region")
    }
    rows: list[Complaint] = []
    if 2025 in years and published:
        groups = _groups_2025(published)
        for (iso, size), stage in zip(groups, _stages(rng, groups), strict=True):
            region = regions.get(iso) if iso else None
            facility = _facility(rng, places, region, stage)
            birth = dt.date(
                int(rng.integers(1965, 2004)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
            )
            person = people.new(birth)
            first = _local(2025, rng, last_day=364 - 3 * size)
            event = (first - dt.timedelta(days=int(rng.integers(1, 60)))).date()
            if iso == "KZ-75" and size == 5:
                event = dt.date(2016, 9, 14)
            for k in range(size):
                received = first + dt.timedelta(days=3 * k, hours=float(rng.uniform(0, 48)))
                rows.append(
                    _complaint(
                        rng,
                        len(rows),
                        received,
                        stage=stage,
                        region=region,
                        facility=facility,
                        district=getattr(facility, "district", None),
                        event_date=event,
                        complainant=person,
                    )
                )
    if 2024 in years and published:
        isos = sorted(published)
        for iso, count in zip(
            isos, _split(reference.COMPLAINTS[2024], [published[i] for i in isos]), strict=True
        ):
            for _k in range(count):
                stage = "pre_trial" if rng.random() < 0.49 else "penitentiary"
                facility = _facility(rng, places, regions[iso], stage)
                received = _local(2024, rng)
                rows.append(
                    _complaint(
                        rng,
                        len(rows),
                        received,
                        stage=stage,
                        region=regions[iso],
                        facility=facility,
                        district=getattr(facility, "district", None),
                        event_date=(received - dt.timedelta(days=20)).date(),
                        complainant=people.new(
                            dt.date(1980, 1, 1) + dt.timedelta(days=int(rng.integers(0, 9000)))
                        ),
                    )
                )
    people.save()
    for row in rows:
        row.complainant_id = row.complainant.pk if row.complainant else None
    Complaint.objects.bulk_create(rows, batch_size=1000)
    _detect_repeats()
    _assign_handlers()
    return len(rows)


def _facility(
    rng: np.random.Generator, places: dict[str, Any], region: Region | None, stage: str
) -> Facility | None:
    if region is None:
        return None
    if stage == "pre_trial":
        return places["custody"][region.pk]  # type: ignore[no-any-return]
    options = places["prisons"][region.pk]
    return options[int(rng.integers(0, len(options)))]  # type: ignore[no-any-return]


def _detect_repeats() -> None:
    """The same rule as a complaint registered one by one (services.complaints.find_repeat)."""
    demo = Complaint.objects.filter(source_system=DEMO).order_by("received_at", "id")
    # Only someone who complained more than once can repeat; the others need no query.
    several = (
        demo.order_by()
        .exclude(complainant=None)
        .values("complainant")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("complainant")
    )
    for complaint in demo.filter(complainant__in=several):
        first = complaint_rules.find_repeat(
            complainant_id=complaint.complainant_id,
            facility_id=complaint.facility_id,
            event_date=complaint.event_date,
            before=complaint.received_at,
        )
        if first is not None:
            Complaint.objects.filter(pk=complaint.pk).update(
                repeat_of=first.repeat_of_id or first.pk
            )


def _assign_handlers() -> None:
    """The Ombudsman's office (demo user "npm") handles all; the city prosecutor those of Almaty."""
    through = Complaint.handlers.through
    users = {u.username: u for u in User.objects.filter(username__in=["npm", "prosecutor"])}
    links = []
    for pk, region_id in Complaint.objects.filter(source_system=DEMO).values_list(
        "pk", "region_id"
    ):
        if "npm" in users:
            links.append(through(complaint_id=pk, user_id=users["npm"].pk))
        prosecutor = users.get("prosecutor")
        if prosecutor is not None and region_id is not None and region_id == prosecutor.region_id:
            links.append(through(complaint_id=pk, user_id=prosecutor.pk))
    through.objects.bulk_create(links, batch_size=2000)


# --- Art. 146 cases --------------------------------------------------------------------------

# Splits of the seed's two-year totals and the 2020 cases behind its 2020 convictions: synthetic.
SENT = {2020: 10, 2021: 8, 2022: 9, 2023: 20, 2024: 21, 2025: 9}
CONVICTED = {2020: 23, 2021: 7, 2022: 12, 2023: 40, 2024: 44, 2025: 19}
CARRIED_INTO_2025 = 9  # registered late in 2024, decided in 2025 (289 registered in 2024)


def cases(seed: int) -> int:
    rng = _rng(seed, "cases")
    weights = {p.region_id: p.convicts for p in ConvictPopulation.objects.filter(year=2025)}
    region_ids = sorted(weights) or list(Region.objects.values_list("pk", flat=True))
    p = np.array([weights.get(r, 1) for r in region_ids], dtype=float)
    p /= p.sum()
    plan: list[tuple[int, str, int]] = []  # (year of the decisive step, kind, persons)
    series = reference.ART146_SERIES
    for year in reference.SERIES_YEARS:
        plan += [(year, "terminated_exonerating", 0)] * series["terminated_exonerating"][year]
        plan += [(year, "suspended", 0)] * series["suspended"][year]
        per_case = _split(CONVICTED[year], [1.0] * SENT[year]) if SENT[year] else []
        plan += [(year, "sent_to_court", n) for n in per_case]
    registered_2025 = series["registered"][2025]
    decided_2025 = sum(1 for y, _k, _n in plan if y == 2025)
    plan += [(2026, "open", 0)] * (registered_2025 - (decided_2025 - CARRIED_INTO_2025))
    case_rows, steps = [], []
    carried = 0
    for n, (year, kind, persons) in enumerate(plan):
        reg_year = 2025 if year == 2026 else year
        if year == 2025 and carried < CARRIED_INTO_2025 and kind == "terminated_exonerating":
            reg_year, carried = 2024, carried + 1
            registered = _local(2024, rng, first_day=320)
        else:
            registered = _local(reg_year, rng, last_day=150 if kind != "open" else 364)
        part = _pick(rng, {"146-1": 0.7, "146-2": 0.2, "146-3": 0.1})
        case = Art146Case(
            source_system=DEMO,
            external_id=f"{PREFIX}A-{n:05d}",
            erdr_number=f"{reg_year % 100}{n:010d}",
            region_id=int(rng.choice(region_ids, p=p)),
            registered_on=registered.date(),
            article=part,
            stage="investigating",
        )
        case_rows.append(case)
        events = [("registered", registered.date(), 0, "", part)]
        if kind != "open":
            when = max(registered.date(), dt.date(year, 1, 1)) + dt.timedelta(
                days=int(rng.integers(5, 150))
            )
            if rng.random() < 0.04:  # requalified on the way (146 → 362, as in the seed's example)
                events.append(
                    ("requalified", registered.date() + dt.timedelta(days=1), 0, part, "362-1")
                )
                case.article = "362-1"
            events.append((kind, when, 0, "", ""))
            case.stage = {
                "terminated_exonerating": "terminated_exonerating",
                "suspended": "suspended",
            }.get(kind, "in_court")
            if kind == "sent_to_court":
                verdict = "convicted" if persons else "acquitted"
                events.append(
                    (
                        verdict,
                        when + dt.timedelta(days=int(rng.integers(20, 60))),
                        max(persons, 1),
                        "",
                        "",
                    )
                )
                case.stage = verdict
        steps.append(events)
    Art146Case.objects.bulk_create(case_rows, batch_size=2000)
    # Plain executemany: several thousand small rows, no ids needed back.
    columns = [
        "case_id",
        "kind",
        "on",
        "persons",
        "from_article",
        "to_article",
        "note",
        "created_by",
    ]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {CaseEvent._meta.db_table} ({quoted}) VALUES ({', '.join(['%s'] * 8)})"
    rows = [
        (c.pk, k, on, n, a, b, "", "demo")
        for c, events in zip(case_rows, steps, strict=True)
        for k, on, n, a, b in events
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(case_rows)


# --- terminals -------------------------------------------------------------------------------


def terminals(
    seed: int, years: list[int], places: dict[str, Any], now: dt.datetime
) -> dict[str, int]:
    rng = _rng(seed, "terminals")
    regions = {r.pk: r for r in Region.objects.filter(pk__in=places["prisons"])}
    ids = sorted(regions)
    weights = {p.region_id: p.convicts for p in ConvictPopulation.objects.filter(year=2025)}
    per_region = _split(reference.COMPLAINT_TERMINALS, [weights.get(r, 1) for r in ids])
    rows: list[Terminal] = []
    for region_id, count in zip(ids, per_region, strict=True):
        iso, prisons = regions[region_id].iso, places["prisons"][region_id]
        for f, n in zip(prisons, _split(count, [1.0] * len(prisons)), strict=True):
            for kind, k in [("complaint_terminal", n), ("payphone", 2)]:  # 2 payphones: synthetic
                for _j in range(k):
                    letter = "T" if kind == "complaint_terminal" else "P"
                    rows.append(
                        Terminal(
                            facility=f,
                            region_id=region_id,
                            kind=kind,
                            serial=f"{PREFIX}{letter}-{iso}-{len(rows):04d}",
                            installed_on=dt.date(2023, 1, 1)
                            + dt.timedelta(days=int(rng.integers(0, 500))),
                            last_heartbeat_at=now - dt.timedelta(minutes=float(rng.uniform(0, 8))),
                        )
                    )
    # Three devices fell silent two hours ago: `senim alerts` finds them.
    for i in rng.choice(len(rows), size=min(3, len(rows)), replace=False):
        rows[int(i)].last_heartbeat_at = now - dt.timedelta(hours=2)
    Terminal.objects.bulk_create(rows, batch_size=2000)
    outages = _outages_2025(rng, rows, regions) if 2025 in years else []
    TerminalOutage.objects.bulk_create(outages, batch_size=2000)
    return {"terminals": len(rows), "terminal_outages": len(outages)}


def _outages_2025(
    rng: np.random.Generator, rows: list[Terminal], regions: dict[int, Region]
) -> list[TerminalOutage]:
    """The failures the seed counts for 2025, one outage per failed device (a few fail twice)."""
    out = []
    for kind, by_region in reference.TERMINAL_FAILURES_2025.items():
        for iso, count in by_region.items():
            devices = [t for t in rows if t.kind == kind and regions[t.region_id].iso == iso]
            for t in rng.choice(
                np.array(devices, dtype=object), size=min(count, len(devices)), replace=False
            ):
                for _again in range(2 if rng.random() < 0.1 else 1):
                    start = _local(2025, rng, last_day=340)
                    end = start + dt.timedelta(hours=float(rng.uniform(2, 480)))
                    out.append(
                        TerminalOutage(
                            terminal=t,
                            region_id=t.region_id,
                            started_at=start,
                            detected_at=start + dt.timedelta(minutes=35),
                            ended_at=end,
                            # The seed's by-region failures are what representatives found.
                            found_by="representative",
                        )
                    )
    return out


def build(
    *, seed: int, years: list[int], places: dict[str, Any], people: People, now: dt.datetime
) -> dict[str, int]:
    counts = {"complaints": complaints(seed, years, places, people), "art146_cases": cases(seed)}
    counts |= terminals(seed, years, places, now)
    counts |= demo_video.video(seed, places, now)
    return counts
