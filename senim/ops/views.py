"""Pages of the operational centres: the live queue, a call's working page and its actions.

Thin: parse, authorise (senim.core.permissions), call a service or selector, render. A refused
action re-renders the call page with the message next to the form (HTTP 4xx), never a 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from senim.core.errors import Forbidden, Invalid, NotFound, UseCaseError
from senim.core.models import District, Region, User
from senim.core.permissions import Perm, can
from senim.core.scope import scoped
from senim.ops import alerts, selectors, services
from senim.ops.intake import intake
from senim.ops.models import UnitStatus
from senim.register import records
from senim.register.models import (
    OPEN_APPEAL_STATUSES,
    WITH_UNIT,
    Appeal,
    AppealCategory,
    AppealStatus,
    Channel,
    Grade,
    Outcome,
    ReasonCode,
)

POLL_SECONDS = 5


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _refuse(request: HttpRequest, error: UseCaseError) -> HttpResponse:
    return render(request, "ops/refused.html", {"error": error}, status=error.status)


def _level(request: HttpRequest) -> selectors.Level:
    return selectors.level_for(
        _user(request),
        region=request.GET.get("region", "").strip()[:8],
        district=request.GET.get("district", "").strip()[:40],
    )


def watched_level(request: HttpRequest) -> selectors.Level | HttpResponse:
    """The level a page shows, or the page that says why the user may not open it."""
    if not can(_user(request), Perm.QUEUE):
        return _refuse(request, Forbidden("", _("Your role has no operational queue.")))
    try:
        return _level(request)
    except UseCaseError as error:
        return _refuse(request, error)


def _sublevels(level: selectors.Level) -> list[tuple[str, str]]:
    """(query, name) of the levels one below, for the level switcher."""
    if level.kind == "national":
        return [(f"region={r.iso}", r.name) for r in Region.objects.all()]
    if level.kind == "region":
        return [
            (f"district={d.code}", d.name)
            for d in District.objects.filter(region=level.region).order_by("code")
        ]
    return []


def _points(q: selectors.Queue, units: list[Any]) -> dict[str, Any]:
    """The map's data: open calls and units with a position, as JSON for queue.js."""
    calls = [
        {
            "id": r.appeal.pk,
            "lat": r.appeal.lat,
            "lon": r.appeal.lon,
            "state": r.clock.state,
            "label": r.category_label,
        }
        for r in q.rows
        if r.appeal.lat is not None
    ]
    unit_points = [
        {"lat": u.lat, "lon": u.lon, "label": u.call_sign, "status": u.status} for u in units
    ]
    region = q.level.region.iso if q.level.region else ""
    return {"calls": calls, "units": unit_points, "region": region}


def _queue_context(request: HttpRequest, level: selectors.Level) -> dict[str, Any]:
    now = timezone.now()
    q = selectors.queue(level, now=now)
    units = list(selectors.units_of(level)) if level.kind == "district" else []
    return {
        "q": q,
        "level": level,
        "now": now,
        "units": units,
        "alerts": list(selectors.alerts_of(level)[:20]),
        "points": _points(q, units),
        "status_labels": [
            (s, AppealStatus(s).label, q.by_status.get(s, 0))
            for s in sorted(OPEN_APPEAL_STATUSES, key=list(AppealStatus.values).index)
        ],
        "poll_seconds": POLL_SECONDS,
        "can_dispatch": can(_user(request), Perm.DISPATCH),
    }


@login_required
def queue_page(request: HttpRequest) -> HttpResponse:
    level = watched_level(request)
    if not isinstance(level, selectors.Level):
        return level
    context = _queue_context(request, level) | {"sublevels": _sublevels(level)}
    return render(request, "ops/queue.html", context)


@login_required
def queue_fragment(request: HttpRequest) -> HttpResponse:
    """The part of the queue page that changes; 304 when nothing shown has changed (polling)."""
    user = _user(request)
    if not can(user, Perm.QUEUE):
        return HttpResponse(status=403)
    try:
        level = _level(request)
    except UseCaseError as error:
        return HttpResponse(error.message, status=error.status)
    context = _queue_context(request, level)
    etag = f'"{context["q"].signature}-{request.LANGUAGE_CODE}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    response = render(request, "ops/_queue.html", context)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


