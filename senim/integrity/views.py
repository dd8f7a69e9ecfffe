"""Integrity pages: complaints against officers, officers' files and discipline.

Thin: parse, authorise, call a service or a selector, render. A broken rule comes back as the
same page with the message next to the field and status 422 (403 outside the territory).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from senim.core import audit
from senim.core.errors import UseCaseError
from senim.core.models import Unit, User
from senim.core.permissions import Perm, can
from senim.core.scope import scope_level
from senim.integrity import selectors, services
from senim.integrity.models import (
    AppealOutcome,
    CommendationKind,
    ComplaintKind,
    ComplaintSource,
    ComplaintStatus,
    Duty,
    Finding,
    MeasureKind,
    ServiceStatus,
)

PAGE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _refuse(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "integrity/forbidden.html", {"message": message}, status=403)


def _error(error: UseCaseError) -> dict[str, Any]:
    return {
        "status": error.status,
        "field": error.field,
        "message": error.message,
        "more": [{"field": f, "message": m} for f, m in getattr(error, "all", [])[1:]],
    }


def _units(user: User) -> Any:
    qs = Unit.objects.exclude(region=None).exclude(kind="ministry")
    level = scope_level(user)
    if level == "region":
        qs = qs.filter(region_id=user.region_id or 0)
    elif level == "district":
        qs = qs.filter(district_id=user.district_id or 0)
    elif level != "national":
        qs = qs.none()
    return qs.order_by("region__iso", "kind", "name_en")


# --- complaints against officers ------------------------------------------------------------


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.OFFICER_COMPLAINTS):
        return _refuse(request, _("Your role does not work with complaints against officers."))
    today = timezone.localdate()
    filters = selectors.complaint_filters(request.GET)
    page = Paginator(selectors.complaints(user, filters, today=today), PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(c, selectors.is_overdue(c, today)) for c in page]
    return render(
        request,
        "integrity/complaints.html",
        {
            "tab": "complaints",
            "page": page,
            "rows": rows,
            "filters": filters,
            "query": urlencode({k: v for k, v in filters.items() if v}),
            "kinds": ComplaintKind.choices,
            "statuses": ComplaintStatus.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.OFFICER_COMPLAINTS):
        return _refuse(request, _("Your role does not work with complaints against officers."))
    from senim.integrity.views_intake import prefill

    raw = request.POST.get("portal") if request.method == "POST" else request.GET.get("portal")
    filled, portal = prefill(user, raw) if raw else ({}, None)
    context: dict[str, Any] = {
        "tab": "complaints",
        "form": request.POST if request.method == "POST" else filled or _prefill(request),
        "portal": portal,
        "kinds": ComplaintKind.choices,
        "sources": ComplaintSource.choices,
        "units": _units(user),
        "today": timezone.localdate(),
    }
    if request.method == "POST":
        try:
            complaint = services.complaint_register(user=user, form=request.POST)
        except UseCaseError as error:
            context["error"] = _error(error)
            return render(request, "integrity/complaint_form.html", context, status=error.status)
        return redirect("integrity-complaint", pk=complaint.pk)
    return render(request, "integrity/complaint_form.html", context)


def _prefill(request: HttpRequest) -> dict[str, str]:
    """A complaint from an appeal of the register: its number, source, day and the district's
    police department filled in (the service checks them again on submit)."""
    keys = ("appeal", "source", "received_on", "unit")
    return {k: str(request.GET.get(k, ""))[:20] for k in keys if request.GET.get(k)}


@login_required
def appeal_queue(request: HttpRequest) -> HttpResponse:
    """Appeals about the police in the register not yet registered as complaints."""
    user = _user(request)
    if not can(user, Perm.OFFICER_COMPLAINTS):
        return _refuse(request, _("Your role does not work with complaints against officers."))
    period = request.GET.get("period", "90")
    period = period if period in ("90", "365", "all") else "90"
    since = None if period == "all" else timezone.now() - dt.timedelta(days=int(period))
    page = Paginator(selectors.appeals_to_register(user, since=since), PAGE).get_page(
        request.GET.get("page")
    )
    departments = dict(
        Unit.objects.filter(kind="district_department", district__isnull=False).values_list(
            "district_id", "pk"
        )
    )
    rows = []
    for appeal in page:
        source = "e_otinish" if appeal.channel == "e_otinish" else "appeal"
        query = {
            "appeal": appeal.pk,
            "source": source,
            "received_on": timezone.localdate(appeal.received_at).isoformat(),
            "unit": departments.get(appeal.district_id, ""),
        }
        rows.append((appeal, urlencode({k: v for k, v in query.items() if v != ""})))
    return render(
        request,
        "integrity/appeal_queue.html",
        {
            "tab": "complaints",
            "page": page,
            "rows": rows,
            "period": period,
            "query": urlencode({"period": period}),
        },
    )


def _complaint_context(user: User, complaint: Any) -> dict[str, Any]:
    today = timezone.localdate()
    # The complainant is shown to the complaint's workers only, and each look is logged.
    audit.record_read(complaint, actor=user.get_username(), purpose="complaint against officers")
    return {
        "tab": "complaints",
        "complaint": complaint,
        "officers": list(complaint.officers.select_related("officer", "unit")),
        "measures": list(complaint.measures.select_related("officer__officer")),
        "steps": selectors.timeline(complaint),
        "overdue": selectors.is_overdue(complaint, today),
        "today": today,
        "findings": Finding.choices,
        "measure_kinds": MeasureKind.choices,
        "check_days": services.CHECK_DAYS,
        "answer_days": services.ANSWER_WORKING_DAYS,
    }


@login_required
@require_http_methods(["GET", "POST"])
def complaint_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.OFFICER_COMPLAINTS):
        return _refuse(request, _("Your role does not work with complaints against officers."))
    complaint = services.complaints_in_scope(user).filter(pk=pk).first()
    if complaint is None:
        raise Http404(_("No such complaint in your territory."))
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "check":
                services.complaint_start_check(user=user, pk=pk)
            elif action == "finding":
                services.complaint_record_finding(user=user, pk=pk, form=request.POST)
            elif action == "close":
                services.complaint_close(user=user, pk=pk)
            elif action == "measure":
                services.measure_impose(user=user, form={**request.POST.dict(), "complaint": pk})
            else:
                raise Http404(_("Unknown action."))
        except UseCaseError as error:
            complaint.refresh_from_db()
            context = _complaint_context(user, complaint)
            context.update(error=_error(error), form=request.POST, action=action)
            return render(request, "integrity/complaint.html", context, status=error.status)
        return redirect("integrity-complaint", pk=pk)
    return render(request, "integrity/complaint.html", _complaint_context(user, complaint))


# --- officers' files ------------------------------------------------------------------------


@login_required
def officer_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.STAFF):
        return _refuse(request, _("Your role does not open officers' files."))
    today = timezone.localdate()
    filters = selectors.officer_filters(request.GET)
    page = Paginator(selectors.officers(user, filters, today=today), PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "integrity/officers.html",
        {
            "tab": "officers",
            "page": page,
            "filters": filters,
            "query": urlencode({k: v for k, v in filters.items() if v}),
            "duties": Duty.choices,
            "statuses": ServiceStatus.choices,
            "today": today,
        },
    )


def _officer_context(user: User, officer: Any) -> dict[str, Any]:
    today = timezone.localdate()
    audit.record_read(officer, actor=user.get_username(), purpose="officer's file")
    return {
        "tab": "officers",
        "officer": officer,
        "file": selectors.officer_file(officer, today=today),
        "today": today,
        "can_discipline": can(user, Perm.DISCIPLINE),
        "can_complaints": can(user, Perm.OFFICER_COMPLAINTS),
        "measure_kinds": MeasureKind.choices,
        "commendation_kinds": CommendationKind.choices,
        "appeal_outcomes": AppealOutcome.choices,
    }


@login_required
@require_http_methods(["GET"])
def officer_page(request: HttpRequest, badge: str) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.STAFF):
        return _refuse(request, _("Your role does not open officers' files."))
    officer = services.files_in_scope(user).filter(officer__badge_number=badge).first()
    if officer is None:
        raise Http404(_("No such officer in your territory."))
    return render(request, "integrity/officer.html", _officer_context(user, officer))


@login_required
@require_POST
def officer_action(request: HttpRequest, badge: str) -> HttpResponseBase:
    """Discipline on the officer's file: a measure, an appeal against one, a commendation."""
    user = _user(request)
    if not can(user, Perm.DISCIPLINE):
        return _refuse(request, _("Your role does not impose disciplinary measures."))
    officer = services.files_in_scope(user).filter(officer__badge_number=badge).first()
    if officer is None:
        raise Http404(_("No such officer in your territory."))
    action = request.POST.get("action", "")
    form = {**request.POST.dict(), "officer": badge}
    try:
        if action == "measure":
            services.measure_impose(user=user, form=form)
        elif action == "appeal":
            services.measure_appeal(user=user, pk=services.whole(form.get("measure")), form=form)
        elif action == "commendation":
            services.commendation_give(user=user, form=form)
        else:
            raise Http404(_("Unknown action."))
    except UseCaseError as error:
        officer.refresh_from_db()
        context = _officer_context(user, officer)
        context.update(error=_error(error), form=request.POST, action=action)
        return render(request, "integrity/officer.html", context, status=error.status)
    return redirect("integrity-officer", badge=badge)
