"""The NPM API records a visit in one call, answers bad input with field-level JSON errors, and
serves the matrix computed from the records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from senim.core.models import User
from senim.oversight.models import Visit
from tests.oversight.conftest import World

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _payload(world: World, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "group": world.group_a.pk,
        "institution": world.ivs_a.pk,
        "visited_on": (TODAY - dt.timedelta(days=2)).isoformat(),
        "team": [world.member_a.pk],
        "interviews_private": 3,
        "checklist": [{"item": "living_space", "value": "2.2"}, {"item": "cameras", "value": "0"}],
        "findings": [{"text": "Overcrowded cell", "item": "living_space"}],
        "recommendations": [
            {
                "text": "Move two people",
                "due_on": (TODAY + dt.timedelta(days=30)).isoformat(),
                "finding": 0,
            }
        ],
    }
    return body | changes


def test_a_visit_is_recorded_in_one_call_and_counted_in_the_matrix(
    world: World, token_client: Callable[[User], Client]
) -> None:
    api = token_client(world.monitor_a)
    response = api.post("/api/oversight/visits", _payload(world), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert {a["item"]: a["result"] for a in body["checklist"]} == {
        "living_space": "violation",
        "cameras": "compliant",
    }
    assert body["recommendations"][0]["agency"] == "mia_police"
    matrix = api.get(f"/api/oversight/matrix?year={TODAY.year}").json()
    assert [r["region"] for r in matrix["rows"]] == ["KZ-TA"]
    assert matrix["rows"][0]["cells"]["mia_police"] == {"sent": 1, "implemented": 0}
    rec = body["recommendations"][0]["id"]
    done = api.post(
        f"/api/oversight/recommendations/{rec}/status",
        {"status": "implemented"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "implemented"
    assert api.get(f"/api/oversight/matrix?year={TODAY.year}").json()["total"] == {
        "sent": 1,
        "implemented": 1,
    }


@pytest.mark.parametrize(
    ("changes", "field", "status"),
    [
        ({"visited_on": "yesterday"}, "visited_on", 422),
        ({"team": []}, "team", 422),
        ({"interviews_private": -2}, "interviews_private", 422),
        ({"checklist": [{"item": "sauna"}]}, "checklist.0.item", 422),
        (
            {"checklist": [{"item": "living_space", "result": "compliant", "value": "1.9"}]},
            "checklist.living_space",
            422,
        ),
        (
            {"recommendations": [{"text": "x", "due_on": "2000-01-01"}]},
            "recommendations.0.due_on",
            422,
        ),
        ({"institution": 999999}, "institution", 422),
    ],
)
def test_bad_input_gets_field_level_errors_and_stores_nothing(
    world: World,
    token_client: Callable[[User], Client],
    changes: dict[str, object],
    field: str,
    status: int,
) -> None:
    response = token_client(world.monitor_a).post(
        "/api/oversight/visits", _payload(world, **changes), content_type="application/json"
    )
    assert response.status_code == status
    fields = [e["field"] for e in response.json()["errors"]]
    assert field in fields, fields
    assert not Visit.objects.exists()


def test_another_groups_member_is_refused_with_403(
    world: World, token_client: Callable[[User], Client]
) -> None:
    response = token_client(world.monitor_b).post(
        "/api/oversight/visits", _payload(world), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "group"


def test_the_obstruction_letter_comes_as_a_pdf(
    world: World, token_client: Callable[[User], Client]
) -> None:
    api = token_client(world.monitor_a)
    visit = api.post(
        "/api/oversight/visits", _payload(world), content_type="application/json"
    ).json()
    when = timezone.localtime().replace(microsecond=0).isoformat()
    made = api.post(f"/api/oversight/visits/{visit['id']}/obstructions",
                    {"occurred_at": when, "kind": "denied_documents", "official": "deputy head", "description": "No register shown"},
                    content_type="application/json")  # fmt: skip
    assert made.status_code == 201, made.content
    pdf = api.get(f"/api/oversight/obstructions/{made.json()['id']}/pdf?lang=ru")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert (
        api.get(f"/api/oversight/obstructions/{made.json()['id']}/pdf?lang=de").status_code == 422
    )
