"""Integrity writes stay in the writer's region (issue 16 item 6): a complaint, a disciplinary
measure, a commendation, an appeal or a welfare record on an officer of Astana, written by
Almaty's internal security or psychologist, is refused with Astana's records present; nothing is
stored, and Astana's officer, complaint or measure answers exactly as one that does not exist."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from senim.integrity import services
from senim.integrity.models import (
    Commendation,
    DisciplinaryMeasure,
    OfficerComplaint,
    Screening,
    SupportContact,
)
from tests.integrity.conftest import Staff, complaint_form
from tests.ops.conftest import make_user

ASTANA_BADGE = "T-00004"  # staff.c1
NO_BADGE = "T-99999"


def _body(response: Any) -> str:
    """The page without its per-request CSRF token and its own address."""
    text = response.content.decode().replace(response.request["PATH_INFO"], "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _astana_records(staff: Staff) -> tuple[OfficerComplaint, DisciplinaryMeasure]:
    national = make_user("security-kz", "internal_security")
    complaint = services.complaint_register(
        user=national,
        form=complaint_form(staff, unit=staff.unit_astana.pk, officers=ASTANA_BADGE),
    )
    measure = services.measure_impose(
        user=national,
        form={
            "officer": ASTANA_BADGE,
            "kind": "reprimand",
            "basis": "Late to the shift three times",
            "imposed_on": (timezone.localdate() - dt.timedelta(days=5)).isoformat(),
        },
    )
    return complaint, measure


def _counts() -> tuple[int, ...]:
    return (
        OfficerComplaint.objects.count(),
        DisciplinaryMeasure.objects.count(),
        Commendation.objects.count(),
        Screening.objects.count(),
        SupportContact.objects.count(),
    )


def test_discipline_on_an_officer_of_another_region_reads_as_no_such_officer(
    staff: Staff,
) -> None:
    complaint, measure = _astana_records(staff)
    mine = services.complaint_register(user=staff.security, form=complaint_form(staff))
    before = _counts()
    client = _client(staff.security)
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    forms = [
        {"action": "measure", "kind": "reprimand", "basis": "x", "imposed_on": day},
        {"action": "commendation", "kind": "gratitude", "basis": "x", "given_on": day},
    ]
    # By the officer's page: Astana's badge is the 404 of a badge that does not exist.
    for form in forms:
        unknown = client.post(reverse("integrity-officer-action", args=[NO_BADGE]), form)
        theirs = client.post(reverse("integrity-officer-action", args=[ASTANA_BADGE]), form)
        assert unknown.status_code == theirs.status_code == 404
        assert _body(theirs) == _body(unknown)
    # An appeal against Astana's measure from one's own officer's page: no such measure.
    own_page = reverse("integrity-officer-action", args=[staff.a1.officer.badge_number])
    appeal = {"action": "appeal", "appealed_on": day, "appeal_outcome": "cancelled"}
    unknown = client.post(own_page, appeal | {"measure": "999999999"})
    theirs = client.post(own_page, appeal | {"measure": str(measure.pk)})
    assert unknown.status_code == theirs.status_code == 404
    assert _body(theirs) == _body(unknown)
    # A measure through one's own complaint naming Astana's officer: the answer, field and
    # message of a badge that does not exist.
    page = reverse("integrity-complaint", args=[mine.pk])
    unknown = client.post(page, forms[0] | {"officer": NO_BADGE})
    theirs = client.post(page, forms[0] | {"officer": ASTANA_BADGE})
    assert unknown.status_code == theirs.status_code == 422
    assert _body(theirs) == _body(unknown)
    assert _counts() == before
    measure.refresh_from_db()
    assert measure.appealed_on is None and staff.c1.commendations.count() == 0
    del complaint


def test_another_regions_complaint_is_the_same_404_as_none_for_every_step(staff: Staff) -> None:
    complaint, _measure = _astana_records(staff)
    client = _client(staff.security)
    before = _counts()
    finding = {"finding": "sustained", "finding_text": "Shouted at the complainant"}
    for form in ({"action": "check"}, {"action": "finding"} | finding, {"action": "close"}):
        unknown = client.post(reverse("integrity-complaint", args=[10**9]), form)
        theirs = client.post(reverse("integrity-complaint", args=[complaint.pk]), form)
        assert unknown.status_code == theirs.status_code == 404
        assert _body(theirs) == _body(unknown)
    # Registering one against Astana's unit or naming Astana's officer is refused too.
    new = reverse("integrity-complaint-new")
    assert client.post(new, complaint_form(staff, unit=staff.unit_astana.pk)).status_code == 403
    named = client.post(new, complaint_form(staff, officers=ASTANA_BADGE))
    assert named.status_code == 422
    complaint.refresh_from_db()
    assert _counts() == before and complaint.status == "registered" and not complaint.finding


def test_a_welfare_record_on_an_officer_of_another_region_reads_as_no_such_officer(
    staff: Staff,
) -> None:
    _astana_records(staff)
    client = _client(staff.psychologist)
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    before = _counts()
    for form in (
        {"action": "screening", "score": "41", "on": day},
        {"action": "contact", "kind": "consultation", "on": day, "note": "talked"},
    ):
        unknown = client.post(reverse("integrity-welfare-officer", args=[NO_BADGE]), form)
        theirs = client.post(reverse("integrity-welfare-officer", args=[ASTANA_BADGE]), form)
        assert unknown.status_code == theirs.status_code == 404
        assert _body(theirs) == _body(unknown)
    assert _counts() == before
    # The same forms are taken for one's own region's officer.
    own = reverse("integrity-welfare-officer", args=[staff.a1.officer.badge_number])
    assert client.post(own, {"action": "screening", "score": "41", "on": day}).status_code == 302
