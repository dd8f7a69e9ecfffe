"""Ill-treatment complaints: intake with repeat detection, handlers, the one-day rule, Table 2."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.models import Facility, Officer, Region, Unit, User
from senim.core.people import person_from, save_person
from senim.core.scope import allowed_region_ids
from senim.safeguards import conf, rules
from senim.safeguards.access import COMPLAINT_READ, COMPLAINT_WRITE, allowed
from senim.safeguards.errors import Conflict, Forbidden, Invalid, NotFound
from senim.safeguards.models import (
    Complaint,
    ComplaintChannel,
    ComplaintHandler,
    ComplaintOutcome,
    ComplaintStage,
    ConvictPopulation,
)
from senim.safeguards.services.common import (
    aware,
    check_territory,
    in_scope,
    label,
    require,
)

STEPS = ("registered", "forensic", "video", "outcome")


@dataclass(frozen=True)
class ComplaintInput:
    source_system: str
    external_id: str
    received_at: dt.datetime
    channel: str
    stage: str
    region: str | None = None  # ISO code; taken from the facility or unit when they are given
    facility_id: int | None = None
    unit_id: int | None = None
    officer_id: int | None = None
    event_date: dt.date | None = None
    iin: str | None = None
    complainant_name: str = ""
    complainant_contact: str = ""
    summary: str = ""
    handler_ids: list[int] = field(default_factory=list)
    handled_by: str = ""  # who in the Ombudsman's institution considers it (ComplaintHandler)


def complaints(*, user: User) -> QuerySet[Complaint]:
    require(user, COMPLAINT_READ, _("Your role does not give access to complaints."))
    return in_scope(user, Complaint.objects.select_related("region", "facility", "unit"))


def find_repeat(
    *,
    complainant_id: int | None,
    facility_id: int | None,
    event_date: dt.date | None,
    before: dt.datetime,
) -> Complaint | None:
    """The first earlier complaint by the same person about the same place and events, if any."""
    if complainant_id is None or facility_id is None or event_date is None:
        return None
    window = conf.REPEAT_WINDOW
    return (
        Complaint.objects.filter(
            complainant_id=complainant_id,
            facility_id=facility_id,
            event_date__gte=event_date - window,
            event_date__lte=event_date + window,
            received_at__lt=before,
        )
        .order_by("received_at", "id")
        .first()
    )


def _where(data: ComplaintInput) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Facility, unit, officer and region from the input, with every problem found."""
    problems: list[tuple[str, str]] = []
    found: dict[str, Any] = {}
    for name, model in (("facility_id", Facility), ("unit_id", Unit), ("officer_id", Officer)):
        pk = getattr(data, name)
        if pk is not None:
            obj = model._default_manager.filter(pk=pk).first()
            if obj is None:
                problems.append((name, _("No record with id %(id)s.") % {"id": pk}))
            found[name.removesuffix("_id")] = obj
    facility, unit = found.get("facility"), found.get("unit")
    region = getattr(facility, "region", None) or getattr(unit, "region", None)
    if data.region and region is None:
        region = Region.objects.filter(iso=data.region).first()
        if region is None:
            problems.append(("region", _("Unknown region code %(code)s.") % {"code": data.region}))
    officer = found.get("officer")
    # The officer complained of serves in the complaint's region; another region's officer is
    # answered like an unknown id (the early-intervention features count this link).
    if (
        officer is not None
        and region is not None
        and not Unit.objects.filter(pk=officer.unit_id, region_id=region.pk).exists()
    ):
        problems.append(("officer_id", _("No record with id %(id)s.") % {"id": data.officer_id}))
        found["officer"] = None
    found["region"] = region
    found["district"] = getattr(facility, "district", None) or getattr(unit, "district", None)
    return found, problems


