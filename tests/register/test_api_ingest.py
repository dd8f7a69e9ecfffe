"""Uploading a file: good rows load, bad and out-of-scope rows come back with row and reason."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from openpyxl import Workbook

from senim.core.models import AuditEntry, User
from senim.register.models import Appeal, Offence
from tests.register.conftest import Territory

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]
HEADER = [
    "source_system",
    "external_id",
    "kind",
    "article",
    "occurred_at",
    "registered_at",
    "place_type",
    "status",
    "region",
    "district",
]


def row(n: int, **overrides: str) -> dict[str, str]:
    return {
        "source_system": "erdr",
        "external_id": f"E-{n}",
        "kind": "crime",
        "article": "UK-T1",
        "occurred_at": "2025-03-01T21:15:00",
        "registered_at": "2025-03-02T09:00:00",
        "place_type": "street",
        "status": "registered",
        "region": "KZ-TA",
        "district": "",
        **overrides,
    }


def csv_file(rows: list[dict[str, str]], name: str = "offences.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def upload(client: Client, upload_file: Any, kind: str = "offences", **query: str) -> Any:
    params = "&".join(f"{k}={v}" for k, v in {"kind": kind, **query}.items())
    return client.post(f"/api/register/ingest?{params}", {"file": upload_file})


def test_good_rows_load_and_bad_rows_are_reported_by_row_number(
    territory: Territory, users: dict[str, User], token_client: ClientFor
) -> None:
    rows = [
        row(1),
        row(2, article="UK-NOPE"),
        row(3, occurred_at="2999-01-01T00:00:00", registered_at="2999-01-02T00:00:00"),
        row(4, external_id="X" * 65),
        row(5, district="KZ-TA-D2"),
        row(1),  # the same key again in the file
    ]
    response = upload(token_client(users["regional_analyst_a"]), csv_file(rows))
    assert response.status_code == 200, response.content
    summary = response.json()
    assert (summary["read"], summary["loaded"], summary["rejected"]) == (6, 2, 4)
    reasons = {(e["row"], e["field"]): e["reason"] for e in summary["errors"]}
    # The header is row 1, so the n-th data row is row n + 1.
    assert reasons == {
        (3, "article"): "no article 'UK-NOPE' in the reference table",
        (4, "occurred_at"): "is in the future",
        (5, "external_id"): "is longer than 64 characters",
        (7, "external_id"): "repeats row 2",
    }
    assert set(Offence.objects.values_list("external_id", flat=True)) == {"E-1", "E-5"}


def test_rows_outside_the_caller_s_region_are_refused_one_by_one(
    territory: Territory, users: dict[str, User], session_client: ClientFor
) -> None:
    rows = [row(1), row(2, region="KZ-TB"), row(3, region="", district="KZ-TB-D1"), row(4)]
    response = upload(session_client(users["regional_analyst_a"]), csv_file(rows))
    assert response.status_code == 200
    summary = response.json()
    assert (summary["loaded"], summary["rejected"]) == (2, 2)
    assert {(e["row"], e["field"]) for e in summary["errors"]} == {(3, "region"), (4, "region")}
    assert not Offence.objects.filter(region=territory.region_b).exists()


def test_a_row_already_loaded_in_another_region_is_refused_not_reported_as_loaded(
    territory: Territory, users: dict[str, User], session_client: ClientFor
) -> None:
    data = [row(1, region="KZ-TB")]
    assert upload(session_client(users["administrator"]), csv_file(data)).json()["loaded"] == 1
    summary = upload(session_client(users["regional_analyst_a"]), csv_file(data)).json()
    assert (summary["unchanged"], summary["rejected"]) == (0, 1)


def test_json_lines_and_xlsx_files_load_too(
    territory: Territory, users: dict[str, User], session_client: ClientFor
) -> None:
    client = session_client(users["administrator"])
    lines = "\n".join(json.dumps(row(n)) for n in range(1, 4)).encode()
    jsonl = upload(client, SimpleUploadedFile("offences.jsonl", lines))
    assert jsonl.json()["loaded"] == 3, jsonl.content
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(list(row(10).values()))
    sheet.append(list(row(11, status="lost").values()))
    data = io.BytesIO()
    book.save(data)
    xlsx = upload(client, SimpleUploadedFile("upload.bin", data.getvalue()), format="xlsx")
    summary = xlsx.json()
    assert (summary["loaded"], summary["errors"][0]["row"]) == (1, 3), summary
    assert Offence.objects.count() == 4


def test_appeals_load_with_kind_appeals(
    territory: Territory, users: dict[str, User], session_client: ClientFor
) -> None:
    header = "source_system,external_id,channel,category,status,received_at,district\n"
    body = header + "102,C-1,call_102,noise,received,2025-03-01T23:05:00,KZ-TA-D1\n"
    response = upload(
        session_client(users["regional_analyst_a"]),
        SimpleUploadedFile("calls.csv", body.encode()),
        kind="appeals",
    )
    assert response.json()["loaded"] == 1
    assert Appeal.objects.get().district == territory.district_a


@override_settings(INGEST_MAX_UPLOAD_BYTES=100)
def test_an_oversized_upload_is_413_and_loads_nothing(
    territory: Territory, users: dict[str, User], session_client: ClientFor
) -> None:
    response = upload(session_client(users["administrator"]), csv_file([row(1), row(2)]))
    assert response.status_code == 413
    error = response.json()["errors"][0]
    assert error["field"] == "file" and "the limit is 100 bytes" in error["message"]
    assert Offence.objects.count() == 0


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=10)
def test_a_large_upload_spooled_to_disk_loads_like_a_small_one(
    territory: Territory, users: dict[str, User], session_client: ClientFor
) -> None:
    response = upload(session_client(users["administrator"]), csv_file([row(1), row(2)]))
    assert response.json()["loaded"] == 2, response.content


@pytest.mark.parametrize(
    ("upload_file", "query", "words"),
    [
        (SimpleUploadedFile("offences.pdf", b"%PDF"), {}, "Unknown file type"),
        (SimpleUploadedFile("offences.csv", b""), {}, "empty"),
        (SimpleUploadedFile("offences.csv", b"source_system,colour\nx,red\n"), {}, "missing"),
    ],
)
def test_a_file_that_cannot_be_read_is_422_on_the_file(
    users: dict[str, User],
    session_client: ClientFor,
    upload_file: SimpleUploadedFile,
    query: dict[str, str],
    words: str,
) -> None:
    response = upload(session_client(users["administrator"]), upload_file, **query)
    assert response.status_code == 422, response.content
    error = response.json()["errors"][0]
    assert error["field"] == "file" and words in error["message"]


def test_kind_must_be_appeals_or_offences(
    users: dict[str, User], session_client: ClientFor
) -> None:
    response = upload(session_client(users["administrator"]), csv_file([row(1)]), kind="cases")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"


@pytest.mark.parametrize("role", ["duty_officer_a", "district_inspector_a", "prosecutor_a"])
def test_only_administrators_and_regional_analysts_may_upload(
    territory: Territory, users: dict[str, User], session_client: ClientFor, role: str
) -> None:
    response = upload(session_client(users[role]), csv_file([row(1)]))
    assert response.status_code == 403
    assert Offence.objects.count() == 0


def test_every_upload_is_audited_even_when_nothing_loads(
    territory: Territory, users: dict[str, User], session_client: ClientFor
) -> None:
    user = users["regional_analyst_a"]
    upload(session_client(user), csv_file([row(1, region="KZ-TB")]))
    entry = AuditEntry.objects.get(action="upload")
    assert entry.actor == user.username
    assert entry.details == {
        "source": "api:offences.csv",
        "read": 1,
        "loaded": 0,
        "unchanged": 0,
        "rejected": 1,
    }


def test_a_link_to_an_appeal_outside_the_caller_s_scope_reads_as_no_such_appeal(
    territory: Territory,
    users: dict[str, User],
    session_client: ClientFor,
    make_appeal: Callable[..., Appeal],
) -> None:
    mine = make_appeal()
    theirs = make_appeal(region=territory.region_b, district=territory.district_b)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*HEADER, "appeal_source_system", "appeal_external_id"])
    writer.writeheader()
    for n, appeal in enumerate([mine, theirs], start=1):
        writer.writerow(
            row(n) | {"appeal_source_system": "test", "appeal_external_id": appeal.external_id}
        )
    upload_file = SimpleUploadedFile("o.csv", out.getvalue().encode(), content_type="text/csv")
    summary = upload(session_client(users["regional_analyst_a"]), upload_file).json()
    assert (summary["loaded"], summary["rejected"]) == (1, 1)
    assert summary["errors"][0]["field"] == "appeal_external_id"
    assert summary["errors"][0]["reason"] == f"no appeal {theirs.external_id} from test"
    assert Offence.objects.get().appeal_id == mine.pk
