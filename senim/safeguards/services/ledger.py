"""The video-evidence ledger: footage, retrieval requests, body-camera events, every access.

Seed 004 §4 asks for independent, tamper-proof storage of video evidence and holds officials
liable when footage is missing although cameras were there. Every registered recording,
retrieval request and body-camera event is mirrored into a hash chain (like the audit log):
each entry's hash covers its content and the previous entry's hash. `senim ledger verify`
walks the chain and compares every mirrored row with its entry, so an edited or deleted row,
or an edited or deleted entry, is found; comparing the head with a copy kept elsewhere
(`senim ledger head`, e.g. sent to the prosecutor's office daily) also finds a cut-off tail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core.audit import GENESIS, head_problems, walk_chain
from senim.core.models import User
from senim.safeguards import conf, rules
from senim.safeguards.access import LEDGER_INVESTIGATE, LEDGER_REGISTER
from senim.safeguards.errors import Invalid, NotFound
from senim.safeguards.models import (
    BodycamEvent,
    BodycamEventKind,
    Camera,
    CameraKind,
    Complaint,
    LedgerEntry,
    Recording,
    RetrievalRequest,
)
from senim.safeguards.models.devices import LedgerMixin
from senim.safeguards.services.common import (
    aware,
    check_territory,
    facility_for_write,
    in_scope,
    require,
)

_ADVISORY_LOCK_ID = 0x5E7146  # not the audit log's: the two chains do not wait for each other
SHA256 = re.compile(r"[0-9a-f]{64}")
MIRRORED: dict[str, type[LedgerMixin]] = {
    "recording": Recording,
    "retrieval": RetrievalRequest,
    "bodycam": BodycamEvent,
}


def digest(
    *,
    seq: int,
    at: str,
    actor: str,
    kind: str,
    object_pk: str,
    payload: Any,
    demo: bool,
    prev_hash: str,
) -> str:
    text = json.dumps(
        [seq, at, actor, kind, object_pk, payload, demo, prev_hash],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _head() -> tuple[int, str]:
    last = LedgerEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    return last if last else (0, GENESIS)


def entries_after(
    head: tuple[int, str],
    items: list[tuple[str, str, str, Any]],
    *,
    at: dt.datetime,
    demo: bool = False,
) -> list[LedgerEntry]:
    """Unsaved entries (kind, actor, object_pk, payload) chained after `head`, for bulk writes."""
    seq, prev = head
    out = []
    for kind, actor, object_pk, payload in items:
        seq += 1
        fields: dict[str, Any] = {"seq": seq, "at": at.isoformat(), "actor": actor, "kind": kind}
        fields |= {"object_pk": object_pk, "payload": payload, "demo": demo, "prev_hash": prev}
        prev = digest(**fields)
        out.append(LedgerEntry(**{**fields, "at": at}, entry_hash=prev))
    return out


def append(
    *, kind: str, actor: str, object_pk: object = "", payload: Any, demo: bool = False
) -> LedgerEntry:
    """Append one entry; joins the caller's transaction, serialised against other writers."""
    payload = json.loads(json.dumps(payload, default=str))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_ID])
        (entry,) = entries_after(
            _head(), [(kind, actor, str(object_pk), payload)], at=timezone.now(), demo=demo
        )
        entry.save(force_insert=True)
        return entry


def _mirror(row: LedgerMixin, kind: str, actor: str) -> None:
    entry = append(kind=kind, actor=actor, object_pk=row.pk, payload=row.ledger_payload())
    type(row)._default_manager.filter(pk=row.pk).update(ledger_seq=entry.seq)
    row.ledger_seq = entry.seq


def _camera(user: User, code: str) -> Camera:
    camera = Camera.objects.select_related("facility").filter(code=code.strip()).first()
    if camera is None:
        raise Invalid("camera", _("No camera %(code)s is registered.") % {"code": code[:64]})
    check_territory(
        user,
        region_id=camera.facility.region_id,
        district_id=camera.facility.district_id,
        field="camera",
    )
    return camera