# --- one call ------------------------------------------------------------------------------------


def _call(user: User, pk: int) -> Appeal:
    appeal = (
        scoped(user, Appeal.objects.select_related("grade", "district", "region", "sector"))
        .filter(pk=pk)
        .first()
    )
    if appeal is None:
        raise NotFound("appeal", _("No such call in your territory."))
    return appeal


def _call_context(request: HttpRequest, appeal: Appeal) -> dict[str, Any]:
    user = _user(request)
    now = timezone.now()
    unit = services.PatrolUnit.objects.filter(appeal_id=appeal.pk).first()
    open_ = appeal.status in OPEN_APPEAL_STATUSES
    districts = (
        District.objects.filter(region_id=appeal.region_id).exclude(pk=appeal.district_id or 0)
        if appeal.region_id
        else District.objects.none()
    )
    return {
        "appeal": appeal,
        "clock": selectors.clock(appeal, now),
        "unit": unit,
        "timeline": records.timeline(appeal),
        "suggested": services.suggest_units(appeal)
        if appeal.status == "graded" and appeal.grade and appeal.grade.needs_unit
        else [],
        "grades": Grade.objects.filter(active=True),
        "reasons": ReasonCode.choices,
        "outcomes": Outcome.choices,
        "districts": districts,
        "is_open": open_,
        "with_unit": appeal.status in WITH_UNIT,
        "can_dispatch": can(user, Perm.DISPATCH) and open_,
        "can_see_persons": can(user, Perm.PERSONS),
        "warnings": appeal.warnings or {},
        "now": now,
    }


@login_required
def call_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.QUEUE):
        return _refuse(request, Forbidden("", _("Your role has no operational queue.")))
    try:
        appeal = _call(user, pk)
    except UseCaseError as error:
        return _refuse(request, error)
    if can(user, Perm.PERSONS) and (appeal.summary or appeal.address):
        from senim.core import audit

        audit.record_read(appeal, actor=user.get_username(), purpose="call summary and address")
    return render(request, "ops/call.html", _call_context(request, appeal))


def _int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise Invalid(name, _("choose one")) from None


ACTIONS: dict[str, Callable[[HttpRequest, User, int], Appeal]] = {
    "grade": lambda r, u, pk: services.grade_call(
        user=u,
        pk=pk,
        grade=r.POST.get("grade", ""),
        reason_code=r.POST.get("reason_code", ""),
        reason=r.POST.get("reason", ""),
    ),
    "hold": lambda r, u, pk: services.hold_call(
        user=u, pk=pk, reason_code=r.POST.get("reason_code", ""), reason=r.POST.get("reason", "")
    ),
    "dispatch": lambda r, u, pk: services.dispatch(user=u, pk=pk, unit_id=_int(r, "unit")),
    "en_route": lambda r, u, pk: services.en_route(user=u, pk=pk),
    "on_scene": lambda r, u, pk: services.on_scene(user=u, pk=pk),
    "recall": lambda r, u, pk: services.recall(
        user=u, pk=pk, reason_code=r.POST.get("reason_code", ""), reason=r.POST.get("reason", "")
    ),
    "close": lambda r, u, pk: services.close_call(
        user=u, pk=pk, outcome=r.POST.get("outcome", ""), reason=r.POST.get("reason", "")
    ),
    "cancel": lambda r, u, pk: services.cancel_call(
        user=u, pk=pk, reason_code=r.POST.get("reason_code", ""), reason=r.POST.get("reason", "")
    ),
    "transfer": lambda r, u, pk: services.transfer_call(
        user=u,
        pk=pk,
        district=r.POST.get("district", ""),
        service=r.POST.get("service", ""),
        reason=r.POST.get("reason", ""),
    ),
    "duplicate": lambda r, u, pk: services.mark_duplicate(
        user=u, pk=pk, of=_int(r, "duplicate_of"), reason=r.POST.get("reason", "")
    ),
    "note": lambda r, u, pk: services.add_note(user=u, pk=pk, text=r.POST.get("text", "")),
}


