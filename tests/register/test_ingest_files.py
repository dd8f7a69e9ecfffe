"""Loading files: good rows load, bad rows are reported with row and reason, reloads change nothing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from senim.core.models import AuditEntry, Person
from senim.register import counts
from senim.register.ingest import pipeline
from senim.register.ingest.pipeline import FileRejected, ingest
from senim.register.models import Appeal, Offence, OffenceParty

pytestmark = pytest.mark.django_db

# A point in central Almaty (Almaly district) and the Almaty city region code.
ALMATY = {"lat": "43.2567", "lon": "76.9286"}
HEADER = [
    "source_system",
    "external_id",
    "kind",
    "article",
    "occurred_at",
    "registered_at",
    "place_type",
    "status",
    "lat",
    "lon",
    "region",
    "victim_iins",
]


def offence_row(n: int, **overrides: str) -> dict[str, str]:
    row = {
        "source_system": "erdr",
        "external_id": f"ERDR-{n:06d}",
        "kind": "crime",
        "article": "UK-188",
        "occurred_at": "2025-03-01T21:15:00",
        "registered_at": "2025-03-02T09:00:00",
        "place_type": "street",
        "status": "registered",
        **ALMATY,
        "region": "",
        "victim_iins": "",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict[str, str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def load(
    data: bytes, fmt: str = "csv", kind: str = "offences", **kwargs: object
) -> pipeline.LoadSummary:
    return ingest(handle=io.BytesIO(data), kind=kind, fmt=fmt, **kwargs)  # type: ignore[arg-type]


def test_good_rows_load_and_territory_is_derived_from_coordinates() -> None:
    summary = load(csv_bytes([offence_row(i) for i in range(5)]))
    assert (summary.read, summary.loaded, summary.rejected) == (5, 5, 0)
    offence = Offence.objects.get(external_id="ERDR-000000")
    assert offence.region.iso == "KZ-75"
    assert offence.district is not None and offence.district.region_id == offence.region_id
    # Local times without an offset are Almaty time (UTC+5) and stored in UTC.
    assert offence.occurred_at.isoformat() == "2025-03-01T16:15:00+00:00"


def test_loading_the_same_file_twice_changes_nothing() -> None:
    data = csv_bytes([offence_row(i) for i in range(30)])
    first = load(data, batch_size=7)
    audit_entries = AuditEntry.objects.count()
    second = load(data, batch_size=7)
    assert first.loaded == 30
    assert (second.loaded, second.unchanged, second.rejected) == (0, 30, 0)
    assert Offence.objects.count() == 30
    assert AuditEntry.objects.count() == audit_entries  # nothing written, nothing logged


def test_every_bad_row_is_reported_with_its_row_number_and_reason() -> None:
    rows = [
        offence_row(1),
        offence_row(2, article="UK-9999"),
        offence_row(3, lat="59.9", lon="30.3"),  # Saint Petersburg
        offence_row(4, occurred_at="2999-01-01T00:00:00", registered_at="2999-01-02T00:00:00"),
        offence_row(5, victim_iins="900101300018"),  # wrong check digit
        offence_row(6, kind="theft"),
        offence_row(7, registered_at="2025-02-01T00:00:00"),  # before it occurred
        offence_row(8, external_id="X" * 65),
        offence_row(1),  # the same key again in the file
        offence_row(9, occurred_at="yesterday"),
        offence_row(10, kind="administrative"),  # a Criminal Code article
        offence_row(11),
    ]
    summary = load(csv_bytes(rows))
    assert summary.loaded == 2
    reasons = {(e.row, e.field): e.reason for e in summary.errors}
    assert reasons[(3, "article")] == "no article 'UK-9999' in the reference table"
    assert "outside Kazakhstan" in reasons[(4, "lat")]
    assert reasons[(5, "occurred_at")] == "is in the future"
    assert "check digit" in reasons[(6, "victim_iins")]
    assert "'theft' is not one of" in reasons[(7, "kind")]
    assert reasons[(8, "registered_at")] == "is earlier than occurred_at"
    assert reasons[(9, "external_id")] == "is longer than 64 characters"
    assert reasons[(10, "external_id")] == "repeats row 2"
    assert "ISO 8601" in reasons[(11, "occurred_at")]
    assert "does not fit article UK-188" in reasons[(12, "kind")]
    assert summary.rejected == len(reasons) == 10


def test_a_changed_row_for_a_loaded_key_is_refused_not_overwritten() -> None:
    load(csv_bytes([offence_row(1)]))
    summary = load(csv_bytes([offence_row(1, status="solved")]))
    assert summary.rejected == 1
    assert "already loaded with different content" in summary.errors[0].reason
    assert Offence.objects.get().status == "registered"


def test_a_batch_partly_loaded_before_loads_the_rest_and_refuses_only_the_changed_row() -> None:
    """On PostgreSQL the batch is first copied whole; a stored key undoes that copy and the
    batch goes the careful way: the counts and the stored rows show nothing was doubled."""
    load(csv_bytes([offence_row(i) for i in range(0, 10, 2)]))
    rows = [offence_row(i) for i in range(10)]
    rows[4] = offence_row(4, status="solved")
    summary = load(csv_bytes(rows), batch_size=10)
    assert (summary.loaded, summary.unchanged, summary.rejected) == (5, 4, 1)
    assert [(e.row, e.field) for e in summary.errors] == [(6, "external_id")]
    assert Offence.objects.count() == 10
    assert Offence.objects.get(external_id="ERDR-000004").status == "registered"
    assert counts.verify() == {"register_offencedaily": 0, "register_offencemonthly": 0}


def test_a_batch_that_fails_half_way_leaves_nothing_of_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    victim = "900101300017"
    rows = [offence_row(i, victim_iins=victim) for i in range(25)]
    calls = {"n": 0}
    original = pipeline._write_parties

    def crash_on_third_batch(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # the batch's offences are already inserted when this runs
            raise RuntimeError("killed")
        original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_write_parties", crash_on_third_batch)
    with pytest.raises(RuntimeError):
        load(csv_bytes(rows), batch_size=10)
    assert Offence.objects.count() == 20  # two whole batches, nothing of the third
    assert OffenceParty.objects.count() == 20
    monkeypatch.setattr(pipeline, "_write_parties", original)
    resumed = load(csv_bytes(rows), batch_size=10)
    assert (resumed.loaded, resumed.unchanged) == (5, 20)
    assert Person.objects.count() == 1  # one victim, linked by the hash of the IIN


def test_the_iin_is_never_stored_in_clear() -> None:
    load(csv_bytes([offence_row(1, victim_iins="900101300017")]))
    person = Person.objects.get()
    assert person.iin_hash and "900101300017" not in person.iin_hash
    assert person.birth_date.isoformat() == "1990-01-01"


def test_json_lines_and_xlsx_load_like_csv() -> None:
    lines = "\n".join(json.dumps(offence_row(i)) for i in range(3)) + "\n{not json}\n"
    summary = load(lines.encode(), fmt="jsonl")
    assert summary.loaded == 3
    assert [(e.row, e.reason) for e in summary.errors] == [(4, "is not valid JSON")]
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for i in range(10, 14):
        sheet.append(list(offence_row(i).values()))
    buffer = io.BytesIO()
    book.save(buffer)
    assert load(buffer.getvalue(), fmt="xlsx").loaded == 4
    assert Offence.objects.count() == 7


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b"", "csv", "empty"),
        (b"source_system,external_id\nx,y\n", "csv", "missing required columns: kind"),
        (csv_bytes([offence_row(1)], [*HEADER, "colour"]), "csv", "unknown columns: colour"),
        (b"PK\x03\x04 not really a workbook", "xlsx", "not a readable XLSX"),
        (b"\xff\xfe\x00garbage", "csv", "UTF-16"),
        (b"source_system,external_id\nerdr,\xe9t\xe9\n", "csv", "Row 2 is not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(data: bytes, fmt: str, message: str) -> None:
    with pytest.raises(FileRejected, match=message):
        load(data, fmt=fmt)
    assert Offence.objects.count() == 0


def test_appeals_check_the_order_of_their_times_and_offences_link_to_them() -> None:
    header = [
        "source_system",
        "external_id",
        "channel",
        "category",
        "status",
        "received_at",
        "answered_at",
        "dispatched_at",
        "arrived_at",
        "closed_at",
        "lat",
        "lon",
    ]
    base = {
        "source_system": "102",
        "channel": "call_102",
        "category": "crime_report",
        "status": "closed",
        "received_at": "2025-03-01T21:20:00",
        "answered_at": "2025-03-01T21:20:09",
        "dispatched_at": "2025-03-01T21:24:00",
        "arrived_at": "2025-03-01T21:36:00",
        "closed_at": "2025-03-01T22:30:00",
        **ALMATY,
    }
    rows = [
        {**base, "external_id": "C-1"},
        {**base, "external_id": "C-2", "arrived_at": "2025-03-01T21:21:00"},
    ]
    summary = load(csv_bytes(rows, header), kind="appeals")
    assert summary.loaded == 1
    assert [(e.row, e.field, e.reason) for e in summary.errors] == [
        (3, "arrived_at", "is earlier than dispatched_at")
    ]
    linked = offence_row(1, appeal_source_system="102", appeal_external_id="C-1")
    missing = offence_row(2, appeal_source_system="102", appeal_external_id="C-404")
    result = load(
        csv_bytes([linked, missing], [*HEADER, "appeal_source_system", "appeal_external_id"])
    )
    assert result.loaded == 1
    assert result.errors[0].reason == "no appeal C-404 from 102"
    assert Offence.objects.get().appeal == Appeal.objects.get(external_id="C-1")


def test_the_command_writes_the_error_file_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "offences.csv"
    path.write_bytes(csv_bytes([offence_row(1), offence_row(2, article="nope")]))
    call_command("ingest", str(path), "--kind", "offences")
    out = capsys.readouterr().out
    assert "read 2, loaded 1, already present 0, rejected 1" in out
    errors = list(csv.reader((tmp_path / "offences.csv.errors.csv").open()))
    assert errors == [
        ["row", "field", "reason"],
        ["3", "article", "no article 'nope' in the reference table"],
    ]
    with pytest.raises(CommandError, match="missing required columns"):
        (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
        call_command("ingest", str(tmp_path / "bad.csv"), "--kind", "offences")


def test_the_row_check_is_asked_once_per_territory_and_refuses_row_by_row() -> None:
    import numpy as np

    from senim.core.geo import locator
    from senim.register.ingest.schema import RowError

    astana = {"lat": "51.1282", "lon": "71.4307"}
    where = locator().locate(np.array([51.1282]), np.array([71.4307]))
    asked: list[dict[str, object]] = []

    def check(clean: dict[str, object]) -> None:
        asked.append(clean)
        if clean["region_id"] == int(where.region_ids[0]):
            raise RowError("region", "outside")

    rows = [offence_row(i, **(astana if i % 3 == 0 else {})) for i in range(9)]
    summary = load(csv_bytes(rows), check=check)
    assert (summary.loaded, summary.rejected) == (6, 3)
    assert [(e.row, e.field) for e in summary.errors] == [
        (2, "region"),
        (5, "region"),
        (8, "region"),
    ]
    # Two places in the file (the Almaty point and the Astana point): two questions.
    assert len(asked) == 2