def register_recording(
    *,
    user: User,
    camera: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    sha256: str,
    storage: str,
    size_bytes: int | None = None,
) -> Recording:
    require(user, LEDGER_REGISTER, _("Only duty officers and administrators register footage."))
    starts, ends = aware(starts_at), aware(ends_at)
    assert starts is not None and ends is not None
    if ends <= starts:
        raise Invalid("ends_at", _("must be after the start of the recording"))
    if not SHA256.fullmatch(sha256.strip().lower()):
        raise Invalid("sha256", _("must be 64 hexadecimal digits"))
    cam = _camera(user, camera)
    with transaction.atomic():
        recording = Recording.objects.create(
            camera=cam,
            facility_id=cam.facility_id,
            starts_at=starts,
            ends_at=ends,
            sha256=sha256.strip().lower(),
            storage=storage.strip(),
            size_bytes=size_bytes,
        )
        _mirror(recording, "recording", user.get_username())
    return recording


def open_recording(*, user: User, pk: int, purpose: str) -> Recording:
    """A recording with its storage place; the opening is written to the ledger."""
    require(user, LEDGER_INVESTIGATE, _("Your role may not open video evidence."))
    if not purpose.strip():
        raise Invalid("purpose", _("is required"))
    recording = Recording.objects.select_related("camera", "facility").filter(pk=pk).first()
    if recording is None:
        raise NotFound("", _("No such recording."))
    check_territory(
        user,
        region_id=recording.facility.region_id,
        district_id=recording.facility.district_id,
        field="",
    )
    append(
        kind="access",
        actor=user.get_username(),
        object_pk=recording.pk,
        payload={"recording": recording.pk, "purpose": purpose.strip()[:300]},
    )
    return recording


def bodycam_event(
    *, user: User, camera: str, kind: str, at: dt.datetime, reason: str = ""
) -> BodycamEvent:
    require(user, LEDGER_REGISTER, _("Only duty officers and administrators register footage."))
    if kind not in BodycamEventKind.values:
        raise Invalid(
            "kind",
            _("must be one of: %(allowed)s") % {"allowed": ", ".join(BodycamEventKind.values)},
        )
    cam = _camera(user, camera)
    if cam.kind != CameraKind.BODY:
        raise Invalid("camera", _("is not a body camera"))
    when = aware(at)
    assert when is not None
    with transaction.atomic():
        event = BodycamEvent.objects.create(
            camera=cam, officer=cam.officer, kind=kind, at=when, reason=reason.strip()
        )
        _mirror(event, "bodycam", user.get_username())
    return event