@login_required
@require_POST
def call_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    handler = ACTIONS.get(action)
    try:
        if handler is None:
            raise NotFound("action", _("No such action."))
        handler(request, user, pk)
    except UseCaseError as error:
        try:
            appeal = _call(user, pk)
        except UseCaseError as missing:
            return _refuse(request, missing)
        context = _call_context(request, appeal) | {"error": error, "failed_action": action}
        return render(request, "ops/call.html", context, status=error.status)
    messages.success(request, _("Saved."))
    return redirect("ops-call", pk=pk)


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.DISPATCH):
        return _refuse(
            request, Forbidden("", _("Your role may watch the queue but not work the calls."))
        )
    if alerts.acknowledge(user=user, pk=pk) is None:
        return _refuse(request, NotFound("alert", _("No such alert in your territory.")))
    return redirect(request.POST.get("next") or reverse("ops-queue"))


# --- a new call from the duty desk ---------------------------------------------------------------

DESK_CHANNELS = ("call_102", "walk_in", "telegram", "app_video_102", "sos_button")


@login_required
def call_new(request: HttpRequest) -> HttpResponse:
    """The duty officer registers a call taken at the desk or by phone."""
    user = _user(request)
    if not can(user, Perm.DISPATCH):
        return _refuse(
            request, Forbidden("", _("Your role may watch the queue but not work the calls."))
        )
    values: dict[str, str] = {}
    errors: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        values = {
            k: request.POST.get(k, "").strip()
            for k in (
                "channel",
                "category",
                "lat",
                "lon",
                "district",
                "address",
                "summary",
                "caller_phone",
            )
        }
        now = timezone.now()
        row = {k: v for k, v in values.items() if v} | {
            "source_system": "senim-desk",
            "external_id": f"{user.pk}-{now:%Y%m%d%H%M%S%f}",
            "received_at": now.isoformat(),
        }
        if values.get("channel") not in DESK_CHANNELS:
            errors.append(("channel", _("choose a channel")))
        else:
            outcome = intake(user=user, rows=[row], now=now)[0]
            if outcome.id is not None:
                messages.success(request, _("The call is in the queue."))
                return redirect("ops-call", pk=outcome.id)
            errors = outcome.errors
        status = 422
    if not values.get("district") and user.district_id:
        values["district"] = user.district.code  # type: ignore[union-attr]
    districts = (
        District.objects.filter(region_id=user.region_id)
        if user.region_id
        else District.objects.all()
    )
    if user.district_id:
        districts = districts.filter(pk=user.district_id)
    context = {
        "values": values,
        "errors": dict(errors),
        "channels": [(c, Channel(c).label) for c in DESK_CHANNELS],
        "categories": AppealCategory.choices,
        "districts": districts.order_by("code"),
    }
    return render(request, "ops/call_new.html", context, status=status)


# --- units ---------------------------------------------------------------------------------------


@login_required
def units_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    level = watched_level(request)
    if not isinstance(level, selectors.Level):
        return level
    refusal: UseCaseError | None = None
    status = 200
    if request.method == "POST":
        try:
            services.set_unit_status(
                user=user,
                pk=_int(request, "unit"),
                status=request.POST.get("status", ""),
                reason=request.POST.get("reason", ""),
                crew_badge=request.POST.get("crew_badge", ""),
            )
            messages.success(request, _("Saved."))
            return redirect(f"{reverse('ops-units')}?{level.query()}")
        except UseCaseError as refused:
            refusal, status = refused, refused.status
    units = list(selectors.units_of(level))
    by_status: dict[str, int] = {}
    for u in units:
        by_status[u.status] = by_status.get(u.status, 0) + 1
    context = {
        "level": level,
        "units": units,
        "by_status": [(s, label, by_status.get(s, 0)) for s, label in UnitStatus.choices],
        "free_statuses": [(s, UnitStatus(s).label) for s in ("available", "busy", "off_duty")],
        "error": refusal,
        "can_dispatch": can(user, Perm.DISPATCH),
        "now": timezone.now(),
        "since": timezone.now() - dt.timedelta(hours=24),
    }
    return render(request, "ops/units.html", context, status=status)
