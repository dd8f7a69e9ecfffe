"""Pages of the partnership: partners, commissions with their decisions, meetings with residents
and their priorities. Thin, like views.py: a broken rule comes back on the same page (422/403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from senim.core.errors import UseCaseError
from senim.core.models import District, Region
from senim.core.permissions import Perm, can
from senim.core.scope import scope_level
from senim.prevention import partnership, sara
from senim.prevention.models import (
    CommissionLevel,
    MeetingKind,
    PartnerKind,
)
from senim.prevention.services import whole
from senim.prevention.views import PAGE, _error, _own_sector, _refuse, _sector_choices, _user

ROWS = range(5)  # empty rows of decisions / priorities a form offers


def _territory(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    level = scope_level(user)
    regions = (
        Region.objects.order_by("iso")
        if level == "national"
        else Region.objects.filter(pk=user.region_id or 0)
    )
    districts = District.objects.filter(region__in=regions).order_by("code")
    if level in {"district", "sector"}:
        districts = districts.filter(pk=user.district_id or 0)
    return {"regions": regions, "districts": districts}


def _page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    write: Callable[[], Any] | None,
    done: Callable[[Any], str],
) -> HttpResponse:
    """GET shows the page; POST runs `write` and redirects to `done(result)`, or shows the error."""
    error = None
    if request.method == "POST" and write is not None:
        try:
            result = write()
        except UseCaseError as exc:
            error = _error(exc)
        else:
            return redirect(done(result))
    context = context | {"error": error, "post": request.POST if error else {}}
    return render(request, template, context, status=error["status"] if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def partner_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    q = request.GET.get("q", "").strip()[:100]
    qs = partnership.partners(user)
    if q:
        qs = qs.filter(name__icontains=q)
    return _page(
        request,
        "prevention/partners.html",
        {
            "tab": "partners",
            "page": Paginator(qs, PAGE).get_page(request.GET.get("page")),
            "q": q,
            "kinds": PartnerKind.choices,
            "today": timezone.localdate(),
            **_territory(request),
        },
        lambda: partnership.partner_add(user=user, form=request.POST),
        lambda _p: reverse("prevention-partners"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def commission_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    return _page(
        request,
        "prevention/commissions.html",
        {
            "tab": "partners",
            "commissions": partnership.commissions(user),
            "levels": CommissionLevel.choices,
            **_territory(request),
        },
        lambda: partnership.commission_add(user=user, form=request.POST),
        lambda c: reverse("prevention-commission", args=[c.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def commission_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    commission = partnership.commissions(user).filter(pk=pk).first()
    if commission is None:
        raise Http404
    if request.POST.get("action") == "decision":
        write: Callable[[], Any] = lambda: partnership.decision_close(  # noqa: E731
            user=user, pk=whole(request.POST.get("decision")), form=request.POST
        )
    else:
        write = lambda: partnership.commission_meeting_add(user=user, pk=pk, form=request.POST)  # noqa: E731
    return _page(
        request,
        "prevention/commission.html",
        {
            "tab": "partners",
            "c": commission,
            "meetings": commission.meetings.prefetch_related("decisions"),
            "rows": ROWS,
            "today": timezone.localdate(),
        },
        write,
        lambda _r: reverse("prevention-commission", args=[pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    qs = partnership.meetings(user).prefetch_related("priorities")
    return _page(
        request,
        "prevention/meetings.html",
        {
            "tab": "meetings",
            "page": Paginator(qs, PAGE).get_page(request.GET.get("page")),
            "kinds": MeetingKind.choices,
            "sectors": _sector_choices(user),
            "own_sector": _own_sector(user),
            "rows": ROWS,
            "today": timezone.localdate(),
        },
        lambda: partnership.resident_meeting_add(user=user, form=request.POST),
        lambda m: reverse("prevention-meeting", args=[m.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    meeting = partnership.meetings(user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return _page(
        request,
        "prevention/meeting.html",
        {
            "tab": "meetings",
            "m": meeting,
            "priorities": meeting.priorities.select_related("problem"),
            "cases": sara.problems(user).filter(sector=meeting.sector),
        },
        lambda: partnership.priority_answer(
            user=user, pk=whole(request.POST.get("priority")), form=request.POST
        ),
        lambda _p: reverse("prevention-meeting", args=[pk]),
    )
