"""The detaining officer on a custody record and the officer named in an ill-treatment
complaint (issue 14, item 4: what the early-intervention features count). An officer of another
region — or an unknown badge — is refused by its field with the same answer, nothing stored;
the form and the API say the same."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from senim.core.models import Officer, Unit
from senim.safeguards.errors import Invalid
from senim.safeguards.models import Complaint, CustodyRecord
from senim.safeguards.services import complaints, custody
from tests.safeguards.test_entry_forms import _custody, _field_errors, _form, _unescape

pytestmark = pytest.mark.django_db


@pytest.fixture
def officers(territory: Any) -> dict[str, Officer]:
    def unit(region: Any, district: Any) -> Unit:
        return Unit.objects.create(
            kind="district_department", name_ru="УП", name_kk="ПБ", name_en="PD",
            region=region, district=district,
        )  # fmt: skip

    return {
        "a": Officer.objects.create(badge_number="A-101", unit=unit(territory.region_a, None)),
        "b": Officer.objects.create(badge_number="B-202", unit=unit(territory.region_b, None)),
    }


def test_the_form_names_the_detaining_officer_and_the_use_of_force(
    users: Any, places: Any, officers: Any, session_client: Any
) -> None:
    client = session_client(users["duty_officer_a"])
    body = _custody(places, officer_badge="A-101", force_used=True)
    answer = client.post("/safeguards/custody/new/", _form(body))
    assert answer.status_code == 302, answer.content.decode()[:400]
    record = CustodyRecord.objects.get(external_id=body["external_id"])
    assert record.officer == officers["a"] and record.force_used
    api = session_client(users["duty_officer_a"]).get("/api/safeguards/custody?open_only=false")
    assert api.json()[0]["officer_badge"] == "A-101" and api.json()[0]["force_used"] is True


@pytest.mark.parametrize("badge", ["B-202", "NO-SUCH", "A-1\x0701"])
def test_another_regions_officer_or_an_unknown_badge_is_refused_by_its_field(
    users: Any, places: Any, officers: Any, session_client: Any, token_client: Any, badge: str
) -> None:
    body = _custody(places, officer_badge=badge)
    page = session_client(users["duty_officer_a"]).post("/safeguards/custody/new/", _form(body))
    assert page.status_code == 422
    errors = _field_errors(page.content.decode())
    assert "officer_badge" in errors, errors
    api = token_client(users["duty_officer_a"]).post(
        "/api/safeguards/custody", json.dumps(body), content_type="application/json"
    )
    assert api.status_code == 422
    fields = {e["field"]: e["message"] for e in api.json()["errors"]}
    assert "officer_badge" in fields
    if badge != "A-1\x0701":
        # Another region's officer and a badge that does not exist read the same.
        assert fields["officer_badge"] == _unescape(errors["officer_badge"])
        assert "region" in fields["officer_badge"]
    assert not CustodyRecord.objects.exists()


def test_an_over_long_badge_is_refused_by_the_schema(
    users: Any, places: Any, officers: Any, token_client: Any
) -> None:
    body = _custody(places, officer_badge="A" * 21)
    api = token_client(users["duty_officer_a"]).post(
        "/api/safeguards/custody", json.dumps(body), content_type="application/json"
    )
    assert api.status_code == 422 and not CustodyRecord.objects.exists()


def test_the_officer_of_a_complaint_must_serve_in_its_region(
    users: Any, places: Any, officers: Any
) -> None:
    values: dict[str, Any] = {
        "source_system": "ombudsman",
        "external_id": "K-1",
        "received_at": timezone.now() - dt.timedelta(days=3),
        "channel": "terminal",
        "stage": "pre_trial",
        "facility_id": places.ivs_a.pk,
        "summary": "beaten at the station",
    }
    with pytest.raises(Invalid) as refused:
        complaints.create(
            user=users["npm_monitor"],
            data=complaints.ComplaintInput(**values, officer_id=officers["b"].pk),
        )
    assert refused.value.field == "officer_id"
    assert not Complaint.objects.exists()
    complaint, _ = complaints.create(
        user=users["npm_monitor"],
        data=complaints.ComplaintInput(**values, officer_id=officers["a"].pk),
    )
    assert complaint.officer == officers["a"]
    assert complaints.officer_complaint_times(officer_ids=[officers["a"].pk]) == [
        (officers["a"].pk, complaint.received_at)
    ]


def test_the_named_function_gives_facts_only(users: Any, places: Any, officers: Any) -> None:
    data = custody.CustodyInput(
        source_system="t",
        external_id="1",
        facility_id=places.ivs_a.pk,
        detained_at=timezone.now() - dt.timedelta(hours=5),
        recorded_at=timezone.now() - dt.timedelta(hours=4),
        birth_date=dt.date(1990, 1, 1),
        injuries_recorded=True,
        officer_badge="A-101",
    )
    record, _ = custody.create(user=users["duty_officer_a"], data=data)
    assert custody.officer_custody_events(officer_ids=[officers["a"].pk]) == [
        (officers["a"].pk, record.detained_at, False, True)
    ]
    assert custody.officer_custody_events(officer_ids=[officers["b"].pk]) == []
