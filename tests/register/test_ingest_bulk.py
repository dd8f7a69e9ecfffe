"""Bulk loads (`senim ingest --bulk`) and the binary COPY they and every PostgreSQL load use.

A bulk window drops the offence table's secondary indexes and its count trigger inside one
transaction and rebuilds them at the end: afterwards the table must be exactly as before
(same indexes, trigger on, counts equal to a recount), and any failure inside the window must
leave nothing of it behind.
"""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from senim.register import counts
from senim.register.ingest import bulk, pipeline
from senim.register.ingest.pipeline import LoadSummary, ingest
from senim.register.ingest.schema import REQUIRED
from senim.register.models import Offence

pytestmark = pytest.mark.django_db


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


def _file(prefix: str, n: int, *, first_day: int = 1, ids: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*REQUIRED["offences"], "lat", "lon"])
    for i in range(n):
        day = first_day + i % 5
        writer.writerow(
            [
                "erdr",
                ids[i] if ids else f"{prefix}-{i:05d}",
                "crime",
                "UK-188",
                f"2025-03-{day:02d}T{i % 24:02d}:15:00",
                f"2025-03-{day:02d}T{i % 24:02d}:45:00",
                "street",
                "registered",
                f"{43.21 + (i % 50) / 2000:.5f}",
                f"{76.86 + (i % 47) / 1000:.5f}",
            ]
        )
    return out.getvalue().encode()


def _load(data: bytes, *, bulk_load: bool, batch_size: int = 7, **options: object) -> LoadSummary:
    return ingest(
        handle=io.BytesIO(data),
        kind="offences",
        fmt="csv",
        batch_size=batch_size,
        bulk=bulk_load,
        **options,  # type: ignore[arg-type]
    )


def _table_state() -> tuple[list[tuple[str, str]], str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'register_offence' "
            "ORDER BY 1"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'register_offence_count_insert'"
        )
        trigger = cursor.fetchone()[0]
    return indexes, trigger


def _index_oids() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, indexrelid::int FROM pg_index "
            "WHERE indrelid = 'register_offence'::regclass"
        )
        return dict(cursor.fetchall())


def _skip_unless_postgres() -> None:
    if not _on_postgres():
        pytest.skip("bulk windows exist on PostgreSQL only")


def _count_keys() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid IN ('register_offencedaily'::regclass, "
            "'register_offencemonthly'::regclass) ORDER BY 1"
        )
        return cursor.fetchall()


def _daily_key_oid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid::int FROM pg_constraint WHERE conname = 'offence_daily_key'")
        return int(cursor.fetchone()[0])


def test_bulk_loads_everything_on_any_database() -> None:
    keys = _count_keys() if _on_postgres() else []
    daily_key = _daily_key_oid() if _on_postgres() else 0
    summary = _load(_file("A", 40), bulk_load=True)
    assert (summary.loaded, summary.rejected) == (40, 0)
    assert summary.bulk_rows == (40 if _on_postgres() else 0)
    assert Offence.objects.filter(source_system="erdr").count() == 40
    assert not any(counts.verify().values())
    if _on_postgres():
        # Into empty count tables the daily key was dropped and built again after the insert:
        # it is back as it was, and the trigger's upserts (which need it) count later loads.
        assert _count_keys() == keys
        assert _daily_key_oid() != daily_key
        assert any("NULLS NOT DISTINCT" in definition for _name, definition in keys)
        _load(_file("B", 12), bulk_load=False)
        assert not any(counts.verify().values())


def test_a_bulk_load_rebuilds_the_table_as_it_was_and_counts_exactly() -> None:
    _skip_unless_postgres()
    _load(_file("OLD", 30), bulk_load=False)  # counted days the bulk load adds to
    before, oids = _table_state(), _index_oids()
    summary = _load(_file("NEW", 50, first_day=3), bulk_load=True)
    assert summary.loaded == summary.bulk_rows == 50
    assert _table_state() == before  # every index back under its own name; trigger on ("O")
    rebuilt = {name for name, oid in _index_oids().items() if oids[name] != oid}
    # The file links no appeal: the partial index on appeal_id was kept, not rebuilt; the
    # constraints' indexes are never touched.
    assert rebuilt == {"offence_newest", "offence_district", "register_of_region__a857b8_idx"}
    assert before[1] == "O"
    assert not any(counts.verify().values())
    # The window gave its rows ids of its own, after every stored one, in file order.
    old = list(Offence.objects.filter(external_id__startswith="OLD").values_list("id", flat=True))
    new = list(Offence.objects.filter(external_id__startswith="NEW").order_by("external_id"))
    assert [o.id for o in new] == list(range(new[0].id, new[0].id + 50))
    assert new[0].id > max(old)
    # The trigger counts ordinary writes again, and the sequence has moved past the window.
    _load(_file("LATER", 9, first_day=20), bulk_load=False)
    assert not any(counts.verify().values())
    assert Offence.objects.count() == 89
    later = Offence.objects.filter(external_id__startswith="LATER").values_list("id", flat=True)
    assert min(later) > new[-1].id


