"""Reads of the prevention, always within the user's territory.

`dv_warnings` is the named service the operational centres call for a new call's address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from senim.core.models import Sector, User
from senim.core.scope import scope_level, scoped
from senim.prevention.models import Contact, DvAssessment, DvRiskLevel, Supervision
from senim.register.models import Appeal, Offence

YEAR = dt.timedelta(days=365)
# A third domestic call from one address within twelve months calls for an assessment.
ESCALATION_CALLS = 3
DOMESTIC = "domestic_conflict"


def supervisions(user: User) -> QuerySet[Supervision]:
    return scoped(user, Supervision.objects.select_related("category", "sector", "person"))


def assessments(user: User) -> QuerySet[DvAssessment]:
    return scoped(user, DvAssessment.objects.select_related("level", "computed_level", "sector"))


def sectors_in_scope(user: User) -> QuerySet[Sector]:
    """The sectors of the user's territory (a sector has no region field: go through the
    district)."""
    qs = Sector.objects.select_related("district", "district__region").order_by("code")
    level = scope_level(user)
    if level == "national":
        return qs
    if level == "region":
        return qs.filter(district__region_id=user.region_id or 0)
    if level == "district":
        return qs.filter(district_id=user.district_id or 0)
    if level == "sector":
        return qs.filter(pk=user.sector_id or 0)
    return qs.none()


def with_next_contact(qs: QuerySet[Supervision]) -> QuerySet[Any]:
    """Each supervision with `next_due`: the day of the earliest contact not yet made."""
    return qs.annotate(next_due=Min("contacts__due_on", filter=Q(contacts__done_at__isnull=True)))


@dataclass(frozen=True)
class PlaceRisk:
    """The latest assessment at an address and what happened there since."""

    assessment: DvAssessment
    calls_since: int  # domestic calls from the address after the assessment

    @property
    def reassess_due(self) -> bool:
        return self.calls_since > 0


@dataclass
class Passport:
    """One page of a sector: what the inspector works with and what happened there."""

    sector: Sector
    since: dt.datetime
    offences: dict[str, int] = field(default_factory=dict)  # kind → count, last 12 months
    appeals: dict[str, int] = field(default_factory=dict)  # category → count, last 12 months
    supervised: list[Any] = field(default_factory=list)
    overdue: int = 0
    due_week: int = 0
    risks: list[PlaceRisk] = field(default_factory=list)
    escalations: list[Any] = field(default_factory=list)
    points: list[dict[str, Any]] = field(default_factory=list)


def passport(sector: Sector, *, now: dt.datetime | None = None) -> Passport:
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = now - YEAR
    out = Passport(sector=sector, since=since)
    out.offences = dict(
        Offence.objects.filter(sector=sector, registered_at__gte=since)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    out.appeals = dict(
        Appeal.objects.filter(sector=sector, received_at__gte=since)
        .values_list("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    out.supervised = list(
        with_next_contact(
            Supervision.objects.filter(sector=sector, status="active").select_related(
                "category", "person"
            )
        ).order_by("next_due", "pk")
    )
    open_contacts = Contact.objects.filter(
        supervision__sector=sector, supervision__status="active", done_at__isnull=True
    )
    out.overdue = open_contacts.filter(due_on__lt=today).count()
    out.due_week = open_contacts.filter(
        due_on__gte=today, due_on__lt=today + dt.timedelta(days=7)
    ).count()
    out.risks = place_risks(
        DvAssessment.objects.filter(sector=sector, assessed_at__gte=since), now=now
    )
    assessed = {r.assessment.place_key for r in out.risks}
    out.escalations = [
        row
        for row in Appeal.objects.filter(
            sector=sector, category=DOMESTIC, received_at__gte=since, place_key__isnull=False
        )
        .values("place_key")
        .annotate(n=Count("id"), lat=Min("lat"), lon=Min("lon"), last=Max("received_at"))
        .filter(n__gte=ESCALATION_CALLS)
        .order_by("-n")[:50]
        if row["place_key"] not in assessed
    ]
    return out


def place_risks(qs: QuerySet[DvAssessment], *, now: dt.datetime) -> list[PlaceRisk]:
    """The latest assessment per address, with the domestic calls received there since."""
    latest: dict[int, DvAssessment] = {}
    for a in qs.select_related("level").order_by("place_key", "-assessed_at", "-pk"):
        latest.setdefault(a.place_key, a)
    if not latest:
        return []
    first = min(a.assessed_at for a in latest.values())
    calls: dict[int, list[dt.datetime]] = {}
    for key, at in Appeal.objects.filter(
        place_key__in=list(latest), category=DOMESTIC, received_at__gte=first, received_at__lte=now
    ).values_list("place_key", "received_at"):
        calls.setdefault(int(key or 0), []).append(at)
    risks = [
        PlaceRisk(
            assessment=a,
            calls_since=sum(1 for at in calls.get(key, []) if at > a.assessed_at),
        )
        for key, a in latest.items()
    ]
    return sorted(risks, key=lambda r: (-r.assessment.level.min_score, -r.calls_since))


def dv_warnings(
    place_keys: Iterable[int | None], *, at: dt.datetime | None = None
) -> dict[int, dict[str, Any]]:
    """{place key: {"level": code, "assessment": id}} for addresses whose latest assessment in
    the twelve months before `at` is at the highest level: the operational centres warn on a new
    call from there."""
    keys = {k for k in place_keys if k is not None}
    at = at or timezone.now()
    if not keys:
        return {}
    top = DvRiskLevel.objects.order_by("-min_score").first()
    if top is None:
        return {}
    latest: dict[int, DvAssessment] = {}
    for a in DvAssessment.objects.filter(
        place_key__in=keys, assessed_at__gte=at - YEAR, assessed_at__lte=at
    ).order_by("place_key", "-assessed_at", "-pk"):
        latest.setdefault(a.place_key, a)
    return {
        key: {"level": top.code, "assessment": a.pk}
        for key, a in latest.items()
        if a.level_id == top.pk
    }
