"""The duty officer's use cases: grade, hold, dispatch, en route, on scene, recall, close, cancel,
transfer, mark as duplicate, and a unit's own status. One transaction each.

A call and its unit always change together: every step locks the call first, then its unit (the
same order everywhere, so two officers cannot deadlock), checks both state machines, and writes
both, or raises and writes nothing. The database enforces the unit side too (the check constraint
`unit_call_matches_status`; one unit per call by its unique key).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from functools import partial

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.geo import locator
from senim.core.models import District, Officer, User
from senim.core.permissions import Perm, can
from senim.core.scope import scoped
from senim.core.text import clean_text
from senim.ops.models import ON_CALL, UNIT_TRANSITIONS, PatrolUnit, UnitEvent, UnitStatus
from senim.ops.targets import target_for
from senim.register import calls
from senim.register.models import Appeal, Grade


def _require(user: User, perm: str = Perm.DISPATCH) -> None:
    if not can(user, perm):
        raise Forbidden("", _("Your role may watch the queue but not work the calls."))


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


# --- units ---------------------------------------------------------------------------------------


def _unit_label(value: str) -> str:
    return str(UnitStatus(value).label) if value in UnitStatus.values else value


def _move_unit(
    unit: PatrolUnit,
    *,
    to: str,
    appeal: Appeal | None,
    actor: str,
    now: dt.datetime,
    reason: str = "",
) -> None:
    if to != unit.status and to not in UNIT_TRANSITIONS[unit.status]:
        raise Invalid(
            "unit",
            _("Unit %(unit)s is %(old)s and cannot become %(new)s.")
            % {"unit": unit.call_sign, "old": _unit_label(unit.status), "new": _unit_label(to)},
        )
    old = unit.status
    attached = appeal if to in ON_CALL else None
    PatrolUnit.objects.filter(pk=unit.pk).update(status=to, status_since=now, appeal=attached)
    unit.status, unit.status_since, unit.appeal = to, now, attached
    UnitEvent.objects.create(
        unit=unit,
        at=now,
        actor=actor,
        from_status=old,
        to_status=to,
        appeal=appeal,
        reason=reason,
        officer_id=unit.crew_lead_id,
    )


def units(*, user: User) -> PatrolUnit:
    return scoped(user, PatrolUnit.objects.select_related("district", "region"))  # type: ignore[return-value]


def _unit_for_update(*, user: User, pk: int) -> PatrolUnit:
    unit = scoped(user, PatrolUnit.objects.select_for_update()).filter(pk=pk).first()
    if unit is None:
        raise NotFound("unit", _("No such unit in your territory."))
    return unit


def _unit_of(appeal: Appeal) -> PatrolUnit | None:
    return PatrolUnit.objects.select_for_update().filter(appeal_id=appeal.pk).first()


@transaction.atomic
def set_unit_status(
    *,
    user: User,
    pk: int,
    status: str,
    reason: str = "",
    crew_badge: str = "",
    now: dt.datetime | None = None,
) -> PatrolUnit:
    """Available, busy or off duty: the statuses a unit takes without a call.

    `crew_badge` names the crew's senior officer (an officer of the unit's region; another
    region's or an unknown badge is refused by that field); going off duty ends the crew."""
    _require(user)
    if status not in {"available", "busy", "off_duty"}:
        raise Invalid(
            "status",
            _("A unit's call steps are made on the call itself (dispatch, arrival, close)."),
        )
    unit = _unit_for_update(user=user, pk=pk)
    if unit.status in ON_CALL:
        raise Invalid(
            "status",
            _("Unit %(unit)s is on a call; close, cancel or recall that call first.")
            % {"unit": unit.call_sign},
        )
    reason = clean_text(reason, field="reason", max_length=500)
    badge = crew_badge.strip()
    if badge:
        if status == "off_duty":
            raise Invalid("crew_badge", _("A unit going off duty has no crew."))
        if len(badge) > 20 or not badge.isprintable():
            raise Invalid("crew_badge", _("A badge number is up to 20 printable characters."))
        lead = Officer.objects.filter(badge_number=badge, unit__region_id=unit.region_id).first()
        if lead is None:
            raise Invalid(
                "crew_badge",
                _("No officer with badge %(badge)s serves in this region.") % {"badge": badge},
            )
        unit.crew_lead = lead
    elif status == "off_duty":
        unit.crew_lead = None
    PatrolUnit.objects.filter(pk=unit.pk).update(crew_lead=unit.crew_lead)
    _move_unit(
        unit, to=status, appeal=None, actor=user.get_username(), now=_now(now), reason=reason
    )
    return unit


