"""/api/analytics/repeats/: the page's figures as JSON, people only to person-level roles (and
audit-logged), errors as {"errors": [{"field", "message"}]} with the analytics API's codes."""

from __future__ import annotations

from typing import Any

import pytest

from senim.core.models import AuditEntry, User
from tests.analysis.repeats_fixture import Repeats, lay_repeats, query
from tests.register.conftest import Territory

API = "/api/analytics/repeats"


@pytest.fixture
def fixture(territory: Territory) -> Repeats:
    return lay_repeats(territory)


def test_places_as_json_with_the_records_of_each_place(
    fixture: Repeats, users: dict[str, User], token_client: Any
) -> None:
    response = token_client(users["national_analyst"]).get(f"{API}/places?{query()}")
    assert response.status_code == 200
    data = response.json()
    assert data["area"]["code"] == "KZ-TA-D1"
    assert (data["date_from"], data["date_to"]) == ("2025-03-01", "2025-03-31")
    assert data["kinds"] == ["crime", "criminal_misdemeanour"]
    assert (data["n_events"], data["n_located"], data["events_at_repeat_places"]) == (10, 9, 6)
    assert (data["page"], data["pages"], data["total"]) == (1, 1, 2)
    first = data["places"][0]
    assert first["key"] == fixture.place_a_key and first["events"] == 4
    assert sorted(first["offence_ids"]) == sorted(o.pk for o in fixture.place_a)
    assert (first["first"], first["last"]) == ("2025-03-02", "2025-03-10")
    assert abs(first["lat"] - 43.25) < 1e-4 and abs(first["lon"] - 76.92003) < 1e-4


def test_knox_cells_with_observed_expected_ratio_and_p_value(
    fixture: Repeats, users: dict[str, User], token_client: Any
) -> None:
    client = token_client(users["national_analyst"])
    url = f"{API}/knox?{query(space_m='0&space_m=100&space_m=500', time_days='0&time_days=7')}"
    data = client.get(url + "&permutations=19").json()
    assert (data["space_edges_m"], data["time_edges_days"]) == ([0, 100, 500], [0, 7])
    assert data["permutations"] == 19 and data["n_located"] == 9
    cells = data["cells"]
    assert len(cells) == 2
    assert cells[0]["observed"] == 4 and cells[1]["observed"] == 0
    assert cells[0]["expected"] > 0 and 0 < cells[0]["p_value"] <= 1
    assert set(cells[0]) == {
        "space_from_m", "space_to_m", "time_from_days", "time_to_days", "observed",
        "expected", "ratio", "p_value", "significant",
    }  # fmt: skip
    # Defaults: five distance bands of 100 m × four weeks.
    assert len(client.get(f"{API}/knox?{query()}").json()["cells"]) == 16


def test_people_only_for_person_level_roles_and_every_page_is_audited(
    fixture: Repeats, users: dict[str, User], token_client: Any
) -> None:
    response = token_client(users["national_analyst"]).get(f"{API}/victims?{query()}")
    assert response.status_code == 403
    assert response.json()["errors"][0]["message"] == "Your role does not see person-level data."
    prosecutor = users["prosecutor_a"]
    data = token_client(prosecutor).get(f"{API}/offenders?{query()}").json()
    assert (data["n_people"], data["n_records"], data["n_repeat"], data["repeat_records"]) == (
        2, 3, 1, 2,
    )  # fmt: skip
    assert data["people"] == [
        {
            "person_id": fixture.o1.pk,
            "pseudonym": f"P-{fixture.o1.pk:08d}",
            "events": 2,
            "first": "2025-03-02",
            "last": "2025-03-20",
            "offence_ids": [fixture.place_b[1].pk, fixture.place_a[0].pk],
        }
    ]
    entry = AuditEntry.objects.filter(model="core.Person", action="read").get()
    assert entry.details["people"] == [fixture.o1.pk] and entry.actor == prosecutor.username
    victims = token_client(prosecutor).get(f"{API}/victims?{query(min_events='3')}").json()
    assert [p["events"] for p in victims["people"]] == [3]


@pytest.mark.parametrize(
    ("url", "status", "field", "message"),
    [
        (f"{API}/places?{query(radius_m='150')}", 400, "radius_m", "Must be between 0 and 100."),
        (f"{API}/places?{query(min_events='1')}", 400, "min_events", "whole number between 2"),
        (f"{API}/places?{query(page='3')}", 400, "page", "There is no page 3: the list has 1."),
        (f"{API}/places?{query(page='0')}", 400, "page", "The page is a whole number from 1."),
        (f"{API}/places?{query(radius_m='x')}", 422, "radius_m", ""),
        (f"{API}/knox?{query(space_m='100&space_m=50')}", 400, "space_m", "must increase"),
        (f"{API}/knox?{query(permutations='5000')}", 400, "permutations", "between 19 and 999"),
        (f"{API}/knox?{query(time_days='0&time_days=500')}", 400, "time_days", "0 and 365"),
        (f"{API}/places?{query(date_to='2025-02-01')}", 400, "date_to", "ends before it starts"),
        (f"{API}/places?{query(kind='theft')}", 400, "kind", "Unknown offence kind: theft"),
        (f"{API}/places?{query('KZ-NOPE')}", 404, "area", "No such territory: KZ-NOPE"),
        (
            f"{API}/places?{query(date_from='2024-01-01', date_to='2024-01-31')}",
            404,
            "area",
            "No offences in this area and period.",
        ),
    ],
)
def test_bad_input_gets_the_field_and_a_reason(
    fixture: Repeats,
    users: dict[str, User],
    token_client: Any,
    url: str,
    status: int,
    field: str,
    message: str,
) -> None:
    response = token_client(users["national_analyst"]).get(url)
    assert response.status_code == status
    error = response.json()["errors"][0]
    assert error["field"] == field and message in error["message"]


def test_scope_and_sign_in(
    fixture: Repeats, users: dict[str, User], token_client: Any, client: Any
) -> None:
    assert client.get(f"{API}/places?{query()}").status_code == 401
    response = token_client(users["regional_analyst_b"]).get(f"{API}/places?{query()}")
    assert response.status_code == 403
    response = token_client(users["duty_officer_b"]).get(f"{API}/knox?{query()}")
    assert response.status_code == 403
    # A district's duty officer has person-level data, for their district only.
    response = token_client(users["duty_officer_a"]).get(f"{API}/victims?{query()}")
    assert response.status_code == 200 and response.json()["n_repeat"] == 1
    response = token_client(users["duty_officer_a"]).get(f"{API}/victims?{query('KZ-TA')}")
    assert response.status_code == 403
