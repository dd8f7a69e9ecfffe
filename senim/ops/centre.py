"""A centre's analytic functions: today's load against the expected, the stages of the response,
and the league table of the territories below. Arrays come from the register here; the
arithmetic is senim.analytics.load (pure, tested on its own).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils import timezone

from senim.analytics import load
from senim.core.models import District, Region
from senim.ops.selectors import Level
from senim.register.models import Appeal, Grade

WEEKS = 8


def _seconds(values: list[dt.datetime | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v.timestamp() for v in values], dtype=np.float64)


def _local_seconds(values: list[dt.datetime]) -> np.ndarray:
    out = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        local = timezone.localtime(v)
        out[i] = int(v.timestamp()) + int(local.utcoffset().total_seconds())  # type: ignore[union-attr]
    return out


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def expected_load(level: Level, *, day: dt.date | None = None) -> load.ExpectedLoad:
    """Calls per hour of `day` (today) against the same weekday of the eight weeks before."""
    day = day or timezone.localdate()
    start = local_midnight(day)
    base = level.filter(Appeal.objects.all())
    today = list(
        base.filter(
            received_at__gte=start, received_at__lt=start + dt.timedelta(days=1)
        ).values_list("received_at", flat=True)
    )
    windows = [
        Q(
            received_at__gte=start - dt.timedelta(weeks=k),
            received_at__lt=start - dt.timedelta(weeks=k) + dt.timedelta(days=1),
        )
        for k in range(1, WEEKS + 1)
    ]
    history = list(base.filter(reduce(or_, windows)).values_list("received_at", flat=True))
    day_start = int(start.timestamp()) + int(timezone.localtime(start).utcoffset().total_seconds())  # type: ignore[union-attr]
    return load.expected_hourly(
        _local_seconds(today), _local_seconds(history), day_start=day_start, weeks=WEEKS
    )


@dataclass(frozen=True)
class Period:
    start: dt.datetime
    end: dt.datetime  # exclusive


def default_period(now: dt.datetime | None = None, days: int = 30) -> Period:
    now = now or timezone.now()
    end = local_midnight(timezone.localtime(now).date() + dt.timedelta(days=1))
    return Period(end - dt.timedelta(days=days), end)


def response_components(level: Level, period: Period) -> list[load.Component]:
    rows = list(
        level.filter(
            Appeal.objects.filter(received_at__gte=period.start, received_at__lt=period.end)
        )
        .filter(dispatched_at__isnull=False)
        .values_list("received_at", "answered_at", "dispatched_at", "arrived_at", "closed_at")
    )
    cols: list[Any] = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    return load.components(*(_seconds(list(c)) for c in cols))


def first_grade() -> Grade | None:
    """The most urgent grade that sends a unit (emergency, as shipped)."""
    return Grade.objects.filter(needs_unit=True).order_by("rank").first()


@dataclass(frozen=True)
class LeagueRow:
    code: str
    name: str
    attendance: load.Attendance


def league(level: Level, period: Period, grade: Grade | None = None) -> list[LeagueRow]:
    """The territories one level below (regions of the country, districts of an oblast), best
    share of the most urgent calls attended within target first; territories without such calls
    last."""
    grade = grade or first_grade()
    if grade is None:
        return []
    if level.kind == "national":
        key, names = "region_id", {r.pk: (r.iso, r.name) for r in Region.objects.all()}
    else:
        region_id = level.region.pk if level.region else None
        key = "district_id"
        names = {d.pk: (d.code, d.name) for d in District.objects.filter(region_id=region_id or 0)}
    rows = list(
        level.filter(
            Appeal.objects.filter(
                grade=grade, received_at__gte=period.start, received_at__lt=period.end
            )
        ).values_list(key, "received_at", "arrived_at", "due_at")
    )
    grouped: dict[int, list[tuple[dt.datetime, dt.datetime | None, dt.datetime | None]]] = {}
    for territory, received, arrived, due in rows:
        if territory in names:
            grouped.setdefault(territory, []).append((received, arrived, due))
    out = []
    for pk, (code, name) in names.items():
        items = grouped.get(pk, [])
        cols: list[Any] = list(zip(*items, strict=True)) if items else [(), (), ()]
        attendance = load.attended_within(*(_seconds(list(c)) for c in cols))
        out.append(LeagueRow(code, name, attendance))
    out.sort(key=lambda r: (r.attendance.share is None, -(r.attendance.share or 0), r.name))
    return out
