"""The operational centres' API: intake with its status codes, the queue, a call's steps."""

from __future__ import annotations

from typing import Any

from django.test import Client

from senim.core.api_auth import issue_token
from senim.register.models import Appeal
from tests.ops.conftest import World, make_unit


def _client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")


def _call(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "source_system": "102",
        "external_id": "C-1",
        "channel": "call_102",
        "category": "crime_report",
        "lat": world.d1.lat,
        "lon": world.d1.lon,
    } | extra


def test_one_call_is_201_then_200_then_409_and_errors_name_the_field(world: World) -> None:
    api = _client(world.centre)
    created = api.post("/api/ops/calls", _call(world), content_type="application/json")
    assert created.status_code == 201 and created.json()["id"]
    assert (
        api.post("/api/ops/calls", _call(world), content_type="application/json").status_code == 200
    )
    conflict = api.post(
        "/api/ops/calls", _call(world, category="noise"), content_type="application/json"
    )
    assert conflict.status_code == 409 and conflict.json()["errors"][0]["field"] == "external_id"
    bad = api.post(
        "/api/ops/calls",
        _call(world, external_id="C-2", lat=10.0, lon=10.0),
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "lat"
    unknown = api.post(
        "/api/ops/calls",
        _call(world, external_id="C-3", colour="red"),
        content_type="application/json",
    )
    assert unknown.status_code == 422
    assert Appeal.objects.count() == 1


def test_a_batch_answers_each_call_and_roles_without_intake_are_refused(world: World) -> None:
    api = _client(world.centre)
    batch = [_call(world, external_id=f"B-{i}") for i in range(3)] + [
        _call(world, external_id="B-9", channel="fax")
    ]
    answer = api.post(
        "/api/ops/calls/batch", {"calls": batch}, content_type="application/json"
    ).json()
    assert (answer["created"], answer["refused"]) == (3, 1)
    assert [r["status"] for r in answer["results"]] == [201, 201, 201, 422]
    too_many = api.post(
        "/api/ops/calls/batch", {"calls": [_call(world)] * 501}, content_type="application/json"
    )
    assert too_many.status_code == 422
    analyst = _client(world.analyst)
    assert (
        analyst.post(
            "/api/ops/calls", _call(world, external_id="Z"), content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        Client().post("/api/ops/calls", _call(world), content_type="application/json").status_code
        == 401
    )
    outside = _client(world.duty).post(
        "/api/ops/calls",
        _call(world, external_id="Y", lat=world.d2.lat, lon=world.d2.lon),
        content_type="application/json",
    )
    assert outside.status_code == 403


def test_the_queue_and_the_steps_of_a_call(world: World) -> None:
    unit = make_unit(world.d1, "A-01")
    api = _client(world.duty)
    call_id = api.post("/api/ops/calls", _call(world), content_type="application/json").json()["id"]
    queue = api.get("/api/ops/queue").json()
    assert queue["level"] == "district" and [r["id"] for r in queue["rows"]] == [call_id]
    assert api.get("/api/ops/queue", {"colour": "red"}).status_code == 422
    assert api.get("/api/ops/queue", {"district": world.d2.code}).status_code == 403

    def step(**body: Any) -> Any:
        return api.post(f"/api/ops/calls/{call_id}/steps", body, content_type="application/json")

    assert step(action="grade", grade="super").status_code == 422
    assert step(action="dispatch", unit=unit.pk).status_code == 422  # not graded yet
    assert step(action="grade", grade="emergency").json()["status"] == "graded"
    assert step(action="dispatch", unit=unit.pk).json()["unit"] == "A-01"
    assert step(action="on_scene").json()["status"] == "on_scene"
    assert step(action="close", outcome="no_offence").json() == {
        "id": call_id,
        "status": "closed",
        "grade": "emergency",
        "due_at": step(action="note", text="done").json()["due_at"],
        "unit": None,
    }
    assert step(action="fly").status_code == 422
    assert (
        _client(world.duty2)
        .post(
            f"/api/ops/calls/{call_id}/steps",
            {"action": "note", "text": "x"},
            content_type="application/json",
        )
        .status_code
        == 404
    )
