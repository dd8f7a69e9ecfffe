"""Every NPM page opens in Kazakh, Russian and English for a council member and for a group
member, says when the data is synthetic, and the council's forms do what they say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from senim.core.models import User
from senim.oversight import services
from senim.oversight.models import Member
from tests.oversight.conftest import RecordVisit, World

pytestmark = pytest.mark.django_db
PAGES = ["", "visits/new/", "recommendations/?status=overdue", "matrix/", "plans/", "coverage/",
         "institutions/", "council/", "report/"]  # fmt: skip
HEADINGS = {"kk": "Ұсынымдар", "ru": "Рекомендации", "en": "Recommendations"}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_page_opens_in_each_language(
    world: World, record_visit: RecordVisit, session_client: Callable[[User], Client], lang: str
) -> None:
    visit = record_visit(
        findings=[services.FindingIn("Broken terminal", "terminals")],
        recommendations=[
            services.RecommendationIn("Repair it", timezone.localdate() + dt.timedelta(days=3))
        ],
    )
    for user in (world.council_user, world.monitor_a):
        client = session_client(user)
        client.cookies["django_language"] = lang
        for page in [*PAGES, f"visits/{visit.pk}/"]:
            response = client.get(f"/oversight/{page}", HTTP_ACCEPT_LANGUAGE=lang)
            assert response.status_code == 200, (page, response.status_code)
            assert HEADINGS[lang] in response.content.decode(), page


def test_the_visit_form_keeps_what_was_typed_and_names_the_field_at_fault(
    world: World, session_client: Callable[[User], Client]
) -> None:
    client = session_client(world.monitor_a)
    form = {
        "group": world.group_a.pk,
        "institution": world.ivs_a.pk,
        "visited_on": timezone.localdate().isoformat(),
        "team": [world.member_a.pk],
        "result_living_space": "compliant",
        "value_living_space": "2,1",
        "finding_0_text": "Cell 4 is overcrowded",
    }
    response = client.post("/oversight/visits/new/", form)
    assert response.status_code == 422
    text = response.content.decode()
    assert (
        'data-field="checklist.living_space"' in text
        and "2.1 m² per person means violation" in text
    )
    assert "Cell 4 is overcrowded" in text  # nothing typed is lost
    form["result_living_space"] = ""
    response = client.post("/oversight/visits/new/", form)
    assert response.status_code == 302


def test_an_administrator_appoints_for_two_years_and_a_second_overlapping_term_is_refused(
    world: World, session_client: Callable[[User], Client]
) -> None:
    client = session_client(world.admin)
    form = {
        "body": world.group_b.pk,
        "full_name": "Erlan  E.",
        "position": "head",
        "term_start": "2025-03-01",
        "user": world.council_user.pk,
    }
    response = client.post("/oversight/council/appoint/", form, follow=True)
    member = Member.objects.get(full_name="Erlan E.")
    assert (member.term_start, member.term_end) == (dt.date(2025, 3, 1), dt.date(2027, 2, 28))
    response = client.post(
        "/oversight/council/appoint/", form | {"term_start": "2026-01-01"}, follow=True
    )
    assert "already holds a term" in response.content.decode()
    assert (
        session_client(world.monitor_a).post("/oversight/council/appoint/", form).status_code == 403
    )


def test_the_demo_banner_shows_on_npm_pages_when_demo_data_is_present(
    world: World, session_client: Callable[[User], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("senim.core.demo_flag.demo_data_present", lambda: True)
    response = session_client(world.monitor_a).get("/oversight/")
    assert "Demo: all data on this page is synthetic" in response.content.decode()
