"""Writes of the operational centres stay in the writer's district (issue 16 item 6): another
district's alert is acknowledged neither through the API nor the page, with the same 404 as an
alert that does not exist; a call whose district code is the sender's but whose point lies in the
next district is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from senim.ops import alerts, services
from senim.ops.models import CallAlert
from tests.ops.conftest import World

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
