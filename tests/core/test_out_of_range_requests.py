"""Out-of-range numbers in a request get a clear 422 (or 404 for an id nothing has), never a 500:
years far outside the data, negative limits, offsets and ids past 64 bits (issue 16's list)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.ops.conftest import make_user

pytestmark = pytest.mark.django_db
BIG = "123456789012345678901234567"

UNPROCESSABLE = [
    "/api/safeguards/complaints/per-convicts?year=0",
    "/api/safeguards/terminals/failures?year=0",
    "/api/safeguards/custody?limit=-5",
    "/api/oversight/visits?year=223597102",
    f"/api/oversight/visits?group={BIG}",
    "/api/oversight/institutions?offset=10000000000000000001",
    "/api/trust/media?offset=8.4e31",
    "/api/trust/media?offset=99999999999",
    "/api/register/appeals?offset=9223372036854775808",
]
NOT_FOUND = [
    f"/api/oversight/visits/{BIG}",
    f"/api/oversight/recommendations/{BIG}/escalate",
    f"/api/register/appeals/{BIG}",
    f"/register/appeals/{BIG}/",
    f"/ops/calls/{BIG}/",
    f"/prevention/register/{BIG}/",
    f"/prevention/problems/{BIG}/",
    f"/prevention/dv/{BIG}/",
    f"/prevention/commissions/{BIG}/",
    f"/prevention/meetings/{BIG}/",
    f"/prevention/places/{BIG}/",
    f"/prevention/juveniles/{BIG}/",
]


@pytest.fixture
def admin(db: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(make_user("admin", "administrator"))
    return client


@pytest.mark.parametrize("url", UNPROCESSABLE)
def test_an_out_of_range_parameter_is_a_422_naming_it(admin: Client, url: str) -> None:
    response = admin.get(url)
    assert response.status_code == 422, response.content[:300]
    field = url.split("?")[1].split("=")[0]
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("url", NOT_FOUND)
def test_an_id_past_64_bits_is_simply_not_found(admin: Client, url: str) -> None:
    assert admin.get(url).status_code == 404
