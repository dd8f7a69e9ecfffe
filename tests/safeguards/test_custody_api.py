"""Recording custody through the API: clear field errors, nothing stored on bad input, audit."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from senim.core.iin import check_digit, iin_hash
from senim.core.models import AuditEntry, Person
from senim.safeguards.models import CustodyRecord

pytestmark = pytest.mark.django_db
URL = "/api/safeguards/custody"


def _iin(birth: dt.date) -> str:
    for serial in range(10_000):
        first = f"{birth:%y%m%d}{5 if birth.year >= 2000 else 3}{serial:04d}"
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)
    raise AssertionError


def _body(places: Any, **overrides: Any) -> dict[str, Any]:
    body = {
        "source_system": "ivs-a",
        "external_id": "2025-0001",
        "facility_id": places.ivs_a.pk,
        "iin": _iin(dt.date(2008, 6, 1)),
        "detained_at": "2025-03-02T01:00:00",  # no offset: Almaty time
        "recorded_at": "2025-03-02T01:40:00",
        "prosecutor_notified_at": "2025-03-02T04:00:00",
        "prosecutor_notice_in_writing": True,
        "rights_explained_at": "2025-03-02T01:10:00",
        "lawyer_present": True,
        "medical_exam_at": "2025-03-02T02:00:00",
        "injuries_recorded": True,
        "injuries_note": "bruise on the left forearm",
    }
    return body | overrides


def _post(client: Any, body: dict[str, Any]) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_a_duty_officer_records_a_minor_and_the_iin_is_kept_only_as_a_hash(
    users: Any, places: Any, token_client: Any
) -> None:
    body = _body(places)
    answer = _post(token_client(users["duty_officer_a"]), body)
    assert answer.status_code == 201, answer.json()
    record = CustodyRecord.objects.get(pk=answer.json()["id"])
    assert record.is_minor  # 16 on the day of detention: the 24-hour limit applies
    assert record.detained_at == dt.datetime(2025, 3, 1, 20, 0, tzinfo=dt.UTC)
    assert record.region == places.ivs_a.region and record.district == places.ivs_a.district
    assert record.person.iin_hash == iin_hash(body["iin"])
    assert not Person.objects.filter(iin_hash=body["iin"]).exists()
    entry = AuditEntry.objects.filter(model="safeguards.CustodyRecord").last()
    assert entry is not None and body["iin"] not in json.dumps(entry.details)
    # The same record again is recognised; the same key with other content is a conflict.
    again = _post(token_client(users["duty_officer_a"]), body)
    assert again.status_code == 200 and again.json() == {"id": record.pk, "created": False}
    other = _post(
        token_client(users["duty_officer_a"]), body | {"recorded_at": "2025-03-02T02:00:00"}
    )
    assert other.status_code == 409 and other.json()["errors"][0]["field"] == "external_id"


def test_a_detention_after_the_record_time_is_refused_with_a_clear_error_and_nothing_stored(
    users: Any, places: Any, token_client: Any
) -> None:
    people = Person.objects.count()
    answer = _post(
        token_client(users["duty_officer_a"]),
        _body(places, detained_at="2025-03-02T03:00:00", released_at="2025-03-02T02:30:00"),
    )
    assert answer.status_code == 422
    errors = {e["field"]: e["message"] for e in answer.json()["errors"]}
    assert errors["detained_at"] == (
        "The actual detention time (2025-03-02 03:00) is after the time the record was drawn up "
        "(2025-03-02 01:40); a record cannot precede the detention."
    )
    assert "released_at" in errors  # every problem is listed at once
    assert not CustodyRecord.objects.exists() and Person.objects.count() == people


def test_an_unknown_facility_and_an_oversized_field_are_named(
    users: Any, places: Any, token_client: Any
) -> None:
    client = token_client(users["administrator"])
    unknown = _post(client, _body(places, facility_id=999_999))
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0] == {
        "field": "facility_id",
        "message": "No facility with id 999999.",
    }
    oversized = _post(client, _body(places, injuries_note="x" * 2001))
    assert oversized.status_code == 422
    assert oversized.json()["errors"][0]["field"] == "injuries_note"
    bad_iin = _post(client, _body(places, iin="123456789012"))
    assert bad_iin.status_code == 422 and bad_iin.json()["errors"][0]["field"] == "iin"
    assert not CustodyRecord.objects.exists()


def test_the_database_itself_refuses_a_detention_after_the_record(places: Any, users: Any) -> None:
    person = Person.objects.create(birth_date=dt.date(1990, 1, 1))
    when = dt.datetime(2025, 3, 2, tzinfo=dt.UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        CustodyRecord.objects.create(
            source_system="raw",
            external_id="1",
            person=person,
            is_minor=False,
            facility=places.ivs_a,
            region=places.ivs_a.region,
            detained_at=when,
            recorded_at=when - dt.timedelta(hours=1),
        )


def test_roles_and_territory_decide_who_records_custody(
    users: Any, places: Any, token_client: Any
) -> None:
    prosecutor = _post(token_client(users["prosecutor_a"]), _body(places))
    assert prosecutor.status_code == 403
    elsewhere = _post(token_client(users["duty_officer_b"]), _body(places))
    assert elsewhere.status_code == 403
    assert elsewhere.json()["errors"][0] == {
        "field": "facility_id",
        "message": "the record is outside your district",
    }
    assert not CustodyRecord.objects.exists()


def test_filling_in_the_release_needs_no_reason_but_moving_a_time_does_and_is_audited(
    users: Any, places: Any, token_client: Any
) -> None:
    client = token_client(users["duty_officer_a"])
    pk = _post(client, _body(places)).json()["id"]
    url = f"{URL}/{pk}"
    release = client.patch(
        url, json.dumps({"released_at": "2025-03-02T20:00:00"}), content_type="application/json"
    )
    assert release.status_code == 200, release.json()
    assert release.json()["custody_clock"]["state"] == "met"
    move = {"detained_at": "2025-03-02T01:05:00"}
    refused = client.patch(url, json.dumps(move), content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "reason"
    record = CustodyRecord.objects.get(pk=pk)
    assert record.detained_at == dt.datetime(2025, 3, 1, 20, 0, tzinfo=dt.UTC)  # unchanged
    moved = client.patch(
        url,
        json.dumps(move | {"reason": "protocol typo, see act 17"}),
        content_type="application/json",
    )
    assert moved.status_code == 200
    entry = AuditEntry.objects.filter(model="safeguards.CustodyRecord", action="correct").get()
    assert entry.details["reason"] == "protocol typo, see act 17"
    assert entry.details["changed"]["detained_at"][0].startswith("2025-03-01 20:00")
    assert entry.actor == users["duty_officer_a"].username
    contradicting = client.patch(
        url,
        json.dumps({"released_at": "2025-03-01T10:00:00", "reason": "x"}),
        content_type="application/json",
    )
    assert contradicting.status_code == 422
    assert contradicting.json()["errors"][0]["field"] == "released_at"


def test_reading_one_record_is_audited_and_other_regions_get_404(
    users: Any, places: Any, token_client: Any
) -> None:
    pk = _post(token_client(users["duty_officer_a"]), _body(places)).json()["id"]
    mine = token_client(users["prosecutor_a"]).get(f"{URL}/{pk}")
    assert mine.status_code == 200 and mine.json()["person"].startswith("P-")
    assert AuditEntry.objects.filter(
        action="read", model="safeguards.CustodyRecord", object_pk=str(pk)
    ).exists()
    assert token_client(users["regional_analyst_b"]).get(f"{URL}/{pk}").status_code == 404
