"""Lists and record pages of the safeguards: detention records, ill-treatment complaints and
Art. 146 cases — each searchable and paged, each record on its own page with what happens next.

The board and the yearly tables show aggregates and the urgent few; these pages are where one
record is found and worked: a duty officer records the release on the detention record's page,
a complaint's handler records its steps on the complaint's page, a prosecutor opens a case's
history. Reads of person-level records are written to the audit log by the services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from senim.core.models import Region, User
from senim.core.scope import allowed_region_ids
from senim.safeguards import rules
from senim.safeguards import schemas as s
from senim.safeguards.access import CASE_WRITE, CUSTODY_WRITE, allowed
from senim.safeguards.errors import NotFound, SafeguardsError
from senim.safeguards.forms import CONTROL, Field, Outcome, parse, rows
from senim.safeguards.models import (
    Art146Case,
    CaseStage,
    Complaint,
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintStage,
    CustodyRecord,
    SentAlert,
)
from senim.safeguards.services import cases, complaints, custody
from senim.safeguards.views import BadRequest, _page

PER_PAGE = 50
SEARCH_MAX = 64


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _search(request: HttpRequest) -> str:
    raw = request.GET.get("q", "").strip()
    if len(raw) > SEARCH_MAX:
        raise BadRequest("q", _("At most %(n)s characters.") % {"n": SEARCH_MAX})
    if CONTROL.search(raw) or "\t" in raw or "\n" in raw:
        raise BadRequest("q", _("contains a control character"))
    return raw


def _choice(request: HttpRequest, name: str, allowed_values: list[str]) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed_values else ""


def _region(request: HttpRequest, user: User) -> Region | None:
    code = request.GET.get("region", "").strip()[:8]
    if not code:
        return None
    ids = allowed_region_ids(user)
    region = Region.objects.filter(iso=code).first()
    if region is None or (ids is not None and region.pk not in ids):
        raise BadRequest("region", _("Unknown region code %(code)s.") % {"code": code})
    return region


def _regions(user: User) -> list[Region]:
    ids = allowed_region_ids(user)
    qs = Region.objects.all() if ids is None else Region.objects.filter(pk__in=ids)
    return list(qs.order_by("iso"))


def _paged(request: HttpRequest, qs: QuerySet[Any], keep: dict[str, str]) -> dict[str, Any]:
    return {
        "rows_page": Paginator(qs, PER_PAGE).get_page(request.GET.get("p")),
        "query": urlencode({k: v for k, v in keep.items() if v}),
    }


@dataclass
class RecordForm:
    """The form on a record's page: what it shows, or where to go after it saved."""

    context: dict[str, Any]
    status: int = 200
    done: str = ""


def _record_form(
    request: HttpRequest, fields: list[Field], initial: dict[str, Any], save: Callable[[], None]
) -> RecordForm:
    """GET shows `initial`; POST calls `save` (which parses request.POST and writes) and goes back
    to the page with "Saved."; a refusal shows what was typed with the messages by their fields."""
    values, outcome = initial, Outcome()
    if request.method == "POST":
        values = {f.name: request.POST.get(f.name, "") for f in fields}
        values |= {f.name: f.name in request.POST for f in fields if f.kind == "checkbox"}
        try:
            save()
            return RecordForm({}, done=f"{request.path}?saved=1")
        except SafeguardsError as error:
            outcome = Outcome.of(error, fields)
    saved = request.method == "GET" and request.GET.get("saved") == "1"
    return RecordForm(
        {
            "rows": rows(fields, values, outcome),
            "general": outcome.general,
            "notice": _("Saved.") if saved else "",
        },
        status=outcome.status,
    )


# --- detention records ----------------------------------------------------------------------


