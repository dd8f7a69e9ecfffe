"""A control character (a NUL among them) anywhere in an API request's JSON body or query is
refused with 422 naming the field, before any endpoint runs, on SQLite and PostgreSQL alike;
line ends and tabs pass, and nothing is stored."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from senim.core.middleware import control_characters
from senim.safeguards.models import Complaint
from tests.ops.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_path_of_the_first_bad_string_is_named() -> None:
    assert control_characters({"a": [{"b": "ok"}, {"c": "x\x00y"}]}) == ("a", "1", "c")
    assert control_characters({"text": "line one\r\nline two\tend"}) is None
    assert control_characters({"k\x07": 1}) == ()
    assert control_characters(["\x9b"]) == ("0",)


@pytest.mark.parametrize("bad", ["\x00", "\x1b[31m", "\x7f", "\x85"])
def test_a_control_character_in_a_json_body_is_refused_by_field(bad: str) -> None:
    client = Client()
    client.force_login(make_user("admin1", "administrator", is_superuser=True))
    body = {"channel": "letter", "stage": "pre_trial", "summary": f"beaten{bad}in the cell"}
    response = client.post(
        "/api/safeguards/complaints", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json() == {
        "errors": [{"field": "summary", "message": "contains a control character"}]
    }
    assert not Complaint.objects.exists()


def test_a_control_character_in_the_query_is_refused() -> None:
    client = Client()
    client.force_login(make_user("analyst1", "national_analyst"))
    response = client.get("/api/register/appeals", {"category": "noise\x00"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "category"
    assert client.get("/api/register/appeals", {"category": "noise"}).status_code == 200
