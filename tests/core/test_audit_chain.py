from __future__ import annotations

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
