"""Safeguards API: custody, complaints, Art. 146 cases, terminal heartbeats, the video ledger.

Thin by design: parse, call senim.safeguards.services, render. A refusal of a service becomes
{"errors": [{"field", "message"}, …]} with its status (403, 404, 409, 422), listing every
problem found, and nothing is stored. See docs/safeguards.md.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.security import HttpBearer

from senim.core.bounds import Id, Year
from senim.core.models import User
from senim.safeguards import schemas as s
from senim.safeguards.errors import Invalid, SafeguardsError
from senim.safeguards.models import CustodyRecord, Terminal
from senim.safeguards.services import cases, complaints, custody, ledger, terminals

router = Router(tags=["safeguards"])
ERRORS = {401: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut, 422: s.ErrorOut}
WRITE = {200: s.CreatedOut, 201: s.CreatedOut, **ERRORS}


def refusals(view: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a service's refusal into its status and the shared error body."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except SafeguardsError as error:
            found = error.all if isinstance(error, Invalid) else [(error.field, error.message)]
            return Status(error.status, {"errors": [{"field": f, "message": m} for f, m in found]})

    return wrapper


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _created(obj: Any, created: bool) -> Status[Any]:
    return Status(201 if created else 200, {"id": obj.pk, "created": created})


# --- custody ---------------------------------------------------------------------------------


def _clock(clock: Any, now: Any) -> dict[str, Any]:
    return {
        "deadline": clock.deadline,
        "warn_at": clock.warn_at,
        "met_at": clock.met_at,
        "state": clock.state(now),
    }


def _custody_out(record: CustodyRecord) -> dict[str, Any]:
    from django.utils import timezone

    now = timezone.now()
    fields = {f: getattr(record, f) for f in custody.EDITABLE if f != "injuries_note"}
    return {
        **fields,
        "id": record.pk,
        "source_system": record.source_system,
        "external_id": record.external_id,
        "person": str(record.person),
        "is_minor": record.is_minor,
        "facility_id": record.facility_id,
        "region": record.region.iso,
        "officer_badge": record.officer.badge_number if record.officer is not None else None,
        "custody_clock": _clock(record.custody_clock, now),
        "prosecutor_clock": _clock(record.prosecutor_clock, now),
    }


@router.post("/custody", response=WRITE, summary="Record a detention")
@refusals
def create_custody(request: HttpRequest, payload: s.CustodyIn) -> Any:
    """201 when created; 200 when an identical record is already there; 422 lists every problem."""
    record, created = custody.create(user=_user(request), data=payload.as_input())
    return _created(record, created)


@router.get("/custody", response={200: list[s.CustodyOut], **ERRORS}, summary="Custody in scope")
@refusals
def list_custody(
    request: HttpRequest,
    open_only: bool = True,
    region: str | None = None,
    limit: int = Query(200, ge=1, le=1000),
) -> Any:  # type: ignore[type-arg]
    qs = custody.records(user=_user(request)).order_by("-detained_at")
    if open_only:
        qs = qs.filter(court_order_at=None, released_at=None)
    if region:
        qs = qs.filter(region__iso=region)
    return [_custody_out(r) for r in qs[:limit]]


@router.get(
    "/custody/alerts", response={200: list[s.AlertOut], **ERRORS}, summary="Alerts sent in scope"
)
@refusals
def list_alerts(request: HttpRequest) -> Any:
    board = custody.board(user=_user(request))
    return [
        {
            "id": a.pk,
            "kind": a.kind,
            "region": a.region.iso,
            "custody_id": a.custody_id,
            "terminal_id": a.terminal_id,
            "due_at": a.due_at,
            "sent_at": a.sent_at,
            "recipients": len(a.recipients),
        }
        for a in board.alerts
    ]


@router.get(
    "/custody/{record_id}", response={200: s.CustodyOut, **ERRORS}, summary="One custody record"
)
@refusals
def get_custody(request: HttpRequest, record_id: Id) -> Any:
    return _custody_out(custody.view(user=_user(request), pk=record_id))


@router.patch(
    "/custody/{record_id}",
    response={200: s.CustodyOut, **ERRORS},
    summary="Record events or correct times",
)
@refusals
def change_custody(request: HttpRequest, record_id: Id, payload: s.CustodyChangeIn) -> Any:
    """Filling in a time needs no reason; changing one already recorded does (audit-logged)."""
    changes = payload.model_dump(exclude_unset=True)
    reason = changes.pop("reason", "")
    record = custody.update(user=_user(request), pk=record_id, changes=changes, reason=reason)
    return _custody_out(record)


# --- complaints ------------------------------------------------------------------------------


def _complaint_out(user: User, c: Any) -> dict[str, Any]:
    who = complaints.identity(user=user, complaint=c)
    return {
        "id": c.pk,
        "received_at": c.received_at,
        "channel": c.channel,
        "stage": c.stage,
        "region": c.region.iso if c.region_id else None,
        "facility_id": c.facility_id,
        "event_date": c.event_date,
        "repeat_of": c.repeat_of_id,
        "erdr_registered_at": c.erdr_registered_at,
        "forensic_ordered_at": c.forensic_ordered_at,
        "video_requested_at": c.video_requested_at,
        "outcome": c.outcome,
        "identity_visible": who is not None,
        "identity": who,
    }


@router.post("/complaints", response=WRITE, summary="Register an ill-treatment complaint")
@refusals
def create_complaint(request: HttpRequest, payload: s.ComplaintIn) -> Any:
    complaint, created = complaints.create(
        user=_user(request), data=complaints.ComplaintInput(**payload.model_dump())
    )
    return _created(complaint, created)


@router.get(
    "/complaints/per-convicts", response={200: list[s.Table2Out], **ERRORS}, summary="Table 2"
)
@refusals
def per_convicts(request: HttpRequest, year: Year = 2025) -> Any:
    """Complaints per 1 000 convicts by region, computed from records, with the published figures."""
    return [
        {
            "region": line.region.iso,
            "convicts": line.convicts,
            "complaints": line.complaints,
            "rate": line.rate,
            "published_complaints": line.published_complaints,
            "published_rate": line.published_rate,
        }
        for line in complaints.per_thousand_convicts(user=_user(request), year=year)
    ]


@router.get(
    "/complaints/{complaint_id}", response={200: s.ComplaintOut, **ERRORS}, summary="One complaint"
)
@refusals
def get_complaint(request: HttpRequest, complaint_id: Id) -> Any:
    """The complainant's identity is included for the complaint's handlers only."""
    user = _user(request)
    return _complaint_out(user, complaints.get(user=user, pk=complaint_id))


@router.post(
    "/complaints/{complaint_id}/steps",
    response={200: s.ComplaintOut, **ERRORS},
    summary="Record a step",
)
@refusals
def complaint_step(request: HttpRequest, complaint_id: Id, payload: s.ComplaintStepIn) -> Any:
    user = _user(request)
    complaint = complaints.record_step(user=user, pk=complaint_id, **payload.model_dump())
    return _complaint_out(user, complaint)


# --- Art. 146 cases --------------------------------------------------------------------------


@router.post("/cases", response=WRITE, summary="Register an Art. 146 case")
@refusals
def create_case(request: HttpRequest, payload: s.CaseIn) -> Any:
    case, created = cases.create(user=_user(request), data=cases.CaseInput(**payload.model_dump()))
    return _created(case, created)


@router.post(
    "/cases/{case_id}/events", response={200: s.CaseOut, **ERRORS}, summary="Move a case on"
)
@refusals
def case_event(request: HttpRequest, case_id: Id, payload: s.CaseEventIn) -> Any:
    case = cases.add_event(user=_user(request), pk=case_id, **payload.model_dump())
    return {
        "id": case.pk,
        "region": case.region.iso,
        "registered_on": case.registered_on,
        "article": case.article,
        "stage": case.stage,
    }


@router.get("/cases/series", response={200: s.SeriesOut, **ERRORS}, summary="Yearly series of §4")
@refusals
def case_series(request: HttpRequest) -> Any:
    from senim.safeguards.reference import SERIES_YEARS

    user = _user(request)
    computed = cases.series(user=user, years=SERIES_YEARS)
    published = [c.__dict__ for c in cases.comparisons(user=user, computed=computed)]
    return {"years": SERIES_YEARS, "series": computed, "published": published}


# --- terminals -------------------------------------------------------------------------------


class TerminalToken(HttpBearer):
    """A terminal authenticates with its own device token, not a person's."""

    def authenticate(self, request: HttpRequest, token: str) -> Terminal | None:
        return terminals.for_token(token)


