"""The video-evidence ledger: `senim ledger verify` finds edited or deleted rows and entries;
retrieval requests flag missing footage; every opening of a recording is an entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from senim.safeguards.models import Camera, LedgerEntry, Recording
from senim.safeguards.services import ledger

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 1, 10, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def footage(places: Any, users: Any) -> list[Recording]:
    """Two cameras at IVS A; camera 2 has no footage from 10:00 to 11:00; a body camera."""
    for code, kind in (("CAM-1", "fixed"), ("CAM-2", "fixed"), ("BC-1", "body")):
        Camera.objects.create(
            facility=places.ivs_a, code=code, kind=kind, installed_at=T0 - 30 * HOUR
        )
    duty = users["duty_officer_a"]
    out = []
    for code, hours in (("CAM-1", range(4)), ("CAM-2", (0, 1, 3))):
        for h in hours:
            start = T0 + h * HOUR
            out.append(
                ledger.register_recording(
                    user=duty,
                    camera=code,
                    starts_at=start,
                    ends_at=start + HOUR,
                    sha256=hashlib.sha256(f"{code}{h}".encode()).hexdigest(),
                    storage=f"vault://{code}/{h}",
                )
            )
    ledger.bodycam_event(
        user=duty,
        camera="BC-1",
        kind="switched_off",
        at=T0 + 2 * HOUR + 10 * dt.timedelta(minutes=1),
    )
    ledger.bodycam_event(user=duty, camera="BC-1", kind="switched_on", at=T0 + 3 * HOUR)
    return out


def _verify_fails_with(fragment: str) -> None:
    result = ledger.verify()
    assert any(fragment in p for p in result.problems), result.problems
    with pytest.raises(CommandError):
        call_command("ledger", "verify", stdout=io.StringIO(), stderr=io.StringIO())


def test_an_untouched_ledger_verifies(footage: Any) -> None:
    out = io.StringIO()
    call_command("ledger", "verify", stdout=out)
    assert "video ledger intact: 9 entries" in out.getvalue()


def test_an_edited_recording_row_is_detected(footage: Any) -> None:
    victim = footage[2]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Recording._meta.db_table} SET sha256 = %s WHERE id = %s",
            ["0" * 64, victim.pk],
        )
    _verify_fails_with(
        f"recording {victim.pk}: differs from ledger entry {victim.ledger_seq} (edited)"
    )


def test_a_deleted_recording_row_is_detected(footage: Any) -> None:
    victim = footage[4]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Recording._meta.db_table} WHERE id = %s", [victim.pk])
    _verify_fails_with(
        f"recording {victim.pk}: in ledger entry {victim.ledger_seq} but no longer stored (deleted)"
    )


def _bypass_append_only_guard() -> None:
    """What an intruder with database-owner rights can do: remove the append-only triggers."""
    guard = importlib.import_module("senim.safeguards.migrations.0002_ledger_append_only")
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for statement in guard.POSTGRES_REVERSE if postgres else guard.SQLITE_REVERSE:
            cursor.execute(statement)


def test_the_database_refuses_to_update_or_delete_ledger_entries(footage: Any) -> None:
    table = LedgerEntry._meta.db_table
    for statement in (
        f"UPDATE {table} SET actor = 'intruder' WHERE seq = 2",
        f"DELETE FROM {table}",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    if connection.vendor == "postgresql":
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert ledger.verify().ok


def test_demo_entries_alone_may_be_deleted_so_the_demo_can_be_rebuilt(footage: Any) -> None:
    table = LedgerEntry._meta.db_table
    ledger.append(kind="access", actor="demo", payload={}, demo=True)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE demo = %s", [True])
    assert not LedgerEntry.objects.filter(demo=True).exists()
    assert LedgerEntry.objects.count() == len(footage) + 2  # and the two body-camera events
    assert ledger.verify().ok


def test_an_edited_or_deleted_ledger_entry_is_detected(footage: Any) -> None:
    table = LedgerEntry._meta.db_table
    _bypass_append_only_guard()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET actor = 'intruder' WHERE seq = 2")
    _verify_fails_with("entry 2: content does not match its hash (edited)")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE seq = 5")
    _verify_fails_with("entries 5..5 are missing (deleted)")


def test_entries_cut_off_the_end_are_found_against_the_head_kept_elsewhere(footage: Any) -> None:
    out = io.StringIO()
    call_command("ledger", "head", stdout=out)
    head = out.getvalue().strip()
    last = LedgerEntry.objects.order_by("-seq").first()
    assert last is not None and head == f"{last.seq}:{last.entry_hash}"
    _bypass_append_only_guard()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LedgerEntry._meta.db_table} WHERE seq = %s", [last.seq])
        cursor.execute("DELETE FROM safeguards_bodycamevent WHERE ledger_seq = %s", [last.seq])
    assert ledger.verify().ok  # the chain alone cannot tell
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ledger", "verify", "--head", head, stdout=io.StringIO(), stderr=err)
    assert f"entries {last.seq}..{last.seq} are missing from the end" in err.getvalue()
    assert "(tail deleted)" in err.getvalue()


def test_a_ledger_grown_since_its_head_was_kept_still_verifies_against_it(
    footage: Any, users: Any
) -> None:
    out = io.StringIO()
    call_command("ledger", "head", stdout=out)
    head = out.getvalue().strip()
    ledger.bodycam_event(
        user=users["duty_officer_a"], camera="BC-1", kind="switched_off", at=T0 + 5 * HOUR
    )
    out = io.StringIO()
    call_command("ledger", "verify", "--head", head, stdout=out)
    assert "video ledger intact: 10 entries" in out.getvalue()
    seq = int(head.split(":")[0])
    other = f"{seq}:{'0' * 64}"
    result = ledger.verify(expect_head=(seq, "0" * 64))
    assert any(
        p.startswith(f"entry {seq}: its hash") and "(re-chained)" in p for p in result.problems
    )
    with pytest.raises(CommandError):
        call_command(
            "ledger", "verify", "--head", other, stdout=io.StringIO(), stderr=io.StringIO()
        )


def test_a_request_is_flagged_when_a_camera_existed_but_its_footage_is_missing(
    footage: Any, users: Any, places: Any, token_client: Any
) -> None:
    body = {
        "facility_id": places.ivs_a.pk,
        "window_start": (T0 + 2 * HOUR).isoformat(),
        "window_end": (T0 + 3 * HOUR).isoformat(),
        "reason": "complaint K-1",
    }
    answer = token_client(users["prosecutor_a"]).post(
        "/api/safeguards/ledger/retrievals", json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 201, answer.json()
    result = answer.json()
    assert result["footage_missing"] is True
    assert result["missing"] == [
        {"camera": "CAM-2", "from": "2026-01-10 10:00", "to": "2026-01-10 11:00"}
    ]
    assert result["switched_off"] == [
        {"camera": "BC-1", "from": "2026-01-10 10:10", "to": "2026-01-10 11:00"}
    ]
    assert len(result["found"]) == 1  # CAM-1's hour
    complete = body | {"window_start": T0.isoformat(), "window_end": (T0 + HOUR).isoformat()}
    answer = token_client(users["prosecutor_a"]).post(
        "/api/safeguards/ledger/retrievals", json.dumps(complete), content_type="application/json"
    )
    assert answer.json()["footage_missing"] is False
    assert ledger.verify().ok


def test_opening_a_recording_is_written_to_the_ledger_and_police_cannot(
    footage: Any, users: Any, token_client: Any
) -> None:
    pk = footage[0].pk
    url = f"/api/safeguards/ledger/recordings/{pk}?purpose=complaint%20K-1"
    assert token_client(users["duty_officer_a"]).get(url).status_code == 403
    opened = token_client(users["prosecutor_a"]).get(url)
    assert opened.status_code == 200 and opened.json()["storage"] == "vault://CAM-1/0"
    access = LedgerEntry.objects.filter(kind="access").get()
    assert access.actor == users["prosecutor_a"].username
    assert access.payload == {"recording": pk, "purpose": "complaint K-1"}
    assert ledger.verify().ok


def test_bad_recordings_are_refused_with_the_field(
    footage: Any, users: Any, token_client: Any
) -> None:
    client = token_client(users["duty_officer_a"])
    body = {
        "camera": "CAM-1",
        "starts_at": T0.isoformat(),
        "ends_at": (T0 - HOUR).isoformat(),
        "sha256": "ab" * 32,
        "storage": "vault://x",
    }

    def post(**changes: Any) -> Any:
        return client.post(
            "/api/safeguards/ledger/recordings",
            json.dumps(body | changes),
            content_type="application/json",
        )

    assert post().json()["errors"][0]["field"] == "ends_at"
    assert (
        post(ends_at=(T0 + HOUR).isoformat(), sha256="xyz").json()["errors"][0]["field"] == "sha256"
    )
    assert (
        post(ends_at=(T0 + HOUR).isoformat(), camera="NOPE").json()["errors"][0]["field"]
        == "camera"
    )
    assert (
        post(ends_at=(T0 + HOUR).isoformat(), storage="s" * 501).json()["errors"][0]["field"]
        == "storage"
    )
    assert Recording.objects.count() == len(footage)
