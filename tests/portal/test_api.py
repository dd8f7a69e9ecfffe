"""The open-data API answers anyone, serves exactly the built files, and says what is wrong with a
bad request: 404 for what does not exist, 422 for what is malformed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from senim.portal import open_data
from tests.portal.conftest import World

pytestmark = pytest.mark.django_db


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_nothing_published_yet_is_a_404_that_says_so(db: Any) -> None:
    client = Client()
    for url in ("/api/open/kpis/2025", "/api/open/regions/KZ-75/kpis", "/api/open/datasets",
                "/api/open/datasets/offences/KZ-75/2025"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {
            "errors": [{"field": "", "message": "The open data has not been published yet."}]
        }
    assert len(client.get("/api/open/regions").json()) == 20  # reference data, always there


def test_anyone_reads_regions_kpis_and_the_catalogue(portal_world: World, open_dir: Path) -> None:
    open_data.build()
    client = Client()  # no session, no token
    region = client.get("/api/open/regions/KZ-75").json()
    assert region["name"]["ru"] == "Алматы" and len(region["districts"]) == 8
    assert region["districts"][1]["report_url"] == "/open/reports/KZ-75-ALMALY/"
    kpis = client.get("/api/open/regions/KZ-75/kpis").json()
    stored = json.loads((open_dir / "kpis.json").read_text())["regions"]["KZ-75"]
    assert kpis["years"] == stored and kpis["synthetic"] is False
    assert [n["key"] for n in kpis["methodology"]] == [
        "crime", "solved", "response_102", "complaints", "trust", "npm"
    ]  # fmt: skip
    year = client.get("/api/open/kpis/2025").json()
    assert (
        year["regions"]["KZ-10"]["crime"] is None and year["regions"]["KZ"]["crime"]["count"] == 20
    )
    catalogue = client.get("/api/open/datasets?region=KZ-75&dataset=offences").json()
    assert [(d["region"], d["year"]) for d in catalogue["datasets"]] == [
        ("KZ-75", 2024),
        ("KZ-75", 2025),
    ]
    assert catalogue["licence"] == "CC-BY-4.0" and catalogue["columns"][0]["name"] == "month"
    urls = catalogue["datasets"][1]["urls"]
    assert urls["csv"] == "/api/open/datasets/offences/KZ-75/2025?format=csv"
    for fmt, suffix, kind in (("csv", "csv", "text/csv"), ("geojson", "geojson", "application/geo+json"),
                              ("json", "meta.json", "application/json")):  # fmt: skip
        response = client.get(urls[fmt])
        assert response.status_code == 200 and response["Content-Type"].startswith(kind)
        assert _body(response) == (open_dir / f"offences-KZ-75-2025.{suffix}").read_bytes()


@pytest.mark.parametrize(
    ("url", "status", "field", "message"),
    [
        ("/api/open/regions/KZ-99", 404, "region", "There is no region with the code KZ-99."),
        ("/api/open/regions/KZ-99/kpis", 404, "region", "There is no region with the code KZ-99."),
        ("/api/open/kpis/20x5", 422, "year", "Input should be a valid integer"),
        ("/api/open/kpis/1999", 404, "year", "There are no published KPIs for the year 1999."),
        ("/api/open/datasets?region=KZ-99", 404, "region", "There is no region with the code KZ-99."),
        ("/api/open/datasets?year=last", 422, "year", "Input should be a valid integer"),
        ("/api/open/datasets?dataset=people", 422, "dataset", "Input should be 'offences' or 'appeals'"),
        ("/api/open/datasets/offences/KZ-75/2025?format=xlsx", 422, "format", "'csv', 'geojson' or 'json'"),
        ("/api/open/datasets/victims/KZ-75/2025", 422, "dataset", "'offences' or 'appeals'"),
        ("/api/open/datasets/offences/KZ-75/20-25", 422, "year", "valid integer"),
        ("/api/open/datasets/offences/KZ-99/2025", 404, "region", "no region with the code KZ-99"),
        ("/api/open/datasets/offences/KZ-10/2025", 404, "year", "There is no offences dataset of KZ-10 for 2025."),
    ],
)  # fmt: skip
def test_bad_requests_get_a_specific_error(
    portal_world: World, url: str, status: int, field: str, message: str
) -> None:
    open_data.build()
    response = Client().get(url)
    assert response.status_code == status, response.content
    [error] = response.json()["errors"]
    assert error["field"] == field and message in error["message"]


def test_the_open_api_is_documented_and_public_while_the_rest_needs_auth(db: Any) -> None:
    from senim.core.models import User

    reader = Client()  # the reference itself is for signed-in users (docs/api.md)
    reader.force_login(User.objects.create_user("reader", role="national_analyst"))
    schema = reader.get("/api/openapi.json").json()
    open_paths = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/open/")}
    assert set(open_paths) == {
        "/api/open/regions", "/api/open/regions/{iso}", "/api/open/regions/{iso}/kpis",
        "/api/open/kpis/{year}", "/api/open/datasets",
        "/api/open/datasets/{dataset}/{region}/{year}",
    }  # fmt: skip
    assert all("security" not in op for ops in open_paths.values() for op in ops.values())
    assert Client().get("/api/register/offences").status_code == 401
    assert "YearKpis" in schema["components"]["schemas"]