def calls_by_officer(*, officer_ids: list[int]) -> list[tuple[int, dt.datetime, bool]]:
    """For the integrity app's early-intervention features: every call a unit was dispatched
    to while one of `officer_ids` led its crew, as (officer id, dispatched, reached after the
    call's due time — a call never reached is not counted late). Facts only: no caller, no text."""
    rows = (
        UnitEvent.objects.filter(officer_id__in=officer_ids, to_status="dispatched")
        .filter(appeal__isnull=False)
        .values_list("officer_id", "at", "appeal_id")
    )
    events = list(rows)
    times = {
        pk: (due, arrived)
        for pk, due, arrived in Appeal.objects.filter(
            pk__in={a for _o, _at, a in events}
        ).values_list("pk", "due_at", "arrived_at")
    }
    late = {pk for pk, (due, arrived) in times.items() if due and arrived and arrived > due}
    return [(officer, at, appeal in late) for officer, at, appeal in events]


@transaction.atomic
def move_unit(
    *, user: User, pk: int, lat: float, lon: float, now: dt.datetime | None = None
) -> PatrolUnit:
    """A unit's reported position; it must lie in its own region."""
    _require(user)
    unit = _unit_for_update(user=user, pk=pk)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise Invalid("lat", _("Coordinates must be numbers."))
    where = locator().locate(np.array([lat]), np.array([lon]))
    if int(where.region_ids[0]) != unit.region_id:
        raise Invalid("lat", _("The position is outside the unit's region."))
    PatrolUnit.objects.filter(pk=unit.pk).update(lat=lat, lon=lon, position_at=_now(now))
    unit.lat, unit.lon = lat, lon
    return unit


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def suggest_units(appeal: Appeal, *, limit: int = 5) -> list[tuple[PatrolUnit, float | None]]:
    """The call's district's available units, nearest first (straight-line distance)."""
    available = list(
        PatrolUnit.objects.filter(district_id=appeal.district_id or 0, status=UnitStatus.AVAILABLE)
    )
    if appeal.lat is None or appeal.lon is None:
        return [(u, None) for u in sorted(available, key=lambda u: u.call_sign)[:limit]]
    lat, lon = appeal.lat, appeal.lon
    ranked = sorted(
        ((u, distance_m(lat, lon, u.lat, u.lon)) for u in available), key=lambda p: p[1]
    )
    return [(u, d) for u, d in ranked[:limit]]


# --- calls ---------------------------------------------------------------------------------------


def _grade(code: str) -> Grade:
    grade = Grade.objects.filter(code=(code or "").strip(), active=True).first()
    if grade is None:
        raise Invalid(
            "grade",
            _("Unknown grade '%(value)s'; choose one of: %(allowed)s")
            % {
                "value": (code or "")[:40],
                "allowed": ", ".join(g.name for g in Grade.objects.filter(active=True)),
            },
        )
    return grade


def due_for(appeal: Appeal, grade: Grade, district: District | None = None) -> dt.datetime:
    """The call's deadline under a grade: its receipt time plus the applicable target."""
    district = district if district is not None else appeal.district
    target = target_for(
        grade_id=grade.pk,
        district=district,
        region_id=district.region_id if district is not None else appeal.region_id,
    )
    return target.due(appeal.received_at)


@transaction.atomic
def grade_call(
    *,
    user: User,
    pk: int,
    grade: str,
    reason_code: str = "",
    reason: str = "",
    now: dt.datetime | None = None,
) -> Appeal:
    """Grade a new call (or re-grade one, with a reason): its target clock runs from receipt."""
    _require(user)
    chosen = _grade(grade)
    appeal = calls.for_update(user=user, pk=pk)
    return calls.grade(
        user=user,
        appeal=appeal,
        grade=chosen,
        due_at=due_for(appeal, chosen),
        code=reason_code,
        reason=reason,
        now=now,
    )


@transaction.atomic
def hold_call(
    *, user: User, pk: int, reason_code: str, reason: str = "", now: dt.datetime | None = None
) -> Appeal:
    _require(user)
    appeal = calls.for_update(user=user, pk=pk)
    return calls.hold(user=user, appeal=appeal, code=reason_code, reason=reason, now=now)


@transaction.atomic
def dispatch(*, user: User, pk: int, unit_id: int, now: dt.datetime | None = None) -> Appeal:
    """Send an available unit of the call's own district."""
    _require(user)
    now = _now(now)
    appeal = calls.for_update(user=user, pk=pk)
    unit = PatrolUnit.objects.select_for_update().filter(pk=unit_id).first()
    if unit is None or not scoped(user, PatrolUnit.objects.filter(pk=unit_id)).exists():
        raise Invalid("unit", _("No such unit in your territory."))
    if unit.district_id != appeal.district_id:
        raise Invalid(
            "unit",
            _(
                "Unit %(unit)s belongs to another district; transfer the call or choose a unit of its district."
            )
            % {"unit": unit.call_sign},
        )
    if unit.status != UnitStatus.AVAILABLE:
        raise Invalid(
            "unit",
            _("Unit %(unit)s is %(status)s, not available.")
            % {"unit": unit.call_sign, "status": _unit_label(unit.status)},
        )
    calls.unit_step(user=user, appeal=appeal, to_status="dispatched", unit=unit.call_sign, now=now)
    _move_unit(unit, to="dispatched", appeal=appeal, actor=user.get_username(), now=now)
    return appeal


