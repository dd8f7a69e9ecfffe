"""Appeals about the police in the register wait for internal security to register them as
complaints against officers: linked, not typed in again; another region's appeal is unknown."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from senim.core.errors import Invalid
from senim.core.models import District
from senim.integrity import services
from senim.integrity.models import OfficerComplaint
from senim.register.models import Appeal
from tests.integrity.conftest import Staff, complaint_form

pytestmark = pytest.mark.django_db


def _appeal(staff: Staff, n: int, *, astana: bool = False, channel: str = "e_otinish") -> Appeal:
    region = staff.astana if astana else staff.almaty
    district = (
        District.objects.filter(region=region).order_by("code").first() if astana else staff.d1
    )
    return Appeal.objects.create(
        source_system="test", external_id=f"IA-{n}", channel=channel, category="complaint_police",
        status="open", received_at=timezone.now() - dt.timedelta(days=2),
        region=region, district=district,
    )  # fmt: skip


def test_an_appeal_is_registered_from_the_queue_and_leaves_it(staff: Staff, client) -> None:
    mine, other = _appeal(staff, 1), _appeal(staff, 2, astana=True)
    client.force_login(staff.security)
    queue = client.get(reverse("integrity-appeal-queue"))
    body = queue.content.decode()
    assert queue.status_code == 200 and f">{mine.pk}</a>" in body and f">{other.pk}</a>" not in body
    link = next(row[1] for row in queue.context["rows"] if row[0].pk == mine.pk)
    prefill = {k: v[0] for k, v in parse_qs(urlparse(f"?{link}").query).items()}
    assert prefill["appeal"] == str(mine.pk) and prefill["source"] == "e_otinish"
    form = client.get(reverse("integrity-complaint-new"), prefill).content.decode()
    assert f'value="{mine.pk}"' in form
    posted = complaint_form(staff) | prefill
    assert client.post(reverse("integrity-complaint-new"), posted).status_code == 302
    complaint = OfficerComplaint.objects.get()
    assert complaint.appeal_id == mine.pk and complaint.received_at == mine.received_at
    assert f">{mine.pk}</a>" not in client.get(reverse("integrity-appeal-queue")).content.decode()
    with pytest.raises(Invalid, match="already registered"):
        services.complaint_register(user=staff.security, form=posted)


def test_another_regions_appeal_answers_as_unknown(staff: Staff) -> None:
    other = _appeal(staff, 3, astana=True)
    with pytest.raises(Invalid, match="No appeal about the police") as error:
        services.complaint_register(
            user=staff.security, form=complaint_form(staff, appeal=other.pk, source="appeal")
        )
    assert error.value.field == "appeal" and not OfficerComplaint.objects.exists()
