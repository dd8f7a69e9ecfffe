"""Entry forms of the safeguards (issue 16, item 13): custody, complaints, Art. 146 cases and
their steps, terminal reports. Each form calls the service the API calls, so the same bad
payload gets the same field and message from both; a refusal is the same form with the message
by its field, 422, nothing stored; a role or territory that may not write gets 403."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from senim.core.models import AuditEntry
from senim.safeguards.models import Art146Case, Complaint, CustodyRecord, Terminal, TerminalOutage

pytestmark = pytest.mark.django_db


def _local(value: dt.datetime) -> str:
    """What a datetime-local input sends: Almaty wall-clock time without an offset."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _custody(places: Any, **overrides: Any) -> dict[str, Any]:
    detained = timezone.now() - dt.timedelta(hours=3)
    body = {
        "source_system": "senim-web",
        "external_id": "IVS-A-2026-117",
        "facility_id": places.ivs_a.pk,
        "birth_date": "1991-04-12",
        "sex": "M",
        "detained_at": _local(detained),
        "recorded_at": _local(detained + dt.timedelta(minutes=40)),
        "rights_explained_at": _local(detained + dt.timedelta(minutes=10)),
        "grounds": "Caught in the act (CPC Art. 128 part 1 item 1)",
    }
    return body | overrides


def _form(body: dict[str, Any]) -> dict[str, str]:
    """The API body as a browser posts it: text values, ticked boxes as "on", none for false."""
    out = {}
    for key, value in body.items():
        if value is True:
            out[key] = "on"
        elif value not in (False, None):
            out[key] = str(value)
    return out