def create(
    *, user: User, data: ComplaintInput, now: dt.datetime | None = None
) -> tuple[Complaint, bool]:
    require(
        user, COMPLAINT_WRITE, _("Only prosecutors and the Ombudsman's office register complaints.")
    )
    now = now or timezone.now()
    received = aware(data.received_at)
    assert received is not None
    where, problems = _where(data)
    if data.channel not in ComplaintChannel.values:
        problems.append(
            (
                "channel",
                _("must be one of: %(allowed)s") % {"allowed": ", ".join(ComplaintChannel.values)},
            )
        )
    if data.stage not in ComplaintStage.values:
        problems.append(
            (
                "stage",
                _("must be one of: %(allowed)s") % {"allowed": ", ".join(ComplaintStage.values)},
            )
        )
    if data.handled_by not in ComplaintHandler.values:
        problems.append(("handled_by", _("Choose one of the offered values.")))
    if received is not None and received > now + rules.FUTURE_SKEW:
        problems.append(
            ("received_at", _("%(time)s is in the future") % {"time": rules.local(received)})
        )
    if data.event_date and received and data.event_date > timezone.localtime(received).date():
        problems.append(("event_date", _("is after the complaint was received")))
    person, _birth, person_problems = (
        person_from(iin=data.iin, birth_date=None) if data.iin else (None, None, [])
    )
    problems += person_problems
    handlers = list(User.objects.filter(pk__in=data.handler_ids, is_active=True))
    missing = sorted(set(data.handler_ids) - {h.pk for h in handlers})
    if missing or any(not allowed(h, COMPLAINT_WRITE) for h in handlers):
        problems.append(
            ("handler_ids", _("Handlers are active prosecutors, NPM monitors or administrators."))
        )
    if problems:
        raise Invalid(*problems[0], more=problems[1:])
    region = where["region"]
    district = where["district"]
    check_territory(
        user,
        region_id=getattr(region, "pk", None),
        district_id=getattr(district, "pk", None),
        field="region",
    )
    key = {"source_system": data.source_system.strip(), "external_id": data.external_id.strip()}
    with transaction.atomic():
        existing = Complaint.objects.filter(**key).first()
        if existing is not None:
            # A resend is recognised only inside the caller's territory: a key recorded in
            # another region gets the same conflict as other content, never that record.
            same_place = existing.region_id == getattr(region, "pk", None)
            if same_place and existing.received_at == received and existing.channel == data.channel:
                return existing, False
            raise Conflict(
                "external_id", _("This external id is already recorded with other content.")
            )
        person = save_person(person)
        facility = where.get("facility")
        complaint = Complaint(
            **key,
            received_at=received,
            channel=data.channel,
            stage=data.stage,
            region=region,
            district=district,
            facility=facility,
            unit=where.get("unit"),
            officer=where.get("officer"),
            event_date=data.event_date,
            complainant=person,
            complainant_name=data.complainant_name.strip(),
            complainant_contact=data.complainant_contact.strip(),
            summary=data.summary.strip(),
            handled_by=data.handled_by,
            repeat_of=find_repeat(
                complainant_id=getattr(person, "pk", None),
                facility_id=getattr(facility, "pk", None),
                event_date=data.event_date,
                before=received,
            ),
            created_by=user.get_username(),
        )
        try:
            with transaction.atomic():
                complaint.save()
        except IntegrityError:
            raise Conflict("external_id", _("This external id is already recorded.")) from None
        complaint.handlers.set({user, *handlers})
        audit.record(
            action="create",
            model=label(Complaint),
            object_pk=complaint.pk,
            actor=user.get_username(),
            details={"repeat_of": complaint.repeat_of_id},
        )
    return complaint, True


def is_handler(user: User, complaint: Complaint) -> bool:
    return complaint.handlers.filter(pk=user.pk).exists()


def get(*, user: User, pk: int) -> Complaint:
    complaint = complaints(user=user).filter(pk=pk).first()
    if complaint is None:
        raise NotFound("", _("No such complaint in your territory."))
    return complaint


