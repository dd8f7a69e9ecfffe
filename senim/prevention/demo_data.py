"""Synthetic prevention data for `senim demo`: the preventive register of every sector of the
demo city, the inspectors' contacts, and domestic-violence risk assessments at addresses that
called about domestic conflicts.

Nothing here comes from a seed: the number of people per sector, the mix of categories, the
contact outcomes and the answer probabilities of the checklist are assumptions (docs/demo.md,
"Prevention"). People are pseudonymous `Person` rows with no IIN hash at all, so they can never
collide with a real person's. The calendar is anchored to the moment of the build: some contacts
are overdue, some due this week, and some assessed addresses have called again since.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import lru_cache
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from senim.core.geo import locator, place_key
from senim.core.models import Person, Region, Sector
from senim.demo import db
from senim.demo.common import DEMO_CITY, rng_for
from senim.prevention import reference
from senim.prevention.models import (
    Contact,
    DvAssessment,
    DvRiskItem,
    DvRiskLevel,
    PreventiveCategory,
    Supervision,
)
from senim.prevention.selectors import DOMESTIC, ESCALATION_CALLS, YEAR
from senim.prevention.services import FOLLOW_UP_DAYS, level_for
from senim.register.models import Appeal

DEMO_USER = "demo"
# People on the register per sector: between these (assumed).
PER_SECTOR = (3, 8)
# Category mix (assumed); a category an administrator added gets OTHER_CATEGORY_WEIGHT.
CATEGORY_WEIGHTS = {
    "admin_supervision": 0.25,
    "protective_order": 0.20,
    "domestic_offender": 0.25,
    "juvenile": 0.15,
    "alcohol_drugs": 0.15,
}
OTHER_CATEGORY_WEIGHT = 0.10
SHARE_MALE = {"protective_order": 0.93, "domestic_offender": 0.9, "juvenile": 0.75}
SHARE_MALE_OTHER = 0.87
# Outcomes and kinds of the contacts done (assumed).
OUTCOMES = (("met", 0.85), ("not_found", 0.09), ("violation", 0.03), ("refused", 0.03))
KINDS = (("home_visit", 0.6), ("summons", 0.25), ("phone", 0.15))
# Days a contact is made after it fell due (mostly on time, a few late or early).
DELAYS = np.array([-2, -1, 0, 0, 0, 0, 1, 1, 2, 3, 5, 9])
# Where the open contact of each person falls: overdue, due within 7 days, later (assumed).
OPEN_BUCKETS = (("overdue", 0.15), ("week", 0.3), ("later", 0.55))
# Scatter of a home around the sector centre, metres; tries before falling back to the centre.
HOME_SPREAD_M = 300.0
HOME_TRIES = 6
# Domestic-violence assessments: how many addresses, and the share of repeat-call addresses
# left unassessed so that the sector pages have addresses still to assess (assumed).
DV_ADDRESSES = 96
DV_LEAVE_UNASSESSED = 0.2
DV_EARLIER_TOO = 0.1  # addresses assessed twice within the year
DV_BEFORE_LAST_CALL = 0.3  # assessed on a visit before the address's last call
DV_RAISED = 0.05  # the assessor raised the level one step
# Each assessment has a severity u ~ Beta(2, 5); an item is answered yes with probability
# u × its relative prevalence (capped at 0.95). Gives roughly 45 % standard, 33 % elevated and
# 22 % high with the shipped items and levels (assumed).
SEVERITY = (2.0, 5.0)
PREVALENCE = {
    "prior_violence": 1.6,
    "escalating": 1.0,
    "strangulation": 0.45,
    "weapon": 0.5,
    "threat_to_kill": 0.8,
    "separation": 0.9,
    "pregnancy_child": 0.9,
    "alcohol_drugs": 1.5,
    "controlling": 1.2,
    "order_breach": 0.6,
    "victim_fears": 1.0,
    "children_harmed": 0.6,
}

STREETS_RU = (
    "ул. Абая",
    "ул. Толе би",
    "ул. Жамбыла",
    "ул. Сейфуллина",
    "ул. Жандосова",
    "ул. Тимирязева",
    "ул. Шевченко",
    "ул. Казыбек би",
    "ул. Муканова",
    "ул. Утепова",
    "пр. Райымбека",
    "пр. Достык",
    "пр. Рыскулова",
    "ул. Момышулы",
    "ул. Саина",
)
STREETS_KK = ("Абай даңғылы", "Төле би көшесі", "Жамбыл көшесі", "Сәтбаев көшесі", "Саин көшесі")
MICRODISTRICTS = ("Аксай-4", "Самал-2", "Орбита-3", "Жетысу-1", "Мамыр-4", "Алгабас", "Шугыла")
VIOLATION_NOTE = "Демо: нарушение условий надзора, составлен рапорт."
RAISE_REASON = (
    "Пострадавшая сообщила о новых угрозах; по оценке инспектора риск выше расчётного (демо)."
)


def _pick(rng: np.random.Generator, options: tuple[tuple[str, float], ...]) -> str:
    return options[int(np.searchsorted(_cumulative(options), rng.random(), side="right"))][0]


@lru_cache(maxsize=8)
def _cumulative(options: tuple[tuple[str, float], ...]) -> np.ndarray:
    p = np.cumsum([w for _, w in options])
    return p[:-1] / p[-1]  # the upper bounds of all but the last option


def _address(rng: np.random.Generator) -> str:
    draw = rng.random()
    if draw < 0.55:
        street = STREETS_RU[int(rng.integers(len(STREETS_RU)))]
        house = int(rng.integers(1, 260))
        if rng.random() < 0.3:
            return f"{street}, {house}"  # a private house
        return f"{street}, {house}, кв. {int(rng.integers(1, 120))}"
    if draw < 0.8:
        micro = MICRODISTRICTS[int(rng.integers(len(MICRODISTRICTS)))]
        return f"мкр. {micro}, д. {int(rng.integers(1, 60))}, кв. {int(rng.integers(1, 90))}"
    street = STREETS_KK[int(rng.integers(len(STREETS_KK)))]
    return f"{street}, {int(rng.integers(1, 200))}-үй, {int(rng.integers(1, 100))}-пәтер"


def _basis(rng: np.random.Generator, code: str, started: dt.date) -> str:
    day = started - dt.timedelta(days=int(rng.integers(0, 11)))
    n = int(rng.integers(100, 9999))
    if code == "admin_supervision":
        return f"Сот қаулысы № 2-{n}/{day.year}, {day.isoformat()}"
    if code == "protective_order":
        return f"Защитное предписание № {n}, {day.isoformat()}"
    if code == "juvenile":
        return f"Постановление КДН № {n}, {day.isoformat()}"
    return f"Постановление о постановке на профилактический учёт № {n}, {day.isoformat()}"


def _at(rng: np.random.Generator, day: dt.date, zone: Any) -> dt.datetime:
    """A working-hours moment of a local day."""
    minutes = int(rng.integers(9 * 60, 19 * 60))
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=zone)


# --- the preventive register -----------------------------------------------------------------


def _homes(
    rng: np.random.Generator, sectors: list[Sector], per_sector: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """A home for each person: a point a few hundred metres from their sector's centre that the
    locator places in that sector.

    Some sector centres of the demo territory lie outside their own district's cell (the
    locator gives them to a neighbour), so the search then moves towards the district's centre;
    last it accepts a point in the right district, and at worst the district's centre itself
    (which the locator always places in the district, as `services` requires)."""
    owner = np.repeat(np.arange(len(sectors)), per_sector)
    clat = np.array([sectors[i].lat for i in owner], dtype=float)
    clon = np.array([sectors[i].lon for i in owner], dtype=float)
    dlat = np.array([sectors[i].district.lat for i in owner], dtype=float)
    dlon = np.array([sectors[i].district.lon for i in owner], dtype=float)
    want_sector = np.array([sectors[i].pk for i in owner], dtype=np.int64)
    want_district = np.array([sectors[i].district_id for i in owner], dtype=np.int64)
    lat, lon = dlat.copy(), dlon.copy()
    todo = np.arange(owner.size)
    kx = 111_320.0 * np.cos(np.radians(clat))
    # (how far towards the district centre at most, scatter in metres, what must match)
    stages = [(0.0, HOME_SPREAD_M, "sector"), (1.0, HOME_SPREAD_M, "sector")]
    stages.append((1.0, HOME_SPREAD_M, "district"))
    for pull, spread, match in stages:
        for _ in range(HOME_TRIES):
            if not todo.size:
                return lat, lon
            t = rng.uniform(0.0, pull, todo.size)
            base_lat = clat[todo] + t * (dlat[todo] - clat[todo])
            base_lon = clon[todo] + t * (dlon[todo] - clon[todo])
            tlat = np.round(base_lat + rng.normal(0.0, spread, todo.size) / 110_574.0, 6)
            tlon = np.round(base_lon + rng.normal(0.0, spread, todo.size) / kx[todo], 6)
            where = locator().locate(tlat, tlon)
            if match == "sector":
                hit = where.sector_ids == want_sector[todo]
            else:
                hit = where.district_ids == want_district[todo]
            lat[todo[hit]], lon[todo[hit]] = tlat[hit], tlon[hit]
            todo = todo[~hit]
    return lat, lon


def _history(
    rng: np.random.Generator,
    *,
    every: int,
    started: dt.date,
    open_due: dt.date,
    last_outcome: str,
) -> list[tuple[dt.date, dt.date, str]]:
    """The contacts done before the open one, (due on, done on, outcome), oldest first, laid out
    backwards from the open contact with the rule of `services.contact_record`: the next contact
    is due `every` days after one, or within a week after nobody was found or a violation."""
    out: list[tuple[dt.date, dt.date, str]] = []
    due, outcome = open_due, last_outcome
    while True:
        gap = min(FOLLOW_UP_DAYS, every) if outcome in {"not_found", "violation"} else every
        done = due - dt.timedelta(days=gap)
        if done < started:
            break
        delay = int(DELAYS[int(rng.integers(len(DELAYS)))])
        previous_due = done - dt.timedelta(days=delay)
        if previous_due < started + dt.timedelta(days=min(every, FOLLOW_UP_DAYS)):
            break
        out.append((previous_due, done, outcome))
        due, outcome = previous_due, _pick(rng, OUTCOMES)
    out.reverse()
    return out


def _register(
    seed: int, sectors: list[Sector], categories: list[PreventiveCategory], now: dt.datetime
) -> tuple[int, int]:
    rng = rng_for(seed, "prevention", "register")
    zone = timezone.get_default_timezone()
    today = timezone.localdate(now)
    weights = np.array(
        [CATEGORY_WEIGHTS.get(c.code, OTHER_CATEGORY_WEIGHT) for c in categories], dtype=float
    )
    weights /= weights.sum()
    per_sector = [int(n) for n in rng.integers(PER_SECTOR[0], PER_SECTOR[1] + 1, len(sectors))]
    lat, lon = _homes(rng, sectors, per_sector)

    people: list[Person] = []
    supervisions: list[Supervision] = []
    schedules: list[tuple[list[tuple[dt.date, dt.date, str]], dt.date]] = []
    row = 0
    for sector, count in zip(sectors, per_sector, strict=True):
        for _ in range(count):
            category = categories[int(rng.choice(len(categories), p=weights))]
            every = category.contact_every_days
            started = today - dt.timedelta(days=int(rng.integers(10, 548)))
            # The open contact: overdue, due this week or later.
            bucket = _pick(rng, OPEN_BUCKETS)
            if bucket == "overdue":
                open_due = today - dt.timedelta(days=int(rng.integers(1, 22)))
                last = _pick(rng, OUTCOMES)
            elif bucket == "week":
                open_due = today + dt.timedelta(days=int(rng.integers(0, 7)))
                last = _pick(rng, OUTCOMES)
            else:  # a regular gap ahead: the last contact went normally
                open_due = today + dt.timedelta(days=int(rng.integers(7, max(every, 8))))
                last = "met" if rng.random() < 0.95 else "refused"
            gap = min(FOLLOW_UP_DAYS, every) if last in {"not_found", "violation"} else every
            if open_due - dt.timedelta(days=gap) > today - dt.timedelta(days=1):
                last, gap = "met", every  # a short schedule: the last contact was regular
            if open_due < started + dt.timedelta(days=min(every, FOLLOW_UP_DAYS)):
                # Newly on the register: the first contact is due a full period after the start.
                open_due, last = started + dt.timedelta(days=every), "met"
            history = _history(
                rng, every=every, started=started, open_due=open_due, last_outcome=last
            )
            months = int(rng.choice([6, 12, 12, 18, 24, 36]))
            ends = started + dt.timedelta(days=round(months * 30.44))
            while ends <= max(today, open_due) + dt.timedelta(days=14):
                ends += dt.timedelta(days=round(6 * 30.44))
            # Age today: a juvenile 12-17 (at least 12 when put on the register), others 18-70.
            elapsed = (today - started).days / 365.25
            if category.code == "juvenile":
                age = float(rng.uniform(max(12.2, 12.05 + elapsed), 17.9))
            else:
                age = float(np.clip(rng.normal(34, 11), 18.2, 70))
            birth = today - dt.timedelta(days=int(age * 365.25))
            male = rng.random() < SHARE_MALE.get(category.code, SHARE_MALE_OTHER)
            people.append(Person(iin_hash=None, birth_date=birth, sex="M" if male else "F"))
            a, b = float(lat[row]), float(lon[row])
            row += 1
            supervisions.append(
                Supervision(
                    category=category,
                    region_id=sector.district.region_id,
                    district_id=sector.district_id,
                    sector=sector,
                    basis=_basis(rng, category.code, started),
                    started_on=started,
                    ends_on=ends,
                    status="active",
                    address=_address(rng),
                    lat=a,
                    lon=b,
                    place_key=place_key(a, b) or 0,
                    created_by=DEMO_USER,
                    is_demo=True,
                )
            )
            schedules.append((history, open_due))

    Person.objects.bulk_create(people, batch_size=2000)
    for person, supervision in zip(people, supervisions, strict=True):
        supervision.person = person
    Supervision.objects.bulk_create(supervisions, batch_size=2000)
    # Contacts go in column-wise (thousands of rows; model instances would cost seconds).
    supervision_id: list[int] = []
    due_on: list[str] = []
    done_at: list[np.datetime64] = []
    kind: list[str] = []
    outcome: list[str] = []
    note: list[str] = []
    latest = now - dt.timedelta(minutes=10)
    for supervision, (history, open_due) in zip(supervisions, schedules, strict=True):
        for due, done, result in [*history, (open_due, None, "")]:
            supervision_id.append(supervision.pk)
            due_on.append(due.isoformat())
            if done is None:  # the contact now due
                done_at.append(np.datetime64("NaT", "s"))
                kind.append("")
            else:
                moment = min(_at(rng, done, zone), latest).astimezone(dt.UTC)
                done_at.append(np.datetime64(moment.replace(tzinfo=None), "s"))
                kind.append(_pick(rng, KINDS))
            outcome.append(result)
            note.append(VIOLATION_NOTE if result == "violation" else "")
    contacts = db.insert(
        Contact,
        {
            "supervision_id": supervision_id,
            "due_on": due_on,
            "done_at": np.array(done_at, dtype="datetime64[s]"),
            "kind": kind,
            "outcome": outcome,
            "note": note,
            "recorded_by": [DEMO_USER if k else "" for k in kind],
        },
    )
    return len(supervisions), contacts


# --- domestic-violence risk ------------------------------------------------------------------


def _answers(rng: np.random.Generator, items: list[DvRiskItem]) -> tuple[dict[str, bool], int]:
    severity = float(rng.beta(*SEVERITY))
    answers = {
        item.code: bool(rng.random() < min(0.95, severity * PREVALENCE.get(item.code, 1.0)))
        for item in items
    }
    return answers, sum(item.weight for item in items if answers[item.code])


def _assessments(seed: int, region: Region, now: dt.datetime) -> int:
    rng = rng_for(seed, "prevention", "dv")
    items = list(DvRiskItem.objects.filter(active=True))
    levels = list(DvRiskLevel.objects.order_by("min_score"))
    if not items or not levels:
        return 0
    since = now - YEAR
    calls: dict[int, list[tuple[dt.datetime, float, float]]] = defaultdict(list)
    for key, at, call_lat, call_lon in (
        Appeal.objects.filter(
            region=region,
            category=DOMESTIC,
            place_key__isnull=False,
            received_at__lte=now,
            lat__isnull=False,
            lon__isnull=False,
        )
        .order_by("received_at", "source_system", "external_id")
        .values_list("place_key", "received_at", "lat", "lon")
    ):
        calls[int(key or 0)].append((at, float(call_lat or 0), float(call_lon or 0)))
    if not calls:
        return 0
    keys = sorted(calls)
    recent = {k: [c for c in calls[k] if c[0] >= since] for k in keys}
    # Addresses that already call for an assessment: every other one is left for the inspector.
    escalating = [k for k in keys if len(recent[k]) >= ESCALATION_CALLS]
    left = set(escalating[::2])
    repeat = [k for k in keys if len(calls[k]) >= 2 and k not in left]
    repeat = [repeat[i] for i in rng.permutation(len(repeat))]
    if len(repeat) >= 2:  # some repeat-call addresses stay unassessed
        repeat = repeat[max(1, round(DV_LEAVE_UNASSESSED * len(repeat))) :]
    chosen = repeat[:DV_ADDRESSES]
    if len(chosen) < DV_ADDRESSES:  # a small demo: single calls of the last year fill up
        single = [k for k in keys if len(calls[k]) == 1 and recent[k]]
        single = [single[i] for i in rng.permutation(len(single))]
        chosen += single[: DV_ADDRESSES - len(chosen)]
    if not chosen:
        return 0
    chosen.sort()
    lat = np.array([calls[k][-1][1] for k in chosen])
    lon = np.array([calls[k][-1][2] for k in chosen])
    where = locator().locate(lat, lon)

    latest_ok = now - dt.timedelta(hours=1)
    earliest_ok = since + dt.timedelta(days=2)
    rows: list[DvAssessment] = []
    for i, key in enumerate(chosen):
        sector_id = int(where.sector_ids[i])
        if not sector_id or int(where.region_ids[i]) != region.pk:
            continue
        window = recent[key]
        moments: list[dt.datetime] = []
        if not window:  # an address that called long ago, assessed on a visit
            moments.append(now - dt.timedelta(days=float(rng.uniform(14, 330))))
        elif len(window) >= 2:  # assessed after the first call of the year: called again since
            if rng.random() < DV_EARLIER_TOO:
                moments.append(window[0][0] + dt.timedelta(hours=float(rng.uniform(2, 72))))
                moments.append(window[-1][0] + dt.timedelta(hours=float(rng.uniform(2, 72))))
            else:
                moments.append(window[0][0] + dt.timedelta(hours=float(rng.uniform(2, 72))))
        elif rng.random() < DV_BEFORE_LAST_CALL:  # a visit, then the address called again
            moments.append(window[-1][0] - dt.timedelta(days=float(rng.uniform(10, 110))))
        else:  # after the call
            moments.append(window[-1][0] + dt.timedelta(hours=float(rng.uniform(2, 72))))
        address = _address(rng)
        for moment in moments:
            at = min(max(moment, earliest_ok), latest_ok).replace(microsecond=0)
            answers, score = _answers(rng, items)
            rows.append(
                DvAssessment(
                    region_id=region.pk,
                    district_id=int(where.district_ids[i]),
                    sector_id=sector_id,
                    address=address,
                    lat=float(lat[i]),
                    lon=float(lon[i]),
                    place_key=key,
                    answers=answers,
                    score=score,
                    assessed_at=at,
                    assessed_by=DEMO_USER,
                    is_demo=True,
                )
            )
    if not rows:
        return 0
    top = levels[-1]
    if all(r.score < top.min_score for r in rows):  # the demo shows at least one top-level case
        best = max(rows, key=lambda r: r.score)
        for item in sorted(items, key=lambda it: -it.weight):
            if best.score >= top.min_score:
                break
            if not best.answers[item.code]:
                best.answers[item.code] = True
                best.score += item.weight
    for r in rows:
        computed = level_for(r.score, levels)
        r.computed_level = r.level = computed
        step = levels.index(computed)
        if step + 1 < len(levels) and rng.random() < DV_RAISED:
            r.level = levels[step + 1]
            r.raised_because = RAISE_REASON
    DvAssessment.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# --- the hook --------------------------------------------------------------------------------


def build(*, seed: int, years: list[int]) -> dict[str, int]:
    """The register and assessments of the demo city, anchored to now (`years` is not needed:
    the register and assessments are live data, of the last eighteen and twelve months)."""
    now = timezone.now()
    reference.load()  # present after migrate; reloaded for safety
    region = Region.objects.filter(iso=DEMO_CITY).first()
    if region is None:
        return {}
    sectors = list(
        Sector.objects.filter(district__region=region).select_related("district").order_by("code")
    )
    categories = list(PreventiveCategory.objects.filter(active=True).order_by("code"))
    with transaction.atomic():
        people, contacts = (
            _register(seed, sectors, categories, now) if sectors and categories else (0, 0)
        )
        assessments = _assessments(seed, region, now)
    return {
        "preventive_register": people,
        "preventive_contacts": contacts,
        "dv_assessments": assessments,
    }


def delete() -> None:
    """Remove what `build` made: demo supervisions (their contacts go with them), demo
    assessments, and the people only they referred to."""
    with transaction.atomic():
        people = set(Supervision.objects.filter(is_demo=True).values_list("person_id", flat=True))
        for name in ("victim_id", "offender_id"):
            people |= set(
                DvAssessment.objects.filter(is_demo=True)
                .exclude(**{name: None})
                .values_list(name, flat=True)
            )
        Contact.objects.filter(supervision__is_demo=True).delete()
        Supervision.objects.filter(is_demo=True).delete()
        DvAssessment.objects.filter(is_demo=True).delete()
        _delete_unreferenced_people(people)


def _delete_unreferenced_people(ids: set[int]) -> None:
    """Delete these people except those another record (of any app) still refers to."""
    if not ids:
        return
    keep: set[int] = set()
    for rel in Person._meta.related_objects:
        if rel.many_to_many:
            continue
        name = rel.field.name
        keep |= set(
            rel.related_model._default_manager.filter(**{f"{name}__in": ids}).values_list(
                f"{name}_id", flat=True
            )
        )
    Person.objects.filter(pk__in=ids - keep).delete()
