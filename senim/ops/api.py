"""Operational centres' API: intake from the channels, the live queue, a call's steps, units.

Thin: parse (schemas), authorise (senim.core.permissions), call senim.ops, render. Errors share
the register API's body {"errors": [{"field", "message"}]}; see docs/operations-centre.md.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field as NField
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict

from senim.core.bounds import Id, Latitude, Longitude
from senim.core.errors import UseCaseError
from senim.core.models import User
from senim.core.permissions import Perm, can
from senim.ops import alerts, selectors, services
from senim.ops.intake import MAX_BATCH, intake
from senim.register.schemas import ErrorOut, errors

router = Router(tags=["operational centres"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


# --- intake --------------------------------------------------------------------------------------


class CallIn(Schema):
    """One call as a channel sends it; values are checked by senim.ops.intake."""

    model_config = ConfigDict(extra="forbid")

    source_system: str = NField(description="The sending system, e.g. 102, app-102, telegram, sos.")
    external_id: str = NField(description="The call's number in that system; unique within it.")
    channel: str = NField(
        description="call_102, app_video_102, telegram, sos_button, walk_in, e_otinish or complaint_terminal."
    )
    category: str = NField(
        description="crime_report, domestic_conflict, public_order, road_accident, missing_person, noise, complaint_police, information or other."
    )
    received_at: str | None = NField(
        None, description="ISO 8601; without an offset Almaty time; default now."
    )
    lat: Latitude | None = None
    lon: Longitude | None = None
    region: str | None = NField(None, description="Region ISO code, when there are no coordinates.")
    district: str | None = NField(
        None, description="District code; wins over the coordinates' nearest district."
    )
    caller_phone: str | None = NField(
        None, description="Kept only as a keyed hash for repeat-caller warnings."
    )
    caller_iin: str | None = NField(
        None, description="Checked (checksum) and kept only as a keyed hash."
    )
    summary: str | None = NField(None, max_length=2000)
    address: str | None = NField(None, max_length=2000)


class BatchIn(Schema):
    model_config = ConfigDict(extra="forbid")
    calls: list[dict[str, Any]] = NField(description=f"At most {MAX_BATCH} calls.")


class FieldErrorOut(Schema):
    field: str
    message: str


class OutcomeOut(Schema):
    index: int
    status: int = NField(
        description="201 created, 200 already stored, 403 outside scope, 409 conflict, 422 invalid."
    )
    id: int | None
    errors: list[FieldErrorOut]


class BatchOut(Schema):
    results: list[OutcomeOut]
    created: int
    unchanged: int
    refused: int


def _outcome(o: Any) -> dict[str, Any]:
    return {
        "index": o.index,
        "status": o.status,
        "id": o.id,
        "errors": [{"field": f, "message": m} for f, m in o.errors],
    }


def _may_intake(request: HttpRequest) -> Status[Any] | None:
    if not can(_user(request), Perm.INTAKE):
        return Status(403, errors(_("Your role may not send calls.")))
    return None


@router.post(
    "/calls",
    response={
        200: OutcomeOut,
        201: OutcomeOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Send one call from a channel",
)
def send_call(request: HttpRequest, payload: CallIn) -> Any:
    """201 with its id when stored; 200 with the id when the same call was already stored;
    409 when the number is stored with other content; 422 with the field at fault."""
    refused = _may_intake(request)
    if refused:
        return refused
    row = payload.model_dump(exclude_none=True)
    o = intake(user=_user(request), rows=[row])[0]
    if o.status in {200, 201}:
        return Status(o.status, _outcome(o))
    field, message = o.errors[0]
    return Status(o.status, errors(message, field))


@router.post(
    "/calls/batch",
    response={200: BatchOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Send a batch of calls",
)
def send_batch(request: HttpRequest, payload: BatchIn) -> Any:
    """Every call is checked on its own; the good ones are stored together. 200 with one
    outcome per call, in the order sent."""
    refused = _may_intake(request)
    if refused:
        return refused
    try:
        outcomes = intake(user=_user(request), rows=payload.calls)
    except UseCaseError as error:
        return Status(error.status, errors(error.message, error.field))
    return {
        "results": [_outcome(o) for o in outcomes],
        "created": sum(o.status == 201 for o in outcomes),
        "unchanged": sum(o.status == 200 for o in outcomes),
        "refused": sum(o.status not in {200, 201} for o in outcomes),
    }


# --- queue ---------------------------------------------------------------------------------------


class LevelQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    region: str | None = NField(None, description="Open an oblast's queue (ISO code).")
    district: str | None = NField(None, description="Open a district's queue (code).")


class QueueRowOut(Schema):
    id: int
    source_system: str
    external_id: str
    channel: str
    category: str
    status: str
    grade: str | None
    received_at: Any
    due_at: Any
    clock: str = NField(description="new, ok, warning, breached, met, missed or none.")
    unit: str
    region: str
    district: str | None
    warnings: dict[str, int] | None


class QueueOut(Schema):
    level: str
    territory: str | None
    total_open: int
    overdue: int
    alerts_open: int
    by_status: dict[str, int]
    rows: list[QueueRowOut]


def _refused(error: UseCaseError) -> Status[Any]:
    return Status(error.status, errors(error.message, error.field))


@router.get(
    "/queue",
    response={200: QueueOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The live queue of a level",
)
def get_queue(request: HttpRequest, params: Query[LevelQuery]) -> Any:
    user = _user(request)
    if not can(user, Perm.QUEUE):
        return Status(403, errors(_("Your role has no operational queue.")))
    unknown = sorted(set(request.GET) - {"region", "district"})
    if unknown:
        return Status(422, errors(_("unknown filter; known: region, district"), unknown[0]))
    try:
        level = selectors.level_for(
            user, region=params.region or "", district=params.district or ""
        )
    except UseCaseError as error:
        return _refused(error)
    q = selectors.queue(level, now=timezone.now())
    return {
        "level": level.kind,
        "territory": level.district.code
        if level.district
        else (level.region.iso if level.region else None),
        "total_open": q.total_open,
        "overdue": q.overdue,
        "alerts_open": q.alerts_open,
        "by_status": q.by_status,
        "rows": [
            {
                "id": r.appeal.pk,
                "source_system": r.appeal.source_system,
                "external_id": r.appeal.external_id,
                "channel": r.appeal.channel,
                "category": r.appeal.category,
                "status": r.appeal.status,
                "grade": r.appeal.grade.code if r.appeal.grade else None,
                "received_at": r.appeal.received_at,
                "due_at": r.appeal.due_at,
                "clock": r.clock.state,
                "unit": r.unit,
                "region": r.appeal.region.iso,
                "district": r.appeal.district.code if r.appeal.district else None,
                "warnings": r.appeal.warnings,
            }
            for r in q.rows
        ],
    }


# --- a call's steps ------------------------------------------------------------------------------


class StepIn(Schema):
    model_config = ConfigDict(extra="forbid")
    action: str = NField(
        description="grade, hold, dispatch, en_route, on_scene, recall, close, cancel, transfer, duplicate or note."
    )
    grade: str | None = None
    unit: Id | None = NField(None, description="The unit's id (dispatch).")
    reason_code: str | None = None
    reason: str | None = None
    outcome: str | None = None
    district: str | None = None
    service: str | None = None
    duplicate_of: Id | None = None
    text: str | None = None


class CallOut(Schema):
    id: int
    status: str
    grade: str | None
    due_at: Any
    unit: str | None


STEPS = {
    "grade": lambda u, pk, p: services.grade_call(
        user=u, pk=pk, grade=p.grade or "", reason_code=p.reason_code or "", reason=p.reason or ""
    ),
    "hold": lambda u, pk, p: services.hold_call(
        user=u, pk=pk, reason_code=p.reason_code or "", reason=p.reason or ""
    ),
    "dispatch": lambda u, pk, p: services.dispatch(user=u, pk=pk, unit_id=p.unit or 0),
    "en_route": lambda u, pk, p: services.en_route(user=u, pk=pk),
    "on_scene": lambda u, pk, p: services.on_scene(user=u, pk=pk),
    "recall": lambda u, pk, p: services.recall(
        user=u, pk=pk, reason_code=p.reason_code or "", reason=p.reason or ""
    ),
    "close": lambda u, pk, p: services.close_call(
        user=u, pk=pk, outcome=p.outcome or "", reason=p.reason or ""
    ),
    "cancel": lambda u, pk, p: services.cancel_call(
        user=u, pk=pk, reason_code=p.reason_code or "", reason=p.reason or ""
    ),
    "transfer": lambda u, pk, p: services.transfer_call(
        user=u, pk=pk, district=p.district or "", service=p.service or "", reason=p.reason or ""
    ),
    "duplicate": lambda u, pk, p: services.mark_duplicate(
        user=u, pk=pk, of=p.duplicate_of or 0, reason=p.reason or ""
    ),
    "note": lambda u, pk, p: services.add_note(user=u, pk=pk, text=p.text or ""),
}


@router.post(
    "/calls/{call_id}/steps",
    response={200: CallOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Take one step of a call's lifecycle",
)
def call_step(request: HttpRequest, call_id: Id, payload: StepIn) -> Any:
    """A step the state machine forbids, an unknown grade or a unit of another district is a 422
    and changes nothing."""
    step = STEPS.get(payload.action)
    if step is None:
        return Status(
            422,
            errors(_("unknown action; known: %(known)s") % {"known": ", ".join(STEPS)}, "action"),
        )
    try:
        appeal = step(_user(request), call_id, payload)
    except UseCaseError as error:
        return _refused(error)
    unit = (
        services.PatrolUnit.objects.filter(appeal_id=appeal.pk)
        .values_list("call_sign", flat=True)
        .first()
    )
    return {
        "id": appeal.pk,
        "status": appeal.status,
        "grade": appeal.grade.code if appeal.grade else None,
        "due_at": appeal.due_at,
        "unit": unit,
    }


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Acknowledge a queue alert",
)
def acknowledge_alert(request: HttpRequest, alert_id: Id) -> Any:
    user = _user(request)
    if not can(user, Perm.DISPATCH):
        return Status(403, errors(_("Your role may watch the queue but not work the calls.")))
    if alerts.acknowledge(user=user, pk=alert_id) is None:
        return Status(404, errors(_("No such alert in your territory.")))
    return Status(204, None)
