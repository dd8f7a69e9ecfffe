"""Loading results from files: the analyst's form, the API and the command share one service.
Bad rows name their row and column and nothing of the file is stored; loads are idempotent."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from senim.results.errors import FileRejected, Forbidden
from senim.results.models import BlockedCalls, DrugSeizure
from senim.results.services import results_load
from tests.results.conftest import csv_file

pytestmark = pytest.mark.django_db
DRUGS = "source_number,seized_on,region,drug_kind,weight_kg\n"


def load(user: Any, kind: str, text: str, name: str = "rows.csv") -> Any:
    return results_load(
        user=user, kind=kind, handle=csv_file(text, name), filename=name, source_system="dn"
    )


def errors_of(excinfo: pytest.ExceptionInfo[FileRejected]) -> list[tuple[int, str]]:
    return [(e.row, e.field) for e in excinfo.value.errors]


def test_a_file_of_seizures_loads_and_loading_it_again_changes_nothing(users) -> None:
    text = DRUGS + "D-1,2025-03-01,KZ-75,heroin,1.250\nD-2,2025-03-02,KZ-71,marijuana,12,5\n"
    first = load(users["national"], "drug_seizures", text.replace("12,5", '"12,5"'))
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert DrugSeizure.objects.get(external_id="D-2").weight_kg == Decimal("12.500")
    again = load(users["national"], "drug_seizures", text.replace("12,5", '"12,5"'))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    corrected = load(
        users["national"], "drug_seizures", DRUGS + "D-1,2025-03-01,KZ-75,heroin,1.3\n"
    )
    assert (corrected.created, corrected.updated) == (0, 1)
    assert DrugSeizure.objects.count() == 2


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("D-1,2025-03-01,KZ-75,heroin,-2", "weight_kg"),
        ("D-1,2025-03-01,KZ-75,heroin,0", "weight_kg"),
        ("D-1,2025-03-01,KZ-75,heroin,abc", "weight_kg"),
        ("D-1,2025-03-01,KZ-75,heroin,1.0001", "weight_kg"),
        ("D-1,2025-03-01,KZ-75,spice-x,2", "drug_kind"),
        ("D-1,01.03.2025,KZ-75,heroin,2", "seized_on"),
        ("D-1,2025-03-01,KZ-99,heroin,2", "region"),
        (",2025-03-01,KZ-75,heroin,2", "source_number"),
    ],
)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_stored(users, row, field) -> None:
    good = "D-0,2025-03-01,KZ-75,heroin,2\n"
    with pytest.raises(FileRejected) as excinfo:
        load(users["national"], "drug_seizures", DRUGS + good + row + "\n")
    assert errors_of(excinfo) == [(3, field)]
    assert not DrugSeizure.objects.exists()


def test_the_same_source_number_twice_in_a_file_is_refused(users) -> None:
    text = DRUGS + "D-1,2025-03-01,KZ-75,heroin,1\nD-1,2025-03-02,KZ-75,heroin,2\n"
    with pytest.raises(FileRejected) as excinfo:
        load(users["national"], "drug_seizures", text)
    assert errors_of(excinfo) == [(3, "source_number")]
    assert "row 2" in excinfo.value.errors[0].message


@pytest.mark.parametrize(
    ("data", "name", "field"),
    [
        (b"\x00\x01not a workbook", "rows.xlsx", "file"),
        (b"PK\x03\x04broken", "rows.xlsx", "file"),
        (b"source_number,seized_on\nD-1,2025-01-01\n", "rows.csv", "region"),
        (
            DRUGS.replace("weight_kg", "weight_kg,colour").encode()
            + b"D,2025-01-01,KZ-75,heroin,1,red\n",
            "rows.csv",
            "colour",
        ),
        (b"\xff\xfe\x00bad", "rows.csv", "file"),
        (DRUGS.encode(), "rows.csv", ""),
        (b"<rss></rss>", "feed.xml", "file"),
    ],
)
def test_a_malformed_file_is_refused_as_a_whole(users, data, name, field) -> None:
    handle = io.BytesIO(data)
    with pytest.raises(FileRejected) as excinfo:
        results_load(
            user=users["national"], kind="drug_seizures", handle=handle, filename=name,
            source_system="dn",
        )  # fmt: skip
    assert field in [e.field for e in excinfo.value.errors]
    assert not DrugSeizure.objects.exists()


def test_an_xlsx_workbook_loads_like_a_csv(users) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["source_number", "operator", "period", "calls"])
    sheet.append(["K-2025-01", "kcell", "2025-01", 1_234_567])
    sheet.append(["K-2025-02", "kcell", "2025-02", 2_000_000])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    result = results_load(
        user=users["national"], kind="blocked_calls", handle=data, filename="kcell.xlsx",
        source_system="kcell",
    )  # fmt: skip
    assert result.created == 2
    assert sum(BlockedCalls.objects.values_list("calls", flat=True)) == 3_234_567


def test_an_operators_month_is_counted_once(users) -> None:
    header = "source_number,operator,period,calls\n"
    load(users["national"], "blocked_calls", header + "K-1,kcell,2025-01,10\n")
    with pytest.raises(FileRejected) as excinfo:
        load(users["national"], "blocked_calls", header + "K-9,kcell,2025-01,10\n")
    assert errors_of(excinfo) == [(2, "period")]


def test_scope_limits_what_a_regional_analyst_loads(users) -> None:
    with pytest.raises(FileRejected) as excinfo:
        load(users["almaty"], "drug_seizures", DRUGS + "D-1,2025-03-01,KZ-71,heroin,1\n")
    assert errors_of(excinfo) == [(2, "region")]
    with pytest.raises(Forbidden):
        load(
            users["almaty"],
            "blocked_calls",
            "source_number,operator,period,calls\nK,kcell,2025-01,1\n",
        )
    with pytest.raises(Forbidden):
        load(users["commander"], "drug_seizures", DRUGS + "D-1,2025-03-01,KZ-75,heroin,1\n")
    assert (
        load(users["almaty"], "drug_seizures", DRUGS + "D-1,2025-03-01,KZ-75,heroin,1\n").created
        == 1
    )


def test_the_upload_form_shows_each_rows_error_and_refuses_other_roles(users, client_for) -> None:
    url = reverse("results-load")
    post = {"kind": "drug_seizures", "source_system": "dn"}
    bad = csv_file(DRUGS + "D-1,2025-03-01,KZ-75,heroin,-1\n")
    response = client_for(users["national"]).post(url, post | {"file": bad})
    assert response.status_code == 422
    assert b'id="file-errors"' in response.content and b"weight_kg" in response.content
    assert not DrugSeizure.objects.exists()
    good = csv_file(DRUGS + "D-1,2025-03-01,KZ-75,heroin,1\n")
    response = client_for(users["national"]).post(url, post | {"file": good})
    assert response.status_code == 200 and b"load-message" in response.content
    denied = client_for(users["commander"]).post(url, post | {"file": csv_file(DRUGS)})
    assert denied.status_code == 403
    assert client_for(users["inspector_free"]).get(url).status_code == 403


def test_the_command_loads_a_file_and_refuses_a_bad_one(tmp_path, db) -> None:
    good = tmp_path / "labs.csv"
    good.write_text("source_number,dismantled_on,region,synthetic\nL-1,2025-02-01,KZ-75,1\n")
    out = io.StringIO()
    call_command("load_results", "drug_labs", str(good), "--source", "dn", stdout=out)
    assert "1 new" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("source_number,dismantled_on,region,synthetic\nL-2,2025-02-01,KZ-75,maybe\n")
    with pytest.raises(CommandError):
        call_command("load_results", "drug_labs", str(bad), "--source", "dn", stderr=io.StringIO())


def test_the_record_form_takes_one_record_with_the_files_checks(users, client_for) -> None:
    url = reverse("results-list", args=["drug_seizures"])
    form = {
        "source_system": "dn",
        "source_number": "F-1",
        "seized_on": "2025-04-01",
        "region": "KZ-75",
        "drug_kind": "heroin",
        "weight_kg": "-0.5",
    }
    analyst = client_for(users["almaty"])
    refused = analyst.post(url, form)
    assert refused.status_code == 422
    assert refused.context["error"].field == "weight_kg"
    assert b"The weight must be greater than zero." in refused.content
    assert not DrugSeizure.objects.exists()
    unknown = analyst.post(url, form | {"weight_kg": "1", "drug_kind": "spice"})
    assert unknown.status_code == 422 and unknown.context["error"].field == "drug_kind"
    elsewhere = analyst.post(url, form | {"weight_kg": "1", "region": "KZ-71"})
    assert elsewhere.status_code == 422 and elsewhere.context["error"].field == "region"
    saved = analyst.post(url, form | {"weight_kg": "0.75"})
    assert saved.status_code == 200 and b"Saved." in saved.content
    assert DrugSeizure.objects.get(external_id="F-1").weight_kg == Decimal("0.750")
    again = analyst.post(url, form | {"weight_kg": "0.75"})
    assert b"Already recorded as is." in again.content
    assert client_for(users["commander"]).post(url, form).status_code == 403
    assert DrugSeizure.objects.count() == 1
