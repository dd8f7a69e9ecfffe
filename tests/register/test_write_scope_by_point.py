"""A scoped writer is judged by the record's coordinates as well as its codes (issue 16 item 6):
a point in another region or district is refused with 403 on the coordinates even when the
stated codes are the writer's own, and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from senim.core.models import District, Region
from senim.register.models import Appeal
from tests.ops.conftest import make_user

pytestmark = pytest.mark.django_db
ASTANA = (51.128, 71.430)  # inside KZ-71, far from Almaty


def _body(district: District, lat: float, lon: float) -> dict[str, Any]:
    return {
        "source_system": "102",
        "external_id": f"P-{lat}-{lon}",
        "channel": "call_102",
        "category": "noise",
        "status": "received",
        "received_at": "2025-03-01T23:05:00+05:00",
        "district": district.code,
        "lat": lat,
        "lon": lon,
    }


@pytest.fixture
def almaty() -> tuple[District, District]:
    region = Region.objects.get(iso="KZ-75")
    d1, d2 = list(District.objects.filter(region=region).order_by("code")[:2])
    return d1, d2


def _client(**scope: Any) -> Client:
    client = Client()
    client.force_login(make_user("writer", "duty_officer", **scope))
    return client


def test_a_point_in_another_region_is_refused_even_under_ones_own_codes(
    almaty: tuple[District, District],
) -> None:
    d1, _ = almaty
    client = _client(region=d1.region)
    inside = client.post(
        "/api/register/appeals", _body(d1, d1.lat, d1.lon), content_type="application/json"
    )
    assert inside.status_code == 201, inside.content
    outside = client.post(
        "/api/register/appeals", _body(d1, *ASTANA), content_type="application/json"
    )
    # The row rules see first that the point is not in the region its codes give (422); either
    # way the write is refused on the point and nothing is stored.
    assert outside.status_code in (403, 422), outside.content
    error = outside.json()["errors"][0]
    assert error["field"] == "lat"
    assert Appeal.objects.count() == 1


def test_a_district_writer_is_refused_a_point_in_the_next_district(
    almaty: tuple[District, District],
) -> None:
    d1, d2 = almaty
    client = _client(region=d1.region, district=d1)
    response = client.post(
        "/api/register/appeals", _body(d1, d2.lat, d2.lon), content_type="application/json"
    )
    assert response.status_code == 403, response.content
    assert response.json()["errors"][0]["field"] == "lat"
    assert not Appeal.objects.exists()


def test_a_national_writer_is_not_limited_by_the_point(almaty: tuple[District, District]) -> None:
    d1, _ = almaty
    client = Client()
    client.force_login(make_user("root", "administrator"))
    response = client.post(
        "/api/register/appeals", _body(d1, d1.lat, d1.lon), content_type="application/json"
    )
    assert response.status_code == 201, response.content
