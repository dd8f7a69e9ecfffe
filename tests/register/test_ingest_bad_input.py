"""Bad input to a load (issue 16, items 3-5): text, keys, files and meaning.

Each bad row is refused with its row and field while the other rows load; a file that cannot
be read whole is refused before anything is written. Run on SQLite and on PostgreSQL (a NUL
in a text field is what PostgreSQL cannot store).
"""

from __future__ import annotations

import codecs
import errno
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from openpyxl import Workbook

from senim.core.iin import check_digit
from senim.register.ingest import pipeline, readers
from senim.register.ingest.batch import RawBatch
from senim.register.ingest.pipeline import FileRejected
from senim.register.management.commands.ingest import Command
from senim.register.models import Appeal, Offence
from tests.register.test_ingest_files import HEADER, csv_bytes, load, offence_row

pytestmark = pytest.mark.django_db

APPEAL_HEADER = [
    "source_system",
    "external_id",
    "channel",
    "category",
    "status",
    "received_at",
    "dispatched_at",
    "arrived_at",
    "closed_at",
    "lat",
    "lon",
]


def appeal_row(n: int, **overrides: str) -> dict[str, str]:
    row = {
        "source_system": "102",
        "external_id": f"C-{n}",
        "channel": "call_102",
        "category": "public_order",
        "status": "closed",
        "received_at": "2025-03-01T21:20:00",
        "dispatched_at": "2025-03-01T21:24:00",
        "arrived_at": "2025-03-01T21:36:00",
        "closed_at": "2025-03-01T22:30:00",
        "lat": "43.2567",
        "lon": "76.9286",
    }
    return row | overrides


def errors_of(summary: pipeline.LoadSummary) -> dict[int, tuple[str, str]]:
    return {e.row: (e.field, e.reason) for e in summary.errors}


def iin(birth: str, century_sex: str) -> str:
    """A valid IIN for a birth date YYMMDD; None check digits are skipped by the serial."""
    for serial in range(1000, 10000):
        first = f"{birth}{century_sex}{serial}"
        digit = check_digit(first)
        if digit is not None:
            return f"{first}{digit}"
    raise AssertionError("no serial")


# --- item 3: text and keys --------------------------------------------------------------------


def test_a_control_character_in_any_field_is_refused_by_row_and_field() -> None:
    rows = [
        offence_row(1, external_id="ERDR-\x00-1"),
        offence_row(2, kind="crime\x1b"),
        offence_row(3, lat="43.2567\x85"),
        offence_row(4, victim_iins="900101300017\x00"),
        offence_row(5, place_type="street\tx"),
        offence_row(6),
    ]
    summary = load(csv_bytes(rows))
    reason = "contains a control character"
    assert errors_of(summary) == {
        2: ("external_id", reason),
        3: ("kind", reason),
        4: ("lat", reason),
        5: ("victim_iins", reason),
        6: ("place_type", reason),
    }
    assert list(Offence.objects.values_list("external_id", flat=True)) == ["ERDR-000006"]


def test_keys_that_look_alike_are_one_record_in_one_file_and_across_loads() -> None:
    latin = offence_row(1, external_id="ERDR-A-12")
    cyrillic = offence_row(1, external_id="ЕRDR-А-12")  # Cyrillic Е and А
    wide = offence_row(1, external_id="ERDR－A－１２")  # full-width hyphens and digits
    dash = offence_row(1, external_id="ERDR\u2013A\u201012")  # an en dash and a hyphen
    summary = load(csv_bytes([latin, cyrillic, wide, dash]))
    assert summary.loaded == 1
    assert errors_of(summary) == {r: ("external_id", "repeats row 2") for r in (3, 4, 5)}
    again = load(csv_bytes([cyrillic]))
    assert (again.loaded, again.unchanged, again.rejected) == (0, 1, 0)
    assert list(Offence.objects.values_list("external_id", flat=True)) == ["ERDR-A-12"]


