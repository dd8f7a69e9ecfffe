"""A complaint against officers goes registered → internal check → finding → measure → closed,
with its terms; bad input and other territories are refused and change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from senim.core.errors import Forbidden, Invalid
from senim.core.models import AuditEntry
from senim.integrity import services
from senim.integrity.models import DisciplinaryMeasure, OfficerComplaint
from tests.integrity.conftest import Staff, complaint_form

pytestmark = pytest.mark.django_db


def test_a_complaint_is_registered_with_its_answer_term_and_officers(staff: Staff) -> None:
    complaint = services.complaint_register(
        user=staff.security, form=complaint_form(staff, officers="T-00001, T-00002")
    )
    assert complaint.status == "registered"
    assert set(complaint.officers.values_list("officer__badge_number", flat=True)) == {
        "T-00001",
        "T-00002",
    }
    received = timezone.localdate(complaint.received_at)
    # 15 working days: at least three weeks of calendar.
    assert (complaint.answer_due - received).days >= 21
    entry = AuditEntry.objects.filter(model="integrity.OfficerComplaint").latest("seq")
    assert "Aigerim" not in str(entry.details) and "shouted" not in str(entry.details)


def test_the_workflow_runs_to_a_measure_and_closes(staff: Staff) -> None:
    complaint = services.complaint_register(user=staff.security, form=complaint_form(staff))
    services.complaint_start_check(user=staff.security, pk=complaint.pk)
    complaint.refresh_from_db()
    assert complaint.status == "check" and complaint.check_due is not None
    services.complaint_record_finding(
        user=staff.security,
        pk=complaint.pk,
        form={"finding": "sustained", "finding_basis": "Video of the checkpoint."},
    )
    with pytest.raises(Invalid, match="record the measure"):
        services.complaint_close(user=staff.security, pk=complaint.pk)
    services.measure_impose(
        user=staff.security,
        form={
            "officer": "T-00001",
            "kind": "reprimand",
            "basis": "Sustained finding of rudeness.",
            "imposed_on": timezone.localdate().isoformat(),
            "complaint": complaint.pk,
        },
    )
    services.complaint_close(user=staff.security, pk=complaint.pk)
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.finding == "sustained"


def test_a_finding_before_the_check_is_refused_and_changes_nothing(staff: Staff) -> None:
    complaint = services.complaint_register(user=staff.security, form=complaint_form(staff))
    with pytest.raises(Invalid, match="after the internal check") as error:
        services.complaint_record_finding(
            user=staff.security,
            pk=complaint.pk,
            form={"finding": "sustained", "finding_basis": "x"},
        )
    assert error.value.field == "finding"
    complaint.refresh_from_db()
    assert complaint.status == "registered" and complaint.finding == ""


def test_an_officer_of_another_region_is_refused(staff: Staff) -> None:
    before = OfficerComplaint.objects.count()
    with pytest.raises(Invalid, match="T-00004"):
        services.complaint_register(
            user=staff.security, form=complaint_form(staff, officers="T-00004")
        )
    national = __import__("tests.ops.conftest", fromlist=["make_user"]).make_user(
        "is_nat", "internal_security"
    )
    with pytest.raises(Invalid, match="another region"):
        services.complaint_register(user=national, form=complaint_form(staff, officers="T-00004"))
    assert OfficerComplaint.objects.count() == before


def test_a_unit_outside_the_territory_is_forbidden(staff: Staff) -> None:
    with pytest.raises(Forbidden):
        services.complaint_register(
            user=staff.security, form=complaint_form(staff, unit=staff.unit_astana.pk, officers="")
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("summary", "", "required"),
        ("summary", "bad\x00text", "control character"),
        ("summary", "x" * 4001, "longer than"),
        ("kind", "gossip", "listed values"),
        ("received_on", "2999-01-01", "future"),
        ("received_on", "yesterday", "not a date"),
        ("officers", "NOPE-1", "No officer"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    staff: Staff, field: str, value: str, message: str
) -> None:
    with pytest.raises(Invalid, match=message) as error:
        services.complaint_register(
            user=staff.security, form=complaint_form(staff, **{field: value})
        )
    assert error.value.field == field
    assert not OfficerComplaint.objects.exists()


def test_ill_treatment_is_linked_not_copied(staff: Staff) -> None:
    with pytest.raises(Invalid) as error:
        services.complaint_register(
            user=staff.security, form=complaint_form(staff, kind="ill_treatment")
        )
    assert error.value.field == "ill_treatment"


def test_a_measure_needs_a_basis_and_a_sustained_finding(staff: Staff) -> None:
    today = timezone.localdate().isoformat()
    with pytest.raises(Invalid, match="basis") as error:
        services.measure_impose(
            user=staff.security,
            form={"officer": "T-00001", "kind": "reprimand", "basis": " ", "imposed_on": today},
        )
    assert error.value.field == "basis"
    complaint = services.complaint_register(user=staff.security, form=complaint_form(staff))
    with pytest.raises(Invalid, match="sustained"):
        services.measure_impose(
            user=staff.security,
            form={
                "officer": "T-00001",
                "kind": "remark",
                "basis": "b",
                "imposed_on": today,
                "complaint": complaint.pk,
            },
        )
    with pytest.raises(Invalid, match="oath"):
        services.measure_impose(
            user=staff.security,
            form={
                "officer": "T-00001",
                "kind": "reprimand",
                "basis": "b",
                "imposed_on": today,
                "oath_breach": "1",
            },
        )
    assert not DisciplinaryMeasure.objects.exists()


def test_an_oath_breach_dismissal_ends_the_service_and_a_cancelled_appeal_restores_it(
    staff: Staff,
) -> None:
    today = timezone.localdate()
    measure = services.measure_impose(
        user=staff.security,
        form={
            "officer": "T-00002",
            "kind": "dismissal",
            "basis": "Bribe taken, sustained.",
            "imposed_on": today.isoformat(),
            "oath_breach": "on",
        },
    )
    staff.a2.refresh_from_db()
    assert staff.a2.status == "dismissed" and measure.oath_breach
    with pytest.raises(Invalid, match="already been dismissed"):
        services.measure_impose(
            user=staff.security,
            form={
                "officer": "T-00002",
                "kind": "remark",
                "basis": "b",
                "imposed_on": today.isoformat(),
            },
        )
    with pytest.raises(Invalid, match="precede"):
        services.measure_appeal(
            user=staff.security,
            pk=measure.pk,
            form={
                "appealed_on": (today - dt.timedelta(days=3)).isoformat(),
                "appeal_outcome": "cancelled",
            },
        )
    services.measure_appeal(
        user=staff.security,
        pk=measure.pk,
        form={"appealed_on": today.isoformat(), "appeal_outcome": "cancelled"},
    )
    staff.a2.refresh_from_db()
    assert staff.a2.status == "serving"


def test_a_supervisor_cannot_work_complaints_or_discipline(staff: Staff) -> None:
    with pytest.raises(Forbidden):
        services.complaint_register(user=staff.supervisor, form=complaint_form(staff))
    with pytest.raises(Forbidden):
        services.measure_impose(
            user=staff.supervisor,
            form={
                "officer": "T-00001",
                "kind": "remark",
                "basis": "b",
                "imposed_on": timezone.localdate().isoformat(),
            },
        )


def test_the_pages_work_the_complaint_end_to_end(staff: Staff, client) -> None:
    client.force_login(staff.security)
    response = client.post(reverse("integrity-complaint-new"), complaint_form(staff))
    assert response.status_code == 302
    complaint = OfficerComplaint.objects.get()
    url = reverse("integrity-complaint", args=[complaint.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Aigerim S." in page.content.decode()
    assert AuditEntry.objects.filter(action="read", model="integrity.OfficerComplaint").exists()
    # A finding before the check: the page says why, nothing changes.
    refused = client.post(url, {"action": "finding", "finding": "sustained", "finding_basis": "x"})
    assert refused.status_code == 422 and "start the check first" in refused.content.decode()
    assert client.post(url, {"action": "check"}).status_code == 302
    assert (
        client.post(
            url, {"action": "finding", "finding": "unfounded", "finding_basis": "No witness."}
        ).status_code
        == 302
    )
    assert client.post(url, {"action": "close"}).status_code == 302
    listing = client.get(reverse("integrity-complaints"), {"status": "closed"})
    assert str(complaint) in listing.content.decode()


def test_the_list_filters_and_flags_overdue(staff: Staff, client) -> None:
    old = (timezone.localdate() - dt.timedelta(days=60)).isoformat()
    late = services.complaint_register(
        user=staff.security, form=complaint_form(staff, received_on=old)
    )
    fresh = services.complaint_register(
        user=staff.security, form=complaint_form(staff, kind="bribery")
    )
    client.force_login(staff.security)
    body = client.get(reverse("integrity-complaints"), {"overdue": "1"}).content.decode()
    assert str(late) in body and str(fresh) not in body
    body = client.get(reverse("integrity-complaints"), {"kind": "bribery"}).content.decode()
    assert str(fresh) in body and str(late) not in body
    body = client.get(reverse("integrity-complaints"), {"q": str(fresh)}).content.decode()
    assert str(fresh) in body and str(late) not in body


def test_other_roles_and_the_officer_themself_get_403(staff: Staff, client) -> None:
    complaint = services.complaint_register(user=staff.security, form=complaint_form(staff))
    for user in (staff.inspector, staff.analyst, staff.psychologist, staff.supervisor):
        client.force_login(user)
        assert client.get(reverse("integrity-complaints")).status_code == 403
        assert client.get(reverse("integrity-complaint", args=[complaint.pk])).status_code == 403
