"""Long NPM lists paginate and the institution picker can be searched (issue 16 item 11)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from senim.core.models import User
from senim.oversight import services
from senim.oversight.views import PAGE_SIZE
from tests.oversight.conftest import RecordVisit, World, institution

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_recommendations_come_a_page_at_a_time_with_the_filters_kept(
    world: World,
    record_visit: RecordVisit,
    session_client: Callable[[User], Client],
) -> None:
    due = TODAY + dt.timedelta(days=30)
    record_visit(
        findings=[services.FindingIn("No hot water")],
        recommendations=[
            services.RecommendationIn(f"Recommendation {n:03d}", due) for n in range(PAGE_SIZE + 5)
        ],
    )
    client = session_client(world.monitor_a)
    first = client.get("/oversight/recommendations/?status=sent")
    body = first.content.decode()
    assert first.status_code == 200
    assert body.count("Recommendation 0") == PAGE_SIZE
    assert "?status=sent&amp;agency=&amp;body=&page=2" in body
    second = client.get("/oversight/recommendations/?status=sent&agency=&page=2").content.decode()
    assert second.count("Recommendation 1") == 5 and "Recommendation 104" in second
    # A page past the end shows the last one, never an error.
    assert client.get("/oversight/recommendations/?page=99").status_code == 200
    assert client.get("/oversight/recommendations/?page=x").status_code == 200


def test_a_plan_of_many_institutions_paginates_both_its_lists(
    world: World, session_client: Callable[[User], Client]
) -> None:
    region = world.group_a.region
    for _ in range(PAGE_SIZE + 3):
        institution("ivs", region)
    client = session_client(world.monitor_a)
    year = TODAY.year + 1
    page = client.get(f"/oversight/plans/?group={world.group_a.pk}&year={year}")
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('<span class="code">') == PAGE_SIZE  # the first page of those due
    assert f"?group={world.group_a.pk}&amp;year={year}&due_page=2" in body
    rest = client.get(f"/oversight/plans/?group={world.group_a.pk}&year={year}&due_page=2")
    assert rest.content.decode().count('<span class="code">') >= 3


def test_the_visit_form_offers_a_search_over_the_institutions(
    world: World, session_client: Callable[[User], Client]
) -> None:
    body = (
        session_client(world.monitor_a)
        .get(f"/oversight/visits/new/?group={world.group_a.pk}")
        .content.decode()
    )
    assert 'data-filters="institution-picker"' in body and 'id="institution-picker"' in body
    assert "oversight/picker.js" in body


def test_the_years_visits_come_a_page_at_a_time_and_each_opens(
    world: World,
    record_visit: RecordVisit,
    session_client: Callable[[User], Client],
) -> None:
    """The year's list once stopped at 300 rows (a region's representatives make ~800 visits)."""
    days = [TODAY - dt.timedelta(days=n // 2 + 1) for n in range(PAGE_SIZE + 2)]
    for n, day in enumerate(days):  # two institutions a day, within the members' terms
        place = world.ivs_a if n % 2 else world.colony_a
        record_visit(visited_on=day, institution_id=place.pk, team_ids=[world.member_a.pk])
    client = session_client(world.monitor_a)
    year = (TODAY - dt.timedelta(days=1)).year
    first = client.get(f"/oversight/?year={year}").content.decode()
    assert first.count('<tr><td class="text"><a href="/oversight/visits/') == PAGE_SIZE
    assert f"?year={year}&amp;group=&amp;body=&page=2" in first
    rest = client.get(f"/oversight/?year={year}&page=2").content.decode()
    in_year = sum(
        1 for n in range(PAGE_SIZE + 2) if (TODAY - dt.timedelta(days=n + 1)).year == year
    )
    assert rest.count('<tr><td class="text"><a href="/oversight/visits/') == in_year - PAGE_SIZE
