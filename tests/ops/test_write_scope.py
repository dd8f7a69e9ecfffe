"""Writes of the operational centres stay in the writer's district (issue 16 item 6): another
district's alert is acknowledged neither through the API nor the page, with the same 404 as an
alert that does not exist; a call whose district code is the sender's but whose point lies in the
next district is refused."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from senim.ops import alerts, services
from senim.ops.models import CallAlert, UnitEvent
from tests.ops.conftest import World, make_unit

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_another_districts_alert_is_unknown_to_the_api_and_the_page(
    world: World, send_call: Any
) -> None:
    call = send_call(received_at=timezone.now() - dt.timedelta(minutes=16))
    services.grade_call(user=world.duty, pk=call.pk, grade="urgent")
    alerts.run()
    alert = CallAlert.objects.get(appeal_id=call.pk)
    stranger = _client(world.duty2)
    missing = alert.pk + 1000
    api = f"/api/ops/alerts/{alert.pk}/acknowledge"
    assert stranger.post(api).status_code == 404
    assert stranger.post(f"/api/ops/alerts/{missing}/acknowledge").status_code == 404
    assert (
        stranger.post(api).json() == stranger.post(f"/api/ops/alerts/{missing}/acknowledge").json()
    )
    assert stranger.post(f"/ops/alerts/{alert.pk}/acknowledge/").status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert _client(world.duty).post(api).status_code == 204


def test_a_call_under_ones_own_district_code_with_a_point_elsewhere_is_refused(
    world: World,
) -> None:
    body = {
        "source_system": "102",
        "external_id": "P-1",
        "channel": "call_102",
        "category": "crime_report",
        "district": world.d1.code,
        "lat": world.d2.lat,
        "lon": world.d2.lon,
    }
    response = _client(world.duty).post("/api/ops/calls", body, content_type="application/json")
    assert response.status_code == 403, response.content


def test_another_districts_or_regions_unit_reads_as_no_such_unit_on_the_units_page(
    world: World,
) -> None:
    """A district's and a region's duty officer set a status only on their own units: the next
    district's or another region's unit answers as a unit that does not exist, and stays as it
    was; the page of another district is not theirs to open either."""
    units = {
        "d2": make_unit(world.d2, "B-01"),
        "astana": make_unit(world.astana_district, "C-01"),
    }
    form = {"status": "off_duty", "reason": "end of shift"}
    for user, theirs in ((world.duty, ("d2", "astana")), (world.oblast, ("astana",))):
        client = _client(user)
        unknown = client.post("/ops/units/", form | {"unit": 10**9})
        assert unknown.status_code == 404
        for name in theirs:
            answer = client.post("/ops/units/", form | {"unit": units[name].pk})
            assert answer.status_code == 404
            assert _page(answer) == _page(unknown), name
    assert (
        _client(world.duty)
        .post(f"/ops/units/?district={world.d2.code}", form | {"unit": units["d2"].pk})
        .status_code
        == 403
    )
    for unit in units.values():
        unit.refresh_from_db()
        assert unit.status == "available"
    assert not UnitEvent.objects.filter(unit__in=units.values()).exists()


def _page(response: Any) -> str:
    """The page without its per-request CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
