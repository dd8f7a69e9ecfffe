"""The prosecutor's board: open and overdue custody, and alerts of their own region only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from senim.safeguards.services import alerts, custody

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_regions(make_custody: Any, places: Any, users: Any) -> dict[str, Any]:
    now = timezone.now()
    a = make_custody(detained_at=now - dt.timedelta(hours=50), external_id="A-OVERDUE")
    b = make_custody(
        detained_at=now - dt.timedelta(hours=50),
        external_id="B-OVERDUE",
        facility_id=places.ivs_b.pk,
    )
    alerts.run(now=now)
    return {"a": a, "b": b}


def test_a_prosecutor_sees_the_custody_alerts_of_their_region_only(
    both_regions: Any, users: Any, make_user: Any, territory: Any, token_client: Any
) -> None:
    prosecutor_b = make_user("prosecutor", region=territory.region_b)
    seen_a = token_client(users["prosecutor_a"]).get("/api/safeguards/custody/alerts").json()
    seen_b = token_client(prosecutor_b).get("/api/safeguards/custody/alerts").json()
    assert {a["custody_id"] for a in seen_a} == {both_regions["a"].pk}
    assert {a["custody_id"] for a in seen_b} == {both_regions["b"].pk}
    national = token_client(users["national_analyst"]).get("/api/safeguards/custody/alerts").json()
    assert {a["custody_id"] for a in national} == {both_regions["a"].pk, both_regions["b"].pk}


def test_the_board_page_shows_an_overdue_record_of_the_region_and_nothing_of_others(
    both_regions: Any, users: Any, session_client: Any
) -> None:
    page = session_client(users["prosecutor_a"]).get("/safeguards/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-record="A-OVERDUE"' in html and 'data-state="breached"' in html
    assert "B-OVERDUE" not in html
    assert session_client(users["prosecutor_a"]).get("/safeguards/?region=KZ-TB").status_code == 403


def test_the_national_board_counts_open_custody_by_region(both_regions: Any, users: Any) -> None:
    board = custody.board(user=users["national_analyst"])
    lines = {line.region.iso: line for line in board.regions}
    assert lines["KZ-TA"].breached == 1 and lines["KZ-TB"].breached == 1
    assert board.count_breached == 2


def test_roles_without_custody_access_are_refused(users: Any, session_client: Any) -> None:
    assert session_client(users["district_inspector_a"]).get("/safeguards/").status_code == 403
    assert session_client(users["duty_officer_a"]).get("/safeguards/").status_code == 200
