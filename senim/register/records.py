"""A record's story in words, for its page: an appeal's timeline, an offence's status history
and, for roles that see persons, its parties (senim.register.selectors holds the lists)."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from senim.core.models import AuditEntry, District, Sex
from senim.register.ingest.schema import ALMATY
from senim.register.models import (
    Appeal,
    AppealStatus,
    Channel,
    EventKind,
    Grade,
    Offence,
    OffenceParty,
    OffenceStatus,
    Outcome,
    PartyRole,
    ReasonCode,
)

# --- a record's story --------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One line of a timeline, in words: what happened, when, by whom, why."""

    at: dt.datetime
    label: str
    actor: str = ""
    reason: str = ""  # the reason code's label
    comment: str = ""
    facts: tuple[str, ...] = ()
    original: int | None = None  # a duplicate's original appeal (its id)


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _local(value: dt.datetime) -> str:
    return value.astimezone(ALMATY).strftime("%d.%m.%Y %H:%M")


def _facts(details: dict[str, Any], grades: dict[str, str], districts: dict[str, str]) -> list[str]:
    facts: list[str] = []
    if channel := details.get("channel"):
        facts.append(_("channel: %(channel)s") % {"channel": _label(Channel, channel)})
    if old := details.get("from_grade"):
        names = {"old": grades.get(old, old), "new": grades.get(details.get("grade", ""), "")}
        facts.append(_("grade: %(old)s → %(new)s") % names)
    elif grade := details.get("grade"):
        facts.append(_("grade: %(grade)s") % {"grade": grades.get(grade, grade)})
    if due := details.get("due_at"):
        with contextlib.suppress(TypeError, ValueError):
            facts.append(_("due by %(time)s") % {"time": _local(dt.datetime.fromisoformat(due))})
    if unit := details.get("unit"):
        facts.append(_("unit %(unit)s") % {"unit": unit})
    if to_district := details.get("to_district"):
        old_code = details.get("from_district", "")
        names = {"old": districts.get(old_code, old_code) or "—"}
        names["new"] = districts.get(to_district, to_district)
        facts.append(_("transferred from %(old)s to %(new)s") % names)
    if service := details.get("to_service"):
        facts.append(_("handed to: %(service)s") % {"service": service})
    if outcome := details.get("outcome"):
        facts.append(_("outcome: %(outcome)s") % {"outcome": _label(Outcome, outcome)})
    if number := details.get("of_external_id"):
        facts.append(_("duplicate of %(number)s") % {"number": number})
    return facts


def timeline(appeal: Appeal) -> list[Step]:
    """The appeal's events in order; for a loaded record without events, its stage times."""
    events = list(appeal.events.order_by("at", "id"))
    if not events:
        return _stages(appeal)
    grades = {g.code: g.name for g in Grade.objects.all()}
    codes = {e.details.get(k) for e in events for k in ("from_district", "to_district")}
    districts = {d.code: d.name for d in District.objects.filter(code__in=codes - {None, ""})}
    steps = []
    for event in events:
        facts = _facts(event.details or {}, grades, districts)
        if event.from_status and event.to_status and event.from_status != event.to_status:
            change = {
                "old": _label(AppealStatus, event.from_status),
                "new": _label(AppealStatus, event.to_status),
            }
            facts.insert(0, _("status: %(old)s → %(new)s") % change)
        original = event.details.get("of") if event.details else None
        steps.append(
            Step(
                at=event.at,
                label=_label(EventKind, event.kind),
                actor=event.actor,
                reason=_label(ReasonCode, event.reason_code) if event.reason_code else "",
                comment=event.reason,
                facts=tuple(facts),
                original=original if isinstance(original, int) else None,
            )
        )
    return steps


def _stages(appeal: Appeal) -> list[Step]:
    """A timeline from the stage times a source system sent (no events were recorded)."""
    actor = _("source system %(name)s") % {"name": appeal.source_system}
    final = appeal.status if appeal.status in {"transferred", "cancelled", "duplicate"} else ""
    stages = [
        (appeal.received_at, _label(EventKind, "received")),
        (appeal.answered_at, _("answered")),
        (appeal.graded_at, _label(EventKind, "graded")),
        (appeal.dispatched_at, _label(EventKind, "dispatched")),
        (appeal.en_route_at, _label(EventKind, "en_route")),
        (appeal.arrived_at, _label(EventKind, "on_scene")),
        (appeal.closed_at, _label(EventKind, final or "closed")),
    ]
    # Stable: stages of the same instant keep their lifecycle order.
    steps = [Step(at=at, label=label, actor=actor) for at, label in stages if at is not None]
    return sorted(steps, key=lambda s: s.at)


@dataclass(frozen=True)
class StatusChange:
    at: dt.datetime
    actor: str
    old: str
    new: str
    reason: str


def status_history(offence: Offence) -> list[StatusChange]:
    """The offence's status changes as the audit log keeps them (action "status")."""
    entries = AuditEntry.objects.filter(
        model=Offence._meta.label, object_pk=str(offence.pk), action="status"
    ).order_by("seq")
    return [
        StatusChange(
            at=e.at,
            actor=e.actor,
            old=_label(OffenceStatus, str(e.details.get("from", ""))),
            new=_label(OffenceStatus, str(e.details.get("to", ""))),
            reason=str(e.details.get("reason", "")),
        )
        for e in entries
    ]


@dataclass(frozen=True)
class Party:
    """A party as a role may see it: a pseudonym, never a name or an identifier."""

    pseudonym: str
    role: str
    sex: str
    age: int | None  # at the offence, when the birth date is known
    other_offences: int


def _age(born: dt.date | None, on: dt.date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def parties(offence: Offence) -> list[Party]:
    """The offence's parties with their other offences: two queries, whatever their number."""
    links = list(
        OffenceParty.objects.filter(offence_id=offence.pk)
        .select_related("person")
        .order_by("role", "person_id")
    )
    others = dict(
        OffenceParty.objects.filter(person_id__in={p.person_id for p in links})
        .exclude(offence_id=offence.pk)
        .values("person_id")
        .annotate(n=Count("offence_id", distinct=True))
        .order_by()
        .values_list("person_id", "n")
    )
    on = offence.occurred_at.astimezone(ALMATY).date()
    return [
        Party(
            pseudonym=str(link.person),
            role=_label(PartyRole, link.role),
            sex=_label(Sex, link.person.sex) if link.person.sex else "",
            age=_age(link.person.birth_date, on),
            other_offences=others.get(link.person_id, 0),
        )
        for link in links
    ]
