"""Officers' files: scoped by territory, every view audit-logged, discipline recorded on them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from senim.core.models import AuditEntry
from senim.core.permissions import Perm, perms_for
from senim.integrity.models import Commendation, DutyMonth
from tests.integrity.conftest import Staff
from tests.ops.conftest import make_user

pytestmark = pytest.mark.django_db


def test_a_supervisor_reads_files_of_the_region_only_and_each_read_is_logged(
    staff: Staff, client
) -> None:
    DutyMonth.objects.create(
        officer=staff.a1,
        month=dt.date(2026, 11, 1),
        shifts=22,
        overtime_hours=40,
        longest_without_rest=9,
        sick_days=2,
    )
    client.force_login(staff.supervisor)
    listing = client.get(reverse("integrity-officers")).content.decode()
    assert "T-00001" in listing and "T-00003" in listing and "T-00004" not in listing
    page = client.get(reverse("integrity-officer", args=["T-00001"]))
    assert page.status_code == 200
    assert AuditEntry.objects.filter(
        action="read", model="integrity.OfficerFile", object_pk=str(staff.a1.pk)
    ).exists()
    assert client.get(reverse("integrity-officer", args=["T-00004"])).status_code == 404


def test_the_officers_own_account_and_analysts_cannot_open_files(staff: Staff, client) -> None:
    for user in (staff.inspector, staff.analyst, staff.psychologist):
        client.force_login(user)
        assert client.get(reverse("integrity-officers")).status_code == 403
        assert client.get(reverse("integrity-officer", args=["T-00001"])).status_code == 403


def test_internal_security_records_a_commendation_and_refuses_a_bad_one(
    staff: Staff, client
) -> None:
    client.force_login(staff.security)
    url = reverse("integrity-officer-action", args=["T-00001"])
    today = timezone.localdate().isoformat()
    ok = client.post(
        url,
        {
            "action": "commendation",
            "kind": "gratitude",
            "given_on": today,
            "basis": "Rescued a child.",
        },
    )
    assert ok.status_code == 302 and Commendation.objects.count() == 1
    bad = client.post(
        url, {"action": "commendation", "kind": "medal_of_gold", "given_on": today, "basis": "x"}
    )
    assert bad.status_code == 422 and Commendation.objects.count() == 1
    refused = client.post(
        url, {"action": "measure", "kind": "reprimand", "imposed_on": today, "basis": ""}
    )
    assert refused.status_code == 422 and "needs its basis" in refused.content.decode()


def test_a_supervisor_cannot_discipline_from_the_file(staff: Staff, client) -> None:
    client.force_login(staff.supervisor)
    url = reverse("integrity-officer-action", args=["T-00001"])
    response = client.post(
        url, {"action": "commendation", "kind": "gratitude", "given_on": "2026-01-05", "basis": "x"}
    )
    assert response.status_code == 403 and not Commendation.objects.exists()


def test_welfare_is_the_psychologists_alone_even_against_a_superuser(db) -> None:
    root = make_user("root", "administrator", is_superuser=True)
    assert Perm.WELFARE not in perms_for(root)
    assert Perm.WELFARE in perms_for(make_user("psy2", "psychologist"))
