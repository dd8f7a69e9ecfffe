"""Compensation decisions and book entries: entered by form and service, refused by field with
nothing stored, read only by the roles and territories that may."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from senim.core.errors import UseCaseError
from senim.core.models import User
from senim.safeguards.models import BookEntry, Compensation
from senim.safeguards.services import redress

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _args(**change: Any) -> dict[str, Any]:
    return {
        "source_system": "test",
        "external_id": "C-1",
        "decided_on": TODAY - dt.timedelta(days=3),
        "decision_body": "victims_fund",
        "amount": "102790",
        "region": "KZ-TA",
    } | change


def test_a_decision_is_recorded_and_counted_by_year(users: dict[str, User]) -> None:
    made = redress.record_compensation(user=users["prosecutor_a"], **_args())
    assert made.amount == Decimal("102790.00")
    assert made.region is not None and made.region.iso == "KZ-TA"
    (row,) = redress.compensation_series(
        user=users["national_analyst"], years=[made.decided_on.year]
    )
    assert (row.decisions, row.amount) == (1, Decimal("102790.00"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "1e30"}, "amount"),
        ({"decided_on": TODAY + dt.timedelta(days=1)}, "decided_on"),
        ({"decision_body": "king"}, "decision_body"),
        ({"region": "KZ-XX"}, "region"),
        ({"complaint_id": 999_999}, "complaint_id"),
        ({"case_id": 999_999}, "case_id"),
    ],
)
def test_bad_input_is_refused_by_its_field(
    users: dict[str, User], change: dict[str, Any], field: str
) -> None:
    with pytest.raises(UseCaseError) as refused:
        redress.record_compensation(user=users["prosecutor_a"], **_args(**change))
    assert refused.value.field == field
    assert not Compensation.objects.exists()


def test_a_duplicate_and_a_foreign_region_are_refused(users: dict[str, User]) -> None:
    redress.record_compensation(user=users["prosecutor_a"], **_args())
    with pytest.raises(UseCaseError) as refused:
        redress.record_compensation(user=users["prosecutor_a"], **_args())
    assert refused.value.field == "external_id"
    with pytest.raises(UseCaseError) as refused:
        redress.record_compensation(
            user=users["prosecutor_a"], **_args(external_id="C-2", region="KZ-TB")
        )
    assert refused.value.status == 403
    with pytest.raises(UseCaseError) as refused:
        redress.record_compensation(user=users["npm_monitor"], **_args(external_id="C-3"))
    assert refused.value.status == 403
    assert Compensation.objects.count() == 1


def test_book_entries_are_refused_in_the_future_and_counted(users: dict[str, User]) -> None:
    base: dict[str, Any] = {"source_system": "test", "region": "KZ-TA"}
    with pytest.raises(UseCaseError) as refused:
        redress.record_book_entry(
            user=users["prosecutor_a"],
            external_id="B-0",
            entered_on=TODAY + dt.timedelta(days=2),
            **base,
        )
    assert refused.value.field == "entered_on"
    for n, year in enumerate([TODAY.year - 1, TODAY.year - 1, TODAY.year]):
        redress.record_book_entry(
            user=users["prosecutor_a"], external_id=f"B-{n}", entered_on=dt.date(year, 3, 1), **base
        )
    (row,) = redress.book_series(user=users["national_analyst"], years=[TODAY.year])
    assert (row.entries, row.growth) == (1, -50.0)
    assert BookEntry.objects.count() == 3


def test_the_form_list_and_record_page(users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users["prosecutor_a"])
    form = {
        "source_system": "senim-web",
        "external_id": "F-1",
        "decided_on": (TODAY - dt.timedelta(days=1)).isoformat(),
        "decision_body": "victims_fund",
        "amount": "-1",
        "region": "KZ-TA",
    }
    refused = client.post("/safeguards/redress/new/", form)
    assert refused.status_code == 422
    assert 'data-field="amount"' in refused.content.decode() and not Compensation.objects.exists()
    bad_date = client.post(
        "/safeguards/redress/new/", form | {"amount": "5", "decided_on": "31.02.x"}
    )
    assert bad_date.status_code == 422 and not Compensation.objects.exists()
    saved = client.post("/safeguards/redress/new/", form | {"amount": "119021.25"})
    assert saved.status_code == 302
    made = Compensation.objects.get()
    listing = client.get(saved["Location"]).content.decode()
    assert "119" in listing and f"/safeguards/redress/{made.pk}/" in listing
    assert client.get(f"/safeguards/redress/{made.pk}/").status_code == 200
    assert client.get("/safeguards/redress/?q=F-1&decided=abc&p=zz").status_code == 200
    assert client.get("/safeguards/redress/999999/").status_code == 404
    # A region-B analyst does not see region A's decision; a duty officer may not read them.
    other = Client()
    other.force_login(users["regional_analyst_b"])
    assert other.get(f"/safeguards/redress/{made.pk}/").status_code == 404
    duty = Client()
    duty.force_login(users["duty_officer_a"])
    assert duty.get("/safeguards/redress/").status_code == 403
    assert duty.post("/safeguards/redress/new/", form | {"amount": "5"}).status_code == 403
    assert Compensation.objects.count() == 1


def test_the_api_records_and_reads_compensation(users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users["prosecutor_a"])
    body = {
        "source_system": "api",
        "external_id": "A-1",
        "decided_on": (TODAY - dt.timedelta(days=2)).isoformat(),
        "decision_body": "victims_fund",
        "amount": "0",
        "region": "KZ-TA",
    }
    refused = client.post("/api/safeguards/compensation", body, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "amount"
    made = client.post(
        "/api/safeguards/compensation", body | {"amount": "5000"}, content_type="application/json"
    )
    assert made.status_code == 201
    year = TODAY.year
    read = client.get(f"/api/safeguards/redress?first={year}&last={year}").json()
    assert read["compensation"][0]["decisions"] == 1
    assert client.get("/api/safeguards/redress?first=1").status_code == 422


def test_a_complaint_records_who_considers_it_and_refuses_an_unknown_one(
    users: dict[str, User],
) -> None:
    from senim.safeguards.services import complaints

    base: dict[str, Any] = {
        "source_system": "test",
        "received_at": timezone.now() - dt.timedelta(hours=2),
        "channel": "letter",
        "stage": "pre_trial",
        "region": "KZ-TA",
    }
    made, _created = complaints.create(
        user=users["npm_monitor"],
        data=complaints.ComplaintInput(external_id="H-1", handled_by="representative", **base),
    )
    assert made.handled_by == "representative"
    with pytest.raises(UseCaseError) as refused:
        complaints.create(
            user=users["npm_monitor"],
            data=complaints.ComplaintInput(external_id="H-2", handled_by="judge", **base),
        )
    assert refused.value.field == "handled_by"
    year = timezone.localdate().year
    assert redress.handled_by(user=users["national_analyst"], year=year)["representative"] == 1


def test_a_book_entry_of_another_region_is_refused(users: dict[str, User]) -> None:
    with pytest.raises(UseCaseError) as refused:
        redress.record_book_entry(
            user=users["prosecutor_a"],
            external_id="B-X",
            entered_on=TODAY - dt.timedelta(days=1),
            source_system="test",
            region="KZ-TB",
        )
    assert refused.value.status == 403 and not BookEntry.objects.exists()
