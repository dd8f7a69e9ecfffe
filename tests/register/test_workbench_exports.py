"""Downloads of a list: exactly the filtered rows, labels not codes, no person-level data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from senim.core.models import Person, User
from senim.register import selectors
from senim.register.models import OffenceParty
from tests.register.conftest import WHEN, Territory

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content).decode("utf-8")
    assert data.startswith("\ufeff")  # spreadsheets read the Cyrillic right
    return list(csv.reader(io.StringIO(data[1:])))


def xlsx_rows(response: Any) -> list[list[Any]]:
    assert response.status_code == 200, response.content
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def appeals(territory: Territory, make_appeal: Callable[..., Any]) -> list[Any]:
    made = [
        make_appeal(received_at=WHEN + dt.timedelta(minutes=i), channel="telegram")
        for i in range(5)
    ]
    made.append(make_appeal(channel="walk_in", sector=territory.sector_a))
    return made


def test_the_csv_holds_exactly_the_filtered_list_with_labels(
    users: dict[str, User], appeals: list[Any], session_client: ClientFor
) -> None:
    client = session_client(users["administrator"])
    rows = csv_rows(client.get("/register/appeals/", {"channel": "telegram", "format": "csv"}))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Source system", "Source number", "Received", "Region"]
    telegram = [a for a in appeals if a.channel == "telegram"]
    assert [r[1] for r in body] == [a.external_id for a in reversed(telegram)]  # newest first
    first = dict(zip(header, body[-1], strict=True))
    assert first["Received"] == "2025-03-02 09:00"  # Almaty time
    assert first["Channel"] == "Telegram" and first["Category"] == "public order"
    assert first["Status"] == "received" and first["District"] == "KZ-TA-D1"
    everything = "\n".join(",".join(r) for r in rows)
    assert "public_order" not in everything and "call_102" not in everything


def test_the_xlsx_holds_the_same_rows(
    users: dict[str, User], appeals: list[Any], session_client: ClientFor
) -> None:
    client = session_client(users["administrator"])
    params = {"sector": "KZ-TA-D1-S1"}
    rows = xlsx_rows(client.get("/register/appeals/", params | {"format": "xlsx"}))
    as_csv = csv_rows(client.get("/register/appeals/", params | {"format": "csv"}))
    assert len(rows) == len(as_csv) == 2
    assert rows[0] == as_csv[0]
    assert rows[1][:2] == as_csv[1][:2] == ["test", appeals[-1].external_id]
    assert rows[1][2] == dt.datetime(2025, 3, 2, 9, 0)  # a local time the spreadsheet can sort
    assert "walk-in" in rows[1]


def test_offence_exports_carry_no_parties(
    territory: Territory,
    users: dict[str, User],
    make_offence: Callable[..., Any],
    session_client: ClientFor,
) -> None:
    offence = make_offence(place_type="residence")
    person = Person.objects.create(iin_hash="a" * 64, sex="F")
    OffenceParty.objects.create(offence=offence, person=person, role="victim")
    client = session_client(users["duty_officer_a"])
    rows = csv_rows(client.get("/register/offences/", {"format": "csv"}))
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Article"] == "UK-T1" and record["Kind"] == "crime"
    assert record["Place type"] == "residence" and record["Status"] == "registered"
    flat = str(rows) + str(xlsx_rows(client.get("/register/offences/", {"format": "xlsx"})))
    assert f"P-{person.pk:08d}" not in flat and "victim" not in flat.lower()


def test_an_export_over_the_cap_is_refused_with_a_message(
    users: dict[str, User],
    appeals: list[Any],
    session_client: ClientFor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(selectors, "EXPORT_CAP", 3)
    client = session_client(users["administrator"])
    response = client.get("/register/appeals/", {"format": "csv"})
    assert response.status_code == 400
    assert "more than 3 rows; narrow the filters" in response.content.decode()
    assert csv_rows(client.get("/register/appeals/", {"format": "csv", "channel": "walk_in"}))
