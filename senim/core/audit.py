"""The append-only, hash-chained audit log.

Each entry's hash covers its own fields and the previous entry's hash, so editing or deleting
any entry breaks every hash after it; `senim audit verify` walks the chain to find the break.
Writers serialise on a lock (an advisory lock on PostgreSQL, the write lock on SQLite) so two
entries can never claim the same predecessor.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db import connection, transaction
from django.db.models import Model
from django.db.models.signals import post_save
from django.utils import timezone

from senim.core.models import AuditEntry

GENESIS = "0" * 64
_ADVISORY_LOCK_ID = 0x5E7117  # any constant shared by all writers

_actor: contextvars.ContextVar[str] = contextvars.ContextVar("senim_audit_actor", default="")
# Models whose create/update is logged automatically; person-level reads are logged by views.
AUDITED_MODELS: set[str] = set()


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def set_actor(actor: str) -> None:
    """Name the actor for the rest of the current request (after late authentication)."""
    _actor.set(actor)


def current_actor() -> str:
    return _actor.get()


def _digest(
    *,
    seq: int,
    at: str,
    actor: str,
    action: str,
    model: str,
    object_pk: str,
    details: dict[str, Any],
    prev_hash: str,
) -> str:
    payload = json.dumps(
        [seq, at, actor, action, model, object_pk, details, prev_hash],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(
    *,
    action: str,
    model: str,
    object_pk: object = "",
    details: dict[str, Any] | None = None,
    actor: str | None = None,
) -> AuditEntry:
    """Append one entry; joins the caller's transaction if there is one."""
    details = json.loads(json.dumps(details or {}, default=str))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_ID])
        last = AuditEntry.objects.order_by("-seq").values("seq", "entry_hash").first()
        seq = (last["seq"] + 1) if last else 1
        prev_hash = last["entry_hash"] if last else GENESIS
        at = timezone.now()
        fields: dict[str, Any] = {
            "seq": seq,
            "at": at.isoformat(),
            "actor": actor if actor is not None else current_actor(),
            "action": action,
            "model": model,
            "object_pk": str(object_pk),
            "details": details,
            "prev_hash": prev_hash,
        }
        entry = AuditEntry(**{**fields, "at": at}, entry_hash=_digest(**fields))
        entry.save(force_insert=True)
        return entry


def record_read(instance: Model, *, actor: str, purpose: str = "") -> AuditEntry:
    """Log a read of a person-level record."""
    return record(
        action="read",
        model=instance._meta.label,
        object_pk=instance.pk,
        details={"purpose": purpose} if purpose else {},
        actor=actor,
    )


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


class ChainedEntry(Protocol):
    seq: int
    prev_hash: str
    entry_hash: str


E = TypeVar("E", bound=ChainedEntry)


def walk_chain(
    entries: Iterable[E], recompute: Callable[[E], str]
) -> tuple[int, tuple[int, str], list[str]]:
    """Walk hash-chained entries in sequence order: (entries checked, (last seq, last hash),
    problems). A gap in the sequence is a deletion, a hash that does not match the entry's own
    content an edit, a broken link an entry replaced or inserted."""
    problems: list[str] = []
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    for entry in entries:
        checked += 1
        if entry.seq != expected_seq:
            problems.append(f"entries {expected_seq}..{entry.seq - 1} are missing (deleted)")
        if entry.prev_hash != prev_hash:
            problems.append(f"entry {entry.seq}: does not follow its predecessor's hash")
        if recompute(entry) != entry.entry_hash:
            problems.append(f"entry {entry.seq}: content does not match its hash (edited)")
        expected_seq, prev_hash = entry.seq + 1, entry.entry_hash
    return checked, (expected_seq - 1, prev_hash), problems


def head() -> tuple[int, str]:
    """(seq, hash) of the last entry, to be published outside this database."""
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    return (last[0], last[1]) if last else (0, GENESIS)


def parse_head(text: str) -> tuple[int, str] | None:
    """SEQ:HASH as printed by `senim audit head`, or None when it is not that."""
    match = re.fullmatch(r"(\d{1,18}):([0-9a-f]{64})", text.strip())
    return (int(match[1]), match[2]) if match else None


def head_problems(
    expect_head: tuple[int, str] | None,
    *,
    last_seq: int,
    hash_at_head: str | None,
    what: str = "log",
) -> list[str]:
    """Compare a chain with the head (seq, hash) published earlier. The chain may have grown
    since, but the entry at that seq must still exist and still carry that hash: this finds what
    the chain alone cannot, a tail cut off the end or entries edited and every later hash
    recomputed (re-chained)."""
    if expect_head is None or expect_head[0] <= 0:
        return []
    seq, published = expect_head
    if last_seq < seq:
        return [
            f"entries {last_seq + 1}..{seq} are missing from the end: the {what} ends at entry "
            f"{last_seq}, the published head is entry {seq} (tail deleted)"
        ]
    if hash_at_head is None:
        return [f"entry {seq}: the published head entry is missing (deleted)"]
    if hash_at_head != published:
        return [
            f"entry {seq}: its hash {hash_at_head[:12]}… is not the published {published[:12]}…: "
            f"entries up to {seq} were edited or replaced and the chain re-computed (re-chained)"
        ]
    return []


def verify(*, expect_head: tuple[int, str] | None = None) -> VerifyResult:
    """Walk the chain in order; report every gap (deleted entry) and hash mismatch (edit).

    With `expect_head`, a (seq, hash) published earlier: the log may have grown since, but the
    entry at that seq must still exist and still carry that hash. This finds what the chain
    alone cannot: a tail cut off the end, or entries edited and every later hash recomputed.
    """
    hash_at: dict[int, str] = {}

    def recompute(entry: AuditEntry) -> str:
        if expect_head is not None and entry.seq == expect_head[0]:
            hash_at[entry.seq] = entry.entry_hash
        return _digest(
            seq=entry.seq,
            at=entry.at.isoformat(),
            actor=entry.actor,
            action=entry.action,
            model=entry.model,
            object_pk=entry.object_pk,
            details=entry.details,
            prev_hash=entry.prev_hash,
        )

    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=5000)
    checked, (last_seq, _last_hash), problems = walk_chain(entries, recompute)
    problems += head_problems(
        expect_head,
        last_seq=last_seq,
        hash_at_head=hash_at.get(expect_head[0]) if expect_head else None,
    )
    return VerifyResult(checked=checked, problems=problems)


def audited(cls: type[Model]) -> type[Model]:
    """Class decorator: log every create and update of this model through the ORM."""
    AUDITED_MODELS.add(cls._meta.label)
    return cls


def _on_save(sender: type[Model], instance: Model, created: bool, raw: bool, **_: object) -> None:
    if raw or sender._meta.label not in AUDITED_MODELS:
        return
    changed = getattr(instance, "_audit_reason", "")
    record(
        action="create" if created else "update",
        model=sender._meta.label,
        object_pk=instance.pk,
        details={"reason": changed} if changed else {},
    )


def connect_signals() -> None:
    post_save.connect(_on_save, dispatch_uid="senim_audit_post_save")
