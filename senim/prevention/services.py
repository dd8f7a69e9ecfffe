"""Writes of the prevention: one transaction per use case, every one in the audit log.

Forms arrive as mappings of text (an HTML form or a JSON body); each rule broken is an
`Invalid` naming the field, and nothing is stored. Audit details carry codes and ids only:
never an IIN, a name or an address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.calendar import parse_day
from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.geo import locator, place_key
from senim.core.models import Sector, User
from senim.core.people import person_from, save_person
from senim.core.permissions import Perm, can
from senim.core.scope import scope_level
from senim.core.text import clean_text
from senim.prevention.models import (
    Contact,
    ContactKind,
    ContactOutcome,
    DvAssessment,
    DvRiskItem,
    DvRiskLevel,
    EndReason,
    PreventiveCategory,
    Supervision,
)

LONGEST_TERM = dt.timedelta(days=10 * 366)
# After a contact that found nobody or a violation, the next one is due within a week (assumed).
FOLLOW_UP_DAYS = 7
EARLIEST = dt.date(2000, 1, 1)


Form = Mapping[str, Any]


def whole(value: object) -> int:
    """An id or a count from a form: ASCII digits only (not "²" or "٣"), else 0 (no such row)."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0


def _require(user: User) -> None:
    if not can(user, Perm.PREVENTION):
        raise Forbidden("", _("Your role does not work with the preventive register."))


def sector_for_write(user: User, code: str) -> Sector:
    """The sector named by `code`, if the user's territory holds it."""
    sector = Sector.objects.select_related("district").filter(code=code.strip()).first()
    if sector is None:
        raise Invalid("sector", _("Unknown sector."))
    level = scope_level(user)
    inside = (
        level == "national"
        or (level == "region" and sector.district.region_id == user.region_id)
        or (level == "district" and sector.district_id == user.district_id)
        or (level == "sector" and sector.pk == user.sector_id)
    )
    if not inside:
        raise Forbidden("sector", _("This sector is outside your territory."))
    return sector


def _day(form: Form, name: str, *, today: dt.date, past_only: bool = True) -> dt.date:
    raw = str(form.get(name) or "").strip()
    if not raw:
        raise Invalid(name, _("is required"))
    day = parse_day(raw)
    if day is None:
        raise Invalid(name, _("is not a date (YYYY-MM-DD)"))
    if day < EARLIEST:
        raise Invalid(name, _("is before 2000"))
    if past_only and day > today:
        raise Invalid(name, _("is in the future"))
    return day


def _point(form: Form, sector: Sector) -> tuple[float, float]:
    """The address's coordinates, which must lie in the sector's district."""
    values = []
    for name, low, high in (("lat", 40.5, 55.5), ("lon", 46.4, 87.4)):
        raw = str(form.get(name) or "").strip().replace(",", ".")
        try:
            value = float(raw)
        except ValueError:
            raise Invalid(name, _("is not a number")) from None
        if not low <= value <= high:
            raise Invalid(name, _("is outside Kazakhstan"))
        values.append(value)
    lat, lon = values
    where = locator().locate(np.array([lat]), np.array([lon]))
    if int(where.district_ids[0]) != sector.district_id:
        raise Invalid("lat", _("The point is outside the sector's district."))
    return lat, lon


def _choice(form: Form, name: str, choices: Any) -> str:
    value = str(form.get(name) or "").strip()
    if value not in choices.values:
        raise Invalid(name, _("Choose one of the listed values."))
    return value


def _person(form: Form, name: str, *, required: bool) -> Any:
    iin = str(form.get(name) or "").strip()
    if not iin:
        if required:
            raise Invalid(name, _("is required"))
        return None
    person, _birth, problems = person_from(iin=iin, birth_date=None)
    if problems:
        raise Invalid(name, problems[0][1])
    return person


def log_write(user: User, action: str, obj: Any, details: dict[str, Any]) -> None:
    """Every prevention write in the audit log: codes and ids only, never a person's data."""
    audit.record(
        action=action,
        model=obj._meta.label,
        object_pk=obj.pk,
        actor=user.get_username(),
        details=details,
    )