def off_periods(
    facility_id: int, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> list[dict[str, Any]]:
    """Body cameras of the facility that were switched off during [start, end)."""
    out = []
    # Up to now, not to the window's end: a camera switched off inside the window may have been
    # switched on again only after it.
    events = BodycamEvent.objects.filter(
        camera__facility_id=facility_id, at__lte=now
    ).select_related("camera")
    by_camera: dict[str, list[BodycamEvent]] = {}
    for event in events.order_by("at", "id"):
        by_camera.setdefault(event.camera.code, []).append(event)
    for code, items in by_camera.items():
        off_since: dt.datetime | None = None
        periods = []
        for event in items:
            if event.kind == BodycamEventKind.SWITCHED_OFF and off_since is None:
                off_since = event.at
            elif event.kind == BodycamEventKind.SWITCHED_ON and off_since is not None:
                periods.append((off_since, event.at))
                off_since = None
        if off_since is not None:
            periods.append((off_since, now))
        for a, b in periods:
            if a < end and b > start:
                out.append({"camera": code, "from": rules.local(a), "to": rules.local(min(b, now))})
    return out


def coverage(
    *, facility_id: int, start: dt.datetime, end: dt.datetime
) -> tuple[list[int], list[dict[str, str]]]:
    """Recordings of the window, and the gaps of every fixed camera that existed during it."""
    cameras = Camera.objects.filter(
        facility_id=facility_id, kind=CameraKind.FIXED, installed_at__lt=end
    ).filter(Q(removed_at=None) | Q(removed_at__gt=start))
    found: list[int] = []
    missing: list[dict[str, str]] = []
    for camera in cameras.order_by("code"):
        pieces = list(
            Recording.objects.filter(
                camera=camera, starts_at__lt=end, ends_at__gt=start
            ).values_list("pk", "starts_at", "ends_at")
        )
        found += [p[0] for p in pieces]
        lo, hi = max(start, camera.installed_at), min(end, camera.removed_at or end)
        for a, b in rules.gaps(
            lo, hi, [(p[1], p[2]) for p in pieces], tolerance=conf.FOOTAGE_GAP_TOLERANCE
        ):
            missing.append({"camera": camera.code, "from": rules.local(a), "to": rules.local(b)})
    return sorted(found), missing


def request_retrieval(
    *,
    user: User,
    facility_id: int,
    window_start: dt.datetime,
    window_end: dt.datetime,
    reason: str,
    complaint_id: int | None = None,
    now: dt.datetime | None = None,
) -> RetrievalRequest:
    """Ask for the footage of an incident window; flagged when a camera was there but no footage."""
    require(user, LEDGER_INVESTIGATE, _("Your role may not request video evidence."))
    now = now or timezone.now()
    start, end = aware(window_start), aware(window_end)
    assert start is not None and end is not None
    if end <= start:
        raise Invalid("window_end", _("must be after the start of the window"))
    if not reason.strip():
        raise Invalid("reason", _("is required"))
    facility = facility_for_write(user, facility_id)
    # A complaint of another territory reads as none: not linked, and no hint that it exists.
    if (
        complaint_id is not None
        and not in_scope(user, Complaint.objects.filter(pk=complaint_id)).exists()
    ):
        raise Invalid("complaint_id", _("No record with id %(id)s.") % {"id": complaint_id})
    found, missing = coverage(facility_id=facility.pk, start=start, end=end)
    with transaction.atomic():
        request = RetrievalRequest.objects.create(
            facility=facility,
            window_start=start,
            window_end=end,
            reason=reason.strip(),
            complaint_id=complaint_id,
            requested_by=user.get_username(),
            requested_at=now,
            footage_missing=bool(missing),
            found=found,
            missing=missing,
            switched_off=off_periods(facility.pk, start, end, now),
        )
        _mirror(request, "retrieval", user.get_username())
    return request


# --- verification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    head: tuple[int, str]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(*, expect_head: tuple[int, str] | None = None) -> VerifyResult:
    """Walk the chain, then compare each mirrored row with its entry (both ways)."""
    mirrored: dict[str, dict[str, tuple[int, Any]]] = {kind: {} for kind in MIRRORED}
    hash_at: dict[int, str] = {}

    def recompute(entry: LedgerEntry) -> str:
        if expect_head is not None and entry.seq == expect_head[0]:
            hash_at[entry.seq] = entry.entry_hash
        # The walk visits every entry once, in order: collect the mirrored payloads on the way.
        if entry.kind in mirrored:
            mirrored[entry.kind][entry.object_pk] = (entry.seq, entry.payload)
        return digest(
            seq=entry.seq,
            at=entry.at.isoformat(),
            actor=entry.actor,
            kind=entry.kind,
            object_pk=entry.object_pk,
            payload=entry.payload,
            demo=entry.demo,
            prev_hash=entry.prev_hash,
        )

    entries = LedgerEntry.objects.order_by("seq").iterator(chunk_size=5000)
    checked, head, problems = walk_chain(entries, recompute)
    # The ledger may have grown since its head was kept; the kept entry must still be there.
    problems += head_problems(
        expect_head,
        last_seq=head[0],
        hash_at_head=hash_at.get(expect_head[0]) if expect_head else None,
        what="ledger",
    )
    for kind, model in MIRRORED.items():
        seen = mirrored[kind]
        rows = model._default_manager.all()
        if model is not RetrievalRequest:
            rows = rows.select_related("camera")  # type: ignore[misc]
        for row in rows.iterator(chunk_size=2000):
            entry_for = seen.pop(str(row.pk), None)
            if entry_for is None:
                problems.append(f"{kind} {row.pk}: has no ledger entry (added behind the ledger)")
            elif entry_for[1] != json.loads(json.dumps(row.ledger_payload(), default=str)):
                problems.append(
                    f"{kind} {row.pk}: differs from ledger entry {entry_for[0]} (edited)"
                )
        for pk, (seq, _payload) in seen.items():
            problems.append(f"{kind} {pk}: in ledger entry {seq} but no longer stored (deleted)")
    return VerifyResult(checked=checked, head=head, problems=problems)


def head() -> tuple[int, str]:
    return _head()
