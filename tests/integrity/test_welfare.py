"""Rest and rotation reminders, the psychologist's screening and support records (seen by the
psychologist alone, scores kept out of the audit log), and the women's share of the staff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from senim.core.errors import Invalid
from senim.core.models import AuditEntry
from senim.integrity import welfare
from senim.integrity.models import DutyMonth, Screening, ServiceStatus
from tests.integrity.conftest import Staff, officer_file

pytestmark = pytest.mark.django_db


def test_reminders_name_rotation_rest_and_overtime_and_screening_only_for_the_psychologist(
    staff: Staff,
) -> None:
    today = timezone.localdate()
    month = today.replace(day=1) - dt.timedelta(days=1)
    staff.a1.post_since = dt.date(today.year - 6, 1, 1)
    staff.a1.save()
    DutyMonth.objects.create(
        officer=staff.a2,
        month=month.replace(day=1),
        shifts=24,
        overtime_hours=130,
        longest_without_rest=13,
        sick_days=0,
    )
    for_commander = {
        r.officer.officer.badge_number: r.reasons
        for r in welfare.reminders(staff.supervisor, today=today, with_screening=False)
    }
    assert for_commander["T-00001"] == ["rotation"]
    assert sorted(for_commander["T-00002"]) == ["no_rest", "overtime"]
    assert "T-00004" not in for_commander  # Astana: another region
    Screening.objects.create(officer=staff.b1, on=today - dt.timedelta(days=10), score=40)
    for_psychologist = {
        r.officer.officer.badge_number: r.reasons
        for r in welfare.reminders(staff.psychologist, today=today, with_screening=True)
    }
    assert for_psychologist["T-00003"] == ["screening_high"]
    assert "screening_due" in for_psychologist["T-00001"]


def test_a_screening_is_validated_and_its_score_stays_out_of_the_audit_log(
    staff: Staff, client
) -> None:
    client.force_login(staff.psychologist)
    url = reverse("integrity-welfare-officer", args=["T-00001"])
    today = timezone.localdate().isoformat()
    for bad in ("81", "-1", "abc", "٣"):
        response = client.post(url, {"action": "screening", "on": today, "score": bad})
        assert response.status_code == 422 and "0 to 80" in response.content.decode()
    assert not Screening.objects.exists()
    assert client.post(url, {"action": "screening", "on": today, "score": "41"}).status_code == 302
    screening = Screening.objects.get()
    entry = AuditEntry.objects.filter(model="integrity.Screening").latest("seq")
    assert "41" not in str(entry.details) and str(screening.score) == "41"
    page = client.get(url).content.decode()
    assert "follow-up" in page


def test_only_the_psychologist_opens_welfare_records(staff: Staff, client) -> None:
    url = reverse("integrity-welfare-officer", args=["T-00001"])
    for user in (staff.supervisor, staff.security, staff.inspector, staff.analyst):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(staff.supervisor)
    assert client.get(reverse("integrity-welfare")).status_code == 200
    with pytest.raises(Invalid):
        welfare.contact_record(
            user=staff.psychologist,
            badge="T-00001",
            form={"kind": "gossip", "on": timezone.localdate().isoformat()},
        )
    client.force_login(staff.psychologist)
    assert client.get(reverse("integrity-officer", args=["T-00001"])).status_code == 403
    assert client.get(reverse("integrity-complaints")).status_code == 403


def test_the_womens_share_counts_serving_officers_by_rank_duty_and_year(
    staff: Staff, client
) -> None:
    today = timezone.localdate()
    gone = officer_file("T-00009", staff.unit1, sex="F")
    gone.status, gone.status_since = ServiceStatus.DISMISSED, today - dt.timedelta(days=200)
    gone.save()
    share = welfare.women_share(staff.supervisor, today=today)
    # Almaty today: a1 (M), a2 (F), b1 (M); the dismissed woman left this year.
    assert share["trend"][-1]["total"] == 3 and share["trend"][-1]["women"] == 1
    assert share["trend"][-1]["pct"] == 33.3
    last_year = share["trend"][-2]
    assert last_year["women"] == 2 and last_year["total"] == 4
    duties = {str(r["label"]): r for r in share["by_duty"]}
    assert duties["district inspector"]["women"] == 1
    client.force_login(staff.supervisor)
    assert client.get(reverse("integrity-balance")).status_code == 200


def test_each_integrity_role_lands_on_its_daily_work_and_sees_its_menu(
    staff: Staff, client
) -> None:
    for user, landing, label in (
        (staff.psychologist, "integrity-welfare", "Staff welfare"),
        (staff.supervisor, "integrity-early", "Integrity"),
        (staff.security, "integrity-complaints", "Integrity"),
    ):
        client.force_login(user)
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"] == reverse(landing)
        page = client.get(reverse(landing)).content.decode()
        assert label in page
