"""An NPM member sees the visits of their group only; the council sees every group; police roles
do not use the NPM system at all; a term that has ended gives no access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from senim.core.models import User
from senim.oversight import access, tables
from senim.oversight.models import Member
from tests.oversight.conftest import RecordVisit, World
from tests.register.conftest import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_visits(world: World, record_visit: RecordVisit) -> tuple[int, int]:
    a = record_visit()
    b = record_visit(user=world.monitor_b, group_id=world.group_b.pk, institution_id=world.ivs_b.pk,
                     team_ids=[world.member_b.pk])  # fmt: skip
    return a.pk, b.pk


def _visible(user: User) -> set[int]:
    return set(access.visits(access.access_for(user)).values_list("pk", flat=True))


def test_a_member_sees_the_visits_of_their_group_only(
    world: World, two_visits: tuple[int, int]
) -> None:
    a, b = two_visits
    assert _visible(world.monitor_a) == {a}
    assert _visible(world.monitor_b) == {b}
    assert _visible(world.council_user) == {a, b}
    assert _visible(world.admin) == {a, b}


def test_pages_and_api_keep_to_the_group(
    world: World,
    two_visits: tuple[int, int],
    session_client: Callable[[User], Client],
    token_client: Callable[[User], Client],
) -> None:
    a, b = two_visits
    page = session_client(world.monitor_a)
    assert page.get(f"/oversight/visits/{a}/").status_code == 200
    assert page.get(f"/oversight/visits/{b}/").status_code == 404
    listing = page.get("/oversight/").content.decode()
    assert world.ivs_a.code in listing and world.ivs_b.code not in listing
    api = token_client(world.monitor_a)
    assert [v["id"] for v in api.get("/api/oversight/visits").json()["results"]] == [a]
    assert api.get(f"/api/oversight/visits/{b}").status_code == 404


def test_the_matrix_of_a_member_is_their_regions_row(
    world: World, two_visits: tuple[int, int]
) -> None:
    year = timezone.localdate().year
    rows = tables.recommendation_matrix(user=world.monitor_a, year=year).rows
    assert [r.region.iso for r in rows] == ["KZ-TA"]
    assert len(tables.recommendation_matrix(user=world.council_user, year=year).rows) >= 2


@pytest.mark.parametrize(
    "role", ["national_analyst", "regional_analyst", "prosecutor", "duty_officer"]
)
def test_police_roles_do_not_use_the_npm_system(
    role: str,
    territory: Territory,
    make_user: Callable[..., User],
    session_client: Callable[[User], Client],
    token_client: Callable[[User], Client],
    world: World,
) -> None:
    scope = {"region": territory.region_a} if role in {"regional_analyst", "prosecutor"} else {}
    if role == "duty_officer":
        scope = {"district": territory.district_a}
    user = make_user(role, **scope)
    assert session_client(user).get("/oversight/").status_code == 403
    assert token_client(user).get("/api/oversight/visits").status_code == 403


def test_an_ended_term_gives_no_access(world: World, two_visits: tuple[int, int]) -> None:
    Member.objects.filter(pk=world.member_a.pk).update(
        term_end=timezone.localdate() - dt.timedelta(days=1)
    )
    assert _visible(world.monitor_a) == set()
