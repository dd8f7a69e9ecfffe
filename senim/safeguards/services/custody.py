"""Custody register: record a detention, change its times with a reason, the prosecutor's board."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.models import Officer, Region, User
from senim.core.people import person_from, save_person
from senim.core.scope import allowed_region_ids
from senim.safeguards import rules
from senim.safeguards.access import CUSTODY_READ, CUSTODY_WRITE
from senim.safeguards.errors import Conflict, Invalid, NotFound
from senim.safeguards.models import CustodyRecord, SentAlert
from senim.safeguards.services.common import (
    aware,
    facility_for_write,
    in_scope,
    label,
    require,
)

FLAGS = ("prosecutor_notice_in_writing", "lawyer_present", "injuries_recorded", "force_used")
EDITABLE = (*rules.TIME_FIELDS, *FLAGS, "injuries_note", "grounds")


@dataclass(frozen=True)
class CustodyInput:
    source_system: str
    external_id: str
    facility_id: int
    detained_at: dt.datetime
    recorded_at: dt.datetime
    iin: str | None = None
    birth_date: dt.date | None = None
    sex: str = ""
    times: dict[str, dt.datetime | None] = field(default_factory=dict)  # the other times
    prosecutor_notice_in_writing: bool = False
    lawyer_present: bool = False
    injuries_recorded: bool = False
    injuries_note: str = ""
    grounds: str = ""
    force_used: bool = False
    officer_badge: str = ""  # the detaining officer's badge number, when named


def records(*, user: User) -> QuerySet[CustodyRecord]:
    require(user, CUSTODY_READ, _("Your role does not give access to the custody register."))
    return in_scope(
        user, CustodyRecord.objects.select_related("facility", "region", "person", "officer")
    )


def _values(data: CustodyInput) -> dict[str, Any]:
    times = {f: aware(data.times.get(f)) for f in rules.AFTER_DETENTION[1:]}
    return {
        "detained_at": aware(data.detained_at),
        "recorded_at": aware(data.recorded_at),
        **times,
        "prosecutor_notice_in_writing": data.prosecutor_notice_in_writing,
        "lawyer_present": data.lawyer_present,
        "injuries_recorded": data.injuries_recorded or bool(data.injuries_note.strip()),
        "injuries_note": data.injuries_note.strip(),
        "grounds": data.grounds.strip(),
        "force_used": data.force_used,
    }


def officer_in_region(badge: str, region_id: int) -> tuple[Officer | None, str]:
    """The officer with `badge` serving in a unit of `region_id`, or (None, the message).

    An unknown badge and another region's officer get the same answer, so the field reveals
    nothing of other regions' staff."""
    badge = badge.strip()
    if not badge:
        return None, ""
    if len(badge) > 20 or not badge.isprintable():
        return None, _("A badge number is up to 20 printable characters.")
    officer = Officer.objects.filter(badge_number=badge, unit__region_id=region_id).first()
    if officer is None:
        return None, _("No officer with badge %(badge)s serves in this region.") % {"badge": badge}
    return officer, ""


def create(
    *, user: User, data: CustodyInput, now: dt.datetime | None = None
) -> tuple[CustodyRecord, bool]:
    """Record a detention; (record, created). Every problem is reported and nothing is stored."""
    require(user, CUSTODY_WRITE, _("Only duty officers and administrators record custody."))
    now = now or timezone.now()
    values = _values(data)
    facility = facility_for_write(user, data.facility_id)
    person, birth_date, problems = person_from(
        iin=data.iin, birth_date=data.birth_date, sex=data.sex
    )
    problems += rules.time_errors({f: values.get(f) for f in rules.TIME_FIELDS}, now=now)
    officer, officer_problem = officer_in_region(data.officer_badge, facility.region_id)
    if officer_problem:
        problems.append(("officer_badge", officer_problem))
    values["officer"] = officer
    detained = values["detained_at"]
    if (
        birth_date is not None
        and detained is not None
        and birth_date > timezone.localtime(detained).date()
    ):
        problems.append(("birth_date", _("is after the detention")))
    if problems:
        raise Invalid(*problems[0], more=problems[1:])
    key = {"source_system": data.source_system.strip(), "external_id": data.external_id.strip()}
    with transaction.atomic():
        existing = CustodyRecord.objects.filter(**key).first()
        if existing is not None:
            same = all(getattr(existing, k) == v for k, v in values.items())
            if same and existing.facility_id == facility.pk:
                return existing, False
            raise Conflict(
                "external_id", _("This external id is already recorded with other content.")
            )
        record = CustodyRecord(
            **key,
            **values,
            person=save_person(person),
            is_minor=rules.is_minor(birth_date, values["detained_at"]),
            facility=facility,
            region_id=facility.region_id,
            district_id=facility.district_id,
            created_by=user.get_username(),
        )
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            raise Conflict("external_id", _("This external id is already recorded.")) from None
        audit.record(
            action="create",
            model=label(CustodyRecord),
            object_pk=record.pk,
            actor=user.get_username(),
            details={"source": record.source_system, "facility": facility.pk},
        )
    return record, True