def test_a_cyrillic_key_keeps_its_script_and_its_numero_sign() -> None:
    cyrillic = offence_row(1, source_system="ҚР ІІМ", external_id="КУИ №5")
    latin_twins = offence_row(1, source_system="ҚР IIM", external_id="KУИ №5")  # Latin I, K
    summary = load(csv_bytes([cyrillic, latin_twins]))
    assert summary.loaded == 1 and errors_of(summary) == {3: ("external_id", "repeats row 2")}
    stored = Offence.objects.get()
    assert (stored.source_system, stored.external_id) == ("ҚР ІІМ", "КУИ №5")


def test_keys_with_invisible_characters_other_scripts_or_mixed_letters_are_refused() -> None:
    rows = [
        offence_row(1, external_id="ERDR\u200b-1"),  # zero-width space
        offence_row(2, external_id="ERDR\u202e-2"),  # right-to-left override
        offence_row(3, external_id="ΕRDR-3"),  # a Greek capital epsilon
        offence_row(4, external_id="ДRDR-4"),  # Д is Cyrillic only, R Latin only
        offence_row(5, source_system="erdr\ufeff"),
        offence_row(6),
    ]
    summary = load(csv_bytes(rows))
    errors = errors_of(summary)
    assert errors[2] == (
        "external_id",
        "contains the character U+200B, which a key may not hold: use Latin or Cyrillic "
        "letters, digits and ASCII punctuation",
    )
    assert errors[3][0] == errors[4][0] == "external_id" and "U+202E" in errors[3][1]
    assert "U+0395" in errors[4][1]
    assert errors[5] == ("external_id", "mixes Latin and Cyrillic letters")
    assert errors[6][0] == "source_system" and "U+FEFF" in errors[6][1]
    assert summary.loaded == 1


def test_keys_are_compared_as_pairs_so_a_separator_inside_one_cannot_join_two() -> None:
    rows = [
        offence_row(1, source_system="erdr|a", external_id="1"),
        offence_row(2, source_system="erdr", external_id="a|1"),
    ]
    assert load(csv_bytes(rows)).loaded == 2


def test_an_over_long_field_is_refused_with_its_row_and_field_and_the_rest_load() -> None:
    huge = "x" * 200_000  # beyond the csv module's own limit on a field
    rows = [
        offence_row(1, external_id="X" * 65),
        offence_row(2, kind="crime" * 300),
        offence_row(3, victim_iins=huge),
        offence_row(4),
    ]
    data = csv_bytes(rows)
    quoted = data + f'erdr,"{huge}",crime,UK-188,2025-03-01T21:15:00,,street,,,,,\n'.encode()
    summary = load(quoted + csv_bytes([offence_row(5)]).split(b"\n", 1)[1])
    assert errors_of(summary) == {
        2: ("external_id", "is longer than 64 characters"),
        3: ("kind", "is longer than 1000 characters"),
        4: ("victim_iins", "is longer than 1000 characters"),
        6: ("", "has a field longer than 131072 characters"),
    }
    assert summary.loaded == 2  # rows 5 and 7


# --- item 4: files ----------------------------------------------------------------------------


def test_a_broken_encoding_deep_in_the_file_refuses_it_whole_before_anything_is_written() -> None:
    good = csv_bytes([offence_row(i) for i in range(60)])
    bad = good + b"erdr,ERDR-X,crime,UK-188,2025-03-01T21:15:00," + b"\xe9\n"
    with pytest.raises(FileRejected, match=r"Row 62 is not UTF-8 text \(byte \d+ of the file\)"):
        load(bad, batch_size=10)
    lines = "\n".join(json.dumps(offence_row(i)) for i in range(30)).encode()
    with pytest.raises(FileRejected, match="Row 31 is not UTF-8"):
        load(lines + b'\n{"source_system": "\xff"}\n', fmt="jsonl", batch_size=10)
    assert not Offence.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("bom", [True, False])
def test_utf16_is_refused_whole_with_or_without_its_byte_order_mark(fmt: str, bom: bool) -> None:
    if fmt == "csv":
        text = csv_bytes([offence_row(1)]).decode()
    else:
        text = json.dumps(offence_row(1)) + "\n"
    data = (codecs.BOM_UTF16_LE if bom else b"") + text.encode("utf-16-le")
    with pytest.raises(FileRejected, match="UTF-16"):
        load(data, fmt=fmt)
    assert not Offence.objects.exists()


