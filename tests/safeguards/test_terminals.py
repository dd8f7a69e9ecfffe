"""Terminals: a device token for heartbeats, outages after silence, one alert per outage."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from senim.safeguards.models import SentAlert, Terminal, TerminalOutage
from senim.safeguards.services import alerts, terminals

pytestmark = pytest.mark.django_db
BEAT = "/api/safeguards/terminals/heartbeat"


@pytest.fixture
def terminal(users: Any, places: Any, token_client: Any) -> tuple[Terminal, str]:
    admin = token_client(users["administrator"])
    body = {"facility_id": places.colony_a.pk, "kind": "complaint_terminal", "serial": "T-0001"}
    created = admin.post(
        "/api/safeguards/terminals", json.dumps(body), content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    token = admin.post(f"/api/safeguards/terminals/{pk}/token").json()["token"]
    return Terminal.objects.get(pk=pk), token


def test_a_heartbeat_needs_the_terminals_own_token(
    terminal: Any, users: Any, token_client: Any
) -> None:
    device, token = terminal
    assert Client().post(BEAT).status_code == 401
    assert Client(headers={"Authorization": "Bearer wrong"}).post(BEAT).status_code == 401
    assert token_client(users["administrator"]).post(BEAT).status_code == 401  # a person's token
    beat = Client(headers={"Authorization": f"Bearer {token}"}).post(BEAT)
    assert beat.status_code == 200 and beat.json()["terminal"] == "T-0001"
    device.refresh_from_db()
    assert device.last_heartbeat_at is not None


def test_silence_opens_an_outage_notified_once_and_a_heartbeat_closes_it(
    terminal: Any, users: Any
) -> None:
    device, token = terminal
    users["prosecutor_a"].email = "a@prokuror.kz"
    users["prosecutor_a"].save()
    now = timezone.now()
    Terminal.objects.filter(pk=device.pk).update(last_heartbeat_at=now - dt.timedelta(minutes=20))
    assert alerts.run(now=now).outages_opened == 0  # 20 minutes is within the 30-minute limit
    Terminal.objects.filter(pk=device.pk).update(last_heartbeat_at=now - dt.timedelta(minutes=45))
    first = alerts.run(now=now)
    assert first.outages_opened == 1 and first.sent == {"terminal_outage": 1}
    assert alerts.run(now=now + dt.timedelta(minutes=10)).total == 0
    assert len(mail.outbox) == 1 and "T-0001" in mail.outbox[0].body
    Client(headers={"Authorization": f"Bearer {token}"}).post(BEAT)
    outage = TerminalOutage.objects.get()
    assert outage.ended_at is not None
    # Silent again later: a new outage, a new alert.
    Terminal.objects.filter(pk=device.pk).update(last_heartbeat_at=now + dt.timedelta(hours=1))
    alerts.run(now=now + dt.timedelta(hours=2))
    assert TerminalOutage.objects.count() == 2 and SentAlert.objects.count() == 2


def test_failures_by_region_count_each_failed_device_once(terminal: Any, users: Any) -> None:
    device, _token = terminal
    zone = timezone.get_default_timezone()
    for day in (3, 9):  # the same terminal failed twice in 2025
        start = dt.datetime(2025, 4, day, tzinfo=zone)
        TerminalOutage.objects.create(
            terminal=device,
            region=device.region,
            started_at=start,
            detected_at=start,
            ended_at=start + dt.timedelta(hours=5),
        )
    lines = {
        line.region.iso: line
        for line in terminals.failures(user=users["national_analyst"], year=2025)
    }
    assert lines["KZ-TA"].terminals == 1 and lines["KZ-TA"].failed_terminals == 1
    assert lines["KZ-TB"].failed_terminals == 0
    mine = terminals.failures(user=users["prosecutor_a"], year=2025)
    assert [line.region.iso for line in mine] == ["KZ-TA"]


def test_registering_a_terminal_is_for_administrators_and_checks_its_input(
    users: Any, places: Any, token_client: Any, terminal: Any
) -> None:
    body = {"facility_id": places.colony_a.pk, "kind": "complaint_terminal", "serial": "T-0001"}
    post = token_client(users["administrator"]).post
    assert (
        post(
            "/api/safeguards/terminals", json.dumps(body), content_type="application/json"
        ).status_code
        == 409
    )
    unknown = post(
        "/api/safeguards/terminals",
        json.dumps(body | {"facility_id": 999_999, "serial": "T-2"}),
        content_type="application/json",
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "facility_id"
    long = post(
        "/api/safeguards/terminals",
        json.dumps(body | {"serial": "x" * 65}),
        content_type="application/json",
    )
    assert long.status_code == 422 and long.json()["errors"][0]["field"] == "serial"
    prosecutor = token_client(users["prosecutor_a"]).post(
        "/api/safeguards/terminals",
        json.dumps(body | {"serial": "T-3"}),
        content_type="application/json",
    )
    assert prosecutor.status_code == 403
    assert Terminal.objects.count() == 1
