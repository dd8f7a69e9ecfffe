"""Synthetic prevention data for `senim demo`: the preventive register of every sector of the
demo city, the inspectors' contacts, domestic-violence risk assessments at addresses that
called about domestic conflicts, problem cases through the SARA cycle, and partnership: partner
organisations with their memoranda, two interdepartmental commissions with their decisions, and
meetings with residents whose priorities are answered or taken up as problem cases.

Nothing here comes from a seed: the number of people per sector, the mix of categories, the
contact outcomes, the answer probabilities of the checklist, the problem cases' stages,
durations, texts and tasks, and every partner, commission, meeting and priority are assumptions (docs/demo.md, "Prevention"). People are pseudonymous
`Person` rows with no IIN hash at all, so they can never collide with a real person's. The
calendar is anchored to the moment of the build: some contacts are overdue, some due this week,
some assessed addresses have called again since, and the problem cases' tasks fall due around
today. The places of most problem cases are the analytics centre's own suggestions
(`sara.suggestions`: Gi* hot spots and repeat places) over the generated register, and the
evaluations stored with some are `measures.evaluate_places` verdicts over it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from senim.analysis import measures
from senim.analysis.areas import Area, last_day
from senim.analysis.params import AnalysisError
from senim.analytics.grid import Projection
from senim.core.geo import locator, place_key
from senim.core.models import District, Person, Region, Sector, User
from senim.demo import db
from senim.demo.common import DEMO_CITY, rng_for
from senim.prevention import demo_admin_cases, demo_social_map, demo_worktime, reference, sara
from senim.prevention.models import (
    STAGES,
    ChecklistAnswer,
    ChecklistQuestion,
    Commission,
    CommissionMeeting,
    Contact,
    Decision,
    DvAssessment,
    DvRiskItem,
    DvRiskLevel,
    Partner,
    PreventiveCategory,
    Priority,
    Problem,
    ProblemIncident,
    ProblemTask,
    ResidentMeeting,
    Supervision,
    TriangleSide,
)
from senim.prevention.selectors import DOMESTIC, ESCALATION_CALLS, YEAR
from senim.prevention.services import FOLLOW_UP_DAYS, level_for
from senim.register.models import Appeal, Offence

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


# --- problem cases through SARA --------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """A made-up kind of local problem with what an inspector would write about it (Russian)."""

    title: str
    description: str
    offences: str  # "В основном …"
    when: str
    victims: str  # "Чаще всего страдают …"
    partners: str
    offender: tuple[str, str]  # the triangle's side and who controls it
    target: tuple[str, str]
    place: tuple[str, str]
    goal: str
    tasks: tuple[tuple[str, str, str], ...]  # (task, owner kind, owner's name)


THEMES = (
    Theme(
        "Кражи телефонов на остановке",
        "Вечером у остановки у ожидающих автобус похищают телефоны из карманов и сумок; "
        "жители жалуются, что после восьми там небезопасно.",
        "кражи (ст. 188 УК), реже грабежи",
        "по будням с 18 до 22 часов",
        "студенты и работающие, возвращающиеся вечером домой",
        "акимат района (освещение), перевозчик, торговый центр рядом с остановкой",
        (
            "Подростки и молодые люди 16–25 лет, действуют по двое-трое; часть уже на учёте.",
            "Родители, инспектор по делам несовершеннолетних, колледж",
        ),
        (
            "Пассажиры с телефоном в руке или в наружном кармане.",
            "Перевозчик (объявления в салоне), сами пассажиры",
        ),
        (
            "Тёмная остановка без камер, рядом проход во дворы, куда скрываются.",
            "Акимат района и владелец соседнего торгового центра",
        ),
        "Вдвое сократить кражи у остановки и вернуть жителям чувство безопасности вечером.",
        (
            ("Установить дополнительное освещение у остановки", "partner", "Акимат района"),
            ("Вечерние обходы с 19 до 22 часов по будням", "inspector", "УУП сектора"),
            (
                "Вывести камеру торгового центра на остановку",
                "police",
                "Центр оперативного управления",
            ),
            ("Беседы в колледже о сохранности телефонов", "inspector", "УУП сектора"),
            ("Дежурство добровольцев ОПОП у остановки", "residents", "ОПОП микрорайона"),
        ),
    ),
    Theme(
        "Кражи из автомобилей во дворах",
        "Ночью во дворах многоэтажек вскрывают машины: похищают магнитолы, аккумуляторы и вещи "
        "из салона. Жильцы просят ночных обходов и камер во дворах.",
        "кражи из автомобилей и повреждение чужого имущества",
        "ночью с 1 до 5 часов, чаще в выходные",
        "владельцы автомобилей, оставляющие машины во дворе",
        "ОСИ и КСК домов, акимат района, охрана соседней парковки",
        (
            "Несколько местных молодых людей, ранее судимых за кражи; сбывают похищенное на "
            "авторынке.",
            "Инспектор по надзору за ранее судимыми, родственники",
        ),
        ("Машины с вещами на виду и без сигнализации.", "Сами владельцы, сторож парковки"),
        (
            "Неосвещённые внутренние дворы без камер и шлагбаума.",
            "ОСИ домов, акимат района (освещение)",
        ),
        "Сократить кражи из автомобилей во дворах на треть за время реагирования.",
        (
            ("Ночные обходы дворов с 1 до 5 часов по выходным", "inspector", "УУП сектора"),
            ("Установить камеры и освещение во дворах", "partner", "ОСИ домов"),
            ("Памятки жильцам: не оставлять вещи в салоне", "inspector", "УУП сектора"),
            ("Проверить точки скупки автозапчастей", "police", "Криминальная полиция УП"),
            ("Дежурство жильцов-добровольцев по ночам", "residents", "Совет дома"),
        ),
    ),
    Theme(
        "Драки у ночного бара",
        "У бара, работающего до утра, после закрытия вспыхивают драки, посетители шумят под "
        "окнами; жильцы соседних домов звонят 102 почти каждые выходные.",
        "хулиганство, побои и мелкое хулиганство",
        "в ночь на субботу и воскресенье, с 0 до 4 часов",
        "посетители бара, таксисты и жильцы соседних домов",
        "владелец бара, акимат района (режим работы), службы такси",
        ("Нетрезвые посетители 20–35 лет, часть — постоянные.", "Администрация и охрана бара"),
        (
            "Посетители в состоянии опьянения у выхода и на стоянке такси.",
            "Охрана бара, знакомые посетителей",
        ),
        ("Выход бара и тёмная стоянка, на улице нет охраны.", "Владелец бара"),
        "Ни одной драки у бара в выходные ночи; жильцы не звонят 102 из-за шума.",
        (
            ("Встреча с владельцем: охранник на улице до закрытия", "partner", "Владелец бара"),
            ("Патрулирование у бара в ночь на субботу и воскресенье", "police", "Батальон ПП"),
            ("Проверить соблюдение правил продажи алкоголя", "police", "Административная полиция"),
            ("Осветить стоянку у выхода", "partner", "Владелец бара"),
            ("Обход жильцов соседних домов, оставить телефон УУП", "inspector", "УУП сектора"),
        ),
    ),
    Theme(
        "Распитие спиртного на детской площадке",
        "Вечерами на детской площадке собираются компании, распивают спиртное, оставляют бутылки "
        "и шумят до ночи; родители не выпускают детей гулять.",
        "распитие в общественных местах, мелкое хулиганство, нарушение тишины",
        "в тёплые месяцы с 20 до 24 часов",
        "родители с детьми и пожилые жильцы двора",
        "ОСИ дома, акимат района, школа",
        (
            "Компании местной молодёжи и взрослых, часть на профилактическом учёте.",
            "Родственники, инспектор по делам несовершеннолетних",
        ),
        ("Дети и пожилые жильцы, которым негде гулять.", "Родители, совет дома"),
        (
            "Площадка в глубине двора с лавочками, без освещения и без обзора из окон.",
            "ОСИ дома и акимат района",
        ),
        "Вернуть площадку детям: ни одного вызова о распитии на ней за месяц.",
        (
            ("Вечерние проверки площадки с 20 до 23 часов", "inspector", "УУП сектора"),
            ("Перенести лавочки и установить освещение", "partner", "ОСИ дома"),
            ("Беседы с лицами на учёте, живущими во дворе", "inspector", "УУП сектора"),
            ("Чат жильцов для сообщений участковому", "residents", "Совет дома"),
            ("Рейд по несовершеннолетним", "police", "Подразделение по делам несовершеннолетних"),
        ),
    ),
    Theme(
        "Кражи велосипедов и колясок из подъездов",
        "Из подъездов и с лестничных площадок пропадают велосипеды, самокаты и детские коляски; "
        "двери подъездов не закрываются, домофоны сломаны.",
        "кражи из подъездов",
        "днём в будни, когда жильцы на работе",
        "семьи с детьми, хранящие коляски и велосипеды в подъезде",
        "ОСИ и КСК, домофонная компания, ломбарды и скупки",
        (
            "Случайные люди и лица без определённого места жительства; сбывают вещи в ломбарды.",
            "Ломбарды и скупки (проверка документов продавца)",
        ),
        ("Незапертые велосипеды и коляски на площадках.", "Жильцы, ОСИ"),
        (
            "Подъезды с неисправными домофонами и открытыми дверями.",
            "ОСИ дома, домофонная компания",
        ),
        "Ни одной кражи из подъездов за время реагирования.",
        (
            ("Отремонтировать домофоны и доводчики дверей", "partner", "Домофонная компания"),
            ("Объявления в подъездах о хранении велосипедов", "inspector", "УУП сектора"),
            ("Проверить ломбарды и скупки района", "police", "Криминальная полиция УП"),
            ("Оборудовать закрываемые велопарковки", "residents", "Совет дома"),
            ("Поквартирный обход подъездов", "inspector", "УУП сектора"),
        ),
    ),
    Theme(
        "Мошенничество в отношении пожилых жителей",
        "Пожилым жителям звонят «сотрудники банка» и «полиции», выманивают коды и деньги; "
        "некоторые отдают наличные курьеру у подъезда.",
        "мошенничество (ст. 190 УК), в том числе по телефону и через интернет",
        "днём в будни",
        "одинокие пожилые жители 65 лет и старше",
        "отделение банка, центр социального обслуживания, совет ветеранов, ОСИ домов",
        (
            "Удалённые группы мошенников и местные «курьеры» за вознаграждение.",
            "Подразделение по киберпреступлениям, банки (блокировка переводов)",
        ),
        (
            "Пожилые люди, живущие одни и не знающие схем обмана.",
            "Родственники, соцработники, соседи",
        ),
        ("Телефон и подъезд дома, где курьер забирает деньги.", "ОСИ дома, консьерж"),
        "Лично предупредить каждого одинокого пожилого жителя сектора и сократить число обманов.",
        (
            ("Поквартирный обход пожилых жителей с памяткой", "inspector", "УУП сектора"),
            ("Встреча в совете ветеранов о схемах обмана", "partner", "Совет ветеранов"),
            (
                "Договориться с банком о звонке при подозрительном снятии",
                "partner",
                "Отделение банка",
            ),
            (
                "Передать номера мошенников для блокировки",
                "police",
                "Подразделение по киберпреступлениям",
            ),
            ("Соседи присматривают за одинокими пожилыми", "residents", "Совет дома"),
        ),
    ),
    Theme(
        "Кражи в магазинах у рынка",
        "В небольших магазинах у рынка крадут товар с полок и деньги из касс; о мелких кражах "
        "продавцы не заявляют, считая это бесполезным.",
        "мелкие кражи, кражи и грабежи в магазинах",
        "в часы пик с 17 до 20 часов и в выходные",
        "продавцы и владельцы небольших магазинов",
        "администрация рынка, ассоциация предпринимателей, охранная организация",
        (
            "Подростки и злоупотребляющие алкоголем жители соседних кварталов.",
            "Родители, подразделение по делам несовершеннолетних, наркологический кабинет",
        ),
        ("Товар у выхода, касса без присмотра в часы пик.", "Продавцы и охрана рынка"),
        ("Тесные торговые ряды без камер, много входов.", "Администрация рынка"),
        "Вдвое сократить кражи в магазинах у рынка и добиться, чтобы о каждой краже заявляли.",
        (
            ("Встреча с предпринимателями: как заявлять о кражах", "inspector", "УУП сектора"),
            ("Установить камеры у входов в торговые ряды", "partner", "Администрация рынка"),
            ("Совместные обходы с охраной рынка в часы пик", "police", "Батальон ПП"),
            (
                "Переставить дорогой товар подальше от выхода",
                "partner",
                "Ассоциация предпринимателей",
            ),
            ("Проверить лиц на учёте, задержанных у рынка", "inspector", "УУП сектора"),
        ),
    ),
    Theme(
        "Драки подростков у компьютерного клуба",
        "У компьютерного клуба рядом со школой собираются подростки: драки, у младших отбирают "
        "телефоны; родители и школа обращались в полицию.",
        "побои, грабежи (отбирают телефоны) и хулиганство несовершеннолетних",
        "после уроков с 14 до 19 часов и поздно вечером у клуба",
        "школьники 12–16 лет",
        "школа, владелец клуба, родительский комитет",
        (
            "Подростки 15–17 лет, двое на учёте в подразделении по делам несовершеннолетних.",
            "Родители, школа, инспектор по делам несовершеннолетних",
        ),
        ("Младшие школьники с телефонами и деньгами.", "Родители, учителя, администратор клуба"),
        ("Вход в клуб и проход за школой без камер.", "Владелец клуба и директор школы"),
        "Прекратить драки и отбирание телефонов у клуба до конца учебной четверти.",
        (
            (
                "Проверить, соблюдает ли клуб комендантский час",
                "police",
                "Подразделение по делам несовершеннолетних",
            ),
            ("Беседы с подростками на учёте и их родителями", "inspector", "УУП сектора"),
            ("Камера у входа в клуб", "partner", "Владелец клуба"),
            ("Дежурство родителей после уроков", "residents", "Родительский комитет"),
            ("Классные часы о безопасности", "partner", "Школа"),
        ),
    ),
)
POLICE_NOW = (
    "Реагируем на вызовы по факту, профилактики на месте не было; потерпевшие заявляют поздно.",
    "Выезды по 102 без последующей работы с местом; происшествия не сводились вместе.",
    "Были отдельные рейды без партнёров, эффект быстро пропадал.",
)
RESOURCES = (
    "Время УУП на обходы в пиковые часы, средства акимата на освещение, камеры партнёров.",
    "Наряд ПП в пиковые часы, помещение для встречи с жителями, памятки.",
    "Памятки и объявления, время партнёров, записи камер.",
)
CITIZENS = (
    "На встрече жители сказали, что стало спокойнее; жалоб меньше.",
    "Частично: жалобы стали реже, но не прекратились.",
    "Жители пока не заметили перемен и просят продолжить меры.",
)
NEXT_STEPS = (
    "Продолжить обходы в пиковые часы ещё три месяца.",
    "Закрепить меры за партнёрами и через полгода повторить анализ.",
    "Добавить камеры и повторить встречу с жителями.",
)
CHANGE = {
    "effect": "Снизилось: в зоне {tb} → {ta} правонарушений, в контрольной {cb} → {ca}; "
    "по оценке центра аналитики — эффект мер.",
    "no_effect": "Заметных перемен нет: в зоне {tb} → {ta}, в контрольной {cb} → {ca}.",
    "inconclusive": "Данных мало для вывода: в зоне {tb} → {ta}, в контрольной {cb} → {ca}.",
}
# The cases of the demo inspector's sector, then the others: (stage planned, origin wanted,
# evaluated). A "closed" case is evaluated; when the evaluation fails it stays at assessment.
INSPECTOR_PLAN = (
    ("closed", "repeat_place", True),
    ("response", "hot_spot", False),
    ("scanning", "residents", False),
)
OTHER_PLAN = (
    ("closed", "repeat_place", True),
    ("closed", "hot_spot", True),
    ("assessment", "repeat_place", True),
    ("assessment", "hot_spot", False),
    ("response", "repeat_place", False),
    ("response", "hot_spot", False),
    ("analysis", "repeat_place", False),
    ("analysis", "hot_spot", False),
    ("assessment", "repeat_place", False),
    ("scanning", "hot_spot", False),
    ("response", "residents", False),
    ("analysis", "inspector", False),
    ("analysis", "residents", False),
    ("scanning", "inspector", False),
)
EXTRA_SECTORS = 3  # sectors beyond one per district that get a case
# Radius of the case's circle, metres, by origin; evaluated cases get a wider one (assumed).
RADIUS = {
    "hot_spot": (150, 250),
    "repeat_place": (80, 150),
    "residents": (100, 200),
    "inspector": (100, 200),
}
EVALUATED_RADIUS = (150, 250)
CONTROL_RING_M = 200.0  # the ring of `measures.evaluate_places` around the target
CONTROL_MARGIN_M = 50.0
INCIDENT_JITTER_M = 30.0  # a residents' or inspector's case: this close to a register incident
CONFIRMED = (0.6, 0.9)  # share of the suggested incidents the inspector confirmed (assumed)


def _national_user() -> User:
    """An unsaved administrator: national scope (`scope_level`), as the analytics centre sees."""
    return User(username="demo", role="administrator", is_active=True)


def _inspector_sector(sectors: list[Sector]) -> Sector:
    """The sector of the demo user `inspector` (`senim.demo.users`), else the first one."""
    pk = User.objects.filter(username="inspector").values_list("sector_id", flat=True).first()
    return next((s for s in sectors if s.pk == pk), sectors[0])


def _case_sectors(
    rng: np.random.Generator, sectors: list[Sector], home: Sector, now: dt.datetime
) -> list[Sector]:
    """One sector of each district (not the inspector's), then a few more, drawn in proportion
    to their located offences of the last year (where problems are); the busiest first, so that
    the cases to evaluate (first in `OTHER_PLAN`) have data to be judged on."""
    counts = dict(
        Offence.objects.filter(
            sector__in=[s.pk for s in sectors],
            registered_at__gte=now - YEAR,
            registered_at__lte=now,
        )
        .exclude(lat__isnull=True)
        .values_list("sector")
        .annotate(n=Count("id"))
        .values_list("sector", "n")
    )

    def draw(group: list[Sector], k: int) -> list[Sector]:
        weight = np.array([counts.get(s.pk, 0) for s in group], dtype=float)
        if not weight.sum():
            weight[:] = 1.0
        k = min(k, int((weight > 0).sum()))
        chosen = rng.choice(len(group), size=k, replace=False, p=weight / weight.sum())
        return [group[int(i)] for i in chosen]

    by_district: dict[int, list[Sector]] = defaultdict(list)
    for s in sectors:
        if s.pk != home.pk:
            by_district[s.district_id].append(s)
    picked = [draw(group, 1)[0] for _, group in sorted(by_district.items())]
    rest = [s for s in sectors if s.pk != home.pk and s not in picked]
    picked += draw(rest, EXTRA_SECTORS) if rest else []
    picked.sort(key=lambda s: (-counts.get(s.pk, 0), s.code))
    return picked or [home]


@dataclass
class Timeline:
    days: dict[str, dt.date]  # the local day each stage reached began
    response_ends_on: dt.date | None = None
    evaluated_on: dt.date | None = None  # the day of the evaluation (assessment in progress)


def _timeline(rng: np.random.Generator, stage: str, evaluated: bool, today: dt.date) -> Timeline:
    """The days of the stages, counted back from today (assumed durations): the response of an
    evaluated case began 150-330 days ago, so its after period is far longer than 90 days."""

    def n(low: int, high: int) -> int:
        return int(rng.integers(low, high + 1))

    back: dict[str, int] = {}
    ends: int | None = None  # days from today
    evaluated_back: int | None = None
    if stage == "scanning":
        back["scanning"] = n(1, 25)
    elif stage == "analysis":
        back["analysis"] = n(2, 40)
    elif stage == "response":
        back["response"] = n(25, 75)
        ends = n(20, 100)
    elif evaluated:  # assessment or closed, with the effect evaluated
        back["response"] = n(150, 330)
        if stage == "closed":
            back["closed"] = n(2, 20)
            back["assessment"] = back["closed"] + n(7, 25)
            evaluated_back = back["closed"]  # evaluated, then closed the same day
        else:
            back["assessment"] = n(5, 20)
            evaluated_back = n(1, back["assessment"] - 1)
    else:  # at assessment, not yet evaluated
        back["assessment"] = n(1, 10)
        back["response"] = back["assessment"] + n(60, 130)
    if "assessment" in back:  # the response ended before its assessment began
        ends = -min(back["assessment"] + n(0, 7), back["response"] - 30)
    if "response" in back:
        back["analysis"] = back["response"] + n(10, 35)
    if "analysis" in back:
        back["scanning"] = back["analysis"] + n(7, 30)
    return Timeline(
        days={k: today - dt.timedelta(days=v) for k, v in back.items()},
        response_ends_on=None if ends is None else today + dt.timedelta(days=ends),
        evaluated_on=None if evaluated_back is None else today - dt.timedelta(days=evaluated_back),
    )


def _between(rng: np.random.Generator, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A working-hours moment of a day from `start` to `end`, kept within them."""
    span = max((end - start).total_seconds(), 0.0)
    day = timezone.localdate(start + dt.timedelta(seconds=float(rng.uniform(0.0, span))))
    zone = timezone.get_default_timezone()
    return _clamp(_at(rng, day, zone), start, end).replace(microsecond=0)


def _district_of(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    return locator().locate(np.round(lat, 6), np.round(lon, 6)).district_ids


def _clear(lat: float, lon: float, radius: float, taken: list[tuple[float, float, float]]) -> bool:
    """The circle does not overlap another case's of the same sector."""
    projection = Projection(lon0=lon, lat0=lat)
    for t_lat, t_lon, t_radius in taken:
        x, y = projection.forward(np.array([t_lon]), np.array([t_lat]))
        if float(np.hypot(x[0], y[0])) < radius + t_radius:
            return False
    return True


def _incidents_near(sector: Sector, at: dt.datetime) -> np.ndarray:
    """(lat, lon) of the sector's located offences and appeals in the year before `at`: what
    `sara.link_area` would suggest for a case opened then."""
    rows: list[tuple[Any, Any]] = []
    for model, time in ((Offence, "registered_at"), (Appeal, "received_at")):
        rows += list(
            model.objects.filter(sector=sector, **{f"{time}__gte": at - YEAR, f"{time}__lte": at})
            .exclude(lat__isnull=True)
            .exclude(lon__isnull=True)
            .order_by(time, "pk")
            .values_list("lat", "lon")
        )
    return np.array(rows, dtype=float).reshape(-1, 2)


def _covers(lat: float, lon: float, radius: float, points: np.ndarray) -> bool:
    """Some of the points lie in the circle."""
    x, y = Projection(lon0=lon, lat0=lat).forward(points[:, 1], points[:, 0])
    return bool((np.hypot(x, y) <= radius).any())


def _place(
    rng: np.random.Generator,
    user: User,
    sector: Sector,
    origin: str,
    radius: int,
    at: dt.datetime,
    taken: list[tuple[float, float, float]],
    seen: dict[int, list[tuple[float, float]]],
) -> tuple[str, float, float]:
    """Where the case is: the analytics centre's suggestion of the sector at the time of scanning
    (the wanted origin first, then the other) with register incidents in its circle, or a point
    near an incident, reported by residents or noticed by the inspector; with no incident at
    all, the sector's (or district's) centre."""
    points = _incidents_near(sector, at)
    if origin in {"hot_spot", "repeat_place"}:
        found = sara.suggestions(user, sector, now=at)
        if found:
            ok = (
                _district_of(np.array([s.lat for s in found]), np.array([s.lon for s in found]))
                == sector.district_id
            )
            found = [s for s, good in zip(found, ok, strict=True) if good]
            seen[sector.district_id] += [(s.lat, s.lon) for s in found]
        for s in sorted(found, key=lambda s: s.origin != origin):  # stable: ranks kept
            lat, lon = round(s.lat, 6), round(s.lon, 6)
            if _clear(lat, lon, radius, taken) and _covers(lat, lon, radius, points):
                return s.origin, lat, lon
        origin = "inspector" if rng.random() < 0.5 else "residents"
    for j in rng.permutation(len(points))[:20]:
        projection = Projection(lon0=float(points[j, 1]), lat0=float(points[j, 0]))
        angle, dist = rng.uniform(0, 2 * np.pi), rng.uniform(0, INCIDENT_JITTER_M)
        plon, plat = projection.inverse(
            np.array([dist * np.cos(angle)]), np.array([dist * np.sin(angle)])
        )
        lat, lon = round(float(plat[0]), 6), round(float(plon[0]), 6)
        inside = _district_of(np.array([lat]), np.array([lon]))[0] == sector.district_id
        if inside and _clear(lat, lon, radius, taken):
            return origin, lat, lon
    for lat, lon in ((sector.lat, sector.lon), (sector.district.lat, sector.district.lon)):
        if _district_of(np.array([lat]), np.array([lon]))[0] == sector.district_id:
            return origin, round(lat, 6), round(lon, 6)
    return origin, round(sector.district.lat, 6), round(sector.district.lon, 6)


def _control(
    rng: np.random.Generator,
    problem: Problem,
    seen: list[tuple[float, float]],
    treated: list[tuple[float, float, float]],
) -> tuple[float, float] | None:
    """A control point of the same district, clear of the target and its ring and of the other
    cases' circles and rings, whose circle had about as many offences in the year before the
    response as the target's (candidates: the district's suggestions, then points on rings
    around the target)."""
    assert problem.response_at is not None
    r = float(problem.radius_m)
    least = 2 * r + CONTROL_RING_M + CONTROL_MARGIN_M
    projection = Projection(lon0=problem.lon, lat0=problem.lat)
    angles = float(rng.uniform(0, 2 * np.pi)) + np.linspace(0, 2 * np.pi, 16, endpoint=False)
    dist = np.repeat(least * np.array([1.05, 1.5, 2.0, 3.0, 4.0]), angles.size)
    ring_x, ring_y = dist * np.cos(np.tile(angles, 5)), dist * np.sin(np.tile(angles, 5))
    if seen:
        sx, sy = projection.forward(np.array([s[1] for s in seen]), np.array([s[0] for s in seen]))
        x, y = np.concatenate([sx, ring_x]), np.concatenate([sy, ring_y])
    else:
        x, y = ring_x, ring_y
    lon, lat = projection.inverse(x, y)
    lat, lon = np.round(lat, 6), np.round(lon, 6)
    x, y = projection.forward(lon, lat)
    ok = (np.hypot(x, y) >= least) & (_district_of(lat, lon) == problem.district_id)
    for t_lat, t_lon, t_radius in treated:
        tx, ty = projection.forward(np.array([t_lon]), np.array([t_lat]))
        ok &= np.hypot(x - tx[0], y - ty[0]) >= r + t_radius + CONTROL_RING_M
    if not ok.any():
        return None
    rows = list(
        Offence.objects.filter(
            district_id=problem.district_id,
            registered_at__gte=problem.response_at - YEAR,
            registered_at__lt=problem.response_at,
        )
        .exclude(lat__isnull=True)
        .exclude(lon__isnull=True)
        .values_list("lat", "lon")
    )
    events = np.array(rows, dtype=float).reshape(-1, 2)
    ex, ey = projection.forward(events[:, 1], events[:, 0])
    target = int((np.hypot(ex, ey) <= r).sum())
    best, best_gap = -1, np.inf
    for i in np.nonzero(ok)[0]:
        count = int((np.hypot(ex - x[i], ey - y[i]) <= r).sum())
        gap = abs(np.log((count + 1) / (target + 1)))
        if gap < best_gap:
            best, best_gap = int(i), gap
    return float(lat[best]), float(lon[best])


def _answer_texts(
    rng: np.random.Generator,
    theme: Theme,
    problem: Problem,
    incidents: list[dt.datetime],
    tasks: list[ProblemTask],
) -> dict[str, str]:
    n = len(incidents)
    recent = sum(1 for t in incidents if t >= problem.scanning_at - dt.timedelta(days=91))
    done = sum(1 for t in tasks if t.status == "done")
    dropped = sum(1 for t in tasks if t.status == "dropped")
    owners = list(dict.fromkeys(t[2] for t in theme.tasks if any(x.text == t[0] for x in tasks)))
    measures_text = "; ".join(t.text[0].lower() + t.text[1:] for t in tasks)
    out = {
        "scan_nature": theme.description,
        "scan_offences": f"В основном {theme.offences}.",
        "scan_dynamics": f"Чаще всего {theme.when}. Происшествий в зоне по реестру за 12 "
        f"месяцев: {n}, из них за последние 3 месяца: {recent}.",
        "scan_victims": f"Чаще всего страдают {theme.victims}.",
        "scan_partners": f"Нужны: {theme.partners}.",
        "an_chronic": "Скорее новая: большая часть происшествий — за последние месяцы."
        if n and recent * 4 > n * 1.5
        else "Хроническая: происшествия повторяются весь год, жители жалуются давно.",
        "an_police_now": POLICE_NOW[int(rng.integers(len(POLICE_NOW)))],
        "an_triangle": f"{theme.place[0]} Правонарушители и потерпевшие встречаются там "
        f"{theme.when}.",
        "an_controllers": f"За местом никто не следит. Кто за него отвечает: {theme.place[1]}. "
        f"Кто может влиять на правонарушителей: {theme.offender[1]}.",
        "an_what_to_do": "Усилить контроль над местом вместе с партнёрами и защитить тех, "
        f"кто чаще страдает: {theme.victims}.",
        "re_measures": f"Меры: {measures_text}." if tasks else "",
        "re_who": "Исполнители: " + ", ".join(owners) + "." if owners else "",
        "re_resources": RESOURCES[int(rng.integers(len(RESOURCES)))],
        "re_measure_change": f"Сравнить число правонарушений в круге {problem.radius_m} м до и "
        "после начала мер с контрольным кругом того же района (оценка мер центра аналитики).",
        "as_implemented": f"Выполнено {done} из {len(tasks)} мер"
        + (f", отменено {dropped}" if dropped else "")
        + "; выполнение проверял начальник участкового пункта.",
        # Residents' view agrees with the verdict: relieved only where the problem fell.
        "as_citizens": CITIZENS[0]
        if problem.evaluation.get("verdict") == "effect"
        else CITIZENS[1 + int(rng.integers(len(CITIZENS) - 1))],
        "as_next": NEXT_STEPS[int(rng.integers(len(NEXT_STEPS)))],
    }
    ev = problem.evaluation
    if ev:
        out["as_change"] = CHANGE[ev["verdict"]].format(
            tb=ev["target"][0], ta=ev["target"][1], cb=ev["control"][0], ca=ev["control"][1]
        )
    return {k: v for k, v in out.items() if v}


def _clamp(moment: dt.datetime, low: dt.datetime, high: dt.datetime) -> dt.datetime:
    return min(max(moment, low), high)


def _tasks(
    rng: np.random.Generator,
    theme: Theme,
    problem: Problem,
    today: dt.date,
    zone: Any,
    now: dt.datetime,
) -> list[ProblemTask]:
    """3-5 of the theme's tasks, due within the response (from two days after it began to its
    planned end). In a running response two fell due before today, one done and one overdue;
    the later ones are open (the first done early one time in five). After the response, 85 %
    done, 10 % dropped and 5 % left open (none in a closed case)."""
    assert problem.response_at is not None and problem.response_ends_on is not None
    start = timezone.localdate(problem.response_at) + dt.timedelta(days=2)
    ends = problem.response_ends_on
    picks = [theme.tasks[int(i)] for i in rng.permutation(len(theme.tasks))]
    picks = picks[: int(rng.integers(3, len(picks) + 1))]

    def days(low: dt.date, high: dt.date, k: int) -> list[dt.date]:
        span = max((high - low).days, 0)
        return sorted(low + dt.timedelta(days=int(d)) for d in rng.integers(0, span + 1, k))

    running = problem.stage == "response"
    if running:
        past = 2
        due = days(start, today - dt.timedelta(days=1), past)
        due += days(today, ends, len(picks) - past)
    else:
        due = days(start, ends, len(picks))
    latest = (problem.assessment_at or now) - dt.timedelta(hours=1)
    earliest = problem.response_at + dt.timedelta(hours=1)
    out: list[ProblemTask] = []
    for k, ((text, kind, owner), day) in enumerate(zip(picks, due, strict=True)):
        if running:
            if day < today:
                status = "open" if k == past - 1 else "done"
            else:
                status = "done" if k == past and rng.random() < 0.2 else "open"
        else:
            draw = rng.random()
            status = "done" if draw < 0.85 else "dropped" if draw < 0.95 else "open"
            if status == "open" and problem.stage == "closed":
                status = "done"
        done_at = None
        if status != "open":
            day_done = min(day - dt.timedelta(days=int(rng.integers(0, 7))), today)
            done_at = _clamp(_at(rng, day_done, zone), earliest, latest)
        out.append(
            ProblemTask(
                problem=problem,
                text=text,
                owner_kind=kind,
                owner_name=owner,
                due_on=day,
                status=status,
                done_at=done_at,
                created_by=DEMO_USER,
            )
        )
    return out


@dataclass
class _Case:
    problem: Problem
    rng: np.random.Generator
    theme: Theme
    stage: str  # planned
    evaluated: bool
    line: Timeline
    at: dict[str, dt.datetime]


def _problems(seed: int, sectors: list[Sector], now: dt.datetime) -> tuple[int, int, int]:
    """Problem cases of the demo city at every stage of SARA (docs/demo.md, "Prevention"): most
    at the analytics centre's suggestions (`sara.suggestions`, as of the day the case was
    opened), the register's incidents linked as `sara.link_area` does, the effect of a few
    measured by `measures.evaluate_places` as `sara.assess` does. Returns (cases, tasks,
    evaluations stored)."""
    user = _national_user()
    zone = timezone.get_default_timezone()
    today = timezone.localdate(now)
    rng = rng_for(seed, "prevention", "problems")
    home = _inspector_sector(sectors)
    others = _case_sectors(rng, sectors, home, now)
    plan = [(home, *p) for p in INSPECTOR_PLAN]
    plan += [(others[i % len(others)], *p) for i, p in enumerate(OTHER_PLAN)]
    themes = [THEMES[int(i)] for i in rng.permutation(len(THEMES))]
    # First every case's place, so that a control circle can keep clear of all of them.
    taken: dict[int, list[tuple[float, float, float]]] = defaultdict(list)
    seen: dict[int, list[tuple[float, float]]] = defaultdict(list)
    cases: list[_Case] = []
    for i, (sector, stage, wanted, evaluated) in enumerate(plan):
        crng = rng_for(seed, "prevention", "problem", i)
        theme = themes[i % len(themes)]
        line = _timeline(crng, stage, evaluated, today)
        at = {name: _at(crng, day, zone) for name, day in line.days.items()}
        low, high = EVALUATED_RADIUS if evaluated else RADIUS[wanted]
        radius = 10 * int(crng.integers(low // 10, high // 10 + 1))
        origin, lat, lon = _place(
            crng, user, sector, wanted, radius, at["scanning"], taken[sector.pk], seen
        )
        taken[sector.pk].append((lat, lon, float(radius)))
        street = STREETS_RU[int(crng.integers(len(STREETS_RU)))]
        problem = Problem.objects.create(
            title=f"{theme.title}, {street}",
            region_id=sector.district.region_id,
            district_id=sector.district_id,
            sector=sector,
            lat=lat,
            lon=lon,
            radius_m=radius,
            origin=origin,
            description=theme.description,
            scanning_at=at["scanning"],
            created_by=DEMO_USER,
            is_demo=True,
        )
        cases.append(_Case(problem, crng, theme, stage, evaluated, line, at))

    by_stage: dict[str, list[ChecklistQuestion]] = defaultdict(list)
    for q in ChecklistQuestion.objects.order_by("position", "code"):
        by_stage[q.stage].append(q)
    answers: list[ChecklistAnswer] = []
    sides: list[TriangleSide] = []
    tasks: list[ProblemTask] = []
    evaluations = 0
    for case in cases:
        problem, crng, theme, stage, at = case.problem, case.rng, case.theme, case.stage, case.at
        evaluated = case.evaluated
        sara.link_area(problem, now=problem.scanning_at)
        linked = list(problem.incidents.order_by("at", "pk").values_list("pk", "at"))
        if not linked:  # nothing to confirm: the case cannot leave scanning
            stage, evaluated = "scanning", False
        if stage != "scanning":  # the inspector confirmed a majority of the suggestions
            share = float(crng.uniform(*CONFIRMED))
            k = min(len(linked), max(len(linked) // 2 + 1, round(share * len(linked))))
            chosen = crng.choice(len(linked), size=k, replace=False)
            ProblemIncident.objects.filter(pk__in=[linked[int(j)][0] for j in chosen]).update(
                confirmed=True
            )
        evaluated_at = None
        if evaluated:
            if stage == "closed":
                evaluated_at = at["closed"] - dt.timedelta(minutes=int(crng.integers(30, 240)))
            else:
                assert case.line.evaluated_on is not None
                evaluated_at = _at(crng, case.line.evaluated_on, zone)
            problem.response_at = at["response"]
            treated = [
                (c.problem.lat, c.problem.lon, float(c.problem.radius_m))
                for c in cases
                if c.problem.district_id == problem.district_id and c.problem.pk != problem.pk
            ]
            problem.evaluation = _evaluate(
                crng, user, problem, evaluated_at, seen[problem.district_id], treated
            )
            if problem.evaluation:
                evaluations += 1
            elif stage == "closed":  # never closed without a verdict
                stage = "assessment"
        reached = STAGES[: STAGES.index(stage) + 1]
        for name in reached[1:]:
            setattr(problem, f"{name}_at", at[name])
        problem.stage = stage
        if stage in {"response", "assessment", "closed"}:
            problem.response_ends_on = case.line.response_ends_on
        problem.goal = (
            theme.goal
            if stage != "scanning" and (stage != "analysis" or crng.random() < 0.5)
            else ""
        )
        case_tasks = _tasks(crng, theme, problem, today, zone, now) if len(reached) >= 3 else []
        tasks += case_tasks
        problem.residents_involved = problem.origin == "residents" or any(
            t.owner_kind == "residents" for t in case_tasks
        )
        problem.save()
        triangle = [("offender", theme.offender), ("target", theme.target), ("place", theme.place)]
        if stage == "analysis":  # the triangle is being drawn
            triangle = [triangle[int(j)] for j in crng.permutation(3)[: int(crng.integers(0, 3))]]
        elif stage == "scanning":
            triangle = []
        sides += [
            TriangleSide(problem=problem, side=side, description=text, controller=who)
            for side, (text, who) in triangle
        ]
        texts = _answer_texts(crng, theme, problem, [t for _, t in linked], case_tasks)
        answers += _case_answers(crng, problem, by_stage, texts, at, evaluated_at, now)
    ChecklistAnswer.objects.bulk_create(answers)
    TriangleSide.objects.bulk_create(sides)
    ProblemTask.objects.bulk_create(tasks)
    return len(cases), len(tasks), evaluations


def _evaluate(
    rng: np.random.Generator,
    user: User,
    problem: Problem,
    moment: dt.datetime,
    seen: list[tuple[float, float]],
    treated: list[tuple[float, float, float]],
) -> dict[str, Any]:
    """`sara.assess` for the case on `moment`'s day: its circle against a control circle of the
    district from the response's first day to the day before (or to the district's last day
    with offences), when that is 90 days or more; {} when there is no control or no verdict."""
    assert problem.response_at is not None
    control = _control(rng, problem, seen, treated)
    if control is None:
        return {}
    district = District.objects.select_related("region").get(pk=problem.district_id)
    start = timezone.localdate(problem.response_at)
    end = min(
        timezone.localdate(moment) - dt.timedelta(days=1),
        last_day(user, Area(region=district.region, district=district)),
    )
    if (end - start).days < 90:
        return {}
    try:
        verdict, n = measures.evaluate_places(
            user=user,
            region_id=problem.region_id,
            district_id=problem.district_id,
            target=measures.Place(problem.lat, problem.lon, problem.radius_m),
            control=measures.Place(control[0], control[1], problem.radius_m),
            start=start,
            end=end,
        )
    except AnalysisError:
        return {}
    return sara.summary(verdict, n, control=control)


def _case_answers(
    rng: np.random.Generator,
    problem: Problem,
    by_stage: dict[str, list[ChecklistQuestion]],
    texts: dict[str, str],
    at: dict[str, dt.datetime],
    evaluated_at: dt.datetime | None,
    now: dt.datetime,
) -> list[ChecklistAnswer]:
    """Every question of the stages passed answered; of the current stage, the first few."""
    out: list[ChecklistAnswer] = []
    reached = STAGES[: STAGES.index(problem.stage) + 1]
    for name in reached:
        questions = [q for q in by_stage.get(name, []) if q.code in texts]
        if name == problem.stage and questions:
            if name == "assessment":
                k = 3 if problem.evaluation else int(rng.integers(0, 2))
            else:
                k = int(rng.integers(1, len(questions) + 1))
            questions = questions[:k]
        after = STAGES.index(name) + 1
        end = at[STAGES[after]] if after < len(reached) else now
        for q in questions:
            start = at[name]
            if q.code == "as_change" and evaluated_at is not None:
                start = evaluated_at
            out.append(
                ChecklistAnswer(
                    problem=problem,
                    question=q,
                    text=texts[q.code],
                    answered_by=DEMO_USER,
                    answered_at=_between(rng, start, end - dt.timedelta(minutes=1)),
                )
            )
    return out


# --- partnership -----------------------------------------------------------------------------

# Partners of the whole city (no district), then a pool dealt out over the districts besides a
# few district akimats: (kind, made-up name; {n} a number, {street}/{house} an address, {micro}
# a microdistrict, {small} a number below 10). The contact is the organisation's: a made-up office phone of the unused
# 000 exchange or an example.kz address.
CITY_PARTNERS = (
    ("social", "КГУ «Городской центр социальной профилактики»"),
    ("health", "ГКП на ПХВ «Городской центр психического здоровья», филиал № {small}"),
)
DISTRICT_PARTNERS = (
    ("school", "КГУ «Школа-гимназия № {n}»"),
    ("school", "КГУ «Общеобразовательная школа № {n}»"),
    ("school", "«№ {n} мектеп-лицей» КММ"),
    ("school", "ГККП «Колледж сервиса и технологий № {n}»"),
    ("health", "ГКП на ПХВ «Городская поликлиника № {n}»"),
    ("health", "ГКП на ПХВ «Центр первичной медико-санитарной помощи № {n}»"),
    ("social", "КГУ «Центр оказания специальных социальных услуг № {small}»"),
    ("social", "КГУ «Центр поддержки семьи № {small}»"),
    ("ngo", "ОФ «Безопасный двор»"),
    ("ngo", "ОО «Совет ветеранов микрорайона {micro}»"),
    ("ngo", "ОФ «Молодёжный центр „Жастар-{n}“»"),
    ("business", "ТОО «Торговый дом „Береке-{n}“»"),
    ("business", "ТОО «Служба такси „Жол-{n}“»"),
    ("business", "ИП «Компьютерный клуб „Арена-{n}“»"),
    ("business", "ТОО «Охранное агентство „Қалқан-{n}“»"),
    ("residents", "ОСИ «{street}, {house}»"),
    ("residents", "КСК «{micro}»"),
    ("residents", "Совет общественности микрорайона {micro}"),
    ("residents", "ОСИ «мкр. {micro}, дом {house}»"),
)
DISTRICT_AKIMAT = "«{name} әкімінің аппараты» ММ"
AKIMATS = 3  # districts whose akimat is a partner: the demo inspector's and two more
EMAIL_PREFIX = {"ngo": "ngo", "business": "office", "residents": "osi"}
MEMORANDUM_SUBJECT = {
    "akimat": "о взаимодействии в профилактике правонарушений на территории района",
    "school": "о профилактике правонарушений среди учащихся",
    "health": "о совместной профилактике алкоголизма и наркомании",
    "social": "о помощи семьям в трудной жизненной ситуации и пострадавшим от бытового насилия",
    "ngo": "о совместных профилактических мероприятиях",
    "business": "о видеонаблюдении и освещении прилегающей территории",
    "residents": "о безопасности двора и участии жителей в охране порядка",
}
MEMORANDUM_SHARE = 0.5
MEMORANDUM_EXPIRED = 2  # memoranda signed 13-33 months ago for a year: expired
MEMORANDUM_TERMS = (None, 1, 2, 3)  # years; None: open-ended

COMMISSION_AGENDA = (
    "О состоянии профилактики бытового насилия и исполнении защитных предписаний",
    "О занятости несовершеннолетних в летний период и профилактике правонарушений среди них",
    "Об освещении улиц и дворов и подключении камер видеонаблюдения",
    "О профилактике мошенничества в отношении пожилых граждан",
    "О ресоциализации лиц, освобождённых из мест лишения свободы",
    "О профилактике распития спиртного в общественных местах и продаже алкоголя ночью",
    "О безопасности дорожного движения у школ",
    "О противодействии распространению наркотиков через надписи на стенах и интернет",
    "Об участии жителей в охране общественного порядка",
)
PREVIOUS_DECISIONS = "Об исполнении решений предыдущего заседания"
# (decision, who is responsible ({of}: "города" or "района"), the follow-up once carried out)
DECISIONS = (
    (
        "Восстановить освещение во дворах и на пешеходных переходах по перечню полиции",
        "Акимат {of} (отдел ЖКХ)",
        "Исполнено: заменено и установлено 46 светильников, акт приёмки направлен в комиссию.",
    ),
    (
        "Провести в школах классные часы о безопасности и ответственности несовершеннолетних",
        "Управление образования",
        "Исполнено: классные часы прошли в 24 школах.",
    ),
    (
        "Организовать летнюю занятость подростков, состоящих на профилактическом учёте",
        "Управление занятости и социальных программ",
        "Исполнено: 37 подростков трудоустроены на лето, остальные записаны в секции.",
    ),
    (
        "Усилить вечернее патрулирование у мест массового отдыха",
        "Управление полиции {of}",
        "Исполнено: маршруты патрулей изменены, ежедневно с 19 до 23 часов.",
    ),
    (
        "Проверить соблюдение правил продажи алкоголя в ночное время",
        "Административная полиция",
        "Исполнено: проверено 58 торговых объектов, составлено 11 протоколов.",
    ),
    (
        "Вывести камеры видеонаблюдения дворов на Центр оперативного управления",
        "Акимат {of}, объединения собственников имущества",
        "Исполнено: подключено 25 камер в 9 дворах.",
    ),
    (
        "Провести встречи с пожилыми жителями о схемах мошенничества",
        "Центр социального обслуживания, служба участковых инспекторов",
        "Исполнено: 14 встреч в советах ветеранов, вручено 1 200 памяток.",
    ),
    (
        "Обеспечить места в кризисном центре для пострадавших от бытового насилия",
        "Управление занятости и социальных программ",
        "Исполнено: заключён договор с кризисным центром на 12 мест.",
    ),
    (
        "Установить искусственные неровности и знаки «Дети» у школ",
        "Управление автомобильных дорог",
        "Исполнено: неровности и знаки установлены у 8 школ.",
    ),
    (
        "Провести вечерние рейды по местам сбора несовершеннолетних",
        "Подразделение по делам несовершеннолетних",
        "Исполнено: 6 рейдов, 23 подростка без сопровождения взрослых переданы родителям.",
    ),
    (
        "Закрасить надписи с рекламой наркотиков и направить ссылки на блокировку",
        "Акимат {of}, служба по противодействию наркопреступности",
        "Исполнено: закрашено 140 надписей, 37 ссылок направлены на блокировку.",
    ),
    (
        "Помочь с работой лицам, освобождённым из мест лишения свободы",
        "Служба пробации, центр занятости",
        "Исполнено: проведена сверка, 9 человек трудоустроены.",
    ),
    (
        "Создать опорные пункты добровольцев (ОПОП) в новых микрорайонах",
        "Акимат {of}, объединения собственников имущества",
        "Исполнено: созданы 4 ОПОП, записались 52 добровольца.",
    ),
    (
        "Отловить безнадзорных собак по обращениям жителей",
        "Акимат {of} (ветеринарная служба)",
        "Исполнено: закрыты заявки по 17 адресам.",
    ),
)
DROPPED = (
    "Снято с контроля: вопрос включён в план акимата на следующий год.",
    "Снято с контроля решением комиссии: средства не выделены, вопрос перенесён.",
    "Снято с контроля: объединено с решением следующего заседания.",
)
COMMISSION_MEETINGS = (3, 4)  # per commission, over the last year
MEETING_DECISIONS = (2, 4)

# Meetings with residents: sectors, meetings per sector, kinds and attendance (assumed).
MEETING_SECTORS = 30
MEETINGS_PER_SECTOR = (1, 3)
MEETING_DAYS = 182  # over the last six months
MEETING_KINDS = (("meeting", 0.5), ("open_day", 0.2), ("street", 0.3))
ATTENDANCE = {"meeting": (25, 120), "open_day": (8, 40), "street": (8, 45)}
PLACES = {
    "meeting": (
        "школа № {n}, актовый зал",
        "школа-гимназия № {n}, актовый зал",
        "помещение ОСИ, {street}, {house}",
        "библиотека № {n}, читальный зал",
        "акимат района, зал заседаний",
        "колледж № {n}, конференц-зал",
    ),
    "open_day": ("участковый пункт полиции № {n}", "участковый пункт полиции, мкр. {micro}"),
    "street": (
        "двор дома {street}, {house}",
        "двор домов мкр. {micro}, {house}–{house2}",
        "детская площадка у дома {street}, {house}",
    ),
}
PRIORITIES_PER_MEETING = (1, 4)
# (what residents raised, what the police did about it; {k} a count 2-14)
CONCERNS = (
    (
        "Машины превышают скорость у школы, дети переходят дорогу без светофора",
        "Вместе с акиматом района установили искусственную неровность и знаки у школы; "
        "по утрам у перехода дежурит наряд.",
    ),
    (
        "Во дворе по вечерам распивают спиртное",
        "Провели вечерние проверки двора, протоколов за распитие составлено: {k}; ОСИ перенесло "
        "лавочки ближе к окнам.",
    ),
    (
        "Тёмный подземный переход, вечером страшно ходить",
        "Акимат района восстановил освещение в переходе; вечером переход включён в маршрут "
        "патруля.",
    ),
    (
        "Шумные соседи по ночам",
        "Участковый провёл беседу с жильцами квартиры, вынесено предупреждение; повторных жалоб "
        "нет.",
    ),
    (
        "Во дворе бегают безнадзорные собаки",
        "Заявка передана в ветеринарную службу акимата, собак отловили; ОСИ закрыло площадку с "
        "мусорными баками.",
    ),
    (
        "Из машин во дворе крадут вещи и аккумуляторы",
        "Добавили ночные обходы дворов, ОСИ установило камеры у въезда; жильцам раздали памятки.",
    ),
    (
        "На стенах домов надписи с рекламой наркотиков",
        "Надписи закрашены силами ОСИ и акимата; ссылок направлено на блокировку: {k}.",
    ),
    (
        "Подростки допоздна собираются у компьютерного клуба",
        "Проверили соблюдение комендантского часа, с владельцем клуба проведена беседа; "
        "инспектор по делам несовершеннолетних посетил семьи.",
    ),
    (
        "Мошенники звонят пожилым соседям",
        "Провели встречу в совете ветеранов, пожилым жителям вручили памятки о схемах обмана.",
    ),
    (
        "Не работает освещение во дворе и на детской площадке",
        "Заявка направлена в акимат района, светильники заменены.",
    ),
    (
        "Машины паркуются на тротуаре и газоне",
        "С административной полицией провели рейд, водителей привлечено к ответственности: {k}; "
        "установлены ограждения.",
    ),
    (
        "В магазине у дома ночью продают спиртное",
        "Магазин проверен, составлен протокол за продажу алкоголя в ночное время; материалы "
        "направлены в акимат.",
    ),
    (
        "Самокаты и мопеды ездят по тротуарам",
        "Провели рейды у школ и в сквере; с прокатом самокатов согласованы зоны медленной езды.",
    ),
    (
        "В подъезде ночуют люди без определённого места жительства",
        "С социальной службой района помогли устроиться в центр адаптации; ОСИ отремонтировало "
        "домофон.",
    ),
    (
        "Драки у бара по выходным",
        "Владелец бара выставил охрану на улице до закрытия; в ночь на выходные у бара дежурит "
        "наряд.",
    ),
    (
        "Из подъезда пропадают велосипеды и коляски",
        "Отремонтированы дверь и домофон, оборудовано место для колясок; скупки района проверены.",
    ),
)
CASE_CONCERN = "Просим разобраться: {title}"
CASE_ANSWER = (
    "Взято в работу как проблемная ситуация «{title}»; меры выполняются вместе с партнёрами."
)
# Status of a priority by the days since its meeting: (older than, answered, case); the rest
# stay open. A case needs a demo problem case of the same sector, else it is answered.
PRIORITY_STATUS = ((45, 0.75, 0.1), (15, 0.45, 0.05), (-1, 0.15, 0.0))
PUBLISHED = 0.7


def _fill(rng: np.random.Generator, template: str) -> str:
    """A made-up name or place from a template."""
    house = int(rng.integers(1, 200))
    return template.format(
        n=int(rng.integers(2, 160)),
        small=int(rng.integers(1, 10)),
        street=STREETS_RU[int(rng.integers(len(STREETS_RU)))],
        house=house,
        house2=house + 2,
        micro=MICRODISTRICTS[int(rng.integers(len(MICRODISTRICTS)))],
    )


def _partners(
    seed: int, region: Region, districts: list[District], home: District, today: dt.date
) -> int:
    """Partners of the city and its districts, about half with a memorandum (some expired)."""
    rng = rng_for(seed, "prevention", "partners")
    order = [home] + [d for d in districts if d.pk != home.pk]
    rows: list[tuple[str, str, District | None]] = [
        (kind, _fill(rng, name), None) for kind, name in CITY_PARTNERS
    ]
    others = [order[1 + int(i)] for i in rng.permutation(len(order) - 1)]
    rows += [
        ("akimat", DISTRICT_AKIMAT.format(name=d.name_kk), d)
        for d in [home, *others[: AKIMATS - 1]]
    ]
    pool = [DISTRICT_PARTNERS[int(i)] for i in rng.permutation(len(DISTRICT_PARTNERS))]
    rows += [(kind, _fill(rng, name), order[i % len(order)]) for i, (kind, name) in enumerate(pool)]
    partners: list[Partner] = []
    for i, (kind, name, district) in enumerate(rows):
        if kind in EMAIL_PREFIX:
            contact = f"{EMAIL_PREFIX[kind]}{i + 1:02d}@example.kz"
        else:
            contact = f"+7 727 000 {int(rng.integers(100)):02d} {int(rng.integers(100)):02d}"
        partners.append(
            Partner(
                name=name,
                kind=kind,
                region=region,
                district=district,
                contact=contact,
                created_by=DEMO_USER,
                is_demo=True,
            )
        )
    with_memorandum = rng.permutation(len(partners))[: round(MEMORANDUM_SHARE * len(partners))]
    for k, i in enumerate(with_memorandum):
        p = partners[int(i)]
        if k < MEMORANDUM_EXPIRED:
            signed = today - dt.timedelta(days=int(rng.integers(400, 1000)))
            term: int | None = 1
        else:
            signed = today - dt.timedelta(days=int(rng.integers(10, 1096)))
            term = MEMORANDUM_TERMS[int(rng.integers(len(MEMORANDUM_TERMS)))]
        number = f"№ {int(rng.integers(3, 120))}/{signed.year}"
        p.memorandum = f"{number} {MEMORANDUM_SUBJECT[p.kind]}"
        p.memorandum_signed_on = signed
        p.memorandum_ends_on = None if term is None else signed + dt.timedelta(days=365 * term)
    Partner.objects.bulk_create(partners)
    return len(partners)


def _decision(
    rng: np.random.Generator,
    template: tuple[str, str, str],
    held: dt.date,
    today: dt.date,
    due: dt.date,
) -> Decision:
    """A decision due on `due`: ahead, open (one in ten already done); past due, of a meeting
    less than 120 days ago half done and half open, of an older one 80 % done, 10 % dropped and
    10 % still open."""
    text, owner, done_text = template
    draw = rng.random()
    if due >= today:
        status = "done" if draw < 0.1 else "open"
    elif (today - held).days < 120:
        status = "done" if draw < 0.5 else "open"
    else:
        status = "done" if draw < 0.8 else "dropped" if draw < 0.9 else "open"
    done_on, follow_up = None, ""
    if status == "done":
        day = due + dt.timedelta(days=int(rng.integers(-20, 9)))
        done_on, follow_up = min(max(day, held + dt.timedelta(days=1)), today), done_text
    elif status == "dropped":
        last = min(due + dt.timedelta(days=30), today)
        day = held + dt.timedelta(days=int(rng.integers(14, max((last - held).days, 14) + 1)))
        done_on, follow_up = min(day, today), DROPPED[int(rng.integers(len(DROPPED)))]
    return Decision(
        text=text, owner=owner, due_on=due, status=status, done_on=done_on, follow_up=follow_up
    )


def _commissions(
    seed: int, region: Region, district: District, today: dt.date
) -> tuple[int, int, int]:
    """The city's commission and the demo inspector's district's, each with 3-4 meetings over
    the last year and 2-4 decisions a meeting, due 2-17 weeks after it; the latest meeting of
    each has one decision open ahead and one open overdue, and if no decision was withdrawn the
    earliest one carried out is. Returns (commissions, meetings, decisions)."""
    rng = rng_for(seed, "prevention", "commissions")
    specs = (
        (
            f"Межведомственная комиссия по профилактике правонарушений при акимате города "
            f"{region.name_ru}",
            "region",
            None,
            "Заместитель акима города",
            "города",
        ),
        (
            f"Межведомственная комиссия по профилактике правонарушений ({district.name_ru})",
            "district",
            district,
            "Заместитель акима района",
            "района",
        ),
    )
    decisions: list[Decision] = []
    meetings = 0
    for name, level, where, chair, of in specs:
        commission = Commission.objects.create(
            name=name, level=level, region=region, district=where, chair=chair, is_demo=True
        )
        # The decisions are dealt from a shuffled deck: few repeat within a commission.
        deck = [DECISIONS[int(i)] for i in rng.permutation(len(DECISIONS))]
        dealt = 0
        k = int(rng.integers(COMMISSION_MEETINGS[0], COMMISSION_MEETINGS[1] + 1))
        for j in range(k):  # about evenly over the year; the latest 31-76 days ago
            back = round(365 - (j + 0.5) * 365 / k) + int(rng.integers(-15, 16))
            held = today - dt.timedelta(days=back)
            items = [COMMISSION_AGENDA[int(i)] for i in rng.permutation(len(COMMISSION_AGENDA))]
            items = items[: int(rng.integers(2, 4))]
            if j:
                items.insert(0, PREVIOUS_DECISIONS)
            meeting = CommissionMeeting.objects.create(
                commission=commission,
                held_on=held,
                agenda="\n".join(f"{n}. {item}." for n, item in enumerate(items, 1)),
                created_by=DEMO_USER,
            )
            meetings += 1
            n = int(rng.integers(MEETING_DECISIONS[0], MEETING_DECISIONS[1] + 1))
            for m in range(n):
                text, owner, done_text = deck[dealt % len(deck)]
                dealt += 1
                due = held + dt.timedelta(days=int(rng.integers(14, 121)))
                latest = j == k - 1
                if latest and m == 0:  # the latest meeting has one decision ahead
                    due = today + dt.timedelta(days=int(rng.integers(7, 61)))
                elif latest and m == 1:  # and one overdue (the meeting was 30+ days ago)
                    due = today - dt.timedelta(days=int(rng.integers(3, 21)))
                    due = max(due, held + dt.timedelta(days=1))
                decision = _decision(rng, (text, owner.format(of=of), done_text), held, today, due)
                if latest and m < 2:
                    decision.status, decision.done_on, decision.follow_up = "open", None, ""
                decision.meeting = meeting
                decisions.append(decision)
    if not any(d.status == "dropped" for d in decisions):  # the demo shows a withdrawn one
        done = [d for d in decisions if d.status == "done"]
        if done:
            first = min(done, key=lambda d: d.due_on)
            first.status, first.follow_up = "dropped", DROPPED[int(rng.integers(len(DROPPED)))]
    Decision.objects.bulk_create(decisions)
    return len(specs), meetings, len(decisions)


def _meeting_days(rng: np.random.Generator, count: int, home: bool) -> list[int]:
    """Days back of a sector's meetings, oldest first: within the last six months; the demo
    inspector's oldest 60-170 days ago (its priorities answered by now), its latest 3-30."""
    if home:
        days = [int(rng.integers(60, 171)), int(rng.integers(3, 31))]
        days += [int(rng.integers(31, 60)) for _ in range(count - 2)]
    else:
        days = [int(d) for d in rng.integers(1, MEETING_DAYS + 1, count)]
    return sorted(days, reverse=True)


def _priority(
    rng: np.random.Generator,
    meeting: ResidentMeeting,
    concern: tuple[str, str],
    cases: list[tuple[int, str]],
    today: dt.date,
    status: str | None = None,
) -> Priority:
    """A priority of the meeting: open, answered ("what we did", 70 % published) or taken up as
    one of the sector's demo problem cases; `status` forces one."""
    age = (today - meeting.held_on).days
    if status is None:
        _, answered, case = next(s for s in PRIORITY_STATUS if age > s[0])
        draw = rng.random()
        status = "answered" if draw < answered else "case" if draw < answered + case else "open"
    if status == "case" and not cases:
        status = "answered"
    text, answer = concern[0], ""
    problem_id: int | None = None
    answered_on: dt.date | None = None
    if status == "answered":
        answer = concern[1].format(k=int(rng.integers(2, 15)))
    elif status == "case":
        problem_id, title = cases[int(rng.integers(len(cases)))]
        text = CASE_CONCERN.format(title=title[0].lower() + title[1:])
        answer = CASE_ANSWER.format(title=title)
    if status != "open":
        span = min(max(age, 0), 40)
        answered_on = meeting.held_on + dt.timedelta(days=int(rng.integers(min(2, span), span + 1)))
    return Priority(
        meeting=meeting,
        concern=text,
        status=status,
        answer=answer,
        answered_on=answered_on,
        problem_id=problem_id,
        published=status != "open" and rng.random() < PUBLISHED,
    )


def _resident_meetings(
    seed: int, sectors: list[Sector], home: Sector, today: dt.date
) -> tuple[int, int]:
    """Meetings with residents in about 30 sectors (the demo inspector's, those with demo problem
    cases, then others at random), 1-3 each over the last six months, with 1-4 priorities
    each. Returns (meetings, priorities)."""
    rng = rng_for(seed, "prevention", "meetings")
    cases: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for sector_id, pk, title in (
        Problem.objects.filter(is_demo=True).order_by("pk").values_list("sector_id", "pk", "title")
    ):
        cases[sector_id].append((pk, title))
    chosen = [home] + [s for s in sectors if s.pk in cases and s.pk != home.pk]
    rest = [s for s in sectors if s not in chosen]
    extra = max(MEETING_SECTORS - len(chosen), 0)
    chosen += [rest[int(i)] for i in rng.permutation(len(rest))[:extra]]
    chosen = sorted(chosen[:MEETING_SECTORS], key=lambda s: s.code)

    planned: list[tuple[ResidentMeeting, bool]] = []  # (meeting, the inspector's oldest)
    for sector in chosen:
        low, high = MEETINGS_PER_SECTOR
        is_home = sector.pk == home.pk
        count = int(rng.integers(max(low, 2) if is_home else low, high + 1))
        for j, back in enumerate(_meeting_days(rng, count, is_home)):
            kind = _pick(rng, MEETING_KINDS)
            low_n, high_n = ATTENDANCE[kind]
            templates = PLACES[kind]
            meeting = ResidentMeeting(
                region_id=sector.district.region_id,
                district_id=sector.district_id,
                sector=sector,
                kind=kind,
                held_on=today - dt.timedelta(days=back),
                place=_fill(rng, templates[int(rng.integers(len(templates)))]),
                attendance=int(rng.integers(low_n, high_n + 1)),
                created_by=DEMO_USER,
                is_demo=True,
            )
            planned.append((meeting, is_home and j == 0))
    meetings = [m for m, _ in planned]
    ResidentMeeting.objects.bulk_create(meetings)
    priorities: list[Priority] = []
    for meeting, showcase in planned:
        low, high = PRIORITIES_PER_MEETING
        count = int(rng.integers(max(low, 2) if showcase else low, high + 1))
        for k, i in enumerate(rng.permutation(len(CONCERNS))[:count]):
            sector_cases = cases.get(meeting.sector_id, [])
            forced = None
            if showcase:  # the inspector's pages and district report show both outcomes
                forced = "answered" if k == 0 else "case" if k == 1 else None
            p = _priority(rng, meeting, CONCERNS[int(i)], sector_cases, today, forced)
            if showcase and k == 0:
                p.published = True
            priorities.append(p)
    Priority.objects.bulk_create(priorities)
    return len(meetings), len(priorities)


def _partnership(
    seed: int, region: Region, sectors: list[Sector], now: dt.datetime
) -> dict[str, int]:
    """Partners, the two commissions and meetings with residents (after the problem cases,
    which some residents' priorities are taken up as)."""
    today = timezone.localdate(now)
    home = _inspector_sector(sectors)
    districts = list(District.objects.filter(region=region).order_by("code"))
    partners = _partners(seed, region, districts, home.district, today)
    commissions, meetings, decisions = _commissions(seed, region, home.district, today)
    resident_meetings, priorities = _resident_meetings(seed, sectors, home, today)
    return {
        "partners": partners,
        "commissions": commissions,
        "commission_meetings": meetings,
        "commission_decisions": decisions,
        "resident_meetings": resident_meetings,
        "resident_priorities": priorities,
    }


# --- the hook --------------------------------------------------------------------------------


def build(*, seed: int, years: list[int]) -> dict[str, int]:
    """The register, assessments, problem cases and partnership of the demo city, anchored to
    now (`years` is not needed: they are live data, of the last eighteen, twelve and about
    sixteen months, and the partnership's of the last one to three years)."""
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
        cases, tasks, evaluations = _problems(seed, sectors, now) if sectors else (0, 0, 0)
        partnership = _partnership(seed, region, sectors, now) if sectors else {}
        working_time = demo_worktime.build(seed, timezone.localdate(now))
        admin_cases, admin_steps = demo_admin_cases.build(seed, sectors, now)
        social = demo_social_map.build(seed, sectors, timezone.localdate(now))
    return {
        "admin_cases": admin_cases,
        "admin_case_steps": admin_steps,
        **social,
        "working_time_entries": working_time,
        "preventive_register": people,
        "preventive_contacts": contacts,
        "dv_assessments": assessments,
        "problem_cases": cases,
        "problem_tasks": tasks,
        "problem_evaluations": evaluations,
        **partnership,
    }


def delete() -> None:
    """Remove what `build` made: demo partners, commissions (their meetings and decisions go
    with them) and meetings with residents (their priorities go with them), demo problem cases
    (their incidents, answers, triangle and tasks go with them), demo supervisions (their contacts go with them), demo assessments, and
    the people only they referred to."""
    with transaction.atomic():
        demo_worktime.delete()
        admin_people = demo_admin_cases.delete()
        demo_social_map.delete()
        Partner.objects.filter(is_demo=True).delete()
        Commission.objects.filter(is_demo=True).delete()
        ResidentMeeting.objects.filter(is_demo=True).delete()
        Problem.objects.filter(is_demo=True).delete()
        people = set(Supervision.objects.filter(is_demo=True).values_list("person_id", flat=True))
        for name in ("victim_id", "offender_id"):
            people |= set(
                DvAssessment.objects.filter(is_demo=True)
                .exclude(**{name: None})
                .values_list(name, flat=True)
            )
        # By the parents' ids in batches, not a join: inside one transaction PostgreSQL has no
        # statistics for the rows just written and plans the join's semi-join quadratically.
        demo = list(Supervision.objects.filter(is_demo=True).values_list("pk", flat=True))
        for start in range(0, len(demo), 500):
            Contact.objects.filter(supervision_id__in=demo[start : start + 500]).delete()
        Supervision.objects.filter(is_demo=True).delete()
        DvAssessment.objects.filter(is_demo=True).delete()
        _delete_unreferenced_people(people | admin_people)


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
