"""Internal security's queue of complaints sent through the public portal."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from senim.core.errors import UseCaseError
from senim.core.models import Unit, User
from senim.core.permissions import Perm, can
from senim.integrity import intake
from senim.integrity.models import DeclineReason, PortalComplaint
from senim.integrity.services import whole
from senim.integrity.views import PAGE, _error, _refuse, _user


def _department(item: PortalComplaint) -> int | str:
    """The police department of the district named (else the region's), as the form's guess."""
    units = Unit.objects.filter(region_id=item.region_id)
    if item.district_id:
        found = units.filter(kind="district_department", district_id=item.district_id).first()
        if found is not None:
            return found.pk
    found = units.filter(kind="regional_department").first()
    return found.pk if found is not None else ""


def register_link(item: PortalComplaint) -> str:
    query: dict[str, str | int] = {
        "portal": item.pk,
        "source": "portal",
        "kind": item.kind,
        "received_on": timezone.localdate(item.received_at).isoformat(),
        "unit": _department(item),
    }
    return urlencode({k: v for k, v in query.items() if v != ""})


def prefill(user: User, raw: object) -> tuple[dict[str, str], PortalComplaint | None]:
    """The registration form filled from a waiting portal complaint (read server-side, so the
    complainant's name never travels in a URL); nothing when it is not the user's to register."""
    try:
        item = intake.for_register(user, whole(raw))
    except UseCaseError:
        return {}, None
    return {
        "portal": str(item.pk),
        "source": "portal",
        "kind": item.kind,
        "received_on": timezone.localdate(item.received_at).isoformat(),
        "unit": str(_department(item)),
        "summary": item.summary,
        "complainant_name": item.complainant_name,
        "complainant_contact": item.complainant_contact,
    }, item


@login_required
def portal_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.OFFICER_COMPLAINTS):
        return _refuse(request, _("Your role does not work with complaints against officers."))
    page = Paginator(intake.waiting(user), PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows: list[tuple[PortalComplaint, str, int]] = [
        (item, register_link(item), (today - timezone.localdate(item.received_at)).days)
        for item in page
    ]
    context: dict[str, Any] = {
        "tab": "complaints",
        "page": page,
        "rows": rows,
        "reasons": DeclineReason.choices,
        "query": "",
    }
    return render(request, "integrity/portal_queue.html", context)


@login_required
@require_POST
def portal_decline(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _user(request)
    try:
        intake.decline(user=user, pk=pk, form=request.POST)
    except UseCaseError as error:
        page = Paginator(intake.waiting(user) if can(user, Perm.OFFICER_COMPLAINTS) else [], PAGE)
        context = {
            "tab": "complaints",
            "page": page.get_page(1),
            "rows": [(i, register_link(i), 0) for i in page.get_page(1)],
            "reasons": DeclineReason.choices,
            "error": _error(error),
            "query": "",
        }
        return render(request, "integrity/portal_queue.html", context, status=error.status)
    return redirect("integrity-portal-queue")
