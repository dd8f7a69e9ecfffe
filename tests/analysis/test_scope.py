"""Every analytics page and endpoint shows a user their own territory and refuses the rest."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from senim.core.models import User
from tests.analysis.conftest import LayOffences, Spot, local
from tests.register.conftest import Territory

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]
PAGES = ["/analytics/", "/analytics/peaks/", "/analytics/compstat/"]
ENDPOINTS = ["/api/analytics/hotspots", "/api/analytics/peaks", "/api/analytics/compstat"]


@pytest.fixture
def some_offences(territory: Territory, lay_offences: LayOffences) -> None:
    t = territory
    spots: list[Spot] = []
    for i in range(12):
        when = local(2025, 5, 1 + i, 20)
        spots.append((43.25 + i * 1e-3, 76.92, when, {"sector": t.sector_a}))
        spots.append((43.30, 76.80 + i * 1e-3, when, {"district": t.district_a2}))
        spots.append(
            (51.13, 71.43 + i * 1e-3, when, {"region": t.region_b, "district": t.district_b})
        )
    lay_offences(spots)


@pytest.mark.parametrize(
    ("role", "area", "status"),
    [
        ("national_analyst", "KZ-TA", 200),
        ("national_analyst", "KZ-TB-D1", 200),
        ("regional_analyst_a", "KZ-TA", 200),
        ("regional_analyst_a", "KZ-TA-D2", 200),
        ("regional_analyst_a", "KZ-TB", 403),
        ("regional_analyst_a", "KZ-TB-D1", 403),
        ("duty_officer_a", "KZ-TA-D1", 200),
        ("duty_officer_a", "KZ-TA", 403),
        ("duty_officer_a", "KZ-TA-D2", 403),
        ("district_inspector_a", "KZ-TA-D1", 200),
        ("district_inspector_a", "KZ-TA", 403),
        ("national_analyst", "KZ-NOWHERE", 404),
    ],
)
def test_pages_and_api_answer_by_scope(
    some_offences: None,
    users: dict[str, User],
    session_client: ClientFor,
    role: str,
    area: str,
    status: int,
) -> None:
    client = session_client(users[role])
    for url in PAGES + ENDPOINTS:
        response = client.get(url, {"area": area})
        assert response.status_code == status, (url, response.content[:300])
        if url.startswith("/api/") and status != 200:
            assert response.json()["errors"][0]["message"]


def test_without_an_area_a_user_lands_on_their_own(
    some_offences: None, users: dict[str, User], session_client: ClientFor
) -> None:
    for role, name in (("regional_analyst_a", "KZ-TA"), ("duty_officer_a", "KZ-TA-D1")):
        body = session_client(users[role]).get("/api/analytics/compstat").json()
        assert body["area"]["code"] == name


def test_a_district_inspector_sees_only_their_sector_in_their_district(
    territory: Territory,
    lay_offences: LayOffences,
    users: dict[str, User],
    session_client: ClientFor,
) -> None:
    when = local(2025, 5, 3, 20)
    lay_offences([(43.25, 76.92, when, {"sector": territory.sector_a}), (43.26, 76.93, when, {})])
    body = (
        session_client(users["district_inspector_a"])
        .get("/api/analytics/compstat", {"area": "KZ-TA-D1", "reference": "2025-05-03"})
        .json()
    )
    assert body["total"]["7d"]["current"] == 1
    national = (
        session_client(users["national_analyst"])
        .get("/api/analytics/compstat", {"area": "KZ-TA-D1", "reference": "2025-05-03"})
        .json()
    )
    assert national["total"]["7d"]["current"] == 2


def test_an_area_without_offences_is_said_calmly_on_the_page_and_is_a_404_in_the_api(
    territory: Territory, users: dict[str, User], session_client: ClientFor
) -> None:
    client = session_client(users["national_analyst"])
    page = client.get("/analytics/", {"area": "KZ-TB"})
    assert page.status_code == 200
    assert b"No offences with coordinates in this area and period." in page.content
    api = client.get("/api/analytics/hotspots", {"area": "KZ-TB"})
    assert api.status_code == 404
    assert api.json()["errors"][0]["field"] == "area"


def test_anonymous_visitors_sign_in_first(some_offences: None) -> None:
    client = Client()
    for url in [*PAGES, "/analytics/forecast/", "/analytics/evaluation/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    for url in [*ENDPOINTS, "/api/analytics/forecast"]:
        assert client.get(url).status_code == 401


def test_a_token_works_like_a_session(
    some_offences: None, users: dict[str, User], token_client: ClientFor
) -> None:
    client = token_client(users["regional_analyst_b"])
    assert client.get("/api/analytics/peaks", {"area": "KZ-TB"}).status_code == 200
    assert client.get("/api/analytics/peaks", {"area": "KZ-TA"}).status_code == 403
