"""A call's lifecycle (APPEAL_TRANSITIONS): the register side of every step, one transaction each.

The operational centres (senim.ops) decide what a step needs — the response target behind
`due_at`, which unit goes — and call these functions inside their own transaction, so that a
call and its unit change together or not at all. Every step here checks the state machine,
updates the appeal's columns with one UPDATE and writes its event (senim.register.events).
A step that moves a unit (dispatched, en route, on scene, recalled) must name the unit: only
senim.ops.services does, after locking that unit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core.errors import Invalid, NotFound
from senim.core.models import District, User
from senim.core.scope import scoped
from senim.core.text import clean_text
from senim.register import events
from senim.register.models import (
    APPEAL_TRANSITIONS,
    WITH_UNIT,
    Appeal,
    AppealStatus,
    EventKind,
    Grade,
    Outcome,
    ReasonCode,
)

REASON_MAX = 500


def _status_label(value: str) -> str:
    return str(AppealStatus(value).label) if value in AppealStatus.values else value


def check_transition(appeal: Appeal, to_status: str) -> None:
    """Invalid unless the state machine lets this call go to `to_status` now."""
    allowed = APPEAL_TRANSITIONS.get(appeal.status, frozenset())
    if to_status not in allowed:
        raise Invalid(
            "status",
            _("a call that is %(old)s cannot become %(new)s; it may become: %(allowed)s")
            % {
                "old": _status_label(appeal.status),
                "new": _status_label(to_status),
                "allowed": ", ".join(sorted(_status_label(s) for s in allowed))
                or _("nothing (it is finished)"),
            },
        )


def for_update(*, user: User, pk: int) -> Appeal:
    """The caller's appeal, locked for this transaction; NotFound outside their scope."""
    appeal = (
        scoped(user, Appeal.objects.select_for_update(of=("self",)))
        .select_related("grade", "district", "region")
        .filter(pk=pk)
        .first()
    )
    if appeal is None:
        raise NotFound("appeal", _("No such call in your territory."))
    return appeal


def reason_code(value: str, *, required: bool) -> str:
    value = (value or "").strip()
    if not value and not required:
        return ""
    if value not in ReasonCode.values:
        raise Invalid(
            "reason_code",
            _("choose a reason: %(allowed)s")
            % {"allowed": ", ".join(str(c.label) for c in ReasonCode)},
        )
    return value


def _reason(value: str, *, required: bool = False) -> str:
    return clean_text(value, field="reason", max_length=REASON_MAX, required=required)


def _update(appeal: Appeal, **values: Any) -> None:
    # One UPDATE with exactly these columns: no save signal, so the audit log gets the one
    # explicit entry the event writes instead of a generic "update".
    Appeal.objects.filter(pk=appeal.pk).update(**values)
    for name, value in values.items():
        setattr(appeal, name, value)


def grade(
    *,
    user: User,
    appeal: Appeal,
    grade: Grade,
    due_at: dt.datetime,
    code: str = "",
    reason: str = "",
    now: dt.datetime | None = None,
) -> Appeal:
    """Grade a new call, or re-grade one: the first grading time stays, a re-grade needs a reason."""
    now = now or timezone.now()
    if not grade.active:
        raise Invalid("grade", _("This grade is no longer in use."))
    old_status = appeal.status
    actor = user.get_username()
    if appeal.grade_id is None or old_status == "received":
        check_transition(appeal, "graded")
        _update(
            appeal,
            grade=grade,
            status="graded",
            graded_at=appeal.graded_at or now,
            due_at=due_at,
            priority=grade.rank,
        )
        events.graded(
            appeal,
            at=now,
            actor=actor,
            from_status=old_status,
            grade=grade.code,
            due_at=due_at.isoformat(),
        )
        return appeal
    if old_status not in {"graded", *WITH_UNIT}:
        check_transition(appeal, "graded")  # raises: a finished call is not re-graded
    if grade.pk == appeal.grade_id:
        raise Invalid("grade", _("The call already has this grade."))
    code = reason_code(code, required=True)
    text = _reason(reason, required=code == ReasonCode.OTHER)
    old_grade = appeal.grade.code if appeal.grade else ""
    _update(appeal, grade=grade, due_at=due_at, priority=grade.rank)
    events.regraded(
        appeal,
        at=now,
        actor=actor,
        from_status=old_status,
        old_grade=old_grade,
        grade=grade.code,
        due_at=due_at.isoformat(),
        reason_code=code,
        reason=text,
    )
    return appeal


