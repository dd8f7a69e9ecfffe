"""Complaints: repeats of the same events, the one-day rule, and who may see the complainant."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from senim.core.models import AuditEntry
from senim.safeguards.models import Complaint
from senim.safeguards.services import complaints

pytestmark = pytest.mark.django_db
IIN = "900101300017"  # a checksum-valid IIN


def _new(user: Any, places: Any, n: int, **fields: Any) -> Complaint:
    values: dict[str, Any] = {
        "source_system": "ombudsman",
        "external_id": f"K-{n}",
        "received_at": timezone.now() - dt.timedelta(days=30 - n),
        "channel": "terminal",
        "stage": "penitentiary",
        "facility_id": places.colony_a.pk,
        "event_date": dt.date(2025, 5, 10),
        "iin": IIN,
        "complainant_name": "Secret Name",
        "summary": "beaten in the shower room",
    }
    complaint, _created = complaints.create(
        user=user, data=complaints.ComplaintInput(**(values | fields))
    )
    return complaint


def test_repeated_complaints_about_the_same_events_point_at_the_first(
    users: Any, places: Any
) -> None:
    npm = users["npm_monitor"]
    first = _new(npm, places, 1)
    again = _new(npm, places, 2, event_date=dt.date(2025, 5, 14))  # within the 7-day window
    other_place = _new(npm, places, 3, facility_id=places.ivs_a.pk, stage="pre_trial")
    other_events = _new(npm, places, 4, event_date=dt.date(2025, 8, 1))
    someone_else = _new(npm, places, 5, iin="850315400015")
    third = _new(npm, places, 6)
    assert first.repeat_of is None
    assert again.repeat_of == first and third.repeat_of == first
    assert other_place.repeat_of is None and other_events.repeat_of is None
    assert someone_else.repeat_of is None
    summary = complaints.summary(user=npm, year=timezone.localdate().year)
    assert summary["repeated"] >= 2


def test_only_the_handlers_see_who_complained_and_each_look_is_audited(
    users: Any, places: Any, token_client: Any, session_client: Any
) -> None:
    complaint = _new(users["npm_monitor"], places, 1, handler_ids=[users["prosecutor_a"].pk])
    url = f"/api/safeguards/complaints/{complaint.pk}"
    handler = token_client(users["prosecutor_a"]).get(url).json()
    assert handler["identity_visible"] and handler["identity"]["name"] == "Secret Name"
    assert AuditEntry.objects.filter(action="read", model="safeguards.Complaint").count() == 1
    for outsider in ("regional_analyst_a", "national_analyst", "administrator"):
        body = token_client(users[outsider]).get(url)
        assert body.status_code == 200
        text = body.content.decode()
        assert (
            body.json()["identity"] is None and "Secret Name" not in text and "shower" not in text
        )
    page = (
        session_client(users["regional_analyst_a"]).get("/safeguards/complaints/").content.decode()
    )
    assert "Secret Name" not in page and "hidden" in page
    handler_page = session_client(users["npm_monitor"]).get("/safeguards/complaints/")
    assert "Secret Name" in handler_page.content.decode()
    shown = AuditEntry.objects.filter(action="read", actor=users["npm_monitor"].username).last()
    assert shown is not None and shown.details["ids"] == [complaint.pk]


def test_registration_and_urgent_actions_are_judged_by_the_one_day_rule(
    users: Any, places: Any, token_client: Any
) -> None:
    complaint = _new(users["npm_monitor"], places, 1)
    client = token_client(users["npm_monitor"])
    url = f"/api/safeguards/complaints/{complaint.pk}/steps"
    at = complaint.received_at + dt.timedelta(hours=5)

    def step(**body: Any) -> Any:
        return client.post(url, json.dumps(body, default=str), content_type="application/json")

    assert step(step="registered", at=at.isoformat(), erdr_number="").status_code == 422
    assert step(step="registered", at=at.isoformat(), erdr_number="251234567890").status_code == 200
    assert step(step="forensic", at=(at + dt.timedelta(hours=30)).isoformat()).status_code == 200
    early = step(step="video", at=(complaint.received_at - dt.timedelta(hours=1)).isoformat())
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "at"
    complaint.refresh_from_db()
    clocks = complaints.one_day(complaint)
    now = timezone.now()
    assert clocks["registered"].state(now) == "met"
    assert clocks["forensic"].state(now) == "late"
    assert clocks["video"].state(now) == "breached"
    # Someone who is not a handler cannot record steps.
    other = token_client(users["prosecutor_a"]).post(
        url, json.dumps({"step": "video", "at": at.isoformat()}), content_type="application/json"
    )
    assert other.status_code == 403


def test_bad_complaints_are_refused_field_by_field(
    users: Any, places: Any, token_client: Any
) -> None:
    client = token_client(users["npm_monitor"])
    body = {
        "source_system": "ombudsman",
        "external_id": "K-1",
        "received_at": "2025-05-20T10:00:00",
        "channel": "pigeon",
        "stage": "penitentiary",
        "facility_id": 999_999,
        "summary": "x" * 4001,
    }
    answer = client.post(
        "/api/safeguards/complaints", json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "summary"
    body["summary"] = "short"
    answer = client.post(
        "/api/safeguards/complaints", json.dumps(body), content_type="application/json"
    )
    fields = {e["field"] for e in answer.json()["errors"]}
    assert answer.status_code == 422 and {"facility_id", "channel"} <= fields
    assert not Complaint.objects.exists()
    duty = token_client(users["duty_officer_a"]).post(
        "/api/safeguards/complaints", json.dumps(body), content_type="application/json"
    )
    assert duty.status_code == 403  # the police do not register complaints against themselves
