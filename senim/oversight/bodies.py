"""The visiting bodies side by side: the NPM groups, the Ombudsman and the regional
representatives (seed 004 §5 reports the last two apart from the NPM), with the sanctions that
followed their recommendations.

The same Visit and Recommendation rows serve all three; a visit's body is `visit.group.kind`.
Every table here reads only what the caller may see, through senim.oversight.access.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.models import User
from senim.oversight import access as scope
from senim.oversight.categories import AGENCIES, OTHER_AGENCY, agency_label
from senim.oversight.errors import Invalid, NotFound
from senim.oversight.models import (
    OPEN_STATUSES,
    BodyKind,
    Recommendation,
    RecStatus,
    Sanction,
    SanctionKind,
    Visit,
)
from senim.oversight.services import _may_record

# The bodies that visit, in the order the pages show them.
VISITING = (BodyKind.GROUP, BodyKind.OMBUDSMAN, BodyKind.REPRESENTATIVE)


def body_label(kind: str) -> str:
    labels = {
        BodyKind.GROUP.value: _("NPM groups"),
        BodyKind.OMBUDSMAN.value: _("The Ombudsman"),
        BodyKind.REPRESENTATIVE.value: _("Regional representatives"),
    }
    return labels.get(kind, kind)


def body_choices() -> list[tuple[str, str]]:
    return [(k.value, body_label(k)) for k in VISITING]


def visits_of(access: scope.Access, *, year: int, kind: str = "") -> QuerySet[Visit]:
    qs = scope.visits(access).filter(visited_on__year=year)
    return qs.filter(group__kind=kind) if kind else qs


def recommendations_of(
    access: scope.Access, *, year: int, kind: str = ""
) -> QuerySet[Recommendation]:
    qs = scope.recommendations(access).filter(sent_on__year=year)
    return qs.filter(visit__group__kind=kind) if kind else qs


def sanctions_of(access: scope.Access, *, year: int, kind: str = "") -> QuerySet[Sanction]:
    """Sanctions that followed the recommendations of the year's visits."""
    qs = Sanction.objects.filter(
        recommendation__in=scope.recommendations(access),
        recommendation__visit__visited_on__year=year,
    )
    return qs.filter(recommendation__visit__group__kind=kind) if kind else qs


@dataclass(frozen=True)
class BodyLine:
    kind: str
    label: str
    visits: int
    recommendations: int
    implemented: int
    open: int  # sent or in progress: "at the stage of implementation"
    not_implemented: int
    sanctions: dict[str, int]

    @property
    def percent(self) -> float | None:
        return 100.0 * self.implemented / self.recommendations if self.recommendations else None


def by_body(*, user: User, year: int) -> list[BodyLine]:
    """Visits, recommendations by status and sanctions of each visiting body in `year`."""
    access = scope.access_for(user)
    visits = Counter(
        dict(
            visits_of(access, year=year)
            .values_list("group__kind")
            .annotate(n=Count("id"))
            .values_list("group__kind", "n")
        )
    )
    recs = {
        row["visit__group__kind"]: row
        for row in recommendations_of(access, year=year)
        .values("visit__group__kind")
        .annotate(
            n=Count("id"),
            done=Count("id", filter=Q(status=RecStatus.IMPLEMENTED)),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            not_done=Count("id", filter=Q(status=RecStatus.NOT_IMPLEMENTED)),
        )
    }
    sanctions: dict[str, Counter[str]] = {k: Counter() for k in VISITING}
    for kind, sanction, n in (
        sanctions_of(access, year=year)
        .values_list("recommendation__visit__group__kind", "kind")
        .annotate(n=Count("id"))
    ):
        sanctions.setdefault(kind, Counter())[sanction] = n
    lines = []
    for kind in VISITING:
        row: dict[str, Any] = dict(recs.get(kind, {}))
        lines.append(
            BodyLine(
                kind=kind,
                label=body_label(kind),
                visits=visits.get(kind, 0),
                recommendations=row.get("n", 0),
                implemented=row.get("done", 0),
                open=row.get("open", 0),
                not_implemented=row.get("not_done", 0),
                sanctions={s: sanctions[kind].get(s, 0) for s in SanctionKind.values},
            )
        )
    return lines


@dataclass(frozen=True)
class AgencyLine:
    code: str
    label: str
    visits: int
    recommendations: int


def by_agency(*, user: User, year: int, kind: str) -> list[AgencyLine]:
    """One body's visits and recommendations by the agency of the institution visited."""
    access = scope.access_for(user)
    visits = Counter(
        dict(
            visits_of(access, year=year, kind=kind)
            .values_list("institution__facility__kind__agency_code")
            .annotate(n=Count("id"))
            .values_list("institution__facility__kind__agency_code", "n")
        )
    )
    recs = Counter(
        dict(
            recommendations_of(access, year=year, kind=kind)
            .values_list("agency")
            .annotate(n=Count("id"))
            .values_list("agency", "n")
        )
    )
    codes = [a.code for a in AGENCIES] + [OTHER_AGENCY]
    codes += sorted((set(visits) | set(recs)) - set(codes))
    return [
        AgencyLine(code, agency_label(code), visits.get(code, 0), recs.get(code, 0))
        for code in codes
        if visits.get(code) or recs.get(code) or code != OTHER_AGENCY
    ]


def all_visits(*, user: User, year: int) -> int:
    """Visits of the NPM groups, the Ombudsman and the representatives together (seed 004 §5
    adds them up: 1 242 in 2025)."""
    return visits_of(scope.access_for(user), year=year).filter(group__kind__in=VISITING).count()


def visit_of_recommendation(access: scope.Access, recommendation_id: int) -> int | None:
    found = scope.recommendations(access).filter(pk=recommendation_id).values_list("visit_id")
    first = found.first()
    return first[0] if first else None


# --- sanctions -----------------------------------------------------------------------------------


def add_sanction(
    *,
    user: User,
    recommendation_id: int,
    kind: str,
    decided_on: dt.date,
    official: str = "",
    note: str = "",
) -> Sanction:
    """Record what followed a recommendation: a person held liable, or an investigation opened.
    Refusals name the field and come before anything is written."""
    access = scope.access_for(user)
    rec = (
        scope.recommendations(access)
        .filter(pk=recommendation_id)
        .select_related("visit__group")
        .first()
    )
    if rec is None:
        raise NotFound("recommendation", _("No such recommendation in your groups."))
    _may_record(access, rec.visit.group)
    if kind not in SanctionKind.values:
        raise Invalid("kind", _("Unknown kind of sanction."))
    if decided_on > timezone.localdate():
        raise Invalid("decided_on", _("A decision cannot be recorded before it is taken."))
    if decided_on < rec.visit.visited_on:
        raise Invalid("decided_on", _("The decision cannot come before the visit."))
    if len(official) > 300:
        raise Invalid("official", _("At most %(n)s characters.") % {"n": 300})
    if len(note) > 500:
        raise Invalid("note", _("At most %(n)s characters.") % {"n": 500})
    with transaction.atomic():
        sanction = Sanction.objects.create(
            recommendation=rec,
            kind=kind,
            decided_on=decided_on,
            official=official.strip(),
            note=note.strip(),
            created_by=user.get_username(),
        )
        audit.record(
            action="sanction",
            model="oversight.Sanction",
            object_pk=sanction.pk,
            details={"recommendation": rec.pk, "kind": kind},
        )
    return sanction