def test_an_unbalanced_quote_is_reported_at_its_row_and_the_rows_after_it_load() -> None:
    data = csv_bytes([offence_row(1)])
    data += b'erdr,"ERDR-2,crime,UK-188,2025-03-01T21:15:00,2025-03-02T09:00:00,street,registered,43.25,76.92,,\n'
    data += csv_bytes([offence_row(3), offence_row(4)]).split(b"\n", 1)[1]
    data += b'erdr,"ERDR-5"x,crime,UK-188,2025-03-01T21:15:00,2025-03-02T09:00:00,street,registered,43.25,76.92,,\n'
    summary = load(data)
    reason = "has an unbalanced or misplaced quote (a quoted field ends on its own line)"
    assert errors_of(summary) == {3: ("", reason), 6: ("", reason)}
    assert summary.loaded == 3


def test_duplicate_columns_are_refused_in_csv_and_xlsx_and_duplicate_json_keys_by_row() -> None:
    with pytest.raises(FileRejected, match="The column kind appears twice"):
        load(csv_bytes([offence_row(1)], [*HEADER, "kind"]))
    with pytest.raises(FileRejected, match="The column kind appears twice"):
        load(b'"source_system",kind,"kind"\nerdr,crime,crime\n')
    book = Workbook()
    book.active.append([*HEADER, "KIND"])
    book.active.append([*offence_row(1).values(), "crime"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(FileRejected, match="The column kind appears twice"):
        load(buffer.getvalue(), fmt="xlsx")
    good = json.dumps(offence_row(1))
    twice = good[:-1] + ', "kind": "administrative"}'
    differing_case = good[:-1] + ', "KIND": "crime"}'
    summary = load(f"{good}\n{twice}\n{differing_case}\n".encode(), fmt="jsonl")
    assert errors_of(summary) == {
        2: ("kind", "appears twice in the object"),
        3: ("kind", "appears twice in the object"),
    }
    assert summary.loaded == 1


def test_xlsx_cells_beyond_the_header_are_refused_by_row() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(list(offence_row(1).values()))
    sheet.append([*offence_row(2).values(), "stray"])
    sheet.append([*offence_row(3).values(), None, None])  # empty cells past it are fine
    buffer = io.BytesIO()
    book.save(buffer)
    summary = load(buffer.getvalue(), fmt="xlsx")
    assert errors_of(summary) == {
        3: ("", f"has a value in column {len(HEADER) + 1}, which has no name in the header")
    }
    assert summary.loaded == 2


def test_an_unknown_json_key_is_refused_in_whatever_row_it_first_appears() -> None:
    rows: list[dict[str, object]] = [{**offence_row(i)} for i in range(5)]
    rows[3]["colour"] = "red"
    rows[4]["parties"] = ["a"]  # a list where text belongs, and an unknown key
    lines = "\n".join(json.dumps(r) for r in rows)
    summary = load(lines.encode(), fmt="jsonl", batch_size=2)
    assert errors_of(summary) == {
        4: ("colour", "is not a known column"),
        5: ("parties", "is not a known column"),
    }
    nested = json.dumps(offence_row(9) | {"lat": [43.2]})
    assert errors_of(load(nested.encode(), fmt="jsonl")) == {1: ("lat", "must be text or a number")}
    assert summary.loaded == 3


def test_a_file_unreadable_after_its_first_batches_says_which_rows_were_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = readers.read_batches

    def breaks_after_two_batches(*args: object, **kwargs: object) -> Iterator[RawBatch]:
        batches = original(*args, **kwargs)  # type: ignore[arg-type]
        yield next(batches)
        yield next(batches)
        raise readers.UnreadableFile("Row 22 of the workbook cannot be read.")

    monkeypatch.setattr(readers, "read_batches", breaks_after_two_batches)
    summary = load(csv_bytes([offence_row(i) for i in range(30)]), batch_size=10)
    assert summary.loaded == 20
    assert [(e.row, e.reason) for e in summary.errors] == [
        (
            22,
            "Row 22 of the workbook cannot be read. Reading stopped here: rows up to 21 were "
            "loaded (but for the rows listed as rejected), none after.",
        )
    ]


def test_an_error_file_that_cannot_be_written_is_reported_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "offences.csv"
    path.write_bytes(csv_bytes([offence_row(1), offence_row(2, article="nope")]))
    nowhere = tmp_path / "no-such-dir" / "errors.csv"
    with pytest.raises(CommandError) as caught:
        call_command("ingest", str(path), "--kind", "offences", "--errors", str(nowhere))
    message = str(caught.value)
    assert message.startswith(f"{nowhere}: the error file could not be written (")
    assert "the load above stands, its 1 rejected rows are not listed" in message
    assert Offence.objects.count() == 1  # the good row stays loaded
    # From the command line: exit status 1, the message, no traceback (a full disk alike).
    monkeypatch.setattr(connections, "close_all", lambda: None)  # the test's transaction
    monkeypatch.setattr(Path, "open", _full_disk(Path.open))
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["senim", "ingest", str(path), "--kind", "offences"])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "the error file could not be written (No space left on device)" in err


def _full_disk(open_: Any) -> Any:
    def opened(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "w" in mode:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return open_(self, mode, *args, **kwargs)

    return opened


def test_a_bulk_load_refuses_exactly_what_a_batch_load_refuses() -> None:
    """The bulk path prepares batches with the same functions: same rows, same reasons."""

    def rows(system: str) -> list[dict[str, str]]:
        return [
            offence_row(1, source_system=system),
            offence_row(2, source_system=system, external_id="ERDR-\x00-2"),
            offence_row(3, source_system=system, external_id="ЕRDR-000001"),  # Cyrillic Е
            offence_row(4, source_system=system, kind="criminal_misdemeanour"),
            offence_row(5, source_system=system, lat="43,25"),
            offence_row(6, source_system=system, region="KZ-71"),
            offence_row(7, source_system=system, occurred_at="2025-03-01"),
            offence_row(8, source_system=system),
        ]

    batch = load(csv_bytes(rows("erdr")))
    bulk = load(csv_bytes(rows("erdr-bulk")), bulk=True)
    assert errors_of(bulk) == errors_of(batch) and len(errors_of(batch)) == 6
    assert (bulk.loaded, batch.loaded) == (2, 2)


# --- item 5: meaning --------------------------------------------------------------------------


def test_the_kind_must_be_one_the_article_admits() -> None:
    rows = [
        offence_row(1, kind="criminal_misdemeanour"),  # UK-188 is a crime article
        offence_row(2, article="UK-293", kind="crime"),  # hooliganism, a graver part
        offence_row(3, article="UK-293", kind="criminal_misdemeanour"),
        offence_row(4, article="KoAP-434", kind="criminal_misdemeanour"),
        offence_row(5, article="UK-293", kind="administrative"),
    ]
    summary = load(csv_bytes(rows))
    assert errors_of(summary) == {
        2: ("kind", "'criminal_misdemeanour' does not fit article UK-188"),
        5: ("kind", "'criminal_misdemeanour' does not fit article KoAP-434"),
        6: ("kind", "'administrative' does not fit article UK-293"),
    }
    assert summary.loaded == 2


def test_an_iin_s_birth_date_is_real_and_not_after_the_offence() -> None:
    rows = [
        offence_row(1, victim_iins=iin("250401", "5")),  # born a month after the offence
        offence_row(2, victim_iins=iin("900101", "1")),  # 1890: 135 years before it
        offence_row(3, suspect_iins=iin("990230", "3")),  # 30 February
        offence_row(4, victim_iins=iin("250301", "6")),  # born on the day: allowed
    ]
    summary = load(csv_bytes(rows, [*HEADER, "suspect_iins"]))
    errors = errors_of(summary)
    assert errors[2] == ("victim_iins", "an IIN's birth date is after the offence occurred")
    assert errors[3] == (
        "victim_iins",
        "an IIN's birth date is more than 120 years before the offence",
    )
    assert errors[4] == ("suspect_iins", "The IIN does not start with a valid birth date.")
    assert summary.loaded == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lat", "43,2567"),
        ("lat", "nan"),
        ("lon", "inf"),
        ("lon", "-inf"),
        ("lat", "43.2567abc"),
        ("lat", "4.32567e1"),
        ("lon", "７６.９２"),  # full-width digits float() would read
        ("lat", "4_3.2567"),
        ("lon", "0x4c"),
    ],
)
def test_coordinates_parse_strictly(field: str, value: str) -> None:
    summary = load(csv_bytes([offence_row(1, **{field: value})]))
    assert [(e.field, e.reason) for e in summary.errors] == [
        (field, f"'{value}' is not decimal degrees (digits and a point, e.g. 43.2567)")
    ]
    assert not Offence.objects.exists()