def identity(*, user: User, complaint: Complaint) -> dict[str, object] | None:
    """Who complained, for the complaint's handlers only; each look is written to the audit log."""
    if not is_handler(user, complaint):
        return None
    audit.record_read(complaint, actor=user.get_username(), purpose="complainant identity")
    return {
        "person": str(complaint.complainant) if complaint.complainant_id else None,
        "name": complaint.complainant_name,
        "contact": complaint.complainant_contact,
        "summary": complaint.summary,
    }


def latest(*, user: User, limit: int = 25) -> list[tuple[Complaint, str | None]]:
    """The newest complaints, each with who complained for the rows the user handles."""
    rows = list(
        complaints(user=user).select_related("complainant").order_by("-received_at")[:limit]
    )
    return with_complainants(user=user, rows=rows)


def with_complainants(*, user: User, rows: list[Complaint]) -> list[tuple[Complaint, str | None]]:
    """Each listed complaint with who complained, for the rows the user handles (else None).

    One audit entry names every complaint whose complainant was shown on the list.
    """
    mine = set(
        user.safeguards_complaints.filter(pk__in=[c.pk for c in rows]).values_list("pk", flat=True)
    )
    if mine:
        audit.record(
            action="read",
            model=label(Complaint),
            actor=user.get_username(),
            details={"ids": sorted(mine), "purpose": "complainants on the complaint list"},
        )
    return [
        (
            c,
            " ".join(filter(None, [str(c.complainant or ""), c.complainant_name]))
            if c.pk in mine
            else None,
        )
        for c in rows
    ]


def record_step(
    *,
    user: User,
    pk: int,
    step: str,
    at: dt.datetime,
    erdr_number: str = "",
    outcome: str = "",
    now: dt.datetime | None = None,
) -> Complaint:
    """Registration in the pre-trial register, the urgent actions, or the outcome."""
    now = now or timezone.now()
    at = aware(at)  # type: ignore[assignment]
    if step not in STEPS:
        raise Invalid("step", _("must be one of: %(allowed)s") % {"allowed": ", ".join(STEPS)})
    with transaction.atomic():
        complaint = get(user=user, pk=pk)
        if not (is_handler(user, complaint) or user.is_superuser):
            raise Forbidden("", _("Only the complaint's handlers record its steps."))
        if at < complaint.received_at or at > now + rules.FUTURE_SKEW:
            raise Invalid("at", _("must be between the receipt of the complaint and now"))
        fields: dict[str, object]
        if step == "registered":
            if not erdr_number.strip():
                raise Invalid("erdr_number", _("is required"))
            fields = {"erdr_registered_at": at, "erdr_number": erdr_number.strip()}
        elif step == "forensic":
            fields = {"forensic_ordered_at": at}
        elif step == "video":
            fields = {"video_requested_at": at}
        else:
            if outcome not in ComplaintOutcome.values or outcome == ComplaintOutcome.PENDING:
                raise Invalid(
                    "outcome",
                    _("must be one of: %(allowed)s")
                    % {"allowed": ", ".join(ComplaintOutcome.values[1:])},
                )
            fields = {"outcome": outcome, "outcome_at": at}
        Complaint.objects.filter(pk=pk).update(**fields)
        audit.record(
            action=f"step:{step}",
            model=label(Complaint),
            object_pk=pk,
            actor=user.get_username(),
            details={k: v for k, v in fields.items() if k != "erdr_number"},
        )
    return get(user=user, pk=pk)


def one_day(complaint: Complaint) -> dict[str, rules.Clock]:
    """Registration within a day of receipt; forensic examination and footage within a day of it."""
    start = complaint.erdr_registered_at or complaint.received_at
    return {
        "registered": rules.one_day_clock(complaint.received_at, complaint.erdr_registered_at),
        "forensic": rules.one_day_clock(start, complaint.forensic_ordered_at),
        "video": rules.one_day_clock(start, complaint.video_requested_at),
    }


def _year(qs: QuerySet[Complaint], year: int) -> QuerySet[Complaint]:
    zone = timezone.get_default_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=zone)
    return qs.filter(received_at__gte=start, received_at__lt=start.replace(year=year + 1))