@router.post("/terminals", response={201: s.TerminalOut, **ERRORS}, summary="Register a terminal")
@refusals
def create_terminal(request: HttpRequest, payload: s.TerminalIn) -> Any:
    t = terminals.register(user=_user(request), **payload.model_dump())
    return Status(
        201, {"id": t.pk, "serial": t.serial, "kind": t.kind, "facility_id": t.facility_id}
    )


@router.post(
    "/terminals/{terminal_id}/token",
    response={200: s.TokenOut, **ERRORS},
    summary="Issue a device token",
)
@refusals
def terminal_token(request: HttpRequest, terminal_id: Id) -> Any:
    """Shown once; configure it on the device as `Authorization: Bearer <token>`."""
    return {"token": terminals.issue_token(user=_user(request), terminal_id=terminal_id)}


@router.post(
    "/terminals/heartbeat",
    auth=TerminalToken(),
    response={200: s.HeartbeatOut, 401: s.ErrorOut},
    summary="Heartbeat",
)
def heartbeat(request: HttpRequest) -> Any:
    """Sent by the terminal every few minutes; silence longer than the limit is an outage."""
    terminal: Terminal = request.auth  # type: ignore[attr-defined]
    ended = terminals.heartbeat(terminal=terminal)
    terminal.refresh_from_db(fields=["last_heartbeat_at"])
    return {
        "terminal": terminal.serial,
        "received_at": terminal.last_heartbeat_at,
        "outage_ended": ended is not None,
    }