def test_coordinates_must_lie_in_the_region_the_codes_give() -> None:
    header = [*HEADER, "district"]
    rows = [
        offence_row(1, region="KZ-71"),  # an Almaty point, Astana's code
        offence_row(2, region="", district="KZ-71-YESIL"),  # an Astana district
        offence_row(3, region="KZ-75"),  # right
        offence_row(4, lat="51.1282", lon="71.4307", region="KZ-71"),
    ]
    summary = load(csv_bytes(rows, header))
    reason = "the point is not inside the region given (by region, district or sector)"
    assert errors_of(summary) == {2: ("lat", reason), 3: ("lat", reason)}
    assert summary.loaded == 2


def test_an_appeal_s_status_agrees_with_its_times() -> None:
    rows = [
        appeal_row(1, closed_at=""),  # closed, no closing time
        appeal_row(2, status="received"),  # received, yet closed
        appeal_row(3, status="on_scene", arrived_at="", closed_at=""),
        appeal_row(4, status="dispatched", arrived_at="", closed_at=""),  # right
        appeal_row(5, closed_at="2025-03-01T20:00:00"),  # closed before it was received
        appeal_row(6, status="en_route", dispatched_at="", arrived_at="", closed_at=""),
        appeal_row(7),
        appeal_row(8, status="cancelled", dispatched_at="", arrived_at=""),
    ]
    summary = load(csv_bytes(rows, APPEAL_HEADER), kind="appeals")
    assert errors_of(summary) == {
        2: ("closed_at", "is required when the status is closed"),
        3: ("dispatched_at", "is given, but the status is received"),
        4: ("arrived_at", "is required when the status is on_scene"),
        6: ("closed_at", "is earlier than arrived_at"),
        7: ("dispatched_at", "is required when the status is en_route"),
    }
    loaded = sorted(Appeal.objects.values_list("external_id", flat=True))
    assert loaded == ["C-4", "C-7", "C-8"]


