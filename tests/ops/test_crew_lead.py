"""The crew's senior officer, named when a unit comes on duty (issue 14, item 4): every event of
the unit carries the officer, so the calls count for who handled them. Another region's officer
or an unknown badge is refused by its field and nothing changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from senim.core.models import Officer, Unit
from senim.ops import services
from senim.ops.models import PatrolUnit, UnitEvent
from tests.ops.conftest import World, make_unit


def _officer(badge: str, region: Any) -> Officer:
    unit = Unit.objects.create(
        kind="district_department", name_ru="УП", name_kk="ПБ", name_en="PD", region=region
    )
    return Officer.objects.create(badge_number=badge, unit=unit)


def test_the_crew_lead_is_named_on_the_units_page_and_the_calls_count_for_them(
    world: World, send_call: Any, client_of: Any
) -> None:
    lead = _officer("AL-7", world.almaty)
    unit = make_unit(world.d1, "A-01")
    duty = client_of(world.duty)
    answer = duty.post("/ops/units/", {"unit": unit.pk, "status": "busy", "crew_badge": "AL-7"})
    assert answer.status_code == 302
    unit.refresh_from_db()
    assert unit.crew_lead == lead
    services.set_unit_status(user=world.duty, pk=unit.pk, status="available")
    unit.refresh_from_db()
    assert unit.crew_lead == lead  # kept while on duty
    call = send_call()
    t0 = call.received_at
    services.grade_call(user=world.duty, pk=call.pk, grade="emergency", now=t0)
    services.dispatch(
        user=world.duty, pk=call.pk, unit_id=unit.pk, now=t0 + dt.timedelta(minutes=1)
    )
    services.on_scene(user=world.duty, pk=call.pk, now=t0 + dt.timedelta(minutes=30))
    events = services.calls_by_officer(officer_ids=[lead.pk])
    assert len(events) == 1
    officer_id, dispatched, late = events[0]
    # The emergency target is 10 minutes: reached after 30 is late.
    assert officer_id == lead.pk and dispatched == t0 + dt.timedelta(minutes=1) and late
    assert services.calls_by_officer(officer_ids=[lead.pk + 1000]) == []
    # Going off duty ends the crew.
    services.close_call(
        user=world.duty, pk=call.pk, outcome="help_given", now=t0 + dt.timedelta(minutes=40)
    )
    services.set_unit_status(user=world.duty, pk=unit.pk, status="off_duty")
    unit.refresh_from_db()
    assert unit.crew_lead is None


@pytest.mark.parametrize("badge", ["AS-9", "NOBODY", "A\x00B"])
def test_another_regions_officer_or_an_unknown_badge_is_refused_and_nothing_changes(
    world: World, client_of: Any, badge: str
) -> None:
    _officer("AS-9", world.astana)
    unit = make_unit(world.d1, "A-01")
    before = (UnitEvent.objects.count(), PatrolUnit.objects.get(pk=unit.pk).status)
    duty = client_of(world.duty)
    answer = duty.post("/ops/units/", {"unit": unit.pk, "status": "busy", "crew_badge": badge})
    assert answer.status_code == 422
    assert "crew" in answer.content.decode().lower() or "badge" in answer.content.decode().lower()
    unit.refresh_from_db()
    assert unit.crew_lead is None
    assert (UnitEvent.objects.count(), unit.status) == before
