"""Visits and what follows them: the checklist, findings, recommendations and their status
history, attachments, escalation to a proposal of the Ombudsman, records of obstruction.

Keyword-only functions, one transaction per use case; every refusal is an OversightError naming
the field at fault, raised before anything is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.models import User
from senim.oversight import access as scope
from senim.oversight.categories import AGENCY_CODES, OTHER_AGENCY
from senim.oversight.checklist import Item, Result, decide
from senim.oversight.errors import Forbidden, Invalid, NotFound, TooLarge
from senim.oversight.models import (
    Attachment,
    Body,
    BodyKind,
    ChecklistAnswer,
    Finding,
    Institution,
    Member,
    Obstruction,
    ObstructionKind,
    Proposal,
    Recommendation,
    RecommendationEvent,
    RecStatus,
    Visit,
)

# An attachment is a photo or a scanned document, kept in the database; larger files belong in
# the institution's own archive, referenced in the notes.
MAX_ATTACHMENT_BYTES = int(getattr(settings, "SENIM_NPM_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))


@dataclass(frozen=True)
class AnswerIn:
    item: str
    result: str = ""
    value: Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class FindingIn:
    text: str
    item: str = ""
    ill_treatment: bool = False


@dataclass(frozen=True)
class RecommendationIn:
    text: str
    due_on: dt.date
    agency: str = ""  # default: the institution's agency
    institution_id: int | None = None  # default: the visited institution
    finding: int | None = None  # index into the visit's findings


def _today() -> dt.date:
    return timezone.localdate()


def _visit(access: scope.Access, visit_id: int) -> Visit:
    visit = scope.visits(access).filter(pk=visit_id).first()
    if visit is None:
        raise NotFound("visit", _("No such visit in your groups."))
    return visit


def _may_record(access: scope.Access, group: Body) -> None:
    if not access.may_record(group):
        raise Forbidden("group", _("Only members of this body record its visits."))


def _answers(checklist: Sequence[AnswerIn]) -> list[ChecklistAnswer]:
    seen: set[str] = set()
    answers = []
    for answer in checklist:
        where = f"checklist.{answer.item}"
        if answer.item not in Item.values:
            raise Invalid(where, _("Unknown checklist item."))
        if answer.item in seen:
            raise Invalid(where, _("The item is answered twice."))
        seen.add(answer.item)
        if answer.result and answer.result not in Result.values:
            raise Invalid(where, _("Unknown result."))
        if answer.value is not None and answer.value < 0:
            raise Invalid(where, _("A figure cannot be negative."))
        try:
            result = decide(answer.item, answer.result, answer.value)
        except ValueError as error:
            raise Invalid(where, str(error)) from None
        answers.append(
            ChecklistAnswer(item=answer.item, result=result, value=answer.value, note=answer.note)
        )
    return answers


def _team(group: Body, team_ids: Sequence[int], day: dt.date) -> list[Member]:
    if not team_ids:
        raise Invalid("team", _("A visit is made by a team: name at least one member."))
    # Council members may join an NPM group's team; the Ombudsman's and a representative's
    # visits are made by those who hold a term in that body.
    members = {
        m.pk: m
        for m in Member.objects.filter(pk__in=team_ids).select_related("body")
        if m.body_id == group.pk
        or (m.body.kind == BodyKind.COUNCIL and group.kind == BodyKind.GROUP)
    }
    for pk in team_ids:
        member = members.get(pk)
        if member is None:
            raise Invalid("team", _("Member %(id)s is not in this group.") % {"id": pk})
        if not member.serves_on(day):
            raise Invalid(
                "team",
                _("%(name)s's term does not cover %(day)s.")
                % {"name": member.full_name, "day": day},
            )
    return list(members.values())


def _agencies(group: Body) -> tuple[str, ...]:
    """Addressees a body's recommendation may have: the NPM's seven agencies, and for the
    Ombudsman and the representatives also the other institutions their wider mandate covers."""
    return AGENCY_CODES if group.is_npm else (*AGENCY_CODES, OTHER_AGENCY)


def _recommendation(
    rec: RecommendationIn,
    where: str,
    institution: Institution,
    sent_on: dt.date,
    agencies: tuple[str, ...] = AGENCY_CODES,
) -> Recommendation:
    if not rec.text.strip():
        raise Invalid(f"{where}.text", _("Write the recommendation."))
    if rec.due_on <= sent_on:
        raise Invalid(f"{where}.due_on", _("The due date must come after the day it is sent."))
    addressee = institution
    if rec.institution_id is not None and rec.institution_id != institution.pk:
        found = Institution.objects.select_related("facility__kind").filter(pk=rec.institution_id)
        if not found:
            raise Invalid(f"{where}.institution", _("Unknown institution."))
        addressee = found[0]
    agency = rec.agency or addressee.facility.kind.agency_code
    if agency not in agencies:
        raise Invalid(f"{where}.agency", _("Unknown agency."))
    return Recommendation(
        institution=addressee,
        agency=agency,
        text=rec.text.strip(),
        sent_on=sent_on,
        due_on=rec.due_on,
        status=RecStatus.SENT,
    )


def record_visit(
    *,
    user: User,
    group_id: int,
    institution_id: int,
    visited_on: dt.date,
    unannounced: bool,
    team_ids: Sequence[int],
    interviews_private: int = 0,
    note: str = "",
    checklist: Sequence[AnswerIn] = (),
    findings: Sequence[FindingIn] = (),
    recommendations: Sequence[RecommendationIn] = (),
) -> Visit:
    """Record a visit with its checklist, findings and recommendations, all or nothing.

    `group_id` is the visiting body: an NPM group, the Ombudsman or a regional representative.
    An NPM group visits institutions on the register in its region; a representative any known
    institution of the region; the Ombudsman any known institution (their mandate is wider).
    """
    access = scope.access_for(user)
    group = (
        Body.objects.filter(pk=group_id)
        .exclude(kind=BodyKind.COUNCIL)
        .select_related("region")
        .first()
    )
    if group is None:
        raise Invalid("group", _("Unknown visiting body."))
    _may_record(access, group)
    institution = (
        Institution.objects.select_related("facility__kind").filter(pk=institution_id).first()
    )
    if institution is None or (group.is_npm and not institution.active):
        raise Invalid("institution", _("Unknown institution, or no longer on the register."))
    if group.region_id is not None and institution.facility.region_id != group.region_id:
        raise Invalid("institution", _("The institution is outside this group's region."))
    today = _today()
    if visited_on > today:
        raise Invalid("visited_on", _("A visit cannot be recorded before it happens."))
    if interviews_private < 0:
        raise Invalid("interviews_private", _("A count cannot be negative."))
    if Visit.objects.filter(group=group, institution=institution, visited_on=visited_on).exists():
        raise Invalid("visited_on", _("This group has already recorded a visit there that day."))
    team = _team(group, team_ids, visited_on)
    answers = _answers(checklist)
    for i, finding in enumerate(findings):
        if not finding.text.strip():
            raise Invalid(f"findings.{i}.text", _("Describe the finding."))
        if finding.item and finding.item not in Item.values:
            raise Invalid(f"findings.{i}.item", _("Unknown checklist item."))
    recs = []
    for i, rec in enumerate(recommendations):
        if rec.finding is not None and not 0 <= rec.finding < len(findings):
            raise Invalid(f"recommendations.{i}.finding", _("No such finding on this visit."))
        recs.append(
            _recommendation(rec, f"recommendations.{i}", institution, today, _agencies(group))
        )

    with transaction.atomic():
        visit = Visit.objects.create(
            group=group,
            institution=institution,
            visited_on=visited_on,
            unannounced=unannounced,
            interviews_private=interviews_private,
            note=note.strip(),
            created_by=user,
        )
        visit.team.set(team)
        for answer in answers:
            answer.visit = visit
        ChecklistAnswer.objects.bulk_create(answers)
        made = [
            Finding.objects.create(
                visit=visit, item=f.item, text=f.text.strip(), ill_treatment=f.ill_treatment
            )
            for f in findings
        ]
        for made_rec, spec in zip(recs, recommendations, strict=True):
            made_rec.visit = visit
            made_rec.finding = made[spec.finding] if spec.finding is not None else None
            _save_sent(made_rec, user)
    return visit


def _save_sent(rec: Recommendation, user: User) -> None:
    rec.save()
    RecommendationEvent.objects.create(
        recommendation=rec, on=rec.sent_on, status=RecStatus.SENT, actor=user.get_username()
    )


def add_finding(*, user: User, visit_id: int, finding: FindingIn) -> Finding:
    access = scope.access_for(user)
    visit = _visit(access, visit_id)
    _may_record(access, visit.group)
    if not finding.text.strip():
        raise Invalid("text", _("Describe the finding."))
    if finding.item and finding.item not in Item.values:
        raise Invalid("item", _("Unknown checklist item."))
    with transaction.atomic():
        return Finding.objects.create(
            visit=visit,
            item=finding.item,
            text=finding.text.strip(),
            ill_treatment=finding.ill_treatment,
        )


def add_recommendation(
    *, user: User, visit_id: int, rec: RecommendationIn, finding_id: int | None = None
) -> Recommendation:
    access = scope.access_for(user)
    visit = _visit(access, visit_id)
    _may_record(access, visit.group)
    made = _recommendation(
        rec, "recommendation", visit.institution, _today(), _agencies(visit.group)
    )
    made.visit = visit
    if finding_id is not None:
        made.finding = visit.findings.filter(pk=finding_id).first()
        if made.finding is None:
            raise Invalid("finding", _("No such finding on this visit."))
    with transaction.atomic():
        _save_sent(made, user)
    return made


def add_attachment(
    *, user: User, visit_id: int, name: str, content_type: str, size: int, handle: IO[bytes]
) -> Attachment:
    """Keep a file with the visit; over the limit it is refused before a byte is read."""
    access = scope.access_for(user)
    visit = _visit(access, visit_id)
    _may_record(access, visit.group)
    if size > MAX_ATTACHMENT_BYTES:
        raise TooLarge(
            "file",
            _("The file is %(size)s bytes; attachments are limited to %(limit)s bytes.")
            % {"size": size, "limit": MAX_ATTACHMENT_BYTES},
        )
    # Read one byte past the limit: a client may understate the size.
    data = handle.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise TooLarge("file", _("The file is larger than the attachment limit."))
    if not data:
        raise Invalid("file", _("The file is empty."))
    with transaction.atomic():
        return Attachment.objects.create(
            visit=visit,
            name=(name or "attachment")[-200:],
            content_type=(content_type or "application/octet-stream")[:100],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content=data,
            uploaded_by=user.get_username(),
        )


# A recommendation closes once: implemented, or recorded as not implemented; closed ones may
# only move to implemented (an agency that acts late still gets the credit).
TRANSITIONS = {
    RecStatus.SENT: {RecStatus.IN_PROGRESS, RecStatus.IMPLEMENTED, RecStatus.NOT_IMPLEMENTED},
    RecStatus.IN_PROGRESS: {RecStatus.IMPLEMENTED, RecStatus.NOT_IMPLEMENTED},
    RecStatus.NOT_IMPLEMENTED: {RecStatus.IMPLEMENTED},
    RecStatus.IMPLEMENTED: set(),
}


def change_status(
    *, user: User, recommendation_id: int, status: str, on: dt.date | None = None, note: str = ""
) -> Recommendation:
    access = scope.access_for(user)
    rec = (
        scope.recommendations(access)
        .filter(pk=recommendation_id)
        .select_related("visit__group")
        .first()
    )
    if rec is None:
        raise NotFound("recommendation", _("No such recommendation in your groups."))
    _may_record(access, rec.visit.group)
    day = on or _today()
    if status not in TRANSITIONS.get(RecStatus(rec.status), set()):
        raise Invalid(
            "status",
            _("A recommendation that is %(current)s cannot become %(new)s.")
            % {
                "current": rec.get_status_display(),
                "new": RecStatus(status).label if status in RecStatus.values else status,
            },
        )
    if day < rec.sent_on or day > _today():
        raise Invalid("on", _("The date must lie between sending and today."))
    with transaction.atomic():
        rec.status = status
        rec.closed_on = (
            day if status in {RecStatus.IMPLEMENTED, RecStatus.NOT_IMPLEMENTED} else None
        )
        rec._audit_reason = note  # type: ignore[attr-defined]
        rec.save(update_fields=["status", "closed_on"])
        RecommendationEvent.objects.create(
            recommendation=rec, on=day, status=status, note=note[:500], actor=user.get_username()
        )
    return rec


def escalate(*, user: User, recommendation_ids: Sequence[int], text: str) -> Proposal:
    """Turn long-unimplemented recommendations to one agency into a proposal of the Ombudsman."""
    access = scope.access_for(user)
    if not access.everything:
        raise Forbidden("", _("Proposals are made by the Ombudsman's office and the council."))
    if not text.strip():
        raise Invalid("text", _("Write the proposal."))
    recs = list(scope.recommendations(access).filter(pk__in=recommendation_ids))
    if not recs or len(recs) != len(set(recommendation_ids)):
        raise Invalid("recommendations", _("Choose recommendations that exist."))
    today = _today()
    for rec in recs:
        if not rec.is_overdue(today):
            raise Invalid(
                "recommendations", _("Recommendation %(id)s is not overdue.") % {"id": rec.pk}
            )
        if rec.proposal_id:
            raise Invalid(
                "recommendations", _("Recommendation %(id)s is already escalated.") % {"id": rec.pk}
            )
    agencies = {r.agency for r in recs}
    if len(agencies) != 1:
        raise Invalid(
            "recommendations", _("A proposal goes to one agency: choose its recommendations.")
        )
    regions = {r.institution.facility.region_id for r in recs}
    with transaction.atomic():
        proposal = Proposal.objects.create(
            agency=agencies.pop(),
            region_id=regions.pop() if len(regions) == 1 else None,
            text=text.strip(),
            created_by=user.get_username(),
        )
        Recommendation.objects.filter(pk__in=[r.pk for r in recs]).update(proposal=proposal)
        audit.record(
            action="escalate",
            model="oversight.Proposal",
            object_pk=proposal.pk,
            details={"recommendations": sorted(r.pk for r in recs)},
        )
    return proposal


def record_obstruction(
    *,
    user: User,
    visit_id: int,
    occurred_at: dt.datetime,
    kind: str,
    official: str,
    description: str,
) -> Obstruction:
    access = scope.access_for(user)
    visit = _visit(access, visit_id)
    _may_record(access, visit.group)
    if kind not in ObstructionKind.values:
        raise Invalid("kind", _("Unknown kind of obstruction."))
    if not official.strip():
        raise Invalid("official", _("Name the official's position."))
    if not description.strip():
        raise Invalid("description", _("Describe what happened."))
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    local_day = timezone.localtime(occurred_at).date()
    if local_day < visit.visited_on or occurred_at > timezone.now():
        raise Invalid("occurred_at", _("The time must lie between the visit and now."))
    with transaction.atomic():
        return Obstruction.objects.create(
            visit=visit,
            occurred_at=occurred_at,
            kind=kind,
            official=official.strip(),
            description=description.strip(),
            created_by=user.get_username(),
        )
