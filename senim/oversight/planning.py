"""Visit plans that keep every institution visited at least once in four years, and the coverage
report of institutions never or not recently visited.

An institution's deadline is four years after its last visit (by any group), or after its
inclusion in the register if it was never visited. A group's plan for a year must contain
every institution of its region whose deadline falls in or before that year; the council
(which "defines the visit plan", seed 004 §6) cannot approve a plan that leaves one out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core.models import User
from senim.oversight import access as scope
from senim.oversight.errors import Forbidden, Invalid, NotFound
from senim.oversight.models import (
    NPM_VISITING,
    Body,
    BodyKind,
    Institution,
    PlannedVisit,
    PlanStatus,
    VisitPlan,
)

CYCLE_YEARS = 4


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class CoverageRow:
    institution: Institution
    last_visit: dt.date | None
    deadline: dt.date
    status: str  # "never" | "overdue" | "due" (this year) | "covered"


STATUSES = ("never", "overdue", "due", "covered")


def status_label(status: str) -> str:
    return {
        "never": _("never visited"),
        "overdue": _("not visited for four years"),
        "due": _("due this year"),
        "covered": _("visited within four years"),
    }[status]


def _last_visits(institutions: QuerySet[Institution], day: dt.date) -> QuerySet[Institution]:
    """Active institutions with their last NPM visit on or before `day`: the four-year cycle is
    the NPM groups' duty, so the Ombudsman's and the representatives' visits do not count."""
    last = Max(
        "visits__visited_on",
        filter=Q(visits__visited_on__lte=day, visits__group__kind__in=NPM_VISITING),
    )
    return institutions.filter(active=True).annotate(last_visit=last)


def coverage(*, user: User, as_of: dt.date | None = None) -> list[CoverageRow]:
    """Every active institution the caller may read, with its last visit and deadline."""
    access = scope.access_for(user)
    day = as_of or timezone.localdate()
    rows = []
    for inst in _last_visits(scope.institutions(access), day).order_by(
        "facility__region__iso", "code"
    ):
        last: dt.date | None = inst.last_visit  # type: ignore[attr-defined]
        deadline = add_years(last or inst.included_on, CYCLE_YEARS)
        if last is None:
            status = "never"
        elif deadline <= day:
            status = "overdue"
        elif deadline.year == day.year:
            status = "due"
        else:
            status = "covered"
        rows.append(CoverageRow(inst, last, deadline, status))
    return rows


def coverage_summary(rows: list[CoverageRow]) -> dict[str, int]:
    counts = Counter(r.status for r in rows)
    return {s: counts.get(s, 0) for s in STATUSES} | {"total": len(rows)}


def required(group: Body, year: int) -> list[Institution]:
    """The group's institutions whose four-year deadline falls in or before `year`."""
    end = dt.date(year, 12, 31)
    found = Institution.objects.filter(facility__region=group.region)
    return [
        i
        for i in _last_visits(found, end).order_by("code")
        if add_years(i.last_visit or i.included_on, CYCLE_YEARS) <= end  # type: ignore[attr-defined]
    ]


def _plan(access: scope.Access, plan_id: int) -> VisitPlan:
    plan = VisitPlan.objects.select_related("group__region").filter(pk=plan_id).first()
    if plan is None or not scope.visible(access, plan):
        raise NotFound("plan", _("No such plan in your groups."))
    return plan


def _editable(access: scope.Access, plan: VisitPlan) -> None:
    if not access.may_record(plan.group):
        raise Forbidden("plan", _("Only the group's members and the council edit its plan."))
    if plan.status != PlanStatus.DRAFT:
        raise Invalid("plan", _("An approved plan is not changed."))


def propose_plan(*, user: User, group_id: int, year: int) -> VisitPlan:
    """The draft plan of a group and year, with every institution that must be visited in it."""
    access = scope.access_for(user)
    group = Body.objects.filter(pk=group_id, kind=BodyKind.GROUP).first()
    ids = access.group_ids()
    if group is None or (ids is not None and group.pk not in ids):
        raise NotFound("group", _("No such group."))
    if not access.may_record(group):
        raise Forbidden("group", _("Only the group's members and the council edit its plan."))
    with transaction.atomic():
        plan, _created = VisitPlan.objects.get_or_create(group=group, year=year)
        if plan.status != PlanStatus.DRAFT:
            raise Invalid("plan", _("An approved plan is not changed."))
        have = set(plan.entries.values_list("institution_id", flat=True))
        PlannedVisit.objects.bulk_create(
            [
                PlannedVisit(plan=plan, institution=i)
                for i in required(group, year)
                if i.pk not in have
            ]
        )
    return plan


def add_to_plan(
    *, user: User, plan_id: int, institution_id: int, month: int | None = None
) -> PlannedVisit:
    access = scope.access_for(user)
    plan = _plan(access, plan_id)
    _editable(access, plan)
    inst = Institution.objects.filter(pk=institution_id, active=True).first()
    if inst is None or inst.facility.region_id != plan.group.region_id:
        raise Invalid("institution", _("The institution is outside this group's region."))
    if month is not None and not 1 <= month <= 12:
        raise Invalid("month", _("A month is 1 to 12."))
    with transaction.atomic():
        entry, _created = PlannedVisit.objects.update_or_create(
            plan=plan, institution=inst, defaults={"month": month}
        )
    return entry


def remove_from_plan(*, user: User, plan_id: int, institution_id: int) -> None:
    access = scope.access_for(user)
    plan = _plan(access, plan_id)
    _editable(access, plan)
    with transaction.atomic():
        plan.entries.filter(institution_id=institution_id).delete()


def missing(plan: VisitPlan) -> list[Institution]:
    planned = set(plan.entries.values_list("institution_id", flat=True))
    return [i for i in required(plan.group, plan.year) if i.pk not in planned]


def approve_plan(*, user: User, plan_id: int) -> VisitPlan:
    """Approve a draft; refused while an institution would go four years without a visit."""
    access = scope.access_for(user)
    plan = _plan(access, plan_id)
    if not access.council:
        raise Forbidden("plan", _("The coordination council approves visit plans."))
    if plan.status != PlanStatus.DRAFT:
        raise Invalid("plan", _("The plan is already approved."))
    left_out = missing(plan)
    if left_out:
        codes = ", ".join(i.code for i in left_out[:10])
        raise Invalid(
            "entries",
            _(
                "%(n)s institutions would go more than four years without a visit and are not "
                "in the plan: %(codes)s"
            )
            % {"n": len(left_out), "codes": codes + (" …" if len(left_out) > 10 else "")},
        )
    with transaction.atomic():
        plan.status = PlanStatus.APPROVED
        plan.approved_at = timezone.now()
        plan.save(update_fields=["status", "approved_at"])
    return plan
