"""Partners, commissions and meetings with residents: reads within the territory and writes, one
transaction each, audited with codes and ids only.

`published_priorities` is the named service the public portal calls for a district's report.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.models import District, Region, User
from senim.core.scope import scope_level, scoped
from senim.core.text import clean_text
from senim.prevention.models import (
    Commission,
    CommissionLevel,
    CommissionMeeting,
    Decision,
    MeetingKind,
    Partner,
    PartnerKind,
    Priority,
    ResidentMeeting,
)
from senim.prevention.sara import problems
from senim.prevention.services import (
    Form,
    _choice,
    _day,
    _require,
    log_write,
    sector_for_write,
    whole,
)

MAX_ROWS = 20  # decisions per commission meeting, priorities per residents' meeting


def _territory_filter(user: User, *, region: str, district: str) -> Q | None:
    """None: everything; else what the user's territory holds (records of the whole region
    without a district are shared by the region's districts)."""
    level = scope_level(user)
    if level == "national":
        return None
    if level == "region":
        return Q(**{region: user.region_id})
    if level in {"district", "sector"}:
        return Q(**{region: user.region_id}) & (
            Q(**{f"{district}__isnull": True}) | Q(**{district: user.district_id})
        )
    return Q(pk__in=[])


def partners(user: User) -> QuerySet[Partner]:
    qs = Partner.objects.select_related("region", "district")
    where = _territory_filter(user, region="region_id", district="district_id")
    return qs if where is None else qs.filter(where)


def commissions(user: User) -> QuerySet[Commission]:
    qs = Commission.objects.select_related("region", "district")
    where = _territory_filter(user, region="region_id", district="district_id")
    return qs if where is None else qs.filter(where | Q(level="national"))


def meetings(user: User) -> QuerySet[ResidentMeeting]:
    return scoped(user, ResidentMeeting.objects.select_related("sector", "district"))


def _place(user: User, form: Form) -> tuple[Region, District | None]:
    """The region and district a partner or a commission belongs to, within the territory."""
    district = None
    code = str(form.get("district") or "").strip()
    if code:
        district = District.objects.select_related("region").filter(code=code).first()
        if district is None:
            raise Invalid("district", _("Unknown district."))
        region = district.region
    else:
        iso = str(form.get("region") or "").strip()
        found = Region.objects.filter(iso=iso).first() if iso else None
        if found is None:
            raise Invalid("region", _("Choose a region or a district."))
        region = found
    level = scope_level(user)
    if level != "national" and region.pk != user.region_id:
        raise Forbidden("region", _("This region is outside your territory."))
    if level in {"district", "sector"} and (district is None or district.pk != user.district_id):
        raise Forbidden("district", _("This district is outside your territory."))
    return region, district


def partner_add(*, user: User, form: Form, now: dt.datetime | None = None) -> Partner:
    _require(user)
    today = timezone.localdate(now or timezone.now())
    name = clean_text(form.get("name"), field="name", max_length=300, required=True)
    kind = _choice(form, "kind", PartnerKind)
    region, district = _place(user, form)
    contact = clean_text(form.get("contact"), field="contact", max_length=200)
    memorandum = clean_text(form.get("memorandum"), field="memorandum", max_length=300)
    signed = (
        _day(form, "memorandum_signed_on", today=today)
        if form.get("memorandum_signed_on")
        else None
    )
    ends = (
        _day(form, "memorandum_ends_on", today=today, past_only=False)
        if form.get("memorandum_ends_on")
        else None
    )
    if (signed or ends) and not memorandum:
        raise Invalid("memorandum", _("Name the memorandum whose dates these are."))
    if ends and (signed is None or ends <= signed):
        raise Invalid("memorandum_ends_on", _("The memorandum must end after it is signed."))
    with transaction.atomic():
        if Partner.objects.filter(name__iexact=name, region=region, district=district).exists():
            raise Invalid("name", _("This partner is already recorded here."))
        partner = Partner.objects.create(
            name=name,
            kind=kind,
            region=region,
            district=district,
            contact=contact,
            memorandum=memorandum,
            memorandum_signed_on=signed,
            memorandum_ends_on=ends,
            created_by=user.get_username(),
        )
        log_write(user, "create", partner, {"kind": kind})
    return partner


def commission_add(*, user: User, form: Form) -> Commission:
    _require(user)
    name = clean_text(form.get("name"), field="name", max_length=300, required=True)
    level = _choice(form, "level", CommissionLevel)
    chair = clean_text(form.get("chair"), field="chair", max_length=300)
    region: Region | None
    district: District | None
    if level == "national":
        if scope_level(user) != "national":
            raise Forbidden("level", _("A national commission is recorded at the national level."))
        region = district = None
    else:
        region, district = _place(user, form)
        if level == "region":
            if scope_level(user) in {"district", "sector"}:
                raise Forbidden("level", _("A regional commission is recorded at the region."))
            district = None
        elif district is None:
            raise Invalid("district", _("A district commission needs its district."))
    with transaction.atomic():
        commission = Commission.objects.create(
            name=name, level=level, region=region, district=district, chair=chair
        )
        log_write(user, "create", commission, {"level": level})
    return commission


