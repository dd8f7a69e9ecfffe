"""Reads of the integrity app: lists with their filters, an officer's file, a complaint's
timeline. Scoped by the reader's territory; reads of person-level records are audit-logged by
the caller (the view), which knows why it reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from senim.core.models import User
from senim.integrity.models import (
    ComplaintKind,
    ComplaintStatus,
    Duty,
    OfficerComplaint,
    OfficerFile,
    ServiceStatus,
)
from senim.integrity.services import complaints_in_scope, files_in_scope

OPEN = (ComplaintStatus.REGISTERED, ComplaintStatus.CHECK)


def _text(value: object, limit: int = 40) -> str:
    return str(value or "").strip()[:limit]


def complaint_filters(params: Any) -> dict[str, str]:
    return {
        "q": _text(params.get("q")),
        "kind": _text(params.get("kind")) if params.get("kind") in ComplaintKind.values else "",
        "status": _text(params.get("status"))
        if params.get("status") in (*ComplaintStatus.values, "open")
        else "",
        "overdue": "1" if params.get("overdue") == "1" else "",
    }


def complaints(
    user: User, filters: dict[str, str], *, today: dt.date
) -> QuerySet[OfficerComplaint]:
    qs = complaints_in_scope(user).prefetch_related("officers__officer")
    if filters["kind"]:
        qs = qs.filter(kind=filters["kind"])
    if filters["status"] == "open":
        qs = qs.filter(status__in=OPEN)
    elif filters["status"]:
        qs = qs.filter(status=filters["status"])
    if filters["overdue"]:
        qs = qs.filter(overdue_q(today))
    q = filters["q"]
    if q:
        number = q.upper().removeprefix("IC-").lstrip("0")
        match = Q(officers__officer__badge_number__iexact=q)
        if number.isdigit():
            match |= Q(pk=int(number))
        qs = qs.filter(match).distinct()
    return qs


def overdue_q(today: dt.date) -> Q:
    """Open past its answer term, or in a check past the check's term."""
    return Q(status=ComplaintStatus.REGISTERED, answer_due__lt=today) | Q(
        status=ComplaintStatus.CHECK, check_due__lt=today
    )


def is_overdue(complaint: OfficerComplaint, today: dt.date) -> bool:
    if complaint.status == ComplaintStatus.REGISTERED:
        return complaint.answer_due < today
    if complaint.status == ComplaintStatus.CHECK:
        return bool(complaint.check_due and complaint.check_due < today)
    return False


@dataclass(frozen=True)
class Step:
    label: Any
    at: dt.datetime | dt.date | None
    done: bool


def timeline(complaint: OfficerComplaint) -> list[Step]:
    return [
        Step(pgettext_lazy("officer complaint", "registered"), complaint.received_at, True),
        Step(
            _("internal check started"),
            complaint.check_started_at,
            bool(complaint.check_started_at),
        ),
        Step(_("finding made"), complaint.finding_at, bool(complaint.finding_at)),
        Step(
            pgettext_lazy("officer complaint", "closed"),
            complaint.closed_at,
            bool(complaint.closed_at),
        ),
    ]


def officer_filters(params: Any) -> dict[str, str]:
    return {
        "q": _text(params.get("q"), 20),
        "duty": _text(params.get("duty")) if params.get("duty") in Duty.values else "",
        "status": _text(params.get("status"))
        if params.get("status") in ServiceStatus.values
        else "",
    }


def officers(user: User, filters: dict[str, str], *, today: dt.date) -> QuerySet[OfficerFile]:
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=365), dt.time.min))
    qs = files_in_scope(user).annotate(
        complaints_year=Count("complaints", filter=Q(complaints__received_at__gte=since))
    )
    if filters["q"]:
        qs = qs.filter(officer__badge_number__icontains=filters["q"])
    if filters["duty"]:
        qs = qs.filter(duty=filters["duty"])
    if filters["status"]:
        qs = qs.filter(status=filters["status"])
    return qs.order_by("officer__badge_number")


def years_between(start: dt.date, end: dt.date) -> float:
    return round((end - start).days / 365.25, 1)


def officer_file(officer: OfficerFile, *, today: dt.date) -> dict[str, Any]:
    """Everything of an officer's file a supervisor or internal security reads."""
    months = list(officer.duty_months.all()[:12])
    return {
        "age": today.year - officer.birth_year,
        "years_in_service": years_between(officer.service_since, today),
        "years_in_post": years_between(officer.post_since, today),
        "complaints": list(
            officer.complaints.select_related("unit").order_by("-received_at")[:100]
        ),
        "measures": list(officer.measures.select_related("complaint")[:100]),
        "commendations": list(officer.commendations.all()[:100]),
        "trainings": list(officer.trainings.all()[:100]),
        "months": months,
        "overtime_year": sum(m.overtime_hours for m in months),
        "sick_year": sum(m.sick_days for m in months),
        "longest_without_rest": max((m.longest_without_rest for m in months), default=0),
        "human_rights_trained": officer.trainings.filter(course="human_rights").exists(),
    }


def appeals_to_register(user: User, *, since: dt.datetime | None) -> Any:
    """The register's appeals about the police in the user's territory that no complaint
    against officers stands for yet, newest first."""
    from senim.register.services import appeals

    linked = OfficerComplaint.objects.exclude(appeal=None).values("appeal_id")
    return appeals(user=user, category="complaint_police", received_from=since).exclude(
        pk__in=linked
    )
