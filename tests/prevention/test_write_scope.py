"""Prevention writes stay in the writer's territory (issue 16 item 6): a domestic-violence
assessment and a commission, its meeting or a decision of another district are refused by their
codes and, for an assessment, by its point, with that district's record present; nothing is
stored, and another district's commission or decision answers exactly as one that does not
exist."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.urls import reverse

from senim.core.models import Region
from senim.prevention import partnership, services
from senim.prevention.models import Commission, CommissionMeeting, Decision, DvAssessment
from tests.ops.conftest import make_user
from tests.prevention.conftest import TODAY, Place, dv_form


def _body(response: Any) -> str:
    """The page without its per-request CSRF token and its own address."""
    text = response.content.decode().replace(response.request["PATH_INFO"], "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_assessment_in_another_district_is_refused_by_its_sector_and_by_its_point(
    place: Place,
) -> None:
    """The inspector of s1 (district d1) with d2's own assessment on file."""
    neighbour = make_user(
        "insp3", "district_inspector", region=place.almaty, district=place.d2, sector=place.s2
    )
    d2_point: dict[str, Any] = {"lat": f"{place.d2.lat:.6f}", "lon": f"{place.d2.lon:.6f}"}
    theirs = services.dv_assess(
        user=neighbour, form=dv_form(place, sector=place.s2.code, **d2_point)
    )
    client = _client(place.inspector)
    url = reverse("prevention-dv-new")
    # By the stated code: the other district's sector, and a colleague's sector next door.
    for sector in (place.s2, place.s1b):
        refused = client.post(url, dv_form(place, sector=sector.code, **d2_point))
        assert refused.status_code == 403, sector.code
    # By the point: one's own sector, the address in the other district.
    elsewhere = client.post(url, dv_form(place, **d2_point))
    assert elsewhere.status_code == 422
    assert "outside the sector" in elsewhere.content.decode()
    assert list(DvAssessment.objects.values_list("pk", flat=True)) == [theirs.pk]
    # The form in order is taken, so the refusals above are the territory's, not the form's.
    assert client.post(url, dv_form(place)).status_code == 302
    assert DvAssessment.objects.count() == 2


def _meeting_form(held: dt.date) -> dict[str, str]:
    return {
        "held_on": held.isoformat(),
        "agenda": "Safety near schools",
        "decision_0_text": "Light the school crossing",
        "decision_0_owner": "Akimat",
        "decision_0_due_on": (held + dt.timedelta(days=30)).isoformat(),
    }


def test_a_commission_of_another_district_or_region_is_refused_and_reads_as_unknown(
    place: Place,
) -> None:
    astana = Region.objects.get(iso="KZ-71")
    held = TODAY() - dt.timedelta(days=10)
    theirs = Commission.objects.create(
        name="D2 commission", level="district", region=place.almaty, district=place.d2
    )
    regional = Commission.objects.create(name="Astana commission", level="region", region=astana)
    for commission in (theirs, regional):
        meeting = CommissionMeeting.objects.create(commission=commission, held_on=held, agenda="x")
        Decision.objects.create(meeting=meeting, text="y", owner="z", due_on=held)
    mine = partnership.commission_add(
        user=place.inspector,
        form={"name": "D1 commission", "level": "district", "district": place.d1.code},
    )
    client = _client(place.inspector)
    before = (Commission.objects.count(), CommissionMeeting.objects.count())
    # Creating one under another district's or another region's code.
    new = reverse("prevention-commissions")
    for form in (
        {"name": "Mine now", "level": "district", "district": place.d2.code},
        {"name": "Mine now", "level": "district", "region": astana.iso},
        {"name": "Mine now", "level": "region", "region": astana.iso},
    ):
        assert client.post(new, form).status_code == 403, form
    # A meeting on another district's or region's commission: the 404 of a commission that
    # does not exist.
    unknown = client.post(reverse("prevention-commission", args=[10**9]), _meeting_form(held))
    assert unknown.status_code == 404
    for commission in (theirs, regional):
        answer = client.post(
            reverse("prevention-commission", args=[commission.pk]), _meeting_form(held)
        )
        assert answer.status_code == 404 and _body(answer) == _body(unknown)
    # Closing another district's decision from one's own commission's page: the answer of a
    # decision that does not exist, field and message alike.
    page = reverse("prevention-commission", args=[mine.pk])
    close = {"action": "decision", "status": "done", "follow_up": "lit"}
    nothing = client.post(page, close | {"decision": "999999999"})
    assert nothing.status_code == 404
    for decision in Decision.objects.filter(meeting__commission__in=[theirs, regional]):
        answer = client.post(page, close | {"decision": str(decision.pk)})
        assert answer.status_code == 404 and _body(answer) == _body(nothing)
    assert (Commission.objects.count(), CommissionMeeting.objects.count()) == (
        before[0],
        before[1],
    )
    assert not Decision.objects.exclude(status="open").exists()
