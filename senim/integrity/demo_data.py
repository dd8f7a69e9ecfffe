"""Synthetic integrity data for `senim demo`: a national roster of officers with five years of
complaints against them, internal checks and findings, disciplinary measures, commendations,
duty records and training, then an early-intervention run over it (docs/demo.md, "Integrity").

All of it is synthetic and labelled so. The histories come from the pure library's simulator
(`senim.analytics.early_intervention.simulate_histories`): each officer carries a latent risk,
persistent and drifting, with the strain of overwork, from which every month's counts are drawn,
so some misconduct is predictable from the history, with noise. The roster's size (3,000
officers) is assumed, not a staffing figure; its units are the district police departments of
every region, chosen in proportion to population; the women's share is drawn between 6 and 12 %
(seed `000_…`, §5). Ill-treatment complaints are the safeguards register's and are not invented
here. Badge numbers start with "S" so they never collide with real ones.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from senim.analytics.early_intervention import simulate_histories
from senim.core.calendar import add_working_days, holidays
from senim.core.models import Officer, Region, Unit
from senim.demo.cities import population_2025
from senim.demo.common import LOCAL_ZONE, rng_for
from senim.integrity import early
from senim.integrity.models import (
    Commendation,
    CommendationKind,
    ComplaintKind,
    ComplaintSource,
    ComplaintStatus,
    Course,
    DisciplinaryMeasure,
    Duty,
    DutyMonth,
    Finding,
    Intervention,
    MeasureKind,
    OfficerComplaint,
    OfficerFile,
    ProgrammeMeasure,
    Rank,
    RiskFlag,
    RiskModel,
    Screening,
    ServiceStatus,
    SupportContact,
    Training,
)
from senim.integrity.services import ANSWER_WORKING_DAYS, CHECK_DAYS

ROSTER = 3000  # officers (assumed: a sample roster, not the police's staffing)
HISTORY_YEARS = 6  # the simulator's years, the last one being the current
DUTY_MONTHS = 24  # months of duty records kept per officer
BADGE_PREFIX = "S"
KIND_OF_SIGNAL = {
    "complaints_rudeness": ComplaintKind.RUDENESS,
    "complaints_inaction": ComplaintKind.INACTION,
    "complaints_unlawful_detention": ComplaintKind.UNLAWFUL_DETENTION,
    "complaints_bribery": ComplaintKind.BRIBERY,
    "complaints_abuse": ComplaintKind.ABUSE_OF_OFFICE,
}
DUTY_OF = {
    "patrol": Duty.PATROL,
    "traffic": Duty.ROAD_POLICE,
    "district_inspector": Duty.DISTRICT_INSPECTOR,
    "investigation": Duty.INVESTIGATION,
    "custody": Duty.CUSTODY,
}
SOURCES = (
    ComplaintSource.E_OTINISH,
    ComplaintSource.APPEAL,
    ComplaintSource.PORTAL,
    ComplaintSource.INTERNAL_SECURITY,
)
SOURCE_P = (0.45, 0.3, 0.15, 0.1)
MEASURES = (
    MeasureKind.REMARK,
    MeasureKind.REPRIMAND,
    MeasureKind.SEVERE_REPRIMAND,
    MeasureKind.INCOMPLETE_CONFORMITY,
    MeasureKind.DISMISSAL,
)
MEASURE_P = (0.35, 0.3, 0.2, 0.1, 0.05)
# Complaint texts are what citizens write, in Kazakh or Russian; these stand in for them.
SUMMARIES: dict[str, tuple[str, str]] = {
    ComplaintKind.RUDENESS: (
        "Қызметкер дөрекі сөйлеп, түсініктеме беруден бас тартты.",
        "Сотрудник грубо разговаривал и отказался дать объяснения.",
    ),
    ComplaintKind.INACTION: (
        "Өтініш бойынша ешқандай шара қолданылмады.",
        "По заявлению не было принято никаких мер.",
    ),
    ComplaintKind.UNLAWFUL_DETENTION: (
        "Негізсіз ұсталып, хаттамасыз бөлімге апарылды.",
        "Задержали без оснований и доставили в отдел без протокола.",
    ),
    ComplaintKind.BRIBERY: (
        "Хаттама толтырмау үшін ақша талап етілді.",
        "Требовали деньги за то, чтобы не составлять протокол.",
    ),
    ComplaintKind.ABUSE_OF_OFFICE: (
        "Қызметкер өкілеттігін жеке мақсатта пайдаланды.",
        "Сотрудник использовал полномочия в личных целях.",
    ),
}


def _units(rng: np.random.Generator, count: int) -> list[Unit]:
    """`count` district police departments, drawn in proportion to their region's population."""
    regions = list(Region.objects.order_by("iso"))
    weights = np.array([population_2025(r) for r in regions], dtype=np.float64)
    by_region: dict[int, list[Unit]] = {}
    for unit in Unit.objects.filter(kind="district_department").order_by("pk"):
        by_region.setdefault(unit.region_id or 0, []).append(unit)
    present = [i for i, r in enumerate(regions) if by_region.get(r.pk)]
    if not present:
        return []
    p = weights[present] / weights[present].sum()
    chosen = rng.choice(present, size=count, p=p)
    out = []
    for i in chosen:
        units = by_region[regions[i].pk]
        out.append(units[int(rng.integers(0, len(units)))])
    return out


