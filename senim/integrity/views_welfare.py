"""Welfare pages: rest and rotation reminders (commanders and the psychologist), an officer's
support and screening (the psychologist alone), and the women's share of the staff."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from senim.core import audit
from senim.core.errors import UseCaseError
from senim.core.permissions import Perm, can
from senim.integrity import services, welfare
from senim.integrity.models import SupportKind
from senim.integrity.views import PAGE, _error, _refuse, _user


@login_required
def reminders(request: HttpRequest) -> HttpResponse:
    """Who is due for rest, rotation or (for the psychologist) screening and follow-up."""
    user = _user(request)
    psychologist = can(user, Perm.WELFARE)
    if not (psychologist or can(user, Perm.STAFF)):
        return _refuse(request, _("Your role does not see staff welfare."))
    reasons = (
        welfare.REASONS if psychologist else {k: welfare.REASONS[k] for k in welfare.STAFF_REASONS}
    )
    reason = request.GET.get("reason", "")
    reason = reason if reason in reasons else ""
    rows = welfare.reminders(user, today=timezone.localdate(), with_screening=psychologist)
    if reason:
        rows = [r for r in rows if reason in r.reasons]
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "integrity/welfare.html",
        {
            "tab": "welfare",
            "page": page,
            "reasons": list(reasons.items()),
            "filters": {"reason": reason},
            "query": urlencode({"reason": reason} if reason else {}),
            "psychologist": psychologist,
            "thresholds": {
                "rotation": welfare.ROTATION_YEARS,
                "rest": welfare.NO_REST_DAYS,
                "overtime": welfare.OVERTIME_3M_HOURS,
                "cutoff": welfare.PCL5_CUTOFF,
            },
        },
    )


def _officer_context(user: Any, officer: Any) -> dict[str, Any]:
    audit.record_read(officer, actor=user.get_username(), purpose="welfare record")
    return {
        "tab": "welfare",
        "officer": officer,
        "screenings": list(officer.screenings.all()[:50]),
        "contacts": list(officer.support_contacts.all()[:50]),
        "months": list(officer.duty_months.all()[:12]),
        "kinds": SupportKind.choices,
        "today": timezone.localdate(),
        "cutoff": welfare.PCL5_CUTOFF,
    }


@login_required
@require_http_methods(["GET", "POST"])
def officer_welfare(request: HttpRequest, badge: str) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.WELFARE):
        return _refuse(request, _("Only the psychologist sees an officer's welfare record."))
    officer = services.files_in_scope(user).filter(officer__badge_number=badge).first()
    if officer is None:
        raise Http404(_("No such officer in your territory."))
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "screening":
                welfare.screening_record(user=user, badge=badge, form=request.POST)
            elif action == "contact":
                welfare.contact_record(user=user, badge=badge, form=request.POST)
            else:
                raise Http404(_("Unknown action."))
        except UseCaseError as error:
            context = _officer_context(user, officer)
            context.update(error=_error(error), form=request.POST, action=action)
            return render(request, "integrity/welfare_officer.html", context, status=error.status)
        return redirect("integrity-welfare-officer", badge=badge)
    return render(request, "integrity/welfare_officer.html", _officer_context(user, officer))


@login_required
def staff_balance(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.STAFF):
        return _refuse(request, _("Your role does not open officers' files."))
    return render(
        request,
        "integrity/balance.html",
        {"tab": "balance", **welfare.women_share(user, today=timezone.localdate())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_page(request: HttpRequest) -> HttpResponse:
    """Internal security keeps the anti-corruption programme; the portal publishes it."""
    from senim.integrity import programme
    from senim.integrity.models import MeasureStatus

    user = _user(request)
    if not can(user, Perm.OFFICER_COMPLAINTS):
        return _refuse(request, _("Your role does not keep the anti-corruption programme."))
    context: dict[str, Any] = {"tab": "programme", "statuses": MeasureStatus.choices}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "status":
                programme.measure_status(
                    user=user, pk=services.whole(request.POST.get("measure")), form=request.POST
                )
            else:
                programme.measure_add(user=user, form=request.POST)
        except UseCaseError as error:
            context.update(error=_error(error), form=request.POST)
            context["measures"] = programme.measures(today=timezone.localdate())
            return render(request, "integrity/programme.html", context, status=error.status)
        return redirect("integrity-programme")
    context["measures"] = programme.measures(today=timezone.localdate())
    return render(request, "integrity/programme.html", context)