def test_a_reload_with_bulk_goes_batch_by_batch_and_changes_nothing() -> None:
    _skip_unless_postgres()
    data = _file("A", 30)
    _load(data, bulk_load=True)
    again = _load(data, bulk_load=True)
    assert (again.loaded, again.unchanged, again.bulk_rows) == (0, 30, 0)
    assert Offence.objects.count() == 30


def test_a_failure_inside_the_window_leaves_nothing_of_it() -> None:
    _skip_unless_postgres()
    _load(_file("OLD", 10), bulk_load=False)
    before = _table_state()

    def fail_on_third(summary: LoadSummary) -> None:
        if summary.batches == 3:
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError, match="killed"):
        _load(_file("NEW", 40), bulk_load=True, on_batch=fail_on_third)
    assert Offence.objects.count() == 10
    assert _table_state() == before
    assert not any(counts.verify().values())
    # The ids the undone window took are not given again (no clash with its leftovers).
    assert _load(_file("NEW", 40), bulk_load=True).bulk_rows == 40
    assert Offence.objects.count() == 50


def test_a_table_in_use_is_not_locked_for_a_bulk_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another session reading the table: the load goes batch by batch instead of waiting."""
    _skip_unless_postgres()
    monkeypatch.setattr(bulk, "LOCK_WAIT", "200ms")
    holding, release = threading.Event(), threading.Event()

    def reader() -> None:
        try:
            with transaction.atomic(), connections["default"].cursor() as cursor:
                cursor.execute("LOCK TABLE register_offence IN ACCESS SHARE MODE")
                holding.set()
                release.wait(30)
        finally:
            connections["default"].close()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        assert holding.wait(30)
        summary = _load(_file("A", 20), bulk_load=True)
    finally:
        release.set()
        thread.join()
    assert (summary.loaded, summary.bulk_rows) == (20, 0)
    assert not any(counts.verify().values())


def test_text_with_copy_structure_characters_is_stored_exactly() -> None:
    """Binary COPY has no escaping to get wrong: backslashes, the text format's NULL marker and
    Kazakh letters come back as sent (tabs and line breaks are control characters, refused)."""
    ids = ["ҚР\\01 №5", "a|b", "x\\N", "\\N", "Ә-ө-ү-\\-1", "plain"]
    summary = _load(_file("", len(ids), ids=ids), bulk_load=True)
    assert (summary.loaded, summary.rejected) == (len(ids), 0)
    stored = set(Offence.objects.values_list("external_id", flat=True))
    assert stored == set(ids)
    assert _load(_file("", len(ids), ids=ids), bulk_load=True).unchanged == len(ids)


def test_the_short_first_batch_keeps_every_row_and_row_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bulk load sends its first few rows ahead as a batch of their own; rows unreadable as
    such are still reported under their own numbers, in whichever part they fall."""
    monkeypatch.setattr(pipeline, "BULK_HEAD_ROWS", 3)
    lines = _file("A", 12).decode().splitlines(keepends=True)
    lines[3] = "erdr,A-bad,crime\n"  # row 4 (the header is row 1): too few columns
    lines[9] = "erdr,A-bad2\n"  # row 10
    summary = _load("".join(lines).encode(), bulk_load=True, batch_size=7)
    assert (summary.loaded, summary.rejected) == (10, 2)
    assert sorted(e.row for e in summary.errors) == [4, 10]
    stored = set(Offence.objects.values_list("external_id", flat=True))
    assert stored == {f"A-{i:05d}" for i in range(12)} - {"A-00002", "A-00008"}
    # 3 + the rest of the first 7, then the next 7: every row of the first batch went once.
    assert summary.batches == 3


def test_appeals_load_in_a_window_too() -> None:
    """The window is the table's, not the offences': appeals get theirs (no count trigger)."""
    _skip_unless_postgres()
    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "appeals.csv"

    def indexes() -> list[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename = 'register_appeal' ORDER BY 1"
            )
            return cursor.fetchall()

    before = indexes()
    summary = ingest(handle=io.BytesIO(example.read_bytes()), kind="appeals", fmt="csv", bulk=True)
    assert summary.loaded == summary.bulk_rows > 0
    assert summary.rejected == 0
    assert indexes() == before
    again = ingest(handle=io.BytesIO(example.read_bytes()), kind="appeals", fmt="csv", bulk=True)
    assert (again.loaded, again.bulk_rows, again.unchanged) == (0, 0, summary.loaded)