@pytest.mark.parametrize(
    "value",
    [
        "2025-03-01",
        "01.03.2025 21:15",
        "20250301T211500",
        "2025-W09-6T10:00",
        "2025-03-01T21:15:00 +05:00",
        "２０２５-03-01T21:15:00",
        "2025-03-01T21:15:00.1234567",
    ],
)
def test_date_times_are_iso_8601_only(value: str) -> None:
    summary = load(csv_bytes([offence_row(1, occurred_at=value)]))
    assert [(e.field, e.reason) for e in summary.errors] == [
        ("occurred_at", f"'{value}' is not an ISO 8601 date-time")
    ]


def test_iso_8601_variants_all_read_the_same_instant() -> None:
    variants = [
        "2025-03-01T21:15:00",
        "2025-03-01 21:15",
        "2025-03-01T16:15:00Z",
        "2025-03-01T21:15:00+05:00",
        "2025-03-01T21:15:00+0500",
        "2025-03-01T21:15:00,000",
    ]
    rows = [offence_row(i, occurred_at=v) for i, v in enumerate(variants)]
    assert load(csv_bytes(rows)).loaded == len(variants)
    assert len(set(Offence.objects.values_list("occurred_at", flat=True))) == 1


@pytest.mark.parametrize("kind", ["appeals", "offences"])
def test_the_documented_examples_pass_every_rule(kind: str) -> None:
    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / f"{kind}.csv"
    summary = load(example.read_bytes(), kind=kind)
    assert summary.rejected == 0 and summary.loaded == summary.read > 0, summary.errors