def _api(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _field_errors(html: str) -> dict[str, str]:
    """{field: its message} as the form draws them under the fields."""
    found = re.findall(
        r'data-field="(\w+)".*?<span class="sg-field__error" id="e-\1" role="alert">(.*?)</span>',
        html,
        flags=re.S,
    )
    return {name: message for name, message in found}


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


# --- custody ---------------------------------------------------------------------------------


def test_the_custody_form_and_the_api_refuse_the_same_payload_with_the_same_field_error(
    users: Any, places: Any, token_client: Any, session_client: Any
) -> None:
    duty = users["duty_officer_a"]
    detained = timezone.now() - dt.timedelta(hours=3)
    # The record drawn up before the detention: the rule of seed 004 §4 both must apply.
    bad = _custody(places, recorded_at=_local(detained - dt.timedelta(hours=1)))
    bad["detained_at"] = _local(detained)

    api = _api(token_client(duty), "/api/safeguards/custody", bad)
    assert api.status_code == 422
    api_errors = {e["field"]: e["message"] for e in api.json()["errors"]}

    page = session_client(duty).post("/safeguards/custody/new/", _form(bad))
    assert page.status_code == 422
    form_errors = {k: _unescape(v) for k, v in _field_errors(page.content.decode()).items()}
    assert "detained_at" in api_errors
    assert form_errors["detained_at"] == api_errors["detained_at"]
    assert not CustodyRecord.objects.exists()
    assert not AuditEntry.objects.filter(model="safeguards.CustodyRecord").exists()
    # The form comes back with what was typed.
    assert 'value="IVS-A-2026-117"' in page.content.decode()


def test_a_duty_officer_records_a_detention_and_lands_on_the_board_with_it(
    users: Any, places: Any, session_client: Any
) -> None:
    client = session_client(users["duty_officer_a"])
    assert client.get("/safeguards/custody/new/").status_code == 200
    answer = client.post("/safeguards/custody/new/", _form(_custody(places)))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    record = CustodyRecord.objects.get()
    assert record.external_id == "IVS-A-2026-117" and record.source_system == "senim-web"
    assert record.facility == places.ivs_a and record.created_by == users["duty_officer_a"].username
    assert record.grounds.startswith("Caught in the act")
    assert AuditEntry.objects.filter(
        model="safeguards.CustodyRecord", action="create", object_pk=str(record.pk)
    ).exists()
    board = client.get(answer["Location"])
    assert board.status_code == 200
    html = board.content.decode()
    assert 'data-record="IVS-A-2026-117"' in html and 'id="sg-notice"' in html


def test_the_board_offers_new_detention_records_only_to_those_who_may_write_them(
    users: Any, places: Any, session_client: Any
) -> None:
    assert (
        "/safeguards/custody/new/"
        in session_client(users["duty_officer_a"]).get("/safeguards/").content.decode()
    )
    prosecutor = session_client(users["prosecutor_a"])
    assert "/safeguards/custody/new/" not in prosecutor.get("/safeguards/").content.decode()
    assert prosecutor.get("/safeguards/custody/new/").status_code == 403
    assert prosecutor.post("/safeguards/custody/new/", _form(_custody(places))).status_code == 403
    assert not CustodyRecord.objects.exists()


def test_a_duty_officer_cannot_record_custody_in_another_region_by_form(
    users: Any, places: Any, session_client: Any
) -> None:
    client = session_client(users["duty_officer_a"])
    # The facility of region B is not offered; posting its id anyway is refused.
    assert (
        f'value="{places.ivs_b.pk}"' not in client.get("/safeguards/custody/new/").content.decode()
    )
    answer = client.post(
        "/safeguards/custody/new/", _form(_custody(places, facility_id=places.ivs_b.pk))
    )
    assert answer.status_code == 403
    assert "facility_id" in _field_errors(answer.content.decode())
    assert not CustodyRecord.objects.exists()


def test_type_errors_are_named_by_their_fields_in_the_pages_language(
    users: Any, places: Any, session_client: Any
) -> None:
    client = session_client(users["duty_officer_a"])
    bad = _custody(places, detained_at="yesterday", facility_id="", external_id="")
    answer = client.post("/safeguards/custody/new/", _form(bad), HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 422
    errors = _field_errors(answer.content.decode())
    assert set(errors) >= {"detained_at", "facility_id", "external_id"}
    assert "date and time" in errors["detained_at"]
    assert not CustodyRecord.objects.exists()


def test_a_control_character_is_refused_by_its_field_on_both_databases(
    users: Any, places: Any, session_client: Any
) -> None:
    client = session_client(users["duty_officer_a"])
    bad = _custody(places, external_id="IVS\x00-1", injuries_note="line one\r\nline two")
    answer = client.post("/safeguards/custody/new/", _form(bad), HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 422
    errors = _field_errors(answer.content.decode())
    assert errors == {"external_id": "contains a control character"}  # line ends are text
    assert not CustodyRecord.objects.exists()


# --- complaints ------------------------------------------------------------------------------


def _complaint(places: Any, **overrides: Any) -> dict[str, Any]:
    received = timezone.now() - dt.timedelta(days=1)
    body = {
        "source_system": "senim-web",
        "external_id": "OMB-2026-0042",
        "received_at": _local(received),
        "channel": "letter",
        "stage": "pre_trial",
        "facility_id": places.ivs_a.pk,
        "event_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "complainant_name": "A. B.",
        "summary": "Beaten during questioning.",
    }
    return body | overrides


def test_the_complaint_form_and_the_api_refuse_the_same_payload_alike(
    users: Any, places: Any, token_client: Any, session_client: Any
) -> None:
    prosecutor = users["prosecutor_a"]
    bad = _complaint(places, channel="pigeon", event_date=timezone.localdate().isoformat())
    bad["received_at"] = _local(timezone.now() - dt.timedelta(days=2))
    api = _api(token_client(prosecutor), "/api/safeguards/complaints", bad)
    assert api.status_code == 422
    api_errors = {e["field"]: e["message"] for e in api.json()["errors"]}
    page = session_client(prosecutor).post("/safeguards/complaints/new/", _form(bad))
    assert page.status_code == 422
    form_errors = {k: _unescape(v) for k, v in _field_errors(page.content.decode()).items()}
    assert {"channel", "event_date"} <= set(api_errors)
    assert all(form_errors[k] == api_errors[k] for k in ("channel", "event_date"))
    assert not Complaint.objects.exists()


def test_a_prosecutor_registers_a_complaint_and_sees_it_on_the_list(
    users: Any, places: Any, session_client: Any
) -> None:
    client = session_client(users["prosecutor_a"])
    assert "/safeguards/complaints/new/" in client.get("/safeguards/complaints/").content.decode()
    answer = client.post("/safeguards/complaints/new/", _form(_complaint(places)))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    complaint = Complaint.objects.get()
    assert complaint.region == places.ivs_a.region
    assert complaint.handlers.filter(pk=users["prosecutor_a"].pk).exists()
    html = client.get(answer["Location"]).content.decode()
    assert f'data-id="{complaint.pk}"' in html and "OMB-2026-0042" in html
    # A duty officer may not register one.
    duty = session_client(users["duty_officer_a"])
    assert duty.post("/safeguards/complaints/new/", _form(_complaint(places))).status_code == 403


# --- Art. 146 cases --------------------------------------------------------------------------


def test_a_prosecutor_registers_a_case_and_moves_it_on_by_form(
    users: Any, token_client: Any, session_client: Any
) -> None:
    prosecutor = users["prosecutor_a"]
    client = session_client(prosecutor)
    html = client.get("/safeguards/cases/").content.decode()
    assert "/safeguards/cases/new/" in html and "/safeguards/cases/step/" in html
    registered = timezone.localdate() - dt.timedelta(days=30)
    answer = client.post(
        "/safeguards/cases/new/",
        {
            "source_system": "senim-web",
            "external_id": "ERDR-1",
            "region": "KZ-TA",
            "registered_on": registered.isoformat(),
            "article": "146-1",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    case = Art146Case.objects.get()

    # A conviction while the case is still under investigation: the API and the form agree.
    bad = {"kind": "convicted", "on": timezone.localdate().isoformat(), "persons": 1}
    api = _api(token_client(prosecutor), f"/api/safeguards/cases/{case.pk}/events", bad)
    assert api.status_code == 422
    page = client.post("/safeguards/cases/step/", _form(bad | {"case_id": case.pk}))
    assert page.status_code == 422
    assert (
        _unescape(_field_errors(page.content.decode())["kind"])
        == api.json()["errors"][0]["message"]
    )
    assert case.events.count() == 1  # the registration only

    good = {"case_id": case.pk, "kind": "sent_to_court", "on": timezone.localdate().isoformat()}
    answer = client.post("/safeguards/cases/step/", good)
    assert answer.status_code == 302
    case.refresh_from_db()
    assert case.stage == "in_court"
    assert 'id="sg-notice"' in client.get(answer["Location"]).content.decode()


def test_a_case_outside_the_prosecutors_region_is_refused_by_form(
    users: Any, session_client: Any
) -> None:
    answer = session_client(users["prosecutor_a"]).post(
        "/safeguards/cases/new/",
        {
            "source_system": "senim-web",
            "external_id": "ERDR-2",
            "region": "KZ-TB",
            "registered_on": timezone.localdate().isoformat(),
            "article": "146-1",
        },
    )
    assert answer.status_code == 403
    assert not Art146Case.objects.exists()


# --- terminals -------------------------------------------------------------------------------


@pytest.fixture
def device(places: Any) -> Terminal:
    return Terminal.objects.create(
        facility=places.colony_a,
        region=places.colony_a.region,
        kind="complaint_terminal",
        serial="T-0042",
        installed_on=dt.date(2024, 1, 1),
    )


def test_an_outage_and_the_repair_are_reported_by_form_as_by_the_api(
    users: Any, places: Any, device: Terminal, token_client: Any, session_client: Any
) -> None:
    monitor = users["npm_monitor"]
    client = session_client(monitor)
    assert "/safeguards/terminals/report/" in client.get("/safeguards/terminals/").content.decode()
    since = timezone.now() - dt.timedelta(hours=5)
    # A repair of a device not out of order: both refuse it alike.
    bad = {"terminal_id": device.pk, "kind": "restored", "at": _local(since)}
    api = _api(token_client(monitor), "/api/safeguards/terminals/reports", bad)
    assert api.status_code == 422
    page = client.post("/safeguards/terminals/report/", bad)
    assert page.status_code == 422
    assert _field_errors(page.content.decode())["kind"] == api.json()["errors"][0]["message"]
    assert not TerminalOutage.objects.exists()

    answer = client.post(
        "/safeguards/terminals/report/", {**bad, "kind": "outage", "at": _local(since)}
    )
    assert answer.status_code == 302
    outage = TerminalOutage.objects.get()
    assert outage.ended_at is None
    assert "T-0042" in client.get(answer["Location"]).content.decode()
    # Reported twice: refused, still one outage.
    again = client.post("/safeguards/terminals/report/", {**bad, "kind": "outage"})
    assert again.status_code == 422
    assert TerminalOutage.objects.count() == 1
    # The repair before the outage began is refused; at a later time it closes the outage.
    early = _local(since - dt.timedelta(hours=1))
    assert client.post("/safeguards/terminals/report/", {**bad, "at": early}).status_code == 422
    fixed = _api(
        token_client(monitor),
        "/api/safeguards/terminals/reports",
        {**bad, "at": _local(timezone.now())},
    )
    assert fixed.status_code == 201, fixed.json()
    outage.refresh_from_db()
    assert outage.ended_at is not None
    # The repair counts as a sign of life: the heartbeat watch does not reopen it at once.
    from senim.safeguards.services import terminals

    assert terminals.detect_outages(now=timezone.now()) == 0
    # An id past 64 bits is a clear 422 from both, not a server error.
    huge = {**bad, "terminal_id": "9" * 25}
    assert _api(token_client(monitor), "/api/safeguards/terminals/reports", huge).status_code == 422
    assert client.post("/safeguards/terminals/report/", huge).status_code == 422
    assert (
        AuditEntry.objects.filter(
            model="safeguards.Terminal", action="report", object_pk=str(device.pk)
        ).count()
        == 2
    )


def test_terminal_reports_stay_in_the_territory_and_the_role(
    users: Any, places: Any, device: Terminal, session_client: Any
) -> None:
    body = {"terminal_id": device.pk, "kind": "outage", "at": _local(timezone.now())}
    outside = session_client(users["duty_officer_b"]).post("/safeguards/terminals/report/", body)
    assert outside.status_code == 403
    analyst = session_client(users["regional_analyst_a"])
    assert analyst.post("/safeguards/terminals/report/", body).status_code == 403
    assert (
        "/safeguards/terminals/report/"
        not in analyst.get("/safeguards/terminals/").content.decode()
    )
    assert not TerminalOutage.objects.exists()
