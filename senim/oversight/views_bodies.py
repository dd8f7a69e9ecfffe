"""The visiting bodies' page (the NPM groups, the Ombudsman, the regional representatives side by
side, and one body's visits and recommendations by agency), and recording a sanction that
followed a recommendation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from senim.oversight import bodies, web
from senim.oversight.errors import Invalid, OversightError
from senim.oversight.models import BodyKind, SanctionKind


@login_required
def page(request: HttpRequest) -> HttpResponse:
    acc = web.access(request)
    try:
        year = web.year(request.GET, web.latest_year(acc))
        kind = request.GET.get("body", BodyKind.REPRESENTATIVE)
        if kind not in bodies.VISITING:
            raise Invalid("body", _("Unknown visiting body."))
    except OversightError as error:
        return web.fail(request, error, reverse("npm-home"))
    user = web.user_of(request)
    lines = bodies.by_body(user=user, year=year)
    today = timezone.localdate()
    context = {
        **web.nav("bodies", acc),
        "year": year,
        "years": list(range(today.year, today.year - 6, -1)),
        "lines": lines,
        "sanction_kinds": SanctionKind.choices,
        "all_visits": bodies.all_visits(user=user, year=year),
        "body": kind,
        "body_label": bodies.body_label(kind),
        "bodies": bodies.body_choices(),
        "agencies": bodies.by_agency(user=user, year=year, kind=kind),
    }
    return render(request, "oversight/bodies.html", context)


@login_required
@require_POST
def sanction_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A sanction under recommendation `pk`; back to its visit, or to the list if unknown."""
    back = reverse("npm-recommendations")
    try:
        decided_on = web.date(request.POST, "decided_on")
        assert decided_on is not None
        sanction = bodies.add_sanction(
            user=web.user_of(request),
            recommendation_id=pk,
            kind=request.POST.get("kind", ""),
            decided_on=decided_on,
            official=request.POST.get("official", ""),
            note=request.POST.get("note", ""),
        )
    except OversightError as error:
        if error.status == 404:
            messages.error(request, f"{error.field}: {error.message}")
            return HttpResponseRedirect(back)
        visit = bodies.visit_of_recommendation(web.access(request), pk)
        return web.fail(request, error, reverse("npm-visit", args=[visit]) if visit else back)
    messages.success(request, _("The sanction is recorded."))
    return HttpResponseRedirect(
        reverse("npm-visit", args=[sanction.recommendation.visit_id]) + "#recommendations"
    )
