"""The register API's lists: the workbench's filters, keyset cursors, and no silent parameter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from senim.core.models import User
from senim.register.models import Grade
from tests.register.conftest import WHEN

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()["results"]]


def test_an_unknown_filter_is_a_422_naming_it_never_ignored(
    users: dict[str, User], token_client: ClientFor
) -> None:
    client = token_client(users["national_analyst"])
    for path in ("/api/register/appeals", "/api/register/offences"):
        response = client.get(path, {"external_idd": "42", "limit": 5})
        assert response.status_code == 422
        error = response.json()["errors"][0]
        assert error["field"] == "external_idd"
        assert error["message"].startswith("unknown filter; known: ")
        assert "external_id" in error["message"] and "cursor" in error["message"]
    # The old offset pagination is gone; asking for it is said, not ignored.
    response = client.get("/api/register/offences", {"offset": 100})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "offset"


def test_a_damaged_cursor_is_a_422_on_cursor(
    users: dict[str, User], token_client: ClientFor
) -> None:
    response = token_client(users["national_analyst"]).get(
        "/api/register/appeals", {"cursor": "not a cursor"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


def test_a_control_character_in_a_filter_is_a_422_not_a_500(
    users: dict[str, User], token_client: ClientFor
) -> None:
    response = token_client(users["national_analyst"]).get(
        "/api/register/offences", {"external_id": "A\x00B"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "external_id"


def test_the_search_grade_and_local_dates_filter_the_api_too(
    users: dict[str, User], make_appeal: Callable[..., Any], token_client: ClientFor
) -> None:
    urgent = Grade.objects.update_or_create(
        code="t-urgent",
        defaults={"name_kk": "Жедел", "name_ru": "Срочный", "name_en": "Urgent", "rank": 90},
    )[0]
    a = make_appeal(source_system="102", external_id="N-1", grade=urgent, due_at=WHEN)
    b = make_appeal(source_system="e-otinish", external_id="N-1")
    c = make_appeal(received_at=WHEN + dt.timedelta(days=2))
    client = token_client(users["national_analyst"])
    get = client.get
    assert set(_ids(get("/api/register/appeals", {"external_id": "N-1"}))) == {a.id, b.id}
    only = {"external_id": "N-1", "source_system": "102"}
    assert _ids(get("/api/register/appeals", only)) == [a.id]
    assert _ids(get("/api/register/appeals", {"grade": "t-urgent"})) == [a.id]
    assert _ids(get("/api/register/appeals", {"date_from": "2025-03-04"})) == [c.id]
    # The old half-open times still work, and both kinds of bound apply together.
    both = {"date_from": "2025-03-01", "received_to": "2025-03-03T00:00:00"}
    assert set(_ids(get("/api/register/appeals", both))) == {a.id, b.id}
    body = get(f"/api/register/appeals/{a.id}").json()
    assert body["grade"] == "t-urgent"
    assert body["due_at"].startswith("2025-03-02T04:00")
    assert {"graded_at", "en_route_at"} <= set(body)
    assert get(f"/api/register/appeals/{b.id}").json()["grade"] is None
    unknown = get("/api/register/appeals", {"grade": "nope"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "grade"


def test_previous_cursor_walks_back_to_the_newest_page(
    users: dict[str, User], make_offence: Callable[..., Any], token_client: ClientFor
) -> None:
    for _ in range(5):
        make_offence()  # one instant: the id orders them
    client = token_client(users["national_analyst"])
    first = client.get("/api/register/offences", {"limit": 2}).json()
    assert first["previous_cursor"] is None
    second = client.get(
        "/api/register/offences", {"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    back = client.get(
        "/api/register/offences", {"limit": 2, "cursor": second["previous_cursor"]}
    ).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]
    assert back["previous_cursor"] is None
    assert second["results"][0]["parties"] == {"victim": 0, "suspect": 0, "offender": 0}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_to": "9999-12-31"}, "date_to"),
        ({"received_from": "0001-01-01T00:00:00"}, "received_from"),
        ({"received_to": "9999-12-31T23:59:59"}, "received_to"),
        ({"cursor": "MDAwMS0wMS0wMVQwMDowMDowMCswMDowMHwxfG4"}, "cursor"),  # year 1
        ({"region": "KZ-75\x00"}, "region"),
        ({"external_id": "x" * 65}, "external_id"),
    ],
)
def test_values_at_the_edges_are_422_not_500(
    users: dict[str, User], token_client: ClientFor, params: dict[str, str], field: str
) -> None:
    response = token_client(users["national_analyst"]).get("/api/register/appeals", params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_an_id_beyond_the_column_is_404(users: dict[str, User], token_client: ClientFor) -> None:
    client = token_client(users["national_analyst"])
    assert client.get("/api/register/appeals/99999999999999999999").status_code == 404
    assert client.get("/api/register/offences/99999999999999999999").status_code == 404


def test_a_role_that_does_not_read_the_register_is_refused_by_the_api(db: Any) -> None:
    from django.test import Client

    from senim.core.api_auth import issue_token
    from senim.core.models import User

    npm = User.objects.create(username="npm-reader", role="npm_monitor")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(npm)}")
    assert client.get("/api/register/offences").status_code == 403
    assert client.get("/api/register/appeals/1").status_code == 403