def _rows(form: Form, prefix: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    """The filled rows of a repeated part of a form (`<prefix>_<n>_<field>`), n = 0..19."""
    rows = []
    for n in range(MAX_ROWS):
        row = {f: str(form.get(f"{prefix}_{n}_{f}") or "").strip() for f in fields}
        if any(row.values()):
            rows.append(row | {"n": str(n)})
    return rows


def commission_meeting_add(
    *, user: User, pk: int, form: Form, now: dt.datetime | None = None
) -> CommissionMeeting:
    """A meeting of a commission with its decisions (`decision_<n>_text/owner/due_on`)."""
    _require(user)
    today = timezone.localdate(now or timezone.now())
    commission = commissions(user).filter(pk=pk).first()
    if commission is None:
        raise NotFound("", _("No such commission in your territory."))
    held = _day(form, "held_on", today=today)
    agenda = clean_text(form.get("agenda"), field="agenda", max_length=4000, required=True)
    decisions = []
    for row in _rows(form, "decision", ("text", "owner", "due_on")):
        prefix = f"decision_{row['n']}_"
        text = clean_text(row["text"], field=prefix + "text", max_length=2000, required=True)
        owner = clean_text(row["owner"], field=prefix + "owner", max_length=300, required=True)
        due = _day(form, prefix + "due_on", today=today, past_only=False)
        if due < held:
            raise Invalid(prefix + "due_on", _("is before the meeting"))
        decisions.append(Decision(text=text, owner=owner, due_on=due))
    with transaction.atomic():
        meeting = CommissionMeeting.objects.create(
            commission=commission, held_on=held, agenda=agenda, created_by=user.get_username()
        )
        for d in decisions:
            d.meeting = meeting
        Decision.objects.bulk_create(decisions)
        log_write(user, "meeting", commission, {"meeting": meeting.pk, "decisions": len(decisions)})
    return meeting


def decision_close(*, user: User, pk: int, form: Form, now: dt.datetime | None = None) -> Decision:
    """Mark a decision carried out or withdrawn, with the follow-up."""
    _require(user)
    today = timezone.localdate(now or timezone.now())
    status = str(form.get("status") or "")
    if status not in {"done", "dropped"}:
        raise Invalid("status", _("Choose one of the listed values."))
    follow_up = clean_text(form.get("follow_up"), field="follow_up", max_length=2000)
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update()
            .filter(pk=pk, meeting__commission__in=commissions(user))
            .first()
        )
        if decision is None:
            raise NotFound("", _("No such decision in your territory."))
        if decision.status != "open":
            raise Invalid("status", _("The decision is already closed."))
        decision.status, decision.done_on, decision.follow_up = status, today, follow_up
        decision.save(update_fields=["status", "done_on", "follow_up"])
        log_write(
            user, "decision_" + status, decision.meeting.commission, {"decision": decision.pk}
        )
    return decision


def resident_meeting_add(
    *, user: User, form: Form, now: dt.datetime | None = None
) -> ResidentMeeting:
    """A meeting with residents and the concerns they raised (`priority_<n>_concern`)."""
    _require(user)
    today = timezone.localdate(now or timezone.now())
    sector = sector_for_write(user, str(form.get("sector") or ""))
    kind = _choice(form, "kind", MeetingKind)
    held = _day(form, "held_on", today=today)
    place = clean_text(form.get("place"), field="place", max_length=300, required=True)
    raw = str(form.get("attendance") or "").strip()
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 100_000:
        raise Invalid("attendance", _("must be a whole number from 0 to 100,000"))
    concerns = [
        clean_text(
            row["concern"], field=f"priority_{row['n']}_concern", max_length=500, required=True
        )
        for row in _rows(form, "priority", ("concern",))
    ]
    with transaction.atomic():
        meeting = ResidentMeeting.objects.create(
            region_id=sector.district.region_id,
            district_id=sector.district_id,
            sector=sector,
            kind=kind,
            held_on=held,
            place=place,
            attendance=int(raw),
            created_by=user.get_username(),
        )
        Priority.objects.bulk_create([Priority(meeting=meeting, concern=c) for c in concerns])
        log_write(user, "create", meeting, {"sector": sector.code, "priorities": len(concerns)})
    return meeting


def priority_answer(*, user: User, pk: int, form: Form, now: dt.datetime | None = None) -> Priority:
    """Answer a priority ("what we did", published or not) or take it up as a problem case of
    the meeting's sector (`problem`: the case's id)."""
    _require(user)
    today = timezone.localdate(now or timezone.now())
    with transaction.atomic():
        priority = (
            Priority.objects.select_for_update()
            .filter(pk=pk, meeting__in=meetings(user))
            .select_related("meeting")
            .first()
        )
        if priority is None:
            raise NotFound("", _("No such priority in your territory."))
        answer = clean_text(form.get("answer"), field="answer", max_length=2000)
        case_id = str(form.get("problem") or "").strip()
        if case_id:
            case = problems(user).filter(pk=whole(case_id), sector=priority.meeting.sector).first()
            if case is None:
                raise Invalid("problem", _("Not a problem case of this sector."))
            priority.problem, priority.status = case, "case"
        elif not answer:
            raise Invalid("answer", _("Say what was done, or choose a problem case."))
        else:
            priority.problem, priority.status = None, "answered"
        priority.answer = answer
        priority.answered_on = today
        priority.published = bool(form.get("published")) and bool(answer)
        priority.save()
        log_write(
            user, "answer", priority.meeting, {"priority": priority.pk, "status": priority.status}
        )
    return priority


def published_priorities(*, district_id: int, start: dt.date, end: dt.date) -> list[Priority]:
    """The residents' priorities of a district answered in [start, end) and published: the
    portal's "what we did" (no names: the concern, the answer, the sector, the dates)."""
    return list(
        Priority.objects.filter(
            published=True,
            meeting__district_id=district_id,
            answered_on__gte=start,
            answered_on__lt=end,
        )
        .select_related("meeting", "meeting__sector")
        .order_by("answered_on", "pk")
    )
