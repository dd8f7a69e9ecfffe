from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from senim.core import audit
from senim.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _bypass_append_only_guard() -> None:
    """What an intruder with database-owner rights can do: remove the append-only trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only"
            )
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
            cursor.execute("DROP TRIGGER core_auditentry_no_delete")


def _write(n: int) -> None:
    for i in range(n):
        audit.record(
            action="create", model="test.thing", object_pk=i, details={"i": i}, actor="tester"
        )


def test_an_untouched_chain_verifies() -> None:
    _write(5)
    result = audit.verify()
    assert result.ok
    assert result.checked == AuditEntry.objects.count() >= 5
    call_command("audit", "verify")


def test_entries_cannot_be_changed_or_deleted_through_the_orm() -> None:
    _write(1)
    entry = AuditEntry.objects.last()
    assert entry is not None
    entry.actor = "someone else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_the_database_refuses_updates_and_deletes() -> None:
    _write(1)
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditentry SET actor = 'x'")
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditentry")


def test_an_edited_entry_is_detected() -> None:
    _write(4)
    _bypass_append_only_guard()
    victim = AuditEntry.objects.order_by("seq")[1]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET actor = %s WHERE seq = %s",
            ["intruder", victim.seq],
        )
    result = audit.verify()
    assert f"entry {victim.seq}: content does not match its hash (edited)" in result.problems
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_a_deleted_entry_is_detected() -> None:
    _write(4)
    _bypass_append_only_guard()
    victim = AuditEntry.objects.order_by("seq")[2]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = %s", [victim.seq])
    problems = audit.verify().problems
    assert any("missing (deleted)" in p for p in problems)
    assert any(p.startswith(f"entry {victim.seq + 1}: does not follow") for p in problems)


def _head() -> str:
    out = io.StringIO()
    call_command("audit", "head", stdout=out)
    return out.getvalue().strip()


def _verify_against(head: str) -> tuple[bool, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", "--head", head, stdout=out, stderr=err)
    except CommandError:
        return False, err.getvalue()
    return True, out.getvalue()


def test_the_head_is_the_last_entry_and_a_grown_log_still_matches_it() -> None:
    _write(3)
    head = _head()
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None and head == f"{last.seq}:{last.entry_hash}"
    _write(2)  # the log moves on after the head was published
    ok, out = _verify_against(head)
    assert ok, out
    assert f"published head {last.seq} matches" in out


def test_a_tail_deleted_after_the_head_was_published_is_named() -> None:
    _write(5)
    head = _head()
    last = int(head.split(":")[0])
    _bypass_append_only_guard()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq > %s", [last - 2])
    assert audit.verify().ok  # the chain alone cannot tell
    ok, err = _verify_against(head)
    assert not ok
    assert f"entries {last - 1}..{last} are missing from the end" in err
    assert "(tail deleted)" in err


def test_an_entry_edited_and_the_chain_recomputed_is_found_against_the_head() -> None:
    _write(4)
    head = _head()
    last = int(head.split(":")[0])
    victim = last - 2
    _bypass_append_only_guard()
    # Rewrite the victim and every later entry with fresh, self-consistent hashes.
    entries = list(AuditEntry.objects.filter(seq__gte=victim).order_by("seq"))
    prev = AuditEntry.objects.get(seq=victim - 1).entry_hash
    with connection.cursor() as cursor:
        for entry in entries:
            actor = "intruder" if entry.seq == victim else entry.actor
            new = audit._digest(
                seq=entry.seq,
                at=entry.at.isoformat(),
                actor=actor,
                action=entry.action,
                model=entry.model,
                object_pk=entry.object_pk,
                details=entry.details,
                prev_hash=prev,
            )
            cursor.execute(
                f"UPDATE {AuditEntry._meta.db_table} SET actor = %s, prev_hash = %s, "
                "entry_hash = %s WHERE seq = %s",
                [actor, prev, new, entry.seq],
            )
            prev = new
    assert audit.verify().ok  # re-chained: the chain alone looks intact
    ok, err = _verify_against(head)
    assert not ok
    assert f"entry {last}: its hash" in err and "(re-chained)" in err


def test_a_head_file_is_read_and_a_malformed_head_is_refused(tmp_path: Path) -> None:
    _write(2)
    published = tmp_path / "audit-head.txt"
    published.write_text(f"# published daily\n{_head()}\n", encoding="utf-8")
    call_command("audit", "verify", "--head-file", str(published), stdout=io.StringIO())
    for bad in ("12", "x:" + "0" * 64, "5:" + "z" * 64, "99999999999999999999999:" + "0" * 64):
        with pytest.raises(CommandError, match="expected SEQ:HASH"):
            call_command("audit", "verify", "--head", bad, stdout=io.StringIO())
    with pytest.raises(CommandError, match="cannot read"):
        call_command("audit", "verify", "--head-file", str(tmp_path / "none.txt"))