def _moment(rng: np.random.Generator, year: int, month: int, today: dt.date) -> dt.datetime | None:
    last = calendar.monthrange(year, month)[1]
    day = dt.date(year, month, int(rng.integers(1, last + 1)))
    if day >= today:
        return None
    local = dt.datetime.combine(
        day, dt.time(int(rng.integers(8, 19)), int(rng.integers(0, 60))), LOCAL_ZONE
    )
    return local.astimezone(dt.UTC)


def _rank(rng: np.random.Generator, years: float) -> str:
    ladder = [
        Rank.SERGEANT,
        Rank.LIEUTENANT,
        Rank.SENIOR_LIEUTENANT,
        Rank.CAPTAIN,
        Rank.MAJOR,
        Rank.LT_COLONEL,
    ]
    step = int(min(len(ladder) - 1, max(0, years // 3 + rng.integers(-1, 2))))
    return ladder[step]


def _roster(seed: int, today: dt.date, size: int) -> tuple[list[OfficerFile], Any]:
    rng = rng_for(seed, "integrity", "roster")
    sim = simulate_histories(size, HISTORY_YEARS, seed, first_year=today.year - HISTORY_YEARS + 1)
    roster = sim.roster
    n_units = int(roster.unit.max()) + 1
    units = _units(rng, n_units)
    if not units:
        return [], sim
    officers = Officer.objects.bulk_create(
        [
            Officer(badge_number=f"{BADGE_PREFIX}{i + 1:05d}", unit=units[int(u)])
            for i, u in enumerate(roster.unit)
        ],
        batch_size=1000,
    )
    files = []
    for i, officer in enumerate(officers):
        unit = units[int(roster.unit[i])]
        birth = int(roster.birth_year[i])
        joined = min(today.year - 1, birth + 22 + int(rng.integers(0, 8)))
        service_since = dt.date(joined, int(rng.integers(1, 13)), 1)
        post_year = int(rng.integers(joined, today.year + 1))
        post_since = max(service_since, dt.date(post_year, int(rng.integers(1, 13)), 1))
        if post_since > today:
            post_since = service_since
        files.append(
            OfficerFile(
                officer=officer,
                unit=unit,
                region_id=unit.region_id or 0,
                district_id=unit.district_id,
                sex=str(roster.sex[i]),
                birth_year=birth,
                rank=_rank(rng, (today - service_since).days / 365.25),
                duty=DUTY_OF[str(roster.duty[i])],
                service_since=service_since,
                post_since=post_since,
                is_demo=True,
            )
        )
    return OfficerFile.objects.bulk_create(files, batch_size=1000), sim


def _histories(seed: int, files: list[OfficerFile], sim: Any, now: dt.datetime) -> dict[str, int]:
    """Complaints, findings, measures and commendations from the simulator's monthly counts."""
    rng = rng_for(seed, "integrity", "histories")
    today = timezone.localdate(now)
    counts = sim.counts
    by_id = {i + 1: f for i, f in enumerate(files)}
    order = np.lexsort((counts.month, counts.year, counts.officer))
    sustained_left: dict[tuple[int, int, int], int] = {}
    for j in np.nonzero(counts.signal == "complaints_sustained")[0]:
        sustained_left[(int(counts.officer[j]), int(counts.year[j]), int(counts.month[j]))] = int(
            counts.count[j]
        )
    complaints: list[OfficerComplaint] = []
    named: list[OfficerFile] = []
    measures: list[DisciplinaryMeasure] = []
    measure_of: list[int] = []  # index of the complaint a measure follows, -1 for none
    commendations: list[Commendation] = []
    dismissed: dict[int, dt.date] = {}
    for j in order:
        officer_id, year, month = int(counts.officer[j]), int(counts.year[j]), int(counts.month[j])
        signal, count = str(counts.signal[j]), int(counts.count[j])
        officer = by_id[officer_id]
        if officer_id in dismissed or not (
            signal in KIND_OF_SIGNAL or signal in ("discipline", "commendations")
        ):
            continue
        for _ in range(count):
            at = _moment(rng, year, month, today)
            if at is None:
                continue
            day = timezone.localtime(at).date()
            if signal in KIND_OF_SIGNAL:
                kind = KIND_OF_SIGNAL[signal]
                key = (officer_id, year, month)
                sustained = sustained_left.get(key, 0) > 0
                if sustained:
                    sustained_left[key] -= 1
                complaint = _complaint(rng, officer, kind, at, today, sustained)
                complaints.append(complaint)
                named.append(officer)
                if sustained and complaint.finding_at is not None:
                    imposed = min(
                        today,
                        timezone.localdate(complaint.finding_at)
                        + dt.timedelta(days=int(rng.integers(3, 20))),
                    )
                    kind_m = MEASURES[int(rng.choice(len(MEASURES), p=MEASURE_P))]
                    measures.append(_measure(officer, kind_m, imposed, f"IC · {day.isoformat()}"))
                    measure_of.append(len(complaints) - 1)
                    if kind_m == MeasureKind.DISMISSAL:
                        dismissed[officer_id] = imposed
                        break
            elif signal == "discipline":
                kind_m = MEASURES[
                    int(
                        rng.choice(
                            len(MEASURES) - 1, p=np.array(MEASURE_P[:-1]) / sum(MEASURE_P[:-1])
                        )
                    )
                ]
                measures.append(
                    _measure(
                        officer,
                        kind_m,
                        day,
                        f"№ {int(rng.integers(100, 999))}-к, {day.isoformat()}",
                    )
                )
                measure_of.append(-1)
            elif signal == "commendations":
                kind_c = list(CommendationKind)[int(rng.integers(0, len(CommendationKind)))]
                commendations.append(
                    Commendation(
                        officer=officer,
                        kind=kind_c,
                        basis=f"№ {int(rng.integers(100, 999))}, {day.isoformat()}",
                        given_on=day,
                        is_demo=True,
                    )
                )
    complaints = OfficerComplaint.objects.bulk_create(complaints, batch_size=1000)
    through = OfficerComplaint.officers.through
    through.objects.bulk_create(
        [
            through(officercomplaint_id=c.pk, officerfile_id=o.pk)
            for c, o in zip(complaints, named, strict=True)
        ],
        batch_size=2000,
    )
    for measure, index in zip(measures, measure_of, strict=True):
        if index >= 0:
            measure.complaint = complaints[index]
    DisciplinaryMeasure.objects.bulk_create(measures, batch_size=1000)
    Commendation.objects.bulk_create(commendations, batch_size=1000)
    for officer_id, day in dismissed.items():
        officer = by_id[officer_id]
        officer.status, officer.status_since = ServiceStatus.DISMISSED, day
    OfficerFile.objects.bulk_update(
        [by_id[i] for i in dismissed], ["status", "status_since"], batch_size=1000
    )
    return {
        "officer_complaints": len(complaints),
        "disciplinary_measures": len(measures),
        "commendations": len(commendations),
        "dismissals": len(dismissed),
    }


def _complaint(
    rng: np.random.Generator,
    officer: OfficerFile,
    kind: str,
    at: dt.datetime,
    today: dt.date,
    sustained: bool,
) -> OfficerComplaint:
    received = timezone.localtime(at).date()
    age = (today - received).days
    answer_due = add_working_days(received, ANSWER_WORKING_DAYS, days_off=_days_off(today))
    complaint = OfficerComplaint(
        received_at=at,
        kind=kind,
        source=SOURCES[int(rng.choice(len(SOURCES), p=SOURCE_P))],
        region_id=officer.region_id,
        district_id=officer.district_id,
        unit_id=officer.unit_id,
        summary=SUMMARIES[kind][int(rng.integers(0, 2))],
        answer_due=answer_due,
        created_by="demo",
        is_demo=True,
    )
    started = int(rng.integers(1, 6))
    if age <= started:
        return complaint  # registered, the check not started yet
    complaint.status = ComplaintStatus.CHECK
    complaint.check_started_at = at + dt.timedelta(days=started)
    complaint.check_due = received + dt.timedelta(days=started + CHECK_DAYS)
    # Most checks end within their term; an assumed few run past it.
    took = started + int(
        rng.integers(10, CHECK_DAYS + 1)
        if rng.random() < 0.93
        else rng.integers(CHECK_DAYS + 1, 60)
    )
    if age <= took:
        return complaint
    complaint.status = ComplaintStatus.CLOSED if age > took + 20 else ComplaintStatus.FINDING
    complaint.finding = (
        Finding.SUSTAINED
        if sustained
        else (Finding.NOT_SUSTAINED if rng.random() < 0.6 else Finding.UNFOUNDED)
    )
    complaint.finding_at = at + dt.timedelta(days=took)
    complaint.finding_basis = f"IC · {(received + dt.timedelta(days=took)).isoformat()}"
    if complaint.status == ComplaintStatus.CLOSED:
        complaint.closed_at = complaint.finding_at + dt.timedelta(days=int(rng.integers(5, 20)))
    if sustained and complaint.status == ComplaintStatus.FINDING:
        complaint.status = ComplaintStatus.CLOSED
        complaint.closed_at = complaint.finding_at + dt.timedelta(days=20)
    return complaint


@functools.lru_cache(maxsize=4)
def _days_off(today: dt.date) -> frozenset[dt.date]:
    """The holidays of the demo's whole calendar, read once."""
    return frozenset(
        holidays(today - dt.timedelta(days=HISTORY_YEARS * 366), today + dt.timedelta(days=60))
    )


def _measure(officer: OfficerFile, kind: str, on: dt.date, basis: str) -> DisciplinaryMeasure:
    return DisciplinaryMeasure(
        officer=officer, kind=kind, basis=basis, imposed_on=on, imposed_by="demo", is_demo=True
    )


def _duty_and_training(
    seed: int, files: list[OfficerFile], sim: Any, today: dt.date
) -> dict[str, int]:
    rng = rng_for(seed, "integrity", "duty")
    counts = sim.counts
    first = (today.replace(day=1) - dt.timedelta(days=30 * (DUTY_MONTHS - 1))).replace(day=1)
    wanted = {"sick_days", "overtime_hours"}
    month_key = counts.year * 12 + counts.month - 1
    low, high = first.year * 12 + first.month - 1, today.year * 12 + today.month - 2  # full months
    cells: dict[tuple[int, int], dict[str, int]] = {}
    for j in np.nonzero(
        np.isin(counts.signal, list(wanted)) & (month_key >= low) & (month_key <= high)
    )[0]:
        cells.setdefault((int(counts.officer[j]), int(month_key[j])), {})[str(counts.signal[j])] = (
            int(counts.count[j])
        )
    rows = []
    for i, officer in enumerate(files):
        for key in range(low, high + 1):
            month = dt.date(key // 12, key % 12 + 1, 1)
            if month < officer.service_since or (
                officer.status_since and month > officer.status_since
            ):
                continue
            cell = cells.get((i + 1, key), {})
            overtime = min(400, cell.get("overtime_hours", 0))
            sick = min(28, cell.get("sick_days", 0))
            rows.append(
                DutyMonth(
                    officer=officer,
                    month=month,
                    shifts=max(0, 22 - sick // 2 - int(rng.integers(0, 3))),
                    overtime_hours=overtime,
                    longest_without_rest=min(31, 5 + overtime // 12 + int(rng.integers(0, 4))),
                    sick_days=sick,
                )
            )
    DutyMonth.objects.bulk_create(rows, batch_size=2000)
    trainings = []
    for officer in files:
        for course in Course:
            # Human-rights training reaches most officers (assumed share), the others fewer.
            if rng.random() < (0.7 if course == Course.HUMAN_RIGHTS else 0.35):
                start = max(officer.service_since, today - dt.timedelta(days=5 * 365))
                span = max(1, (today - start).days)
                trainings.append(
                    Training(
                        officer=officer,
                        course=course,
                        completed_on=start + dt.timedelta(days=int(rng.integers(0, span))),
                        hours=int(rng.choice([8, 16, 24, 40])),
                    )
                )
    Training.objects.bulk_create(trainings, batch_size=2000)
    return {"duty_months": len(rows), "trainings": len(trainings)}


def _welfare(seed: int, files: list[OfficerFile], today: dt.date) -> dict[str, int]:
    """Screenings (about two in three officers in the last year; scores with a long tail, an
    assumed few above the cut-off) and support contacts after most high scores."""
    rng = rng_for(seed, "integrity", "welfare")
    screenings, contacts = [], []
    for officer in files:
        if officer.status != ServiceStatus.SERVING or rng.random() > 0.65:
            continue
        on = today - dt.timedelta(days=int(rng.integers(1, 330)))
        score = int(min(80, rng.gamma(2.0, 7.0)))
        screenings.append(Screening(officer=officer, on=on, score=score, by="demo", is_demo=True))
        if score >= 33 and rng.random() < 0.6:
            contacts.append(
                SupportContact(
                    officer=officer,
                    kind="consultation",
                    on=min(today, on + dt.timedelta(days=int(rng.integers(2, 20)))),
                    by="demo",
                    is_demo=True,
                )
            )
    Screening.objects.bulk_create(screenings, batch_size=2000)
    SupportContact.objects.bulk_create(contacts, batch_size=2000)
    return {"screenings": len(screenings), "support_contacts": len(contacts)}


# The demo programme (assumed, synthetic): measures of the kind seed 000 §7а asks for.
PROGRAMME = (
    (
        "Полиция қызметкерлерінің барлық патрульдік экипаждарын бейнетіркегіштермен жабдықтау",
        "Оснащение всех патрульных экипажей видеорегистраторами",
        "Body cameras for every patrol crew",
        "Әкімшілік полиция комитеті",
        "Комитет административной полиции",
        "Administrative Police Committee",
        300,
        "in_progress",
    ),
    (
        "Сыбайлас жемқорлыққа қарсы стандарттар бойынша жыл сайынғы оқыту",
        "Ежегодное обучение антикоррупционным стандартам",
        "Yearly training in anti-corruption standards",
        "Кадр жұмысы департаменті",
        "Департамент кадровой работы",
        "Personnel Department",
        -20,
        "planned",
    ),
    (
        "Айыппұлдарды тек қолма-қол ақшасыз төлеу",
        "Оплата штрафов только безналичным способом",
        "Fines paid only without cash",
        "Ақпараттандыру департаменті",
        "Департамент информатизации",
        "Information Technology Department",
        -200,
        "done",
    ),
    (
        "Ішкі тексерістердің нәтижелерін жыл сайын жариялау",
        "Ежегодная публикация итогов служебных проверок",
        "Yearly publication of internal checks' results",
        "Өз қауіпсіздігі департаменті",
        "Департамент собственной безопасности",
        "Internal Security Department",
        120,
        "planned",
    ),
)


def _programme(today: dt.date) -> int:
    rows = []
    for kk, ru, en, okk, oru, oen, days, status in PROGRAMME:
        due = today + dt.timedelta(days=days)
        rows.append(
            ProgrammeMeasure(
                name_kk=kk,
                name_ru=ru,
                name_en=en,
                owner_kk=okk,
                owner_ru=oru,
                owner_en=oen,
                due=due,
                status=status,
                done_on=due if status == "done" else None,
                is_demo=True,
            )
        )
    ProgrammeMeasure.objects.bulk_create(rows)
    return len(rows)


def build(*, seed: int, years: list[int], size: int = ROSTER) -> dict[str, int]:
    """The roster and its histories, anchored to now, and an early-intervention run over them."""
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        files, sim = _roster(seed, today, size)
        if not files:
            return {}
        counts = {"officer_files": len(files)}
        counts |= _histories(seed, files, sim, now)
        counts |= _duty_and_training(seed, files, sim, today)
        counts |= _welfare(seed, files, today)
        counts["programme_measures"] = _programme(today)
        run = early.run(now=now, actor="demo", demo=True)
        counts["early_intervention_flags"] = run.flags
    return counts


def delete() -> None:
    with transaction.atomic():
        ProgrammeMeasure.objects.filter(is_demo=True).delete()
        Intervention.objects.filter(flag__officer__is_demo=True).delete()
        RiskFlag.objects.filter(officer__is_demo=True).delete()
        RiskModel.objects.filter(is_demo=True).delete()
        SupportContact.objects.filter(officer__is_demo=True).delete()
        Screening.objects.filter(officer__is_demo=True).delete()
        DisciplinaryMeasure.objects.filter(officer__is_demo=True).delete()
        Commendation.objects.filter(officer__is_demo=True).delete()
        OfficerComplaint.objects.filter(is_demo=True).delete()
        officers = list(
            OfficerFile.objects.filter(is_demo=True).values_list("officer_id", flat=True)
        )
        OfficerFile.objects.filter(is_demo=True).delete()  # duty months and trainings go with them
        Officer.objects.filter(pk__in=officers, badge_number__startswith=BADGE_PREFIX).delete()
