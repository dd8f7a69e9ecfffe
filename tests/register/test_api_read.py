"""Reading the register: lists and details show the caller's territory only, and no persons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from senim.core.models import Person, User
from senim.register.models import OffenceParty
from tests.register.conftest import WHEN, Territory

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


@pytest.fixture
def records(
    territory: Territory, make_appeal: Callable[..., Any], make_offence: Callable[..., Any]
) -> dict[str, Any]:
    t = territory
    return {
        "appeal_a": make_appeal(sector=t.sector_a),
        "appeal_a2": make_appeal(district=t.district_a2, channel="telegram"),
        "appeal_b": make_appeal(region=t.region_b, district=t.district_b),
        "offence_a": make_offence(sector=t.sector_a),
        "offence_b": make_offence(region=t.region_b, district=t.district_b),
    }


def _ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


def test_a_regional_analyst_lists_only_their_region(
    users: dict[str, User], records: dict[str, Any], token_client: ClientFor
) -> None:
    client = token_client(users["regional_analyst_a"])
    appeals = _ids(client.get("/api/register/appeals"))
    assert appeals == {records["appeal_a"].id, records["appeal_a2"].id}
    assert _ids(client.get("/api/register/offences")) == {records["offence_a"].id}
    # Asking for region B by name does not widen the scope: it is refused, naming the filter.
    outside = client.get("/api/register/appeals", {"region": "KZ-TB"})
    assert outside.status_code == 403
    assert outside.json()["errors"][0]["field"] == "region"


def test_narrower_scopes_see_their_district_or_sector_and_national_roles_see_all(
    users: dict[str, User], records: dict[str, Any], session_client: ClientFor
) -> None:
    seen = {
        role: _ids(session_client(users[role]).get("/api/register/appeals"))
        for role in ("duty_officer_a", "district_inspector_a", "national_analyst", "administrator")
    }
    assert seen["duty_officer_a"] == {records["appeal_a"].id}
    assert seen["district_inspector_a"] == {records["appeal_a"].id}
    everything = {records[k].id for k in ("appeal_a", "appeal_a2", "appeal_b")}
    assert seen["national_analyst"] == seen["administrator"] == everything
    # NPM monitors work in their own app and do not read the register.
    assert session_client(users["npm_monitor"]).get("/api/register/appeals").status_code == 403


def test_a_record_outside_scope_is_404_exactly_like_a_missing_one(
    users: dict[str, User], records: dict[str, Any], token_client: ClientFor
) -> None:
    client = token_client(users["regional_analyst_a"])
    outside = client.get(f"/api/register/offences/{records['offence_b'].id}")
    missing = client.get("/api/register/offences/999999")
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()
    assert client.get(f"/api/register/appeals/{records['appeal_b'].id}").status_code == 404
    inside = client.get(f"/api/register/appeals/{records['appeal_a'].id}")
    assert inside.status_code == 200
    assert inside.json()["region"] == "KZ-TA" and inside.json()["sector"] == "KZ-TA-D1-S1"


def test_filters_narrow_the_list(
    users: dict[str, User],
    records: dict[str, Any],
    make_appeal: Callable[..., Any],
    session_client: ClientFor,
) -> None:
    late = make_appeal(received_at=WHEN + dt.timedelta(days=3), status="closed")
    client = session_client(users["administrator"])
    get = client.get
    assert _ids(get("/api/register/appeals", {"channel": "telegram"})) == {records["appeal_a2"].id}
    assert _ids(get("/api/register/appeals", {"district": "KZ-TB-D1"})) == {records["appeal_b"].id}
    assert _ids(get("/api/register/appeals", {"status": "closed"})) == {late.id}
    # A time without an offset is Almaty time (UTC+5): WHEN is 09:00 there.
    since = {"received_from": "2025-03-02T09:00:01", "received_to": "2025-03-31"}
    assert _ids(get("/api/register/appeals", since)) == {late.id}
    assert len(_ids(get("/api/register/appeals", {"received_to": "2025-03-02T09:00:01"}))) == 3
    assert _ids(get("/api/register/offences", {"region": "KZ-TA", "kind": "crime"})) == {
        records["offence_a"].id
    }
    assert _ids(get("/api/register/offences", {"article": "KoAP-T1"})) == set()


def test_a_filter_value_that_is_not_a_choice_is_a_422_naming_the_field(
    users: dict[str, User], session_client: ClientFor
) -> None:
    response = session_client(users["administrator"]).get(
        "/api/register/appeals", {"channel": "pigeon"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "channel"


def test_pages_are_limited_to_500_and_follow_cursors_without_a_total(
    users: dict[str, User], make_appeal: Callable[..., Any], session_client: ClientFor
) -> None:
    made = [make_appeal(received_at=WHEN + dt.timedelta(minutes=i)) for i in range(7)]
    client = session_client(users["administrator"])
    seen: list[int] = []
    params: dict[str, Any] = {"limit": 3}
    while True:
        page = client.get("/api/register/appeals", params).json()
        assert set(page) == {"results", "next_cursor", "previous_cursor"}  # no count, no offset
        seen += [r["id"] for r in page["results"]]
        if page["next_cursor"] is None:
            break
        params = {"limit": 3, "cursor": page["next_cursor"]}
    assert seen == [a.id for a in reversed(made)]  # newest first, each once
    too_many = client.get("/api/register/appeals", {"limit": 501})
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "limit"


def test_offence_parties_are_counted_by_role_and_never_identified(
    users: dict[str, User], records: dict[str, Any], session_client: ClientFor
) -> None:
    offence = records["offence_a"]
    people = [Person.objects.create(iin_hash=f"{'ab' * 31}{i:02d}") for i in range(3)]
    for person, role in zip(people, ["victim", "victim", "suspect"], strict=True):
        OffenceParty.objects.create(offence=offence, person=person, role=role)
    client = session_client(users["prosecutor_a"])
    detail = client.get(f"/api/register/offences/{offence.id}")
    listed = client.get("/api/register/offences").json()["results"][0]
    for body in (detail.json(), listed):
        assert body["parties"] == {"victim": 2, "suspect": 1, "offender": 0}
        text = str(body)
        assert "iin" not in text and "person" not in text
        assert all(str(p.iin_hash) not in text and f"P-{p.pk:08d}" not in text for p in people)
    assert detail.json()["article"] == "UK-T1"


def test_a_user_without_a_scope_sees_nothing(
    make_user: Callable[..., User], records: dict[str, Any], session_client: ClientFor
) -> None:
    # A scoped role saved without its territory (bypassing validation) must not see everything.
    user = User.objects.create(username="orphan", role="regional_analyst")
    assert _ids(session_client(user).get("/api/register/appeals")) == set()