def _is_set(value: Any) -> bool:
    return value not in (None, False, "")


def update(
    *,
    user: User,
    pk: int,
    changes: dict[str, Any],
    reason: str = "",
    now: dt.datetime | None = None,
) -> CustodyRecord:
    """Record later events (release, court order …) or correct earlier entries.

    Filling in a time or fact not yet recorded needs no reason; changing or removing one that
    was recorded does, because a moved detention time is how a breach gets hidden (seed 004 §4
    makes distorting these times a crime). Either way the change goes to the audit log.
    """
    require(user, CUSTODY_WRITE, _("Only duty officers and administrators record custody."))
    now = now or timezone.now()
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise Invalid(unknown[0], _("cannot be changed here"))
    reason = reason.strip()
    with transaction.atomic():
        record = records(user=user).select_for_update(of=("self",)).filter(pk=pk).first()
        if record is None:
            raise NotFound("", _("No such custody record in your territory."))
        new = {k: aware(v) if k in rules.TIME_FIELDS else v for k, v in changes.items()}
        # A text sent as null is cleared, not stored as NULL in a NOT NULL column.
        new |= {k: "" for k in ("injuries_note", "grounds") if k in new and new[k] is None}
        changed = {k: (getattr(record, k), v) for k, v in new.items() if getattr(record, k) != v}
        corrected = sorted(k for k, (old, _new) in changed.items() if _is_set(old))
        if corrected and not reason:
            raise Invalid(
                "reason",
                _("A reason is required to change what was already recorded: %(fields)s")
                % {"fields": ", ".join(corrected)},
            )
        times = record.times() | {k: v for k, v in new.items() if k in rules.TIME_FIELDS}
        problems = rules.time_errors(times, now=now)
        if problems:
            raise Invalid(*problems[0], more=problems[1:])
        if not changed:
            return record
        for k, (_old, value) in changed.items():
            setattr(record, k, value)
        if "detained_at" in changed:
            record.is_minor = rules.is_minor(record.person.birth_date, record.detained_at)
        record.save(update_fields=[*changed, "is_minor"])
        audit.record(
            action="correct" if corrected else "update",
            model=label(CustodyRecord),
            object_pk=record.pk,
            actor=user.get_username(),
            details={"changed": {k: [old, v] for k, (old, v) in changed.items()}, "reason": reason},
        )
    return record


def view(*, user: User, pk: int) -> CustodyRecord:
    """One record; reading a person-level record is written to the audit log."""
    record = records(user=user).filter(pk=pk).first()
    if record is None:
        raise NotFound("", _("No such custody record in your territory."))
    audit.record_read(record, actor=user.get_username(), purpose="custody record")
    return record


# --- the prosecutor's board ------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    record: CustodyRecord
    custody: rules.Clock
    prosecutor: rules.Clock
    custody_state: str
    prosecutor_state: str
    hours_held: float
    hours_left: float


@dataclass(frozen=True)
class RegionLine:
    region: Region
    open: int
    warning: int
    breached: int
    prosecutor_late: int


