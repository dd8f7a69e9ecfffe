"""The anti-corruption programme: internal security keeps its measures (named in three
languages), the public portal publishes them with the KPIs, small regional counts suppressed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from senim.core.errors import Forbidden, Invalid
from senim.integrity import programme, services
from senim.integrity.models import ProgrammeMeasure
from tests.integrity.conftest import Staff, complaint_form

pytestmark = pytest.mark.django_db


def measure_form(**extra: str) -> dict[str, str]:
    return {
        "name_kk": "Бейнетіркегіштер", "name_ru": "Видеорегистраторы", "name_en": "Body cameras",
        "owner_kk": "Комитет", "owner_ru": "Комитет", "owner_en": "Committee",
        "due": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
    } | extra  # fmt: skip


def test_internal_security_adds_a_measure_and_the_portal_shows_it_overdue(staff: Staff) -> None:
    measure = programme.measure_add(user=staff.security, form=measure_form())
    page = Client().get(reverse("portal-integrity"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Body cameras" in page and "overdue" in page
    programme.measure_status(user=staff.security, pk=measure.pk, form={"status": "done"})
    measure.refresh_from_db()
    assert measure.done_on == timezone.localdate()
    assert "overdue" not in Client().get(reverse("portal-integrity")).content.decode()


def test_a_measure_needs_all_three_languages_and_a_sane_deadline(staff: Staff) -> None:
    with pytest.raises(Invalid) as error:
        programme.measure_add(user=staff.security, form=measure_form(name_en=""))
    assert error.value.field == "name_en"
    with pytest.raises(Invalid):
        programme.measure_add(user=staff.security, form=measure_form(due="2099-01-01"))
    with pytest.raises(Forbidden):
        programme.measure_add(user=staff.supervisor, form=measure_form())
    assert not ProgrammeMeasure.objects.exists()


def test_the_kpis_count_corruption_complaints_findings_and_suppress_small_regions(
    staff: Staff,
) -> None:
    year = timezone.localdate().year
    for _ in range(5):
        services.complaint_register(user=staff.security, form=complaint_form(staff, kind="bribery"))
    services.complaint_register(user=staff.security, form=complaint_form(staff, kind="rudeness"))
    one = services.complaint_register(
        user=staff.security, form=complaint_form(staff, kind="abuse_of_office")
    )
    services.complaint_start_check(user=staff.security, pk=one.pk)
    services.complaint_record_finding(
        user=staff.security, pk=one.pk, form={"finding": "sustained", "finding_basis": "Video."}
    )
    kpis = programme.published(years=[year - 1, year])
    this_year = kpis["by_year"][-1]
    assert this_year["complaints"] == 6 and this_year["sustained"] == 1
    almaty = next(r for r in kpis["regions"] if r["region"].pk == staff.almaty.pk)
    assert almaty["complaints"] == 6 and almaty["sustained"] is None  # 1 < 5: suppressed
    body = Client().get(reverse("portal-integrity"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "fewer than 5" in body
