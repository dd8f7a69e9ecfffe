"""The inspector's pages: landing on the sector, the forms (with their errors, 422 and nothing
stored), record pages whose every opening is audited, and no page outside the territory."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from senim.core.models import AuditEntry, User
from senim.ops.intake import intake
from senim.prevention import services
from senim.prevention.models import DvAssessment, Problem, Supervision
from tests.prevention.conftest import OTHER_IIN, Place, dv_form, offence, person_form


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_inspector_lands_on_their_sector_and_sees_what_is_due(place: Place) -> None:
    services.supervision_open(user=place.inspector, form=person_form(place))
    client = _client(place.inspector)
    landing = client.get("/", follow=True)
    assert landing.redirect_chain[-1][0] == reverse("prevention-sector", args=[place.s1.code])
    page = landing.content.decode()
    assert 'id="kpi-supervised">1<' in page and 'id="kpi-overdue">0<' in page
    assert "Persons on the preventive register" in page and "PR-" in page
    assert 'href="/prevention/"' in page  # the menu item
    # A colleague's sector is not theirs to open.
    assert client.get(reverse("prevention-sector", args=[place.s1b.code])).status_code == 404


def test_roles_without_prevention_get_a_clear_refusal_and_no_menu_item(place: Place) -> None:
    client = _client(place.duty)
    for name in ("prevention-home", "prevention-register", "prevention-dv-list"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "does not work with prevention" in response.content.decode()
    assert 'href="/prevention/"' not in client.get(reverse("ops-queue")).content.decode()
    assert client.post(reverse("prevention-register-new"), person_form(place)).status_code == 403
    assert not Supervision.objects.exists()


def test_the_register_form_shows_the_error_and_stores_nothing_then_saves(place: Place) -> None:
    client = _client(place.inspector)
    form = client.get(reverse("prevention-register-new"))
    assert form.status_code == 200 and f'value="{place.s1.code}" selected' in form.content.decode()
    bad = client.post(reverse("prevention-register-new"), person_form(place, iin="900101300018"))
    assert bad.status_code == 422
    assert "check digit" in bad.content.decode() and 'data-field="iin"' in bad.content.decode()
    assert 'value="12 Abai street, flat 5"' in bad.content.decode()  # the form keeps its input
    assert not Supervision.objects.exists()
    elsewhere = client.post(
        reverse("prevention-register-new"), person_form(place, sector=place.s2.code)
    )
    assert elsewhere.status_code == 403 and not Supervision.objects.exists()
    good = client.post(reverse("prevention-register-new"), person_form(place))
    s = Supervision.objects.get()
    assert good.status_code == 302 and good["Location"] == reverse(
        "prevention-supervision", args=[s.pk]
    )


def test_opening_a_person_is_audited_and_a_contact_is_recorded_from_the_page(
    place: Place,
) -> None:
    s = services.supervision_open(user=place.inspector, form=person_form(place))
    client = _client(place.inspector)
    url = reverse("prevention-supervision", args=[s.pk])
    page = client.get(url).content.decode()
    assert "Released from prison and under administrative supervision" in page
    assert "12 Abai street" in page and "Opening this page is written to the audit log" in page
    reads = AuditEntry.objects.filter(action="read", model="prevention.Supervision")
    assert reads.filter(actor="insp1", object_pk=str(s.pk)).count() == 1
    bad = client.post(url, {"action": "contact", "kind": "phone", "outcome": "teleported"})
    assert bad.status_code == 422 and 'data-field="outcome"' in bad.content.decode()
    ok = client.post(url, {"action": "contact", "kind": "phone", "outcome": "met"})
    assert ok.status_code == 302 and s.contacts.filter(outcome="met").count() == 1
    # The colleague of the next sector cannot open it (and the attempt reads nothing).
    assert _client(place.colleague).get(url).status_code == 404
    assert reads.filter(actor="insp2").count() == 0


def test_the_register_list_filters_and_shows_only_the_territory(place: Place) -> None:
    services.supervision_open(user=place.inspector, form=person_form(place))
    services.supervision_open(
        user=place.colleague, form=person_form(place, sector=place.s1b.code, iin=OTHER_IIN)
    )
    mine = _client(place.inspector).get(reverse("prevention-register")).content.decode()
    assert len(re.findall(r'href="/prevention/register/\d+/"', mine)) == 1
    everyone = _client(place.admin).get(reverse("prevention-register")).content.decode()
    assert place.s1.code in everyone and place.s1b.code in everyone
    juveniles = _client(place.admin).get(reverse("prevention-register"), {"category": "juvenile"})
    assert "Nobody matches these filters." in juveniles.content.decode()


def test_a_dv_assessment_from_the_form_and_its_audited_page(place: Place) -> None:
    client = _client(place.inspector)
    form = dv_form(place, {"weapon", "strangulation", "threat_to_kill", "escalating"})
    del form["item_separation"]
    bad = client.post(reverse("prevention-dv-new"), form)
    assert bad.status_code == 422 and 'class="is-missing"' in bad.content.decode()
    assert not DvAssessment.objects.exists()
    form["item_separation"] = "no"
    ok = client.post(reverse("prevention-dv-new"), form)
    a = DvAssessment.objects.get()
    assert ok["Location"] == reverse("prevention-dv", args=[a.pk])
    page = client.get(ok["Location"]).content.decode()
    assert 'id="dv-level">High<' in page and "operational centres" in page
    assert AuditEntry.objects.filter(
        action="read", model="prevention.DvAssessment", object_pk=str(a.pk)
    ).exists()
    sector = client.get(reverse("prevention-sector", args=[place.s1.code])).content.decode()
    assert "7 Dostyk avenue" in sector


def test_a_supervisor_without_a_sector_chooses_among_the_sectors(place: Place) -> None:
    page = _client(place.admin).get(reverse("prevention-home"), {"q": "-T0"}).content.decode()
    assert place.s1.code in page and place.s2.code in page
    assert (
        _client(place.admin).get(reverse("prevention-sector", args=[place.s2.code])).status_code
        == 200
    )


def test_the_duty_officer_sees_the_high_risk_warning_in_the_queue_and_on_the_call(
    place: Place,
) -> None:
    form = dv_form(place, {"weapon", "strangulation", "threat_to_kill", "escalating"})
    services.dv_assess(user=place.inspector, form=form)
    (outcome,) = intake(
        user=place.duty,
        rows=[
            {
                "source_system": "102",
                "external_id": "Q-1",
                "channel": "call_102",
                "category": "domestic_conflict",
                "lat": float(form["lat"]),
                "lon": float(form["lon"]),
            }
        ],
    )
    client = _client(place.duty)
    queue = client.get(reverse("ops-queue")).content.decode()
    assert 'data-warning="dv"' in queue and "high domestic-violence risk" in queue
    call = client.get(reverse("ops-call", args=[outcome.id])).content.decode()
    assert 'data-warning="dv"' in call


def test_a_problem_case_is_worked_from_its_page(place: Place) -> None:
    offence(place, lat=place.d1.lat, lon=place.d1.lon, at=timezone.now() - dt.timedelta(days=9))
    client = _client(place.inspector)
    form = {
        "sector": place.s1.code,
        "title": "Night fights outside the bar",
        "origin": "inspector",
        "lat": f"{place.d1.lat:.6f}",
        "lon": f"{place.d1.lon:.6f}",
        "radius_m": "1",
        "description": "Fights at closing time.",
    }
    bad = client.post(reverse("prevention-problem-new"), form)
    assert bad.status_code == 422 and 'data-field="radius_m"' in bad.content.decode()
    assert not Problem.objects.exists()
    made = client.post(reverse("prevention-problem-new"), form | {"radius_m": "120"})
    problem = Problem.objects.get()
    url = reverse("prevention-problem", args=[problem.pk])
    assert made["Location"] == url
    page = client.get(url).content.decode()
    assert 'data-stage="scanning"' in page and "Night fights outside the bar" in page
    refused = client.post(url, {"action": "advance"})
    assert (
        refused.status_code == 422 and "Confirm at least one incident" in refused.content.decode()
    )
    incident = problem.incidents.get()
    assert client.post(url, {"action": "confirm", "incident": [incident.pk]}).status_code == 302
    assert client.post(url, {"action": "advance"}).status_code == 302
    page = client.get(url).content.decode()
    assert (
        "Analysis: the crime triangle" in page
        and 'class="sara-stage is-current" data-stage="analysis"' in page
    )
    assert _client(place.colleague).get(url).status_code == 404
    assert client.post(url, {"action": "teleport"}).status_code == 404
