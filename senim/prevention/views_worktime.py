"""The inspector's working time: record a day's activities, and the month per inspector."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from senim.core.errors import UseCaseError
from senim.core.permissions import Perm, can
from senim.prevention import admin_cases, worktime
from senim.prevention.models import Activity, TimeEntry
from senim.prevention.views import _error, _refuse, _user


@login_required
@require_http_methods(["GET", "POST"])
def working_time(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    today = timezone.localdate()
    raw_month = str(request.GET.get("month", ""))
    month = worktime.parse_month(raw_month, today=today) if raw_month else today.replace(day=1)
    context: dict[str, Any] = {"tab": "time", "today": today, "activities": Activity.choices}
    status = 200
    if month is None:
        context["error"] = {"field": "month", "message": _month_error(), "more": []}
        month, status = today.replace(day=1), 422
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                raw = str(request.POST.get("entry", ""))
                worktime.remove(user=user, pk=int(raw) if raw.isdigit() and len(raw) < 18 else 0)
            else:
                worktime.record(user=user, form=request.POST)
        except UseCaseError as error:
            context["error"], status = _error(error), error.status
            context["form"] = request.POST
        else:
            query = urlencode({"month": month.strftime("%Y-%m")})
            return redirect(f"{request.path}?{query}")
    end = (month + dt.timedelta(days=32)).replace(day=1)
    mine = (
        TimeEntry.objects.filter(inspector=user, day__gte=month, day__lt=end).order_by("-day", "id")
        if user.sector_id
        else TimeEntry.objects.none()
    )
    earliest = today - dt.timedelta(days=worktime.LATE_DAYS)
    context |= {
        "month": month,
        "previous": (month - dt.timedelta(days=1)).strftime("%Y-%m"),
        "next": end.strftime("%Y-%m") if end <= today else "",
        "mine": [(e, e.day >= earliest) for e in mine],
        "summary": worktime.month_summary(user, month),
        "cases_opened": admin_cases.opened_per_inspector(user, month),
        "records": user.sector_id is not None,
        "earliest": earliest,
        "form": context.get("form", {"day": today.isoformat()}),
    }
    return render(request, "prevention/working_time.html", context, status=status)


def _month_error() -> str:
    return _("The month is YYYY-MM, not after the current month.")