# --- the preventive register ------------------------------------------------------------------


def supervision_open(*, user: User, form: Form, now: dt.datetime | None = None) -> Supervision:
    """Put a person on the preventive register of a sector; the first contact is scheduled."""
    _require(user)
    now = now or timezone.now()
    today = timezone.localdate(now)
    category = PreventiveCategory.objects.filter(
        code=str(form.get("category") or "").strip(), active=True
    ).first()
    if category is None:
        raise Invalid("category", _("Unknown category."))
    sector = sector_for_write(user, str(form.get("sector") or ""))
    person = _person(form, "iin", required=True)
    basis = clean_text(form.get("basis"), field="basis", max_length=200, required=True)
    started = _day(form, "started_on", today=today)
    ends = _day(form, "ends_on", today=today, past_only=False)
    if ends <= started:
        raise Invalid("ends_on", _("The term must end after it starts."))
    if ends - started > LONGEST_TERM:
        raise Invalid("ends_on", _("The term is longer than ten years."))
    if ends < today:
        raise Invalid("ends_on", _("The term has already ended."))
    address = clean_text(form.get("address"), field="address", max_length=300, required=True)
    lat, lon = _point(form, sector)
    note = clean_text(form.get("note"), field="note", max_length=2000)
    with transaction.atomic():
        if (
            person.pk
            and Supervision.objects.filter(
                person=person, category=category, status="active"
            ).exists()
        ):
            raise Invalid("iin", _("This person is already on the register in this category."))
        save_person(person)
        supervision = Supervision.objects.create(
            person=person,
            category=category,
            region_id=sector.district.region_id,
            district_id=sector.district_id,
            sector=sector,
            basis=basis,
            started_on=started,
            ends_on=ends,
            address=address,
            lat=lat,
            lon=lon,
            place_key=place_key(lat, lon) or 0,
            note=note,
            created_by=user.get_username(),
        )
        first_due = max(started + dt.timedelta(days=category.contact_every_days), today)
        Contact.objects.create(supervision=supervision, due_on=min(first_due, ends))
        log_write(user, "create", supervision, {"category": category.code, "sector": sector.code})
    return supervision


def _supervision_for_write(user: User, pk: int) -> Supervision:
    from senim.prevention.selectors import supervisions

    supervision = supervisions(user).select_for_update().filter(pk=pk).first()
    if supervision is None:
        raise NotFound("", _("No such person on the register in your territory."))
    if supervision.status != "active":
        raise Invalid("", _("The person has been taken off the register."))
    return supervision


def contact_record(
    *, user: User, supervision_id: int, form: Form, now: dt.datetime | None = None
) -> Contact:
    """Record the contact now due (its outcome), and schedule the next one."""
    _require(user)
    now = now or timezone.now()
    today = timezone.localdate(now)
    kind = _choice(form, "kind", ContactKind)
    outcome = _choice(form, "outcome", ContactOutcome)
    note = clean_text(form.get("note"), field="note", max_length=2000)
    with transaction.atomic():
        supervision = _supervision_for_write(user, supervision_id)
        done_on = _day(form, "done_on", today=today) if form.get("done_on") else today
        if done_on < supervision.started_on:
            raise Invalid("done_on", _("is before the person was put on the register"))
        contact = supervision.contacts.filter(done_at__isnull=True).order_by("due_on").first()
        if contact is None:  # an extra contact, beyond the schedule
            contact = Contact(supervision=supervision, due_on=done_on)
        contact.done_at = (
            now
            if done_on == today
            else timezone.make_aware(dt.datetime.combine(done_on, dt.time(12)))
        )
        contact.kind, contact.outcome, contact.note = kind, outcome, note
        contact.recorded_by = user.get_username()
        contact.save()
        every = supervision.category.contact_every_days
        gap = min(FOLLOW_UP_DAYS, every) if outcome in {"not_found", "violation"} else every
        next_due = done_on + dt.timedelta(days=gap)
        if (
            next_due <= supervision.ends_on
            and not supervision.contacts.filter(done_at__isnull=True).exists()
        ):
            Contact.objects.create(supervision=supervision, due_on=next_due)
        log_write(user, "contact", supervision, {"outcome": outcome, "kind": kind})
    return contact


