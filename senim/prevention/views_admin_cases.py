"""The inspector's administrative cases: the list, a new case, the case with its timeline."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from senim.core import audit
from senim.core.errors import UseCaseError
from senim.core.permissions import Perm, can
from senim.prevention import admin_cases
from senim.prevention.models import (
    ADMIN_NEXT,
    AdminBody,
    AdminOutcome,
    AdminStatus,
    AdminTerm,
    TerminationReason,
)
from senim.prevention.views import (
    PAGE,
    _error,
    _own_sector,
    _refuse,
    _sector_choices,
    _user,
)
from senim.register.models import Article, CodeKind


def _articles() -> list[Article]:
    return list(Article.objects.filter(code_kind=CodeKind.ADMINISTRATIVE).order_by("code"))


def _terms() -> list[AdminTerm]:
    return list(AdminTerm.objects.all())


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    today = timezone.localdate()
    qs = admin_cases.admin_cases(user)
    status = str(request.GET.get("status", "open"))[:12]
    sector = str(request.GET.get("sector", "")).strip()[:40]
    q = str(request.GET.get("q", "")).strip()[:40]
    overdue = bool(request.GET.get("overdue"))
    if status == "open":
        qs = qs.filter(closed_on__isnull=True)
    elif status in AdminStatus.values:
        qs = qs.filter(status=status)
    else:
        status = "all"
    if sector:
        qs = qs.filter(sector__code=sector)
    if overdue:
        qs = qs.filter(admin_cases.overdue_q(today))
    if q:
        # The protocol's number, or the case's own (AC-000123).
        digits = q.upper().removeprefix("AC-").lstrip("0")
        match = Q(number__icontains=q)
        if digits.isascii() and digits.isdigit() and len(digits) <= 12:
            match |= Q(pk=int(digits))
        qs = qs.filter(match)
    page = Paginator(qs.order_by("-protocol_on", "-pk"), PAGE).get_page(request.GET.get("page"))
    query = urlencode(
        {"status": status, "sector": sector, "q": q} | ({"overdue": 1} if overdue else {})
    )
    return render(
        request,
        "prevention/admin_cases.html",
        {
            "tab": "admin",
            "page": page,
            "today": today,
            "statuses": AdminStatus.choices,
            "sectors": _sector_choices(user),
            "filters": {"status": status, "sector": sector, "q": q, "overdue": overdue},
            "query": query,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    form: dict[str, Any] = request.POST.dict() if request.method == "POST" else {}
    form.setdefault("sector", str(request.GET.get("sector") or _own_sector(user))[:40])
    if "offence" not in form and request.GET.get("offence"):
        form["offence"] = str(request.GET["offence"])[:18]
    form.pop("iin", None)  # an IIN is never sent back to the browser
    error = None
    if request.method == "POST":
        try:
            case = admin_cases.admin_case_open(user=user, form=request.POST)
        except UseCaseError as exc:
            error = _error(exc)
        else:
            return redirect("prevention-admin-case", pk=case.pk)
    return render(
        request,
        "prevention/admin_case_form.html",
        {
            "tab": "admin",
            "form": form,
            "error": error,
            "articles": _articles(),
            "sectors": _sector_choices(user),
            "today": timezone.localdate(),
            "terms": _terms(),
        },
        status=error["status"] if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    error = None
    status = 200
    if request.method == "POST":
        try:
            admin_cases.admin_case_step(user=user, case_id=pk, form=request.POST)
        except UseCaseError as exc:
            error, status = _error(exc), exc.status
        else:
            return redirect("prevention-admin-case", pk=pk)
    case = admin_cases.admin_cases(user).select_related("person", "offence").filter(pk=pk).first()
    if case is None:
        raise Http404(_("No such administrative case in your territory."))
    # The page shows the person, also when it comes back with an error: every showing is a read.
    audit.record_read(case, actor=user.get_username(), purpose="administrative case")
    today = timezone.localdate()
    following = list(ADMIN_NEXT.get(case.status, ()))
    if case.outcome == AdminOutcome.TERMINATED:
        following = [s for s in following if s != AdminStatus.EXECUTED]
    labels = dict(AdminStatus.choices)
    return render(
        request,
        "prevention/admin_case.html",
        {
            "tab": "admin",
            "case": case,
            "steps": list(case.steps.all()),
            "today": today,
            "overdue": case.closed_on is None and case.due_on is not None and case.due_on < today,
            "following": [(s, labels[s]) for s in following],
            "bodies": AdminBody.choices,
            "outcomes": AdminOutcome.choices,
            "reasons": TerminationReason.choices,
            "terms": _terms(),
            "error": error,
            "post": request.POST if error else {},
            "fine_max": admin_cases.FINE_MAX_KZT,
            "arrest_days": admin_cases.ARREST_DAYS,
        },
        status=status,
    )
