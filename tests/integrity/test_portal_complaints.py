"""A citizen's complaint against officers through the public portal: stored as an intake for
internal security (the access code only as a keyed hash), followed with reference and code,
registered from the queue as a complaint linked back (not typed in again) or declined with a
reason the citizen sees; bad input, floods and other territories refused with nothing stored."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from senim.core.errors import NotFound
from senim.core.models import AuditEntry, District
from senim.integrity import intake
from senim.integrity.models import OfficerComplaint, PortalComplaint
from tests.integrity.conftest import Staff, complaint_form

pytestmark = pytest.mark.django_db


def citizen_form(staff: Staff, **extra: Any) -> dict[str, str]:
    return {
        "kind": "bribery",
        "happened_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "region": str(staff.almaty.pk),
        "district": str(staff.d1.pk),
        "place": "Abay avenue at the market",
        "officers_described": "badge 0417, a tall sergeant",
        "summary": "The patrol officer asked for money not to write a fine for my car.",
        "complainant_name": "Dana K.",
        "complainant_contact": "+7 701 123 45 67",
    } | {k: str(v) for k, v in extra.items()}


def send(client: Client, form: dict[str, str], address: str = "10.0.0.1") -> Any:
    return client.post(reverse("portal-complaint"), form, REMOTE_ADDR=address)


def receipt(response: Any) -> tuple[str, str]:
    body = response.content.decode()
    ref = re.search(r'id="receipt-reference">([A-Z0-9]+)<', body)
    code = re.search(r'id="receipt-code">([A-Z0-9]+)<', body)
    assert ref and code, body[:500]
    return ref.group(1), code.group(1)


def test_a_citizen_sends_a_complaint_and_follows_it(staff: Staff) -> None:
    client = Client()
    assert client.get(reverse("portal-complaint")).status_code == 200
    response = send(client, citizen_form(staff))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    ref, code = receipt(response)
    stored = PortalComplaint.objects.get()
    assert stored.reference == ref and stored.status == "new" and stored.kind == "bribery"
    # The code and the sender's address are kept only as keyed hashes.
    assert code not in stored.code_hash and "10.0.0.1" not in stored.address_hash
    entry = AuditEntry.objects.filter(model="integrity.PortalComplaint").get()
    assert "Dana" not in str(entry.details) and entry.actor == "portal"

    status = client.post(reverse("portal-complaint-status"), {"reference": ref, "code": code})
    assert status.status_code == 200
    assert "waiting to be registered" in status.content.decode()
    for wrong in (
        {"reference": ref, "code": "WRONGCODE1"},
        {"reference": "ZZZZZZZZ", "code": code},
    ):
        refused = client.post(reverse("portal-complaint-status"), wrong)
        assert refused.status_code == 404
        assert "No complaint with this reference and code." in refused.content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "arson"}, "kind"),
        ({"region": "999999999"}, "region"),
        ({"happened_on": "2099-01-01"}, "happened_on"),
        ({"happened_on": "07.12.2026"}, "happened_on"),
        ({"summary": "too short"}, "summary"),
        ({"summary": "x" * 4001}, "summary"),
        ({"summary": "He said \x00 nothing at all to me, then left."}, "summary"),
        ({"complainant_name": ""}, "complainant_name"),
        ({"complainant_contact": "somewhere"}, "complainant_contact"),
        ({"complainant_contact": "12345"}, "complainant_contact"),
        ({"website": "http://spam.example"}, ""),
    ],
)
def test_bad_input_is_refused_by_its_field_and_nothing_is_stored(
    staff: Staff, change: dict[str, str], field: str
) -> None:
    response = send(Client(), citizen_form(staff, **change))
    assert response.status_code == 422
    assert f'data-field="{field}"' in response.content.decode()
    assert not PortalComplaint.objects.exists()


def test_a_district_of_another_region_is_refused(staff: Staff) -> None:
    astana_district = District.objects.filter(region=staff.astana).first()
    assert astana_district is not None
    response = send(Client(), citizen_form(staff, district=astana_district.pk))
    assert response.status_code == 422 and 'data-field="district"' in response.content.decode()


def test_one_address_may_send_a_limited_number_a_day(staff: Staff, settings: Any) -> None:
    settings.SENIM_PORTAL_COMPLAINTS_PER_DAY = 2
    client = Client()
    assert send(client, citizen_form(staff)).status_code == 200
    assert send(client, citizen_form(staff)).status_code == 200
    flood = send(client, citizen_form(staff))
    assert flood.status_code == 429 and "Too many complaints" in flood.content.decode()
    assert send(client, citizen_form(staff), address="10.0.0.2").status_code == 200
    assert PortalComplaint.objects.count() == 3


def test_internal_security_registers_it_and_the_citizen_sees_the_stage(staff: Staff) -> None:
    citizen = Client()
    ref, code = receipt(send(citizen, citizen_form(staff)))
    astana = receipt(send(citizen, citizen_form(staff, region=staff.astana.pk, district="")))
    security = Client()
    security.force_login(staff.security)
    queue = security.get(reverse("integrity-portal-queue"))
    body = queue.content.decode()
    assert queue.status_code == 200 and ref in body and astana[0] not in body
    item, link, _days = queue.context["rows"][0]
    assert "Dana" not in link and "money" not in link  # no personal data in a URL
    prefill = {k: v[0] for k, v in parse_qs(link).items()}
    form_page = security.get(reverse("integrity-complaint-new"), prefill).content.decode()
    assert "Dana K." in form_page and "badge 0417" in form_page
    posted = complaint_form(staff, officers="") | prefill | {"summary": item.summary}
    assert security.post(reverse("integrity-complaint-new"), posted).status_code == 302
    complaint = OfficerComplaint.objects.get()
    stored = PortalComplaint.objects.get(reference=ref)
    assert stored.complaint == complaint and stored.status == "registered"
    assert complaint.source == "portal" and complaint.received_at == stored.received_at
    assert ref not in security.get(reverse("integrity-portal-queue")).content.decode()
    # Registering it again finds nothing waiting, and stores nothing.
    again = security.post(reverse("integrity-complaint-new"), posted)
    assert again.status_code == 404 and OfficerComplaint.objects.count() == 1
    progress = intake.status(reference=ref.lower(), code=code)
    assert progress.stage == "registered" and progress.answer_due == complaint.answer_due


def test_another_regions_portal_complaint_answers_as_unknown(staff: Staff) -> None:
    receipt(send(Client(), citizen_form(staff, region=staff.astana.pk, district="")))
    other = PortalComplaint.objects.get()
    with pytest.raises(NotFound):
        intake.decline(user=staff.security, pk=other.pk, form={"reason": "duplicate"})
    posted = complaint_form(staff, source="portal", portal=other.pk)
    client = Client()
    client.force_login(staff.security)
    assert client.post(reverse("integrity-complaint-new"), posted).status_code == 404
    assert not OfficerComplaint.objects.exists()
    assert PortalComplaint.objects.get().status == "new"


def test_a_declined_complaint_shows_its_reason_to_the_citizen(staff: Staff) -> None:
    ref, code = receipt(send(Client(), citizen_form(staff)))
    item = PortalComplaint.objects.get()
    security = Client()
    security.force_login(staff.security)
    url = reverse("integrity-portal-decline", args=[item.pk])
    refused = security.post(url, {"reason": ""})
    assert refused.status_code == 422 and PortalComplaint.objects.get().status == "new"
    assert security.post(url, {"reason": "not_police"}).status_code == 302
    progress = intake.status(reference=ref, code=code)
    assert progress.status == "declined" and "competent body" in progress.decline_reason
    own = Client()
    own.force_login(staff.inspector)
    assert own.get(reverse("integrity-portal-queue")).status_code == 403
    assert own.post(url, {"reason": "duplicate"}).status_code in (403, 404)
