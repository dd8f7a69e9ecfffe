"""Lists and record pages of the safeguards: a detention record, an ill-treatment complaint and an
Art. 146 case can each be found by number and opened; the duty officer records the release on
the record's page, a handler records a complaint's step on its page; bad input is refused by its
field with nothing changed; another territory's record is not found; person-level reads are in
the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from senim.core.models import AuditEntry
from senim.safeguards.models import Complaint, CustodyRecord
from senim.safeguards.services import cases, complaints

pytestmark = pytest.mark.django_db


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _complaint(user: Any, places: Any, n: int, facility: Any = None) -> Complaint:
    complaint, _created = complaints.create(
        user=user,
        data=complaints.ComplaintInput(
            source_system="ombudsman",
            external_id=f"K-{n}",
            received_at=timezone.now() - dt.timedelta(days=3),
            channel="terminal",
            stage="penitentiary",
            facility_id=(facility or places.colony_a).pk,
            complainant_name="Secret Name",
            summary="beaten in the shower room",
        ),
    )
    return complaint


# --- detention records -----------------------------------------------------------------------


def test_a_detention_record_is_found_by_number_and_its_page_shows_the_clocks(
    users: Any, make_custody: Any, session_client: Any
) -> None:
    record = make_custody(detained_at=timezone.now() - dt.timedelta(hours=40))
    make_custody(detained_at=timezone.now() - dt.timedelta(hours=2))
    client = session_client(users["prosecutor_a"])
    listed = client.get("/safeguards/custody/records/", {"q": record.external_id})
    assert listed.status_code == 200
    body = listed.content.decode()
    assert f"/safeguards/custody/{record.pk}/" in body
    assert body.count("/safeguards/custody/") - body.count("/safeguards/custody/records") >= 1
    page = client.get(f"/safeguards/custody/{record.pk}/")
    assert page.status_code == 200
    assert "sg-state--warning" in page.content.decode()  # 40 of 48 hours: over 75 %
    assert "custody-change" not in page.content.decode()  # a prosecutor reads, does not write
    assert AuditEntry.objects.filter(
        action="read", object_pk=str(record.pk), actor=users["prosecutor_a"].username
    ).exists()


def test_the_duty_officer_records_the_release_on_the_record_page(
    users: Any, make_custody: Any, session_client: Any
) -> None:
    detained = timezone.now() - dt.timedelta(hours=5)
    record = make_custody(detained_at=detained)
    client = session_client(users["duty_officer_a"])
    page = client.get(f"/safeguards/custody/{record.pk}/")
    assert page.status_code == 200 and "custody-change" in page.content.decode()
    # The form as shown (every recorded time to the minute) plus the release time.
    form = {
        "detained_at": _local(record.detained_at),
        "recorded_at": _local(record.recorded_at),
        "prosecutor_notified_at": _local(record.prosecutor_notified_at),
        "prosecutor_notice_in_writing": "on",
        "released_at": _local(timezone.now() - dt.timedelta(minutes=10)),
        "force_used": "on",
    }
    saved = client.post(f"/safeguards/custody/{record.pk}/", form)
    assert saved.status_code == 302
    record.refresh_from_db()
    assert record.released_at is not None and record.force_used
    assert record.detained_at == detained  # re-sent to the minute: not a change


def test_a_release_before_the_detention_or_a_moved_time_without_reason_changes_nothing(
    users: Any, make_custody: Any, session_client: Any
) -> None:
    record = make_custody(detained_at=timezone.now() - dt.timedelta(hours=5))
    before = CustodyRecord.objects.values().get(pk=record.pk)
    client = session_client(users["duty_officer_a"])
    early = client.post(
        f"/safeguards/custody/{record.pk}/",
        {"released_at": _local(record.detained_at - dt.timedelta(hours=1))},
    )
    assert early.status_code == 422
    assert 'data-field="released_at"' in early.content.decode()
    moved = client.post(
        f"/safeguards/custody/{record.pk}/",
        {"detained_at": _local(record.detained_at + dt.timedelta(hours=2))},
    )
    assert moved.status_code == 422
    assert 'id="e-reason"' in moved.content.decode()
    control = client.post(f"/safeguards/custody/{record.pk}/", {"injuries_note": "a\x00b"})
    assert control.status_code == 422
    assert CustodyRecord.objects.values().get(pk=record.pk) == before


def test_another_districts_record_is_not_found_and_cannot_be_changed(
    users: Any, make_custody: Any, places: Any, session_client: Any
) -> None:
    record = make_custody(detained_at=timezone.now() - dt.timedelta(hours=5))
    client = session_client(users["duty_officer_b"])
    assert client.get(f"/safeguards/custody/{record.pk}/").status_code == 404
    post = client.post(f"/safeguards/custody/{record.pk}/", {"released_at": _local(timezone.now())})
    assert post.status_code == 404
    record.refresh_from_db()
    assert record.released_at is None
    listed = client.get("/safeguards/custody/records/").content.decode()
    assert record.external_id not in listed


def test_the_lists_refuse_a_bad_search_or_region_and_page_by_fifty(
    users: Any, make_custody: Any, session_client: Any
) -> None:
    for hours in range(51):
        make_custody(detained_at=timezone.now() - dt.timedelta(hours=60 + hours))
    client = session_client(users["administrator"])
    first = client.get("/safeguards/custody/records/")
    assert first.status_code == 200
    assert first.content.decode().count('href="/safeguards/custody/') >= 50
    second = client.get("/safeguards/custody/records/", {"p": "2"}).content.decode()
    assert second.count("<tr>") - 1 == 1  # one row left, after the header
    assert client.get("/safeguards/custody/records/", {"q": "x" * 65}).status_code == 400
    assert client.get("/safeguards/custody/records/", {"q": "a\x1bb"}).status_code == 400
    assert client.get("/safeguards/complaints/all/", {"region": "KZ-XX"}).status_code == 400
    assert client.get("/safeguards/cases/all/", {"stage": "nonsense"}).status_code == 200


def test_an_inspector_may_not_open_the_custody_register(
    users: Any, make_custody: Any, session_client: Any
) -> None:
    record = make_custody(detained_at=timezone.now() - dt.timedelta(hours=5))
    client = session_client(users["district_inspector_a"])
    assert client.get("/safeguards/custody/records/").status_code == 403
    assert client.get(f"/safeguards/custody/{record.pk}/").status_code == 403


# --- complaints ------------------------------------------------------------------------------


def test_a_handler_sees_the_complainant_and_records_a_step_others_see_neither(
    users: Any, places: Any, session_client: Any
) -> None:
    complaint = _complaint(users["prosecutor_a"], places, 1)
    handler = session_client(users["prosecutor_a"])
    page = handler.get(f"/safeguards/complaints/{complaint.pk}/").content.decode()
    assert "Secret Name" in page and "complaint-step" in page
    listed = handler.get("/safeguards/complaints/all/", {"q": "K-1"}).content.decode()
    assert f"/safeguards/complaints/{complaint.pk}/" in listed and "Secret Name" in listed
    saved = handler.post(
        f"/safeguards/complaints/{complaint.pk}/",
        {"step": "registered", "at": _local(timezone.now()), "erdr_number": "256000131000123"},
    )
    assert saved.status_code == 302
    complaint.refresh_from_db()
    assert complaint.erdr_number == "256000131000123"

    analyst = session_client(users["national_analyst"])
    seen = analyst.get(f"/safeguards/complaints/{complaint.pk}/")
    assert seen.status_code == 200
    assert "Secret Name" not in seen.content.decode()
    assert "complaint-step" not in seen.content.decode()
    assert "Secret Name" not in analyst.get("/safeguards/complaints/all/").content.decode()
    refused = analyst.post(
        f"/safeguards/complaints/{complaint.pk}/",
        {"step": "forensic", "at": _local(timezone.now())},
    )
    assert refused.status_code == 403
    complaint.refresh_from_db()
    assert complaint.forensic_ordered_at is None
    assert AuditEntry.objects.filter(
        action="read", object_pk=str(complaint.pk), actor=users["prosecutor_a"].username
    ).exists()


def test_a_step_without_its_number_or_before_the_receipt_changes_nothing(
    users: Any, places: Any, session_client: Any
) -> None:
    complaint = _complaint(users["prosecutor_a"], places, 2)
    client = session_client(users["prosecutor_a"])
    missing = client.post(
        f"/safeguards/complaints/{complaint.pk}/",
        {"step": "registered", "at": _local(timezone.now())},
    )
    assert missing.status_code == 422 and 'id="e-erdr_number"' in missing.content.decode()
    early = client.post(
        f"/safeguards/complaints/{complaint.pk}/",
        {"step": "forensic", "at": _local(complaint.received_at - dt.timedelta(days=1))},
    )
    assert early.status_code == 422 and 'id="e-at"' in early.content.decode()
    complaint.refresh_from_db()
    assert complaint.erdr_registered_at is None and complaint.forensic_ordered_at is None


def test_another_regions_complaint_is_not_found_and_takes_no_step(
    users: Any, places: Any, session_client: Any, make_user: Any, territory: Any
) -> None:
    complaint = _complaint(users["prosecutor_a"], places, 3)
    client = session_client(make_user("prosecutor", region=territory.region_b))
    assert client.get(f"/safeguards/complaints/{complaint.pk}/").status_code == 404
    assert "K-3" not in client.get("/safeguards/complaints/all/").content.decode()
    step = client.post(
        f"/safeguards/complaints/{complaint.pk}/",
        {"step": "forensic", "at": _local(timezone.now())},
    )
    assert step.status_code == 404
    complaint.refresh_from_db()
    assert complaint.forensic_ordered_at is None


# --- Art. 146 cases --------------------------------------------------------------------------


def test_a_case_page_shows_its_history_and_the_complaint_that_led_to_it(
    users: Any, session_client: Any
) -> None:
    prosecutor = users["prosecutor_a"]
    case, _created = cases.create(
        user=prosecutor,
        data=cases.CaseInput(
            source_system="erdr",
            external_id="A-77",
            region="KZ-TA",
            registered_on=dt.date(2025, 2, 1),
            erdr_number="2500000000077",
        ),
    )
    cases.add_event(user=prosecutor, pk=case.pk, kind="sent_to_court", on=dt.date(2025, 4, 1))
    client = session_client(prosecutor)
    listed = client.get("/safeguards/cases/all/", {"q": "0077"}).content.decode()
    assert f"/safeguards/cases/{case.pk}/" in listed
    page = client.get(f"/safeguards/cases/{case.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "01.04.2025" in body and f"?case={case.pk}" in body
    other = session_client(users["regional_analyst_b"])
    assert other.get(f"/safeguards/cases/{case.pk}/").status_code == 404


def test_the_record_pages_speak_kazakh(
    users: Any, make_custody: Any, places: Any, session_client: Any
) -> None:
    record = make_custody(detained_at=timezone.now() - dt.timedelta(hours=5))
    complaint = _complaint(users["administrator"], places, 4)
    client = session_client(users["administrator"])
    client.cookies["django_language"] = "kk"
    for url in (
        "/safeguards/custody/records/",
        f"/safeguards/custody/{record.pk}/",
        "/safeguards/complaints/all/",
        f"/safeguards/complaints/{complaint.pk}/",
        "/safeguards/cases/all/",
    ):
        body = client.get(url, HTTP_ACCEPT_LANGUAGE="kk").content.decode()
        for english in ("Detention record", "Record what happened next", "All ill-treatment"):
            assert english not in body, (url, english)
