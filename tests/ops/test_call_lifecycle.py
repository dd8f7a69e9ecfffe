"""A call's life through the duty officer's services: every step recorded, refusals change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.models import AuditEntry
from senim.ops import selectors, services
from senim.ops.models import PatrolUnit, UnitEvent
from senim.register.models import Appeal, AppealEvent
from tests.ops.conftest import World, make_unit


def _snapshot(appeal: Appeal) -> tuple[Any, ...]:
    appeal.refresh_from_db()
    units = tuple(PatrolUnit.objects.order_by("pk").values_list("status", "appeal_id"))
    return (
        appeal.status,
        appeal.grade_id,
        appeal.due_at,
        appeal.dispatched_at,
        appeal.district_id,
        AppealEvent.objects.count(),
        UnitEvent.objects.count(),
        units,
    )


def test_a_call_is_graded_dispatched_attended_and_closed_and_its_clock_stops(
    world: World, send_call: Any
) -> None:
    near = make_unit(world.d1, "A-01", dlat=0.001)
    make_unit(world.d1, "A-02", dlat=0.05)
    call = send_call()
    assert call.status == "received" and call.due_at is None

    t0 = call.received_at
    services.grade_call(
        user=world.duty, pk=call.pk, grade="emergency", now=t0 + dt.timedelta(seconds=30)
    )
    call.refresh_from_db()
    assert call.status == "graded" and call.grade.code == "emergency"
    # Almaty's districts are urban: the Centre's shipped emergency target is 10 minutes.
    assert call.due_at == t0 + dt.timedelta(minutes=10)
    assert [u.call_sign for u, _ in services.suggest_units(call)] == ["A-01", "A-02"]

    services.dispatch(
        user=world.duty, pk=call.pk, unit_id=near.pk, now=t0 + dt.timedelta(minutes=1)
    )
    services.en_route(user=world.duty, pk=call.pk, now=t0 + dt.timedelta(minutes=2))
    services.on_scene(user=world.duty, pk=call.pk, now=t0 + dt.timedelta(minutes=8))
    call.refresh_from_db()
    near.refresh_from_db()
    assert (call.status, near.status, near.appeal_id) == ("on_scene", "on_scene", call.pk)
    clock = selectors.clock(call, t0 + dt.timedelta(hours=1))
    assert clock.state == "met" and clock.stopped_at == t0 + dt.timedelta(minutes=8)

    services.close_call(
        user=world.duty, pk=call.pk, outcome="help_given", now=t0 + dt.timedelta(minutes=30)
    )
    call.refresh_from_db()
    near.refresh_from_db()
    assert (call.status, near.status, near.appeal_id) == ("closed", "available", None)
    kinds = list(call.events.values_list("kind", "actor"))
    assert kinds == [
        ("received", "centre"),
        ("graded", "duty1"),
        ("dispatched", "duty1"),
        ("en_route", "duty1"),
        ("on_scene", "duty1"),
        ("closed", "duty1"),
    ]
    assert call.events.get(kind="dispatched").details == {"unit": "A-01"}
    # Every person's step is also in the hash-chained audit log.
    assert AuditEntry.objects.filter(
        model="register.Appeal", object_pk=str(call.pk), action="dispatched"
    ).exists()


def test_regrading_keeps_the_first_grading_time_and_needs_a_reason(
    world: World, send_call: Any
) -> None:
    call = send_call()
    t0 = call.received_at
    services.grade_call(
        user=world.duty, pk=call.pk, grade="urgent", now=t0 + dt.timedelta(minutes=1)
    )
    before = _snapshot(call)
    with pytest.raises(Invalid) as refused:
        services.grade_call(user=world.duty, pk=call.pk, grade="emergency")
    assert refused.value.field == "reason_code"
    assert _snapshot(call) == before
    services.grade_call(
        user=world.duty,
        pk=call.pk,
        grade="emergency",
        reason_code="new_information",
        reason="a knife was mentioned",
        now=t0 + dt.timedelta(minutes=3),
    )
    call.refresh_from_db()
    assert call.graded_at == t0 + dt.timedelta(minutes=1)  # the original time stays
    assert call.due_at == t0 + dt.timedelta(minutes=10)  # still counted from receipt
    event = call.events.get(kind="regraded")
    assert event.reason_code == "new_information" and event.reason == "a knife was mentioned"
    assert event.details["from_grade"] == "urgent" and event.details["grade"] == "emergency"


def test_a_deliberate_hold_needs_a_reason_code_and_the_clock_keeps_running(
    world: World, send_call: Any
) -> None:
    call = send_call()
    services.grade_call(user=world.duty, pk=call.pk, grade="scheduled")
    with pytest.raises(Invalid):
        services.hold_call(user=world.duty, pk=call.pk, reason_code="")
    services.hold_call(user=world.duty, pk=call.pk, reason_code="caller_unavailable")
    call.refresh_from_db()
    assert call.status == "graded" and call.events.filter(kind="held").count() == 1


@pytest.mark.parametrize(
    "step",
    [
        "unknown grade",
        "dispatch before grading",
        "en route without a unit",
        "close an emergency without a unit",
        "unit of another district",
        "busy unit",
        "analyst works a call",
        "district officer opens another district's call",
        "transfer a dispatched call",
        "duplicate of itself",
        "a control character in the reason",
    ],
)
def test_refused_steps_say_why_and_change_nothing(world: World, send_call: Any, step: str) -> None:
    own = make_unit(world.d1, "A-01")
    other = make_unit(world.d2, "B-01")
    call = send_call()
    if step not in {"dispatch before grading", "unknown grade"}:
        services.grade_call(user=world.duty, pk=call.pk, grade="emergency")
    if step == "transfer a dispatched call":
        services.dispatch(user=world.duty, pk=call.pk, unit_id=own.pk)
    if step == "busy unit":
        services.set_unit_status(user=world.duty, pk=own.pk, status="busy")
    before = _snapshot(call)
    actions = {
        "unknown grade": lambda: services.grade_call(user=world.duty, pk=call.pk, grade="extreme"),
        "dispatch before grading": lambda: services.dispatch(
            user=world.duty, pk=call.pk, unit_id=own.pk
        ),
        "en route without a unit": lambda: services.en_route(user=world.duty, pk=call.pk),
        "close an emergency without a unit": lambda: services.close_call(
            user=world.duty, pk=call.pk, outcome="help_given"
        ),
        "unit of another district": lambda: services.dispatch(
            user=world.oblast, pk=call.pk, unit_id=other.pk
        ),
        "busy unit": lambda: services.dispatch(user=world.duty, pk=call.pk, unit_id=own.pk),
        "analyst works a call": lambda: services.close_call(
            user=world.analyst, pk=call.pk, outcome="help_given"
        ),
        "district officer opens another district's call": lambda: services.grade_call(
            user=world.duty2, pk=call.pk, grade="urgent", reason_code="other", reason="x"
        ),
        "transfer a dispatched call": lambda: services.transfer_call(
            user=world.duty, pk=call.pk, district=world.d2.code, reason="closer"
        ),
        "duplicate of itself": lambda: services.mark_duplicate(
            user=world.duty, pk=call.pk, of=call.pk
        ),
        "a control character in the reason": lambda: services.cancel_call(
            user=world.duty, pk=call.pk, reason_code="other", reason="bad\x00text"
        ),
    }
    with pytest.raises((Invalid, Forbidden, NotFound)) as refused:
        actions[step]()
    assert refused.value.message  # a sentence for the person, not a code
    assert _snapshot(call) == before


def test_a_waiting_call_moves_to_another_districts_queue_with_its_grade(
    world: World, send_call: Any
) -> None:
    call = send_call()
    services.grade_call(user=world.duty, pk=call.pk, grade="urgent")
    services.transfer_call(
        user=world.duty,
        pk=call.pk,
        district=world.d2.code,
        reason="the address is across the border",
    )
    call.refresh_from_db()
    assert call.district_id == world.d2.pk and call.status == "graded"
    assert [r.appeal.pk for r in selectors.queue(selectors.level_for(world.duty2)).rows] == [
        call.pk
    ]
    assert call.pk not in [
        r.appeal.pk for r in selectors.queue(selectors.level_for(world.duty)).rows
    ]
    event = call.events.get(kind="transferred")
    assert event.details == {"from_district": world.d1.code, "to_district": world.d2.code}


def test_handing_a_call_to_another_service_or_marking_a_duplicate_ends_it(
    world: World, send_call: Any
) -> None:
    first, second, third = send_call(), send_call(), send_call()
    services.mark_duplicate(user=world.duty, pk=second.pk, of=first.pk, reason="same fight")
    services.transfer_call(
        user=world.duty, pk=third.pk, service="ambulance", reason="a medical emergency"
    )
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, second.duplicate_of_id) == ("duplicate", first.pk)
    assert third.status == "transferred" and third.closed_at is not None
    assert [r.appeal.pk for r in selectors.queue(selectors.level_for(world.duty)).rows] == [
        first.pk
    ]


def test_recalling_a_unit_sends_the_call_back_to_the_queue_and_frees_the_unit(
    world: World, send_call: Any
) -> None:
    unit = make_unit(world.d1, "A-01")
    call = send_call()
    services.grade_call(user=world.duty, pk=call.pk, grade="urgent")
    services.dispatch(user=world.duty, pk=call.pk, unit_id=unit.pk)
    services.recall(user=world.duty, pk=call.pk, reason_code="higher_priority")
    call.refresh_from_db()
    unit.refresh_from_db()
    assert (call.status, unit.status, unit.appeal_id) == ("graded", "available", None)
    assert call.dispatched_at is not None  # the first dispatch time stays for the record
    with pytest.raises(Invalid):
        services.set_unit_status(user=world.duty, pk=unit.pk, status="dispatched")


def test_a_unit_on_a_call_cannot_go_off_duty(world: World, send_call: Any) -> None:
    unit = make_unit(world.d1, "A-01")
    call = send_call()
    services.grade_call(user=world.duty, pk=call.pk, grade="urgent")
    services.dispatch(user=world.duty, pk=call.pk, unit_id=unit.pk)
    with pytest.raises(Invalid) as refused:
        services.set_unit_status(user=world.duty, pk=unit.pk, status="off_duty")
    assert "on a call" in refused.value.message
    services.cancel_call(user=world.duty, pk=call.pk, reason_code="caller_withdrew")
    services.set_unit_status(user=world.duty, pk=unit.pk, status="off_duty")
    unit.refresh_from_db()
    assert unit.status == "off_duty"
    assert list(UnitEvent.objects.filter(unit=unit).values_list("to_status", flat=True)) == [
        "dispatched",
        "available",
        "off_duty",
    ]


def test_a_call_resolved_by_phone_is_met_when_closed_in_time(world: World, send_call: Any) -> None:
    call = send_call(category="information")
    t0 = call.received_at
    services.grade_call(user=world.duty, pk=call.pk, grade="by_phone", now=t0)
    services.close_call(
        user=world.duty, pk=call.pk, outcome="help_given", now=t0 + dt.timedelta(minutes=5)
    )
    call.refresh_from_db()
    assert selectors.clock(call, timezone.now()).state == "met"