@login_required
def custody_list(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        qs = custody.records(user=user)
        q = _search(request)
        state = _choice(request, "state", ["open", "ended"])
        region = _region(request, user)
        if q:
            qs = qs.filter(external_id__icontains=q)
        if state == "open":
            qs = qs.filter(court_order_at=None, released_at=None)
        elif state == "ended":
            qs = qs.filter(Q(court_order_at__isnull=False) | Q(released_at__isnull=False))
        if region is not None:
            qs = qs.filter(region=region)
        minor = request.GET.get("minor") == "1"
        if minor:
            qs = qs.filter(is_minor=True)
        keep = {"q": q, "state": state, "region": region.iso if region else ""}
        keep["minor"] = "1" if minor else ""
        context = _paged(request, qs.order_by("-detained_at", "-id"), keep)
        now = timezone.now()
        page: Page[CustodyRecord] = context["rows_page"]
        context["listed"] = [(r, r.custody_clock.state(now)) for r in page]
        return context | {
            "q": q,
            "state": state,
            "region": region,
            "minor": minor,
            "regions": _regions(user),
        }

    return _page(request, "safeguards/custody_list.html", build)


# The facts a duty officer records on a detention record after it was opened.
CHANGE_TIMES = (
    "prosecutor_notified_at",
    "rights_explained_at",
    "family_notified_at",
    "medical_exam_at",
    "court_order_at",
    "released_at",
    "detained_at",
    "recorded_at",
)
CHANGE_FLAGS = ("prosecutor_notice_in_writing", "lawyer_present", "injuries_recorded", "force_used")


def _change_fields() -> list[Field]:
    labels = dict(zip(rules.TIME_FIELDS, _time_titles(), strict=True))
    flags = {
        "prosecutor_notice_in_writing": gettext_lazy("Notified in writing"),
        "lawyer_present": gettext_lazy("Lawyer present"),
        "injuries_recorded": gettext_lazy("Injuries recorded"),
        "force_used": gettext_lazy("Physical force or special means used"),
    }
    return [
        *(Field(name, labels[name], "datetime") for name in CHANGE_TIMES),
        *(Field(name, flags[name], "checkbox") for name in CHANGE_FLAGS),
        Field("injuries_note", gettext_lazy("Injuries"), "textarea", max_length=2000, wide=True),
        Field(
            "reason",
            gettext_lazy("Reason for a correction"),
            "textarea",
            max_length=500,
            wide=True,
            help=gettext_lazy(
                "Needed only to change a time or fact already recorded; the change and the "
                "reason go to the audit log."
            ),
        ),
    ]


def _time_titles() -> list[Any]:
    return [
        gettext_lazy("Actual detention time"),
        gettext_lazy("Record drawn up"),
        gettext_lazy("Prosecutor notified"),
        gettext_lazy("Court order"),
        gettext_lazy("Released"),
        gettext_lazy("Rights explained"),
        gettext_lazy("Family notified"),
        gettext_lazy("Admission medical examination"),
    ]


def _minute(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


def _current(record: CustodyRecord) -> dict[str, Any]:
    values: dict[str, Any] = {name: _minute(getattr(record, name)) for name in CHANGE_TIMES}
    values |= {name: getattr(record, name) for name in CHANGE_FLAGS}
    return values | {"injuries_note": record.injuries_note, "reason": ""}


def _changes(post: QueryDict, record: CustodyRecord, fields: list[Field]) -> dict[str, Any]:
    """What the posted form changes: a time left as it was shown (to the minute) is not a change,
    so re-saving the page never asks for a reason; an emptied time is not a removal (that is a
    correction through the API, with its reason)."""
    payload = parse(s.CustodyChangeIn, post, fields).model_dump(exclude_unset=True)
    out: dict[str, Any] = {}
    for name in CHANGE_TIMES:
        value = payload.get(name)
        if value is not None and value.strftime("%Y-%m-%dT%H:%M") != _minute(getattr(record, name)):
            out[name] = value
    out |= {n: payload[n] for n in CHANGE_FLAGS if payload.get(n) != getattr(record, n)}
    note = (payload.get("injuries_note") or "").strip()
    if note != record.injuries_note:
        out["injuries_note"] = note
    return out


@login_required
@require_http_methods(["GET", "POST"])
def custody_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    context: dict[str, Any] = {"page": "custody"}
    try:
        record = custody.view(user=user, pk=pk)
    except SafeguardsError as error:
        context["error"] = error
        return render(request, "safeguards/custody_record.html", context, status=error.status)
    fields = _change_fields()

    def save() -> None:
        changes = _changes(request.POST, record, fields)
        custody.update(user=user, pk=pk, changes=changes, reason=request.POST.get("reason", ""))

    form = _record_form(request, fields, _current(record), save)
    if form.done:
        return redirect(form.done)
    now = timezone.now()
    context |= {
        "record": record,
        "now": now,
        "custody_clock": record.custody_clock,
        "custody_state": record.custody_clock.state(now),
        "prosecutor_clock": record.prosecutor_clock,
        "prosecutor_state": record.prosecutor_clock.state(now),
        "times": [
            (title, getattr(record, name))
            for name, title in zip(rules.TIME_FIELDS, _time_titles(), strict=True)
        ],
        "alerts": list(SentAlert.objects.filter(custody=record).order_by("sent_at")[:50]),
        "can_write": allowed(user, CUSTODY_WRITE),
    }
    context |= form.context
    return render(request, "safeguards/custody_record.html", context, status=form.status)


# --- ill-treatment complaints ---------------------------------------------------------------


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        qs = complaints.complaints(user=user).select_related("complainant")
        q = _search(request)
        stage = _choice(request, "stage", ComplaintStage.values)
        channel = _choice(request, "channel", ComplaintChannel.values)
        outcome = _choice(request, "outcome", ComplaintOutcome.values)
        region = _region(request, user)
        if q:
            qs = qs.filter(Q(external_id__icontains=q) | Q(erdr_number__icontains=q))
        if stage:
            qs = qs.filter(stage=stage)
        if channel:
            qs = qs.filter(channel=channel)
        if outcome:
            qs = qs.filter(outcome=outcome)
        if region is not None:
            qs = qs.filter(region=region)
        keep = {"q": q, "stage": stage, "channel": channel, "outcome": outcome}
        keep["region"] = region.iso if region else ""
        context = _paged(request, qs.order_by("-received_at", "-id"), keep)
        page: Page[Complaint] = context["rows_page"]
        context["listed"] = complaints.with_complainants(user=user, rows=list(page))
        return context | {
            "q": q,
            "stage": stage,
            "channel": channel,
            "outcome": outcome,
            "region": region,
            "regions": _regions(user),
            "stages": ComplaintStage.choices,
            "channels": ComplaintChannel.choices,
            "outcomes": ComplaintOutcome.choices,
        }

    return _page(request, "safeguards/complaint_list.html", build)


def _step_fields() -> list[Field]:
    steps: list[tuple[str, Any]] = [
        ("registered", gettext_lazy("registered in the pre-trial register")),
        ("forensic", gettext_lazy("forensic examination ordered")),
        ("video", gettext_lazy("video footage requested")),
        ("outcome", gettext_lazy("outcome")),
    ]
    outcomes: list[tuple[str, Any]] = [
        c for c in ComplaintOutcome.choices if c[0] != ComplaintOutcome.PENDING
    ]
    return [
        Field("step", gettext_lazy("Step"), "select", True, [("", "—"), *steps]),
        Field("at", gettext_lazy("Time"), "datetime", True),
        Field("erdr_number", gettext_lazy("Pre-trial register number"), max_length=30),
        Field("outcome", gettext_lazy("Outcome"), "select", choices=[("", "—"), *outcomes]),
    ]


def _day_clocks(complaint: Complaint) -> list[tuple[Any, str, rules.Clock | None, str]]:
    """The one-day clocks of a complaint, each with its title and its state now."""
    now = timezone.now()
    titles = {
        "registered": gettext_lazy("Registered in the pre-trial register"),
        "forensic": gettext_lazy("Forensic examination ordered"),
        "video": gettext_lazy("Video footage requested"),
    }
    clocks = complaints.one_day(complaint)
    return [
        (title, key, clocks.get(key), clocks[key].state(now) if clocks.get(key) else "")
        for key, title in titles.items()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def complaint_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    context: dict[str, Any] = {"page": "complaints"}
    try:
        complaint = complaints.get(user=user, pk=pk)
    except SafeguardsError as error:
        context["error"] = error
        return render(request, "safeguards/complaint_record.html", context, status=error.status)
    handler = complaints.is_handler(user, complaint) or user.is_superuser
    fields = _step_fields()

    def save() -> None:
        step = parse(s.ComplaintStepIn, request.POST, fields)
        complaints.record_step(user=user, pk=pk, **step.model_dump())

    form = _record_form(request, fields, {}, save)
    if form.done:
        return redirect(form.done)
    complaint.refresh_from_db()
    context |= {
        "complaint": complaint,
        "identity": complaints.identity(user=user, complaint=complaint),
        "clocks": _day_clocks(complaint),
        "now": timezone.now(),
        "handler": handler,
    }
    context |= form.context
    return render(request, "safeguards/complaint_record.html", context, status=form.status)


# --- Art. 146 cases --------------------------------------------------------------------------


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        qs = cases.cases(user=user)
        q = _search(request)
        stage = _choice(request, "stage", CaseStage.values)
        region = _region(request, user)
        if q:
            qs = qs.filter(Q(external_id__icontains=q) | Q(erdr_number__icontains=q))
        if stage:
            qs = qs.filter(stage=stage)
        if region is not None:
            qs = qs.filter(region=region)
        keep = {"q": q, "stage": stage, "region": region.iso if region else ""}
        return {
            "q": q,
            "stage": stage,
            "region": region,
            "regions": _regions(user),
            "stages": CaseStage.choices,
        } | _paged(request, qs.order_by("-registered_on", "-id"), keep)

    return _page(request, "safeguards/case_list.html", build)


@login_required
def case_record(request: HttpRequest, pk: int) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        case: Art146Case | None = cases.cases(user=user).filter(pk=pk).first()
        if case is None:
            raise NotFound("", _("No such case in your territory."))
        linked = complaints.complaints(user=user).filter(case=case).order_by("received_at")
        ended = case.stage in {CaseStage.TERMINATED_EXONERATING, CaseStage.TERMINATED_OTHER}
        return {
            "case": case,
            "events": list(case.events.all()),
            "linked": list(linked[:50]),
            "can_step": allowed(user, CASE_WRITE) and not ended,
        }

    return _page(request, "safeguards/case_record.html", build)