@dataclass
class Board:
    now: dt.datetime
    region: Region | None
    rows: list[BoardRow]
    closed_late: list[BoardRow]
    regions: list[RegionLine]
    alerts: list[SentAlert]

    @property
    def count_warning(self) -> int:
        return sum(1 for r in self.rows if r.custody_state == "warning")

    @property
    def count_breached(self) -> int:
        return sum(1 for r in self.rows if r.custody_state == "breached")

    @property
    def prosecutor_late(self) -> int:
        return sum(1 for r in self.rows if r.prosecutor.broken(self.now))


def _row(record: CustodyRecord, now: dt.datetime) -> BoardRow:
    custody, prosecutor = record.custody_clock, record.prosecutor_clock
    end = custody.met_at or now
    return BoardRow(
        record=record,
        custody=custody,
        prosecutor=prosecutor,
        custody_state=custody.state(now),
        prosecutor_state=prosecutor.state(now),
        hours_held=(end - record.detained_at).total_seconds() / 3600,
        hours_left=(custody.deadline - now).total_seconds() / 3600,
    )


def board(
    *, user: User, region: Region | None = None, now: dt.datetime | None = None, days: int = 30
) -> Board:
    """Open custody with both clocks, custody that ended late in the last `days`, recent alerts."""
    now = now or timezone.now()
    qs = records(user=user)
    if region is not None:
        qs = qs.filter(region=region)
    open_ = [_row(r, now) for r in qs.filter(court_order_at=None, released_at=None)]
    open_.sort(key=lambda r: r.custody.deadline)
    # Custody that ended in the window and may have ended late; the late ones are kept.
    since = now - dt.timedelta(days=days)
    ended = qs.filter(Q(court_order_at__gte=since) | Q(released_at__gte=since))
    late = [row for row in (_row(r, now) for r in ended) if row.custody_state == "late"]
    late.sort(key=lambda r: r.record.detained_at, reverse=True)
    alerts = in_scope(user, SentAlert.objects.select_related("custody", "terminal", "region"))
    if region is not None:
        alerts = alerts.filter(region=region)
    return Board(
        now=now,
        region=region,
        rows=open_,
        closed_late=late,
        regions=_regions(user, open_, now) if region is None else [],
        alerts=list(alerts.exclude(kind="terminal_outage")[:50]),
    )


def _regions(user: User, rows: list[BoardRow], now: dt.datetime) -> list[RegionLine]:
    ids = allowed_region_ids(user)
    regions = Region.objects.all() if ids is None else Region.objects.filter(pk__in=ids)
    by_region: dict[int, list[BoardRow]] = {}
    for row in rows:
        by_region.setdefault(row.record.region_id, []).append(row)
    lines = []
    for region in regions.order_by("iso"):
        mine = by_region.get(region.pk, [])
        lines.append(
            RegionLine(
                region=region,
                open=len(mine),
                warning=sum(1 for r in mine if r.custody_state == "warning"),
                breached=sum(1 for r in mine if r.custody_state == "breached"),
                prosecutor_late=sum(1 for r in mine if r.prosecutor.broken(now)),
            )
        )
    return lines


def yearly_compliance(*, user: User, year: int) -> dict[str, int]:
    """Custody that began in `year`: how many, minors, ended late, prosecutor told late."""
    zone = timezone.get_default_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=zone)
    qs = records(user=user).filter(
        detained_at__gte=start, detained_at__lt=start.replace(year=year + 1)
    )
    now = timezone.now()
    late = prosecutor_late = 0
    for record in qs.only(*rules.TIME_FIELDS, "is_minor", "prosecutor_notice_in_writing"):
        late += record.custody_clock.broken(now)
        prosecutor_late += record.prosecutor_clock.broken(now)
    totals = qs.aggregate(n=Count("id"), minors=Count("id", filter=Q(is_minor=True)))
    return {**totals, "late": late, "prosecutor_late": prosecutor_late}


def officer_custody_events(*, officer_ids: list[int]) -> list[tuple[int, dt.datetime, bool, bool]]:
    """For the integrity app's early-intervention features: every custody record naming one of
    `officer_ids` as the detaining officer, as (officer id, detention time, force or special
    means used, injuries recorded). Facts only: no person, no text."""
    return list(
        CustodyRecord.objects.filter(officer_id__in=officer_ids).values_list(
            "officer_id", "detained_at", "force_used", "injuries_recorded"
        )
    )
