"""A centre's analytics page and the administrator's reference data (targets, grades, terms,
holidays). Thin: parse, authorise, call senim.ops.centre / senim.ops.reference, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from senim.core.calendar import parse_day
from senim.core.errors import Forbidden, Invalid, UseCaseError
from senim.core.models import District, Holiday, Region, User
from senim.core.permissions import Perm, can
from senim.ops import centre, reference, selectors
from senim.ops.models import AreaKind, ResponseTarget
from senim.ops.views import _refuse, watched_level
from senim.register.models import AnswerTerm, Channel, Grade

# Lazy: the labels are read in each request's language, not in the one at import time.
COMPONENT_LABELS = {
    "answer": gettext_lazy("Answering the call"),
    "dispatch": gettext_lazy("Answer to dispatch"),
    "travel": gettext_lazy("Travel"),
    "on_scene": gettext_lazy("On scene"),
    "response": gettext_lazy("Receipt to arrival"),
}


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60.0, 1)


def _period(request: HttpRequest) -> centre.Period:
    default = centre.default_period()
    raw_from, raw_to = request.GET.get("date_from", ""), request.GET.get("date_to", "")
    if not raw_from and not raw_to:
        return default
    start, end = parse_day(raw_from), parse_day(raw_to)
    if start is None or end is None:
        raise Invalid("date_from", _("Give both dates as YYYY-MM-DD."))
    if end < start:
        raise Invalid("date_to", _("The period ends before it starts."))
    if (end - start).days > 366:
        raise Invalid("date_to", _("The period is at most a year."))
    return centre.Period(
        centre.local_midnight(start), centre.local_midnight(end + dt.timedelta(days=1))
    )


@login_required
def analytics_page(request: HttpRequest) -> HttpResponse:
    level = watched_level(request)
    if not isinstance(level, selectors.Level):
        return level
    try:
        period = _period(request)
    except UseCaseError as error:
        return _refuse(request, error)
    loadv = centre.expected_load(level)
    components = [
        {
            "label": COMPONENT_LABELS[c.name],
            "n": c.n,
            "median": _minutes(c.median_s),
            "p90": _minutes(c.p90_s),
        }
        for c in centre.response_components(level, period)
    ]
    league = (
        [
            {
                "name": row.name,
                "n": row.attendance.n,
                "share": None
                if row.attendance.share is None
                else round(100 * row.attendance.share, 1),
                "median": _minutes(row.attendance.median_s),
                "p90": _minutes(row.attendance.p90_s),
            }
            for row in centre.league(level, period)
        ]
        if level.kind != "district"
        else []
    )
    chart = {
        "hours": [f"{h:02d}" for h in loadv.hours.tolist()],
        "observed": loadv.observed.tolist(),
        "expected": [round(x, 2) for x in loadv.expected.tolist()],
        "low": loadv.low.tolist(),
        "high": loadv.high.tolist(),
        "labels": {
            "observed": _("Calls today"),
            "expected": _("Expected"),
            "band": _("Usual range (90 %)"),
        },
    }
    context: dict[str, Any] = {
        "level": level,
        "load": loadv,
        "chart": chart,
        "unusual": [f"{h:02d}:00" for h in loadv.hours[loadv.unusual].tolist()],
        "components": components,
        "league": league,
        "grade": centre.first_grade(),
        "date_from": timezone.localtime(period.start).date(),
        "date_to": timezone.localtime(period.end).date() - dt.timedelta(days=1),
    }
    return render(request, "ops/analytics.html", context)


# --- reference data ------------------------------------------------------------------------------


@login_required
def reference_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not can(user, Perm.REFERENCE):
        return _refuse(request, Forbidden("", _("Only administrators keep the reference data.")))
    error: UseCaseError | None = None
    status = 200
    if request.method == "POST":
        try:
            reference.apply(user=user, form=request.POST)
            messages.success(request, _("Saved."))
            return redirect("ops-reference")
        except UseCaseError as refused:
            error, status = refused, refused.status
    year = timezone.localdate().year
    context = {
        "targets": ResponseTarget.objects.select_related("grade", "region", "district").order_by(
            "grade__rank", "region__iso", "district__code", "area"
        ),
        "grades": Grade.objects.all(),
        "areas": AreaKind.choices,
        "regions": Region.objects.all(),
        "districts": District.objects.select_related("region").order_by("region__iso", "code"),
        "terms": [(t, Channel(t.channel).label) for t in AnswerTerm.objects.all()],
        "holidays": Holiday.objects.filter(day__year__gte=year - 1, day__year__lte=year + 1),
        "error": error,
    }
    return render(request, "ops/reference.html", context, status=status)


__all__ = ["analytics_page", "reference_page", "selectors"]