def supervision_end(
    *, user: User, supervision_id: int, form: Form, now: dt.datetime | None = None
) -> Supervision:
    """Take a person off the register; contacts not yet made are no longer owed."""
    _require(user)
    now = now or timezone.now()
    today = timezone.localdate(now)
    reason = _choice(form, "reason", EndReason)
    with transaction.atomic():
        supervision = _supervision_for_write(user, supervision_id)
        ended = _day(form, "ended_on", today=today) if form.get("ended_on") else today
        if ended < supervision.started_on:
            raise Invalid("ended_on", _("is before the person was put on the register"))
        supervision.status, supervision.ended_on, supervision.end_reason = "ended", ended, reason
        supervision.save(update_fields=["status", "ended_on", "end_reason"])
        supervision.contacts.filter(done_at__isnull=True).delete()
        log_write(user, "end", supervision, {"reason": reason})
    return supervision


# --- domestic-violence risk -------------------------------------------------------------------


def level_for(score: int, levels: list[DvRiskLevel]) -> DvRiskLevel:
    """The highest level whose lowest score the score reaches (levels sorted by min_score)."""
    reached = [level for level in levels if level.min_score <= score]
    return reached[-1] if reached else levels[0]


def dv_assess(*, user: User, form: Form, now: dt.datetime | None = None) -> DvAssessment:
    """Record an assessment item by item; the level follows from the score, or is raised."""
    _require(user)
    now = now or timezone.now()
    sector = sector_for_write(user, str(form.get("sector") or ""))
    address = clean_text(form.get("address"), field="address", max_length=300, required=True)
    lat, lon = _point(form, sector)
    items = list(DvRiskItem.objects.filter(active=True))
    answers: dict[str, bool] = {}
    missing: list[tuple[str, str]] = []
    for item in items:
        raw = str(form.get(f"item_{item.code}") or "").strip()
        if raw not in {"yes", "no"}:
            missing.append((f"item_{item.code}", _("answer yes or no")))
            continue
        answers[item.code] = raw == "yes"
    if missing:
        (field, message), more = missing[0], missing[1:]
        raise Invalid(field, message, more=more)
    levels = list(DvRiskLevel.objects.order_by("min_score"))
    if not levels:
        raise Invalid("", _("No risk levels are configured."))
    score = sum(item.weight for item in items if answers[item.code])
    computed = level_for(score, levels)
    level = computed
    raise_to = str(form.get("raise_to") or "").strip()
    reason = clean_text(form.get("raised_because"), field="raised_because", max_length=2000)
    if raise_to and raise_to != computed.code:
        chosen = next((lv for lv in levels if lv.code == raise_to), None)
        if chosen is None:
            raise Invalid("raise_to", _("Unknown level."))
        if chosen.min_score < computed.min_score:
            raise Invalid("raise_to", _("The assessor may raise the level, not lower it."))
        if not reason:
            raise Invalid("raised_because", _("Say why the level is raised."))
        level = chosen
    victim = _person(form, "victim_iin", required=False)
    offender = _person(form, "offender_iin", required=False)
    with transaction.atomic():
        assessment = DvAssessment.objects.create(
            region_id=sector.district.region_id,
            district_id=sector.district_id,
            sector=sector,
            address=address,
            lat=lat,
            lon=lon,
            place_key=place_key(lat, lon) or 0,
            victim=save_person(victim),
            offender=save_person(offender),
            answers=answers,
            score=score,
            computed_level=computed,
            level=level,
            raised_because=reason if level != computed else "",
            assessed_at=now,
            assessed_by=user.get_username(),
        )
        log_write(
            user,
            "assess",
            assessment,
            {"score": score, "level": level.code, "computed": computed.code},
        )
    return assessment