def hold(
    *, user: User, appeal: Appeal, code: str, reason: str = "", now: dt.datetime | None = None
) -> Appeal:
    """Record a deliberate hold of a graded call; its clock keeps running."""
    if appeal.status != "graded":
        raise Invalid("status", _("Only a graded call waiting for a unit can be held."))
    code = reason_code(code, required=True)
    events.held(
        appeal,
        at=now or timezone.now(),
        actor=user.get_username(),
        reason_code=code,
        reason=_reason(reason, required=code == ReasonCode.OTHER),
    )
    return appeal


_UNIT_STEP_TIME = {
    "dispatched": "dispatched_at",
    "en_route": "en_route_at",
    "on_scene": "arrived_at",
}
_UNIT_STEP_EVENT = {
    "dispatched": EventKind.DISPATCHED,
    "en_route": EventKind.EN_ROUTE,
    "on_scene": EventKind.ON_SCENE,
    "graded": EventKind.RECALLED,
}


def unit_step(
    *,
    user: User,
    appeal: Appeal,
    to_status: str,
    unit: str,
    code: str = "",
    reason: str = "",
    now: dt.datetime | None = None,
) -> Appeal:
    """Dispatched / en route / on scene, or recalled (back to graded): called by senim.ops only."""
    if not unit:
        raise Invalid("unit", _("A unit is required for this step."))
    if to_status not in _UNIT_STEP_EVENT:
        raise Invalid("status", _("'%(value)s' is not a unit step.") % {"value": to_status[:40]})
    check_transition(appeal, to_status)
    if to_status == "dispatched" and not (appeal.grade and appeal.grade.needs_unit):
        raise Invalid("grade", _("This call's grade does not send a unit; re-grade it first."))
    now = now or timezone.now()
    old = appeal.status
    values: dict[str, Any] = {"status": to_status}
    if to_status == "graded":
        code = reason_code(code, required=True)
        reason = _reason(reason, required=code == ReasonCode.OTHER)
    else:
        field = _UNIT_STEP_TIME[to_status]
        # The first time a stage is reached is the one response times are measured by.
        if getattr(appeal, field) is None:
            values[field] = now
        if to_status == "on_scene" and appeal.en_route_at is None and old == "dispatched":
            values["en_route_at"] = now
    _update(appeal, **values)
    events.unit_step(
        appeal,
        kind=_UNIT_STEP_EVENT[to_status],
        at=now,
        actor=user.get_username(),
        from_status=old,
        to_status=to_status,
        unit=unit,
        reason_code=code if to_status == "graded" else "",
        reason=reason if to_status == "graded" else "",
    )
    return appeal


def close(
    *,
    user: User,
    appeal: Appeal,
    outcome: str,
    reason: str = "",
    unit: str = "",
    now: dt.datetime | None = None,
) -> Appeal:
    """Close a call attended on scene, or one whose grade needs no unit."""
    if outcome not in Outcome.values:
        raise Invalid(
            "outcome",
            _("choose an outcome: %(allowed)s")
            % {"allowed": ", ".join(str(c.label) for c in Outcome)},
        )
    check_transition(appeal, "closed")
    if appeal.status == "graded" and appeal.grade and appeal.grade.needs_unit:
        raise Invalid(
            "status",
            _(
                "A call of grade %(grade)s is closed after a unit attends, or cancelled with a reason."
            )
            % {"grade": appeal.grade.name},
        )
    now = now or timezone.now()
    old = appeal.status
    _update(appeal, status="closed", closed_at=now)
    events.closed(
        appeal,
        at=now,
        actor=user.get_username(),
        from_status=old,
        outcome=outcome,
        reason=_reason(reason),
        unit=unit,
    )
    return appeal


