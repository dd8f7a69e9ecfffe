"""Reads of the operational centres: the level a user works at, its live queue, units and alerts.

A level is the Centre (the whole country), an oblast or a district; a user opens their own level
and any level below it inside their scope. The queue reads only open calls (the partial index
`appeal_open`), so it costs the same however long the register grows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from senim.core.errors import Forbidden, NotFound
from senim.core.models import District, Region, User
from senim.core.scope import scope_level
from senim.ops.models import AlertStage, CallAlert, PatrolUnit
from senim.ops.targets import warn_share
from senim.register.models import (
    OPEN_APPEAL_STATUSES,
    Appeal,
    AppealCategory,
    AppealStatus,
    Channel,
    Grade,
)

QUEUE_ROWS = 200


@dataclass(frozen=True)
class Level:
    kind: str  # "national" | "region" | "district"
    region: Region | None = None
    district: District | None = None

    @property
    def name(self) -> str:
        if self.district is not None:
            return self.district.name
        if self.region is not None:
            return self.region.name
        return _("Republic of Kazakhstan")

    @property
    def title(self) -> str:
        return {
            "national": pgettext("operational level", "Centre"),
            "region": _("Oblast centre"),
            "district": _("District centre"),
        }[self.kind]

    def query(self) -> str:
        if self.district is not None:
            return f"district={self.district.code}"
        if self.region is not None:
            return f"region={self.region.iso}"
        return ""

    def filter(self, qs: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
        if self.district is not None:
            return qs.filter(**{f"{prefix}district_id": self.district.pk})
        if self.region is not None:
            return qs.filter(**{f"{prefix}region_id": self.region.pk})
        return qs


def level_for(user: User, *, region: str = "", district: str = "") -> Level:
    """The level asked for, or the user's own; Forbidden above or beside their scope."""
    own = scope_level(user)
    if district:
        d = District.objects.select_related("region").filter(code=district).first()
        if d is None:
            raise NotFound("district", _("Unknown district."))
        if (own in {"district", "sector"} and user.district_id != d.pk) or (
            own == "region" and user.region_id != d.region_id
        ):
            raise Forbidden("district", _("This district is outside your scope."))
        if own == "none":
            raise Forbidden("district", _("Your account has no territorial scope."))
        return Level("district", d.region, d)
    if region:
        r = Region.objects.filter(iso=region).first()
        if r is None:
            raise NotFound("region", _("Unknown region."))
        if own in {"district", "sector"}:
            raise Forbidden("region", _("A district centre sees its own district only."))
        if own == "none" or (own == "region" and user.region_id != r.pk):
            raise Forbidden("region", _("This region is outside your scope."))
        return Level("region", r)
    if own in {"district", "sector"}:
        d = District.objects.select_related("region").get(pk=user.district_id or 0)
        return Level("district", d.region, d)
    if own == "region":
        return Level("region", Region.objects.get(pk=user.region_id or 0))
    if own == "national":
        return Level("national")
    raise Forbidden("", _("Your account has no territorial scope."))


@dataclass(frozen=True)
class Clock:
    """Where a call stands against its target."""

    state: str  # new | ok | warning | breached | met | missed | none
    due_at: dt.datetime | None
    warn_at: dt.datetime | None
    stopped_at: dt.datetime | None

    @property
    def running(self) -> bool:
        return self.due_at is not None and self.stopped_at is None


def clock(appeal: Appeal, now: dt.datetime, grade: Grade | None = None) -> Clock:
    grade = grade if grade is not None else appeal.grade
    due = appeal.due_at
    if due is None:
        return Clock("new" if appeal.grade_id is None else "none", None, None, None)
    warn_at = appeal.received_at + (due - appeal.received_at) * warn_share()
    # A unit's arrival meets a grade that sends one; otherwise the call's closing does.
    stopped = appeal.arrived_at if (grade is not None and grade.needs_unit) else appeal.closed_at
    if stopped is not None:
        return Clock("met" if stopped <= due else "missed", due, warn_at, stopped)
    if now >= due:
        state = "breached"
    elif now >= warn_at:
        state = "warning"
    else:
        state = "ok"
    if appeal.grade_id is None and state == "ok":
        state = "new"
    return Clock(state, due, warn_at, None)


def open_calls(level: Level) -> QuerySet[Appeal]:
    return level.filter(Appeal.objects.filter(status__in=sorted(OPEN_APPEAL_STATUSES)))


