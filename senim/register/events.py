"""The steps of a call's life, one typed factory each: the only way an AppealEvent is made.

Each factory writes the append-only event (the record page's timeline) and, for a person's
action, one audit-log entry saying from, to and why. Intake writes its "received" events in bulk
(`received_many`) and audits the request once, as a file load audits a batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from senim.core import audit
from senim.register.models import Appeal, AppealEvent, EventKind


def _write(
    appeal: Appeal,
    *,
    kind: str,
    at: dt.datetime,
    actor: str,
    from_status: str,
    to_status: str,
    reason_code: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AppealEvent:
    event = AppealEvent.objects.create(
        appeal=appeal,
        at=at,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason_code=reason_code,
        reason=reason,
        details=details or {},
    )
    audit.record(
        action=kind,
        model=Appeal._meta.label,
        object_pk=appeal.pk,
        actor=actor,
        details={
            "from": from_status,
            "to": to_status,
            **({"reason_code": reason_code} if reason_code else {}),
            **({"reason": reason} if reason else {}),
            **(details or {}),
        },
    )
    return event


def received_many(appeals: Iterable[Appeal], *, actor: str) -> list[AppealEvent]:
    """The first event of calls that just came in (no audit entry each: the request has one)."""
    return AppealEvent.objects.bulk_create(
        [
            AppealEvent(
                appeal=a,
                at=a.received_at,
                kind=EventKind.RECEIVED,
                actor=actor,
                to_status=a.status,
                details={"channel": a.channel},
            )
            for a in appeals
        ]
    )


def graded(
    appeal: Appeal, *, at: dt.datetime, actor: str, from_status: str, grade: str, due_at: str
) -> AppealEvent:
    return _write(
        appeal,
        kind=EventKind.GRADED,
        at=at,
        actor=actor,
        from_status=from_status,
        to_status="graded",
        details={"grade": grade, "due_at": due_at},
    )


def regraded(
    appeal: Appeal,
    *,
    at: dt.datetime,
    actor: str,
    from_status: str,
    old_grade: str,
    grade: str,
    due_at: str,
    reason_code: str,
    reason: str,
) -> AppealEvent:
    return _write(
        appeal,
        kind=EventKind.REGRADED,
        at=at,
        actor=actor,
        from_status=from_status,
        to_status=from_status,
        reason_code=reason_code,
        reason=reason,
        details={"from_grade": old_grade, "grade": grade, "due_at": due_at},
    )


def held(
    appeal: Appeal, *, at: dt.datetime, actor: str, reason_code: str, reason: str
) -> AppealEvent:
    """A deliberate hold: the call stays graded and its clock runs; the reason is on record."""
    return _write(
        appeal,
        kind=EventKind.HELD,
        at=at,
        actor=actor,
        from_status=appeal.status,
        to_status=appeal.status,
        reason_code=reason_code,
        reason=reason,
    )


def unit_step(
    appeal: Appeal,
    *,
    kind: str,
    at: dt.datetime,
    actor: str,
    from_status: str,
    to_status: str,
    unit: str,
    reason_code: str = "",
    reason: str = "",
) -> AppealEvent:
    """Dispatched, en route, on scene or recalled: a step that moves the call's unit too."""
    assert kind in {
        EventKind.DISPATCHED,
        EventKind.EN_ROUTE,
        EventKind.ON_SCENE,
        EventKind.RECALLED,
    }
    return _write(
        appeal,
        kind=kind,
        at=at,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason_code=reason_code,
        reason=reason,
        details={"unit": unit},
    )


def closed(
    appeal: Appeal,
    *,
    at: dt.datetime,
    actor: str,
    from_status: str,
    outcome: str,
    reason: str,
    unit: str = "",
) -> AppealEvent:
    return _write(
        appeal,
        kind=EventKind.CLOSED,
        at=at,
        actor=actor,
        from_status=from_status,
        to_status="closed",
        reason=reason,
        details={"outcome": outcome, **({"unit": unit} if unit else {})},
    )


def transferred(
    appeal: Appeal,
    *,
    at: dt.datetime,
    actor: str,
    from_status: str,
    to_status: str,
    reason: str,
    to_district: str = "",
    from_district: str = "",
    to_service: str = "",
    unit: str = "",
) -> AppealEvent:
    details = {
        k: v
        for k, v in {
            "from_district": from_district,
            "to_district": to_district,
            "to_service": to_service,
            "unit": unit,
        }.items()
        if v
    }
    return _write(
        appeal,
        kind=EventKind.TRANSFERRED,
        at=at,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        details=details,
    )


def cancelled(
    appeal: Appeal,
    *,
    at: dt.datetime,
    actor: str,
    from_status: str,
    reason_code: str,
    reason: str,
    unit: str = "",
) -> AppealEvent:
    return _write(
        appeal,
        kind=EventKind.CANCELLED,
        at=at,
        actor=actor,
        from_status=from_status,
        to_status="cancelled",
        reason_code=reason_code,
        reason=reason,
        details={"unit": unit} if unit else {},
    )


def duplicate(
    appeal: Appeal, *, at: dt.datetime, actor: str, from_status: str, of: Appeal, reason: str
) -> AppealEvent:
    return _write(
        appeal,
        kind=EventKind.DUPLICATE,
        at=at,
        actor=actor,
        from_status=from_status,
        to_status="duplicate",
        reason=reason,
        details={"of": of.pk, "of_external_id": of.external_id},
    )


def note(appeal: Appeal, *, at: dt.datetime, actor: str, text: str) -> AppealEvent:
    return _write(
        appeal,
        kind=EventKind.NOTE,
        at=at,
        actor=actor,
        from_status=appeal.status,
        to_status=appeal.status,
        reason=text,
    )