@dataclass(frozen=True)
class Table2Line:
    region: Region
    convicts: int | None
    complaints: int
    rate: Decimal | None
    published_complaints: int | None
    published_rate: Decimal | None


def per_thousand_convicts(*, user: User, year: int) -> list[Table2Line]:
    """Table 2 of seed 004: complaints received in `year` per 1 000 convicts, by region."""
    ids = allowed_region_ids(user)
    regions = Region.objects.all() if ids is None else Region.objects.filter(pk__in=ids)
    return _table2(complaints(user=user), regions, year)


def published_table2(*, year: int) -> list[Table2Line]:
    """Table 2 for every region, for the public portal: counts and rates only, no caller.

    The Ombudsman publishes this table; it names no complaint, person or facility.
    """
    return _table2(Complaint.objects.all(), Region.objects.all(), year)


def _table2(qs: QuerySet[Complaint], regions: QuerySet[Region], year: int) -> list[Table2Line]:
    counts = dict(_year(qs, year).values_list("region_id").annotate(n=Count("id")))
    populations = {p.region_id: p for p in ConvictPopulation.objects.filter(year=year)}
    lines = []
    for region in regions:
        population = populations.get(region.pk)
        n = counts.get(region.pk, 0)
        lines.append(
            Table2Line(
                region=region,
                convicts=population.convicts if population else None,
                complaints=n,
                rate=rules.per_thousand(n, population.convicts) if population else None,
                published_complaints=population.published_complaints if population else None,
                published_rate=population.published_rate if population else None,
            )
        )
    lines.sort(key=lambda line: (-(line.rate or Decimal(-1)), line.region.iso))
    return lines


def summary(*, user: User, year: int, now: dt.datetime | None = None) -> dict[str, Any]:
    """Totals of the year: repeats, stage, channel, outcome, and the one-day rule."""
    now = now or timezone.now()
    qs = _year(complaints(user=user), year)
    totals = qs.aggregate(
        total=Count("id"),
        repeated=Count("id", filter=Q(repeat_of__isnull=False)),
        no_region=Count("id", filter=Q(region__isnull=True)),
    )
    one_day_counts = {
        step: {"met": 0, "late": 0, "open": 0} for step in ("registered", "forensic", "video")
    }
    # Since 24 June 2025 every complaint is registered (seed 004 §4), whatever it leads to.
    since = timezone.make_aware(dt.datetime.combine(rules.ONE_DAY_RULE_SINCE, dt.time.min))
    for complaint in (
        qs.filter(received_at__gte=since)
        .select_related(None)
        .only("received_at", "erdr_registered_at", "forensic_ordered_at", "video_requested_at")
    ):
        for step, clock in one_day(complaint).items():
            state = clock.state(now)
            bucket = "met" if state == "met" else "late" if clock.broken(now) else "open"
            one_day_counts[step][bucket] += 1
    return {
        **totals,
        "distinct": totals["total"] - totals["repeated"],
        "by_stage": dict(qs.values_list("stage").annotate(n=Count("id"))),
        "by_channel": dict(qs.values_list("channel").annotate(n=Count("id"))),
        "by_outcome": dict(qs.values_list("outcome").annotate(n=Count("id"))),
        "one_day": one_day_counts,
    }


def facts_for_link(*, pk: int) -> dict[str, Any] | None:
    """Where and when an ill-treatment complaint arose, and about whom, for the integrity app
    to link it as a complaint against officers (never the complainant or the text)."""
    row = (
        Complaint.objects.filter(pk=pk)
        .values("pk", "received_at", "region_id", "district_id", "unit_id", "officer_id")
        .first()
    )
    return dict(row) if row else None


def officer_complaint_times(*, officer_ids: list[int]) -> list[tuple[int, dt.datetime]]:
    """For the integrity app's early-intervention features: when each ill-treatment complaint
    naming one of `officer_ids` was received, as (officer id, received). Facts only."""
    return list(
        Complaint.objects.filter(officer_id__in=officer_ids).values_list(
            "officer_id", "received_at"
        )
    )