@dataclass
class QueueRow:
    appeal: Appeal
    clock: Clock
    unit: str
    # Labels in the request's language, looked up once per page: Django's get_FOO_display
    # rebuilds and translates the choices on every call (a third of a 200-row page's time).
    category_label: str = ""
    channel_label: str = ""
    status_label: str = ""


@dataclass
class Queue:
    level: Level
    rows: list[QueueRow]
    total_open: int
    by_status: dict[str, int]
    overdue: int
    warning: int
    alerts_open: int
    signature: str  # changes whenever anything shown changes: the ETag of the page


def queue(level: Level, *, now: dt.datetime | None = None, limit: int = QUEUE_ROWS) -> Queue:
    """Open calls sorted by grade (new calls first, written appeals last) and time left."""
    now = now or timezone.now()
    grades = {g.pk: g for g in Grade.objects.all()}
    labels = {
        "category": {v: str(label) for v, label in AppealCategory.choices},
        "channel": {v: str(label) for v, label in Channel.choices},
        "status": {v: str(label) for v, label in AppealStatus.choices},
    }
    base = open_calls(level)
    rows_qs = (
        base.select_related("district", "region")
        .order_by("priority", "due_at", "received_at", "id")
        .only(
            "id",
            "external_id",
            "source_system",
            "channel",
            "category",
            "status",
            "received_at",
            "grade_id",
            "graded_at",
            "dispatched_at",
            "en_route_at",
            "arrived_at",
            "closed_at",
            "due_at",
            "priority",
            "lat",
            "lon",
            "address",
            "warnings",
            "district__name_kk",
            "district__name_ru",
            "district__name_en",
            "district__code",
            "region__name_kk",
            "region__name_ru",
            "region__name_en",
            "region__iso",
            "region_id",
            "district_id",
        )[:limit]
    )
    appeals = list(rows_qs)
    units = dict(
        PatrolUnit.objects.filter(appeal_id__in=[a.pk for a in appeals]).values_list(
            "appeal_id", "call_sign"
        )
    )
    rows = []
    for a in appeals:
        a.grade = grades.get(a.grade_id) if a.grade_id else None  # type: ignore[assignment]
        rows.append(
            QueueRow(
                a,
                clock(a, now),
                units.get(a.pk, ""),
                labels["category"].get(a.category, a.category),
                labels["channel"].get(a.channel, a.channel),
                labels["status"].get(a.status, a.status),
            )
        )
    by_status = dict(base.values_list("status").annotate(n=Count("id")).order_by())
    running = base.filter(due_at__isnull=False).filter(
        Q(arrived_at__isnull=True) | Q(grade__needs_unit=False)
    )
    overdue = running.filter(due_at__lte=now).count()
    alerts_open = level.filter(
        CallAlert.objects.filter(
            acknowledged_at__isnull=True, appeal__status__in=sorted(OPEN_APPEAL_STATUSES)
        )
    ).count()
    warning = sum(1 for r in rows if r.clock.state == "warning")
    digest = hashlib.blake2b(digest_size=12)
    for r in rows:
        digest.update(
            f"{r.appeal.pk}:{r.appeal.status}:{r.appeal.grade_id}:{r.appeal.due_at}:{r.unit}:"
            f"{r.clock.state};".encode()
        )
    digest.update(f"{sorted(by_status.items())}:{overdue}:{alerts_open}".encode())
    return Queue(
        level=level,
        rows=rows,
        total_open=sum(by_status.values()),
        by_status=by_status,
        overdue=overdue,
        warning=warning,
        alerts_open=alerts_open,
        signature=digest.hexdigest(),
    )


def units_of(level: Level) -> QuerySet[PatrolUnit]:
    return level.filter(
        PatrolUnit.objects.select_related("district", "appeal", "crew_lead")
    ).order_by("district__code", "call_sign")


def alerts_of(level: Level, *, open_only: bool = True) -> QuerySet[CallAlert]:
    qs = level.filter(CallAlert.objects.select_related("appeal", "district"))
    if open_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def alert_counts(level: Level, since: dt.datetime) -> dict[str, int]:
    rows = (
        level.filter(CallAlert.objects.filter(created_at__gte=since))
        .values_list("stage")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {stage: 0 for stage in AlertStage.values}
    counts.update(dict(rows))
    return counts