@router.post(
    "/terminals/reports",
    response={201: s.TerminalReportOut, **ERRORS},
    summary="Report an outage or a restoration",
)
@refusals
def terminal_report(request: HttpRequest, payload: s.TerminalReportIn) -> Any:
    """For a device seen out of order (or repaired) on the spot, whatever its heartbeat says."""
    outage = terminals.report(user=_user(request), **payload.model_dump())
    return Status(
        201,
        {
            "outage_id": outage.pk,
            "terminal_id": outage.terminal_id,
            "started_at": outage.started_at,
            "ended_at": outage.ended_at,
        },
    )


@router.get(
    "/terminals/failures",
    response={200: list[s.FailureOut], **ERRORS},
    summary="Failures by region",
)
@refusals
def terminal_failures(request: HttpRequest, year: Year = 2025) -> Any:
    return [
        {**line.__dict__, "region": line.region.iso}
        for line in terminals.failures(user=_user(request), year=year)
    ]


# --- video-evidence ledger -------------------------------------------------------------------


def _recording_out(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "camera": r.camera.code,
        "facility_id": r.facility_id,
        "starts_at": r.starts_at,
        "ends_at": r.ends_at,
        "sha256": r.sha256,
        "storage": r.storage,
        "ledger_seq": r.ledger_seq,
    }


@router.post(
    "/ledger/recordings", response={201: s.RecordingOut, **ERRORS}, summary="Register footage"
)
@refusals
def create_recording(request: HttpRequest, payload: s.RecordingIn) -> Any:
    return Status(
        201, _recording_out(ledger.register_recording(user=_user(request), **payload.model_dump()))
    )


@router.get(
    "/ledger/recordings/{recording_id}",
    response={200: s.RecordingOut, **ERRORS},
    summary="Open footage",
)
@refusals
def open_recording(
    request: HttpRequest, recording_id: Id, purpose: str = Query(..., max_length=300)
) -> Any:  # type: ignore[type-arg]
    """Every opening is written to the ledger with the caller and the purpose."""
    return _recording_out(
        ledger.open_recording(user=_user(request), pk=recording_id, purpose=purpose)
    )


@router.post(
    "/ledger/retrievals",
    response={201: s.RetrievalOut, **ERRORS},
    summary="Request an incident window",
)
@refusals
def create_retrieval(request: HttpRequest, payload: s.RetrievalIn) -> Any:
    r = ledger.request_retrieval(user=_user(request), **payload.model_dump())
    keys = ("footage_missing", "found", "missing", "switched_off", "ledger_seq")
    return Status(201, {"id": r.pk, **{k: getattr(r, k) for k in keys}})


@router.post(
    "/ledger/bodycam-events", response={201: s.CreatedOut, **ERRORS}, summary="Body camera off / on"
)
@refusals
def create_bodycam_event(request: HttpRequest, payload: s.BodycamIn) -> Any:
    event = ledger.bodycam_event(user=_user(request), **payload.model_dump())
    return _created(event, True)


@router.get("/ledger/verify", response={200: s.VerifyOut, **ERRORS}, summary="Verify the ledger")
@refusals
def verify_ledger(request: HttpRequest) -> Any:
    from senim.safeguards.access import LEDGER_READ
    from senim.safeguards.services.common import require

    require(_user(request), LEDGER_READ, _("Your role may not inspect the video ledger."))
    result = ledger.verify()
    return {
        "ok": result.ok,
        "checked": result.checked,
        "head": f"{result.head[0]}:{result.head[1]}",
        "problems": result.problems,
    }


# Compensation and book-of-records endpoints live in their own module and register on this router.
from senim.safeguards import api_redress  # noqa: E402, F401
