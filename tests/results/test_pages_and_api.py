"""The results pages and API: who sees what, the yearly figures from records (organised crime
and livestock thefts from the register's offences), lists, record pages and bounded numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from senim.core.api_auth import issue_token
from senim.core.models import Region
from senim.register.models import Article, Offence
from senim.results import selectors
from senim.results.models import DrugKind, DrugSeizure, LivestockKind, LivestockTheft, RoadAccident
from tests.results.conftest import csv_file

pytestmark = pytest.mark.django_db
ALMATY = dt.timezone(dt.timedelta(hours=5))


def offence(code: str, region: Region, day: dt.date, number: str) -> Offence:
    at = dt.datetime.combine(day, dt.time(12), tzinfo=ALMATY)
    return Offence.objects.create(
        source_system="test", external_id=number, kind="crime",
        article=Article.objects.get(code=code), occurred_at=at, registered_at=at,
        place_type="other", status="registered", region=region,
    )  # fmt: skip


@pytest.fixture
def records(db: Any) -> dict[str, Any]:
    almaty, astana = Region.objects.get(iso="KZ-75"), Region.objects.get(iso="KZ-71")
    heroin = DrugKind.objects.get(code="heroin")
    for i, (region, kg, year) in enumerate(
        [(almaty, "10.5", 2025), (astana, "20", 2025), (almaty, "5", 2024)]
    ):
        DrugSeizure.objects.create(
            source_system="t", external_id=f"D{i}", region=region,
            seized_on=dt.date(year, 5, 1), drug_kind=heroin, weight_kg=Decimal(kg),
        )  # fmt: skip
    for i, (region, deaths, year) in enumerate([(almaty, 9, 2025), (almaty, 10, 2024)]):
        RoadAccident.objects.create(
            source_system="t", external_id=f"R{i}", region=region,
            occurred_on=dt.date(year, 6, 1), deaths=deaths,
        )  # fmt: skip
    offence("UK-262", almaty, dt.date(2025, 3, 1), "OC-1")
    offence("UK-264", astana, dt.date(2025, 3, 1), "OC-2")
    offence("UK-188", almaty, dt.date(2025, 3, 1), "T-1")
    theft = offence("UK-188", almaty, dt.date(2025, 4, 1), "T-2")
    LivestockTheft.objects.create(
        offence=theft, livestock_kind=LivestockKind.objects.get(code="horses"), heads=4
    )
    return {"almaty": almaty, "astana": astana}


def test_the_figures_come_from_records_and_the_register(users, records) -> None:
    national = selectors.figures_by_code(user=users["national"], year=2025)
    assert national["drugs_t"].value == Decimal("0.031")
    assert national["drugs_t"].previous == Decimal("0.005")
    assert (national["oc_cases"].value, national["oc_transnational"].value) == (2, 1)
    assert (national["livestock_thefts"].value, national["livestock_heads"].value) == (1, 4)
    assert national["road_deaths"].change_pct == Decimal("-10.0")
    almaty = selectors.figures_by_code(user=users["almaty"], year=2025)
    assert almaty["drugs_t"].value == Decimal("0.011")  # 10.5 kg, rounded to the kilogram
    assert almaty["oc_cases"].value == 1


def test_the_summary_page_is_scoped_and_refused_to_other_roles(users, records, client_for) -> None:
    url = reverse("results-summary")
    page = client_for(users["national"]).get(url, {"year": 2025})
    assert page.status_code == 200
    assert b'id="by-region"' in page.content and b'data-change="-10.0"' in page.content
    regional = client_for(users["almaty"]).get(url, {"year": 2025})
    rows = [r.region.iso for r in regional.context["rows"]]
    assert rows == ["KZ-75"]
    assert client_for(users["commander"]).get(url).status_code == 200
    assert client_for(users["inspector_free"]).get(url).status_code == 403
    other = client_for(users["almaty"]).get(url, {"region": "KZ-71"})
    assert other.status_code == 403
    for bad in ("1999", "2101", "abc", "99999999999999999999"):
        assert client_for(users["national"]).get(url, {"year": bad}).status_code == 422


def test_lists_search_paginate_and_open_a_record_in_scope(users, records, client_for) -> None:
    url = reverse("results-list", args=["drug_seizures"])
    page = client_for(users["national"]).get(url, {"q": "D1"})
    assert [r.external_id for r in page.context["page"]] == ["D1"]
    regional = client_for(users["almaty"]).get(url)
    assert {r.external_id for r in regional.context["page"]} == {"D0", "D2"}
    astana_one = DrugSeizure.objects.get(external_id="D1")
    record_url = reverse("results-record", args=["drug_seizures", astana_one.pk])
    assert client_for(users["national"]).get(record_url).status_code == 200
    assert client_for(users["almaty"]).get(record_url).status_code == 404
    livestock = client_for(users["almaty"]).get(reverse("results-list", args=["livestock_thefts"]))
    assert b"T-2" in livestock.content
    assert (
        client_for(users["national"]).get(reverse("results-list", args=["nope"])).status_code == 404
    )
    many = client_for(users["national"]).get(url, {"page": "999"})
    assert many.status_code == 200  # past the end: the last page


def test_the_api_answers_within_bounds_and_422_outside(users, records, client) -> None:
    token = issue_token(users["national"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    summary = client.get("/api/results/summary", {"year": 2025}, **auth)
    assert summary.status_code == 200
    figures = {f["code"]: f for f in summary.json()["figures"]}
    assert figures["oc_cases"]["value"] == 2 and figures["road_deaths"]["change_pct"] == -10.0
    listed = client.get("/api/results/drug_seizures", {"year": 2025, "limit": 1}, **auth).json()
    assert listed["count"] == 2 and listed["pages"] == 2 and len(listed["items"]) == 1
    for params in (
        {"year": 1999},
        {"year": 2101},
        {"page": 0},
        {"page": 10_001},
        {"limit": 0},
        {"limit": 501},
        {"year": "abc"},
        {"page": 3, "year": 2025},
        {"region": "KZ-XX"},
    ):
        response = client.get("/api/results/drug_seizures", params, **auth)
        assert response.status_code == 422, params
        assert response.json()["errors"][0]["field"], params
    assert client.get("/api/results/summary", {"year": 10**30}, **auth).status_code == 422
    assert client.get("/api/results/unknown_kind", **auth).status_code == 422


def test_the_api_refuses_unauthorised_reads_and_writes(users, records, client) -> None:
    assert client.get("/api/results/summary").status_code == 401
    monitor = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(users['inspector_free'])}"}
    assert client.get("/api/results/summary", **monitor).status_code == 403
    commander = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(users['commander'])}"}
    data = "source_number,seized_on,region,drug_kind,weight_kg\nX,2025-01-01,KZ-75,heroin,-3\n"
    denied = client.post(
        "/api/results/drug_seizures/load",
        {"file": csv_file(data), "source_system": "x"},
        **commander,
    )
    assert denied.status_code == 403
    national = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(users['national'])}"}
    refused = client.post(
        "/api/results/drug_seizures/load",
        {"file": csv_file(data), "source_system": "x"},
        **national,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "weight_kg", "message": "The weight must be greater than zero.", "row": 2}
    ]
    assert not DrugSeizure.objects.filter(external_id="X").exists()


def test_a_livestock_annex_needs_a_theft_in_the_register(users, records) -> None:
    from senim.results.errors import FileRejected
    from senim.results.services import results_load

    header = "offence_system,offence_number,livestock_kind,heads\n"
    with pytest.raises(FileRejected) as excinfo:
        results_load(
            user=users["national"], kind="livestock_thefts", filename="l.csv", source_system="x",
            handle=csv_file(header + "test,OC-1,cattle,3\ntest,NOPE,cattle,3\ntest,T-1,yaks,3\n"),
        )  # fmt: skip
    assert [(e.row, e.field) for e in excinfo.value.errors] == [
        (2, "offence_number"),
        (3, "offence_number"),
        (4, "livestock_kind"),
    ]
    result = results_load(
        user=users["national"], kind="livestock_thefts", filename="l.csv", source_system="x",
        handle=csv_file(header + "test,T-1,cattle,3\n"),
    )  # fmt: skip
    assert result.created == 1
    assert (
        selectors.figures_by_code(user=users["national"], year=2025)["livestock_heads"].value == 7
    )