def _step_with_unit(
    *,
    user: User,
    pk: int,
    to: str,
    now: dt.datetime | None,
    reason_code: str = "",
    reason: str = "",
) -> Appeal:
    _require(user)
    now = _now(now)
    appeal = calls.for_update(user=user, pk=pk)
    unit = _unit_of(appeal)
    if unit is None:
        raise Invalid("unit", _("No unit is on this call."))
    calls.unit_step(
        user=user,
        appeal=appeal,
        to_status=to,
        unit=unit.call_sign,
        code=reason_code,
        reason=reason,
        now=now,
    )
    _move_unit(
        unit,
        to="available" if to == "graded" else to,
        appeal=appeal,
        actor=user.get_username(),
        now=now,
        reason=reason,
    )
    return appeal


@transaction.atomic
def en_route(*, user: User, pk: int, now: dt.datetime | None = None) -> Appeal:
    return _step_with_unit(user=user, pk=pk, to="en_route", now=now)


@transaction.atomic
def on_scene(*, user: User, pk: int, now: dt.datetime | None = None) -> Appeal:
    return _step_with_unit(user=user, pk=pk, to="on_scene", now=now)


@transaction.atomic
def recall(
    *, user: User, pk: int, reason_code: str, reason: str = "", now: dt.datetime | None = None
) -> Appeal:
    """Take the unit off the call; the call goes back to the graded queue with its clock."""
    return _step_with_unit(
        user=user, pk=pk, to="graded", now=now, reason_code=reason_code, reason=reason
    )


def _end_call(
    *, user: User, pk: int, now: dt.datetime | None, finish: Callable[..., Appeal]
) -> Appeal:
    """Close or cancel a call; a unit on it becomes available in the same transaction."""
    _require(user)
    now = _now(now)
    appeal = calls.for_update(user=user, pk=pk)
    unit = _unit_of(appeal)
    finish(user=user, appeal=appeal, unit=unit.call_sign if unit else "", now=now)
    if unit is not None:
        _move_unit(unit, to="available", appeal=appeal, actor=user.get_username(), now=now)
    return appeal


@transaction.atomic
def close_call(
    *, user: User, pk: int, outcome: str, reason: str = "", now: dt.datetime | None = None
) -> Appeal:
    """Close an attended call (its unit becomes available) or one whose grade needs no unit."""
    return _end_call(
        user=user, pk=pk, now=now, finish=partial(calls.close, outcome=outcome, reason=reason)
    )


@transaction.atomic
def cancel_call(
    *, user: User, pk: int, reason_code: str, reason: str = "", now: dt.datetime | None = None
) -> Appeal:
    return _end_call(
        user=user, pk=pk, now=now, finish=partial(calls.cancel, code=reason_code, reason=reason)
    )


@transaction.atomic
def transfer_call(
    *,
    user: User,
    pk: int,
    district: str = "",
    service: str = "",
    reason: str = "",
    now: dt.datetime | None = None,
) -> Appeal:
    """To another district's queue (its target recomputed there), or to another service."""
    _require(user)
    appeal = calls.for_update(user=user, pk=pk)
    if bool(district) == bool(service):
        raise Invalid("district", _("Choose either a district or another service."))
    if service:
        return calls.transfer_to_service(
            user=user, appeal=appeal, service=service, reason=reason, now=now
        )
    target = District.objects.filter(code=district.strip()).first()
    if target is None:
        raise Invalid("district", _("Unknown district '%(value)s'.") % {"value": district[:40]})
    due = due_for(appeal, appeal.grade, target) if appeal.grade else None
    return calls.transfer_to_district(
        user=user, appeal=appeal, district=target, due_at=due, reason=reason, now=now
    )


@transaction.atomic
def mark_duplicate(
    *, user: User, pk: int, of: int, reason: str = "", now: dt.datetime | None = None
) -> Appeal:
    _require(user)
    appeal = calls.for_update(user=user, pk=pk)
    if appeal.status not in {"received", "graded"}:
        raise Invalid("status", _("Only a call waiting for a unit can be marked as a duplicate."))
    return calls.mark_duplicate(user=user, appeal=appeal, of=of, reason=reason, now=now)


def add_note(*, user: User, pk: int, text: str) -> Appeal:
    _require(user)
    return calls.add_note(user=user, pk=pk, text=text)
