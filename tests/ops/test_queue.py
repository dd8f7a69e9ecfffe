"""The live queue of each level: who sees what, in which order, and a poll that costs nothing
when nothing changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from senim.ops import selectors, services
from tests.ops.conftest import World, make_unit


def test_each_level_sees_its_own_calls_and_the_levels_above_see_them_too(
    world: World, send_call: Any
) -> None:
    own, neighbour = send_call(world.d1), send_call(world.d2)
    far = send_call(world.astana_district)

    def ids(user: Any, **level: str) -> set[int]:
        return {r.appeal.pk for r in selectors.queue(selectors.level_for(user, **level)).rows}

    assert ids(world.duty) == {own.pk}
    assert ids(world.oblast) == {own.pk, neighbour.pk}
    assert ids(world.centre) == {own.pk, neighbour.pk, far.pk}
    assert ids(world.centre, region="KZ-71") == {far.pk}
    assert ids(world.oblast, district=world.d2.code) == {neighbour.pk}


def test_opening_a_level_outside_ones_scope_is_refused(world: World, client_of: Any) -> None:
    duty = client_of(world.duty)
    assert duty.get("/ops/", {"district": world.d2.code}).status_code == 403
    assert duty.get("/ops/", {"region": "KZ-75"}).status_code == 403
    assert client_of(world.oblast).get("/ops/", {"region": "KZ-71"}).status_code == 403
    assert client_of(world.centre).get("/ops/", {"region": "KZ-99"}).status_code == 404
    assert client_of(world.centre).get("/ops/", {"district": world.d2.code}).status_code == 200


def test_new_calls_come_first_then_by_grade_and_time_left(world: World, send_call: Any) -> None:
    now = timezone.now()
    scheduled = send_call(received_at=now - dt.timedelta(minutes=50))
    urgent_late = send_call(received_at=now - dt.timedelta(minutes=30))
    urgent = send_call(received_at=now - dt.timedelta(minutes=5))
    emergency = send_call(received_at=now - dt.timedelta(minutes=1))
    written = send_call(channel="e_otinish", received_at=now - dt.timedelta(days=2))
    new = send_call()
    for call, grade in (
        (scheduled, "scheduled"),
        (urgent_late, "urgent"),
        (urgent, "urgent"),
        (emergency, "emergency"),
    ):
        services.grade_call(user=world.duty, pk=call.pk, grade=grade)
    q = selectors.queue(selectors.level_for(world.duty), now=now)
    assert [r.appeal.pk for r in q.rows] == [
        new.pk,
        emergency.pk,
        urgent_late.pk,
        urgent.pk,
        scheduled.pk,
        written.pk,
    ]
    states = {r.appeal.pk: r.clock.state for r in q.rows}
    # 30 of 20 minutes: breached; 5 of 20: fine; the warning comes at 75 % of the target.
    assert (states[urgent_late.pk], states[urgent.pk], states[new.pk]) == ("breached", "ok", "new")
    assert q.overdue == 1 and q.total_open == 6


def test_the_poll_answers_304_until_something_changes_and_the_page_has_the_clock(
    world: World, send_call: Any, client_of: Any
) -> None:
    call = send_call()
    client = client_of(world.duty)
    first = client.get("/ops/queue/")
    etag = first["ETag"]
    assert first.status_code == 200 and call.external_id in first.content.decode()
    assert client.get("/ops/queue/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    services.grade_call(user=world.duty, pk=call.pk, grade="emergency")
    changed = client.get("/ops/queue/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    body = changed.content.decode()
    assert 'class="clock clock--ok"' in body and "data-due=" in body


def test_a_duty_officer_lands_on_the_queue_and_an_analyst_may_watch_but_not_act(
    world: World, send_call: Any, client_of: Any
) -> None:
    unit = make_unit(world.d1, "A-01")
    call = send_call()
    duty = client_of(world.duty)
    assert duty.get("/")["Location"] == "/ops/"
    analyst = client_of(world.analyst)
    page = analyst.get(f"/ops/calls/{call.pk}/")
    assert page.status_code == 200 and 'id="form-grade"' not in page.content.decode()
    refused = analyst.post(f"/ops/calls/{call.pk}/grade/", {"grade": "emergency"})
    assert refused.status_code == 403
    call.refresh_from_db()
    assert call.status == "received"
    # The duty officer's forms: grade, then dispatch the suggested unit.
    assert duty.post(f"/ops/calls/{call.pk}/grade/", {"grade": "emergency"}).status_code == 302
    assert 'id="form-dispatch"' in duty.get(f"/ops/calls/{call.pk}/").content.decode()
    assert duty.post(f"/ops/calls/{call.pk}/dispatch/", {"unit": unit.pk}).status_code == 302
    bad = duty.post(f"/ops/calls/{call.pk}/close/", {"outcome": "help_given"})
    assert bad.status_code == 422 and "alert--error" in bad.content.decode()
    assert duty.post(f"/ops/calls/{call.pk}/dispatch/", {"unit": "x"}).status_code == 422


def test_registering_a_call_at_the_desk_puts_it_in_the_queue(world: World, client_of: Any) -> None:
    duty = client_of(world.duty)
    form = {
        "channel": "walk_in",
        "category": "noise",
        "district": world.d1.code,
        "summary": "music at night",
    }
    response = duty.post("/ops/calls/new/", form)
    assert response.status_code == 302
    call_page = duty.get(response["Location"])
    assert "music at night" in call_page.content.decode()
    bad = duty.post("/ops/calls/new/", form | {"lat": "91", "lon": "76.9"})
    assert bad.status_code == 422 and "outside Kazakhstan" in bad.content.decode()


def test_units_page_sets_a_free_units_status_and_refuses_a_unit_on_a_call(
    world: World, send_call: Any, client_of: Any
) -> None:
    unit = make_unit(world.d1, "A-01")
    duty = client_of(world.duty)
    assert duty.post("/ops/units/", {"unit": unit.pk, "status": "busy"}).status_code == 302
    unit.refresh_from_db()
    assert unit.status == "busy"
    assert duty.post("/ops/units/", {"unit": unit.pk, "status": "on_scene"}).status_code == 422
    other = make_unit(world.d2, "B-01")
    assert duty.post("/ops/units/", {"unit": other.pk, "status": "busy"}).status_code == 404