def cancel(
    *,
    user: User,
    appeal: Appeal,
    code: str,
    reason: str = "",
    unit: str = "",
    now: dt.datetime | None = None,
) -> Appeal:
    check_transition(appeal, "cancelled")
    if appeal.status in WITH_UNIT and not unit:
        raise Invalid("unit", _("A call with a unit is cancelled through its unit."))
    code = reason_code(code, required=True)
    now = now or timezone.now()
    old = appeal.status
    _update(appeal, status="cancelled", closed_at=now)
    events.cancelled(
        appeal,
        at=now,
        actor=user.get_username(),
        from_status=old,
        reason_code=code,
        reason=_reason(reason, required=code == ReasonCode.OTHER),
        unit=unit,
    )
    return appeal


def mark_duplicate(
    *, user: User, appeal: Appeal, of: int, reason: str = "", now: dt.datetime | None = None
) -> Appeal:
    """Close a call as a repeat of another open or recent one the caller may see."""
    check_transition(appeal, "duplicate")
    if of == appeal.pk:
        raise Invalid("duplicate_of", _("A call cannot duplicate itself."))
    original = scoped(user, Appeal.objects.all()).filter(pk=of).first()
    if original is None:
        raise Invalid("duplicate_of", _("No such call in your territory."))
    if original.duplicate_of_id is not None:
        raise Invalid("duplicate_of", _("That call is itself a duplicate; choose the original."))
    now = now or timezone.now()
    old = appeal.status
    _update(appeal, status="duplicate", duplicate_of=original, closed_at=now)
    events.duplicate(
        appeal,
        at=now,
        actor=user.get_username(),
        from_status=old,
        of=original,
        reason=_reason(reason),
    )
    return appeal


def transfer_to_district(
    *,
    user: User,
    appeal: Appeal,
    district: District,
    due_at: dt.datetime | None,
    reason: str,
    now: dt.datetime | None = None,
) -> Appeal:
    """Hand a waiting call to another district's queue (it keeps its grade and received time)."""
    if appeal.status not in {"received", "graded"}:
        raise Invalid(
            "status", _("Only a call waiting for a unit can be transferred; recall its unit first.")
        )
    if district.pk == appeal.district_id:
        raise Invalid("district", _("The call is already in this district."))
    now = now or timezone.now()
    text = _reason(reason, required=True)
    old_district = appeal.district.code if appeal.district_id else ""  # type: ignore[union-attr]
    values: dict[str, Any] = {"district": district, "region_id": district.region_id, "sector": None}
    if due_at is not None:
        values["due_at"] = due_at
    _update(appeal, **values)
    events.transferred(
        appeal,
        at=now,
        actor=user.get_username(),
        from_status=appeal.status,
        to_status=appeal.status,
        reason=text,
        from_district=old_district,
        to_district=district.code,
    )
    return appeal


def transfer_to_service(
    *,
    user: User,
    appeal: Appeal,
    service: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Appeal:
    """Hand a call to another emergency service; it ends here."""
    service = clean_text(service, field="service", max_length=100, required=True)
    check_transition(appeal, "transferred")
    now = now or timezone.now()
    old = appeal.status
    _update(appeal, status="transferred", closed_at=now)
    events.transferred(
        appeal,
        at=now,
        actor=user.get_username(),
        from_status=old,
        to_status="transferred",
        reason=_reason(reason),
        to_service=service,
    )
    return appeal


@transaction.atomic
def add_note(*, user: User, pk: int, text: str) -> Appeal:
    """A comment on the timeline (what the caller added, what the unit reported)."""
    appeal = for_update(user=user, pk=pk)
    events.note(
        appeal, at=timezone.now(), actor=user.get_username(), text=_reason(text, required=True)
    )
    return appeal
