"""The inspector's time-keeping: record the minutes of a day by activity, and the month's
summary per inspector — the measurement seed 001 reports from the service-model pilot (time on
administrative cases and the preventive register), taken here from the inspectors' own records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.calendar import parse_day
from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.models import User
from senim.core.permissions import Perm, can
from senim.core.scope import scoped
from senim.core.text import clean_text
from senim.prevention.models import Activity, TimeEntry

Form = Mapping[str, Any]
# How far back an inspector may still enter or remove a day: the month just closed is reported
# at the start of the next one (an assumed rule; docs/prevention.md).
LATE_DAYS = 31
DAY_MINUTES = 24 * 60
# The two activities the pilot measured the time saved on.
MEASURED = (Activity.ADMIN_CASES, Activity.PREVENTIVE_REGISTER)


def _require_inspector(user: User) -> None:
    if not can(user, Perm.PREVENTION):
        raise Forbidden("", _("Your role does not work with prevention in a sector."))
    if user.sector_id is None:
        raise Forbidden("", _("Only a district inspector with a sector records working time."))


def _whole(form: Form, name: str, *, top: int) -> int:
    raw = str(form.get(name) or "0").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 4 or int(raw) > top:
        raise Invalid(name, _("is not a whole number from 0 to %(top)d") % {"top": top})
    return int(raw)


@transaction.atomic
def record(*, user: User, form: Form, today: dt.date | None = None) -> TimeEntry:
    """One entry of the user's own day; a day never holds more than 24 hours."""
    _require_inspector(user)
    today = today or timezone.localdate()
    day = parse_day(str(form.get("day") or ""))
    if day is None:
        raise Invalid("day", _("is not a date (YYYY-MM-DD)"))
    if day > today:
        raise Invalid("day", _("cannot be in the future"))
    if day < today - dt.timedelta(days=LATE_DAYS):
        raise Invalid("day", _("is more than a month ago and can no longer be changed"))
    activity = str(form.get("activity") or "").strip()
    if activity not in Activity.values:
        raise Invalid("activity", _("Choose one of the listed values."))
    minutes = _whole(form, "hours", top=24) * 60 + _whole(form, "minutes", top=59)
    if minutes < 1:
        raise Invalid("minutes", _("Give the time spent: hours and minutes."))
    # Lock the user's row so that two entries sent at once cannot both pass the 24-hour check.
    User.objects.select_for_update().filter(pk=user.pk).first()
    booked = TimeEntry.objects.filter(inspector=user, day=day).aggregate(m=Sum("minutes"))["m"]
    if (booked or 0) + minutes > DAY_MINUTES:
        raise Invalid("minutes", _("With this entry the day would hold more than 24 hours."))
    note = clean_text(form.get("note"), field="note", max_length=200)
    sector = user.sector
    assert sector is not None
    entry = TimeEntry.objects.create(
        inspector=user,
        region_id=sector.district.region_id,
        district_id=sector.district_id,
        sector=sector,
        day=day,
        activity=activity,
        minutes=minutes,
        note=note,
    )
    audit.record(
        action="create",
        model=entry._meta.label,
        object_pk=entry.pk,
        actor=user.get_username(),
        details={"day": day.isoformat(), "activity": activity, "minutes": minutes},
    )
    return entry


@transaction.atomic
def remove(*, user: User, pk: int, today: dt.date | None = None) -> None:
    """Remove one of the user's own entries while the day may still be changed."""
    _require_inspector(user)
    today = today or timezone.localdate()
    entry = TimeEntry.objects.filter(
        pk=pk, inspector=user, day__gte=today - dt.timedelta(days=LATE_DAYS)
    ).first()
    if entry is None:
        raise NotFound("entry", _("No entry of yours with this number can be changed."))
    audit.record(
        action="delete",
        model=entry._meta.label,
        object_pk=entry.pk,
        actor=user.get_username(),
        details={"day": entry.day.isoformat(), "activity": entry.activity},
    )
    entry.delete()


def parse_month(raw: str, *, today: dt.date) -> dt.date | None:
    """YYYY-MM as the month's first day, from 2000 to the current month; None otherwise."""
    text = raw.strip()
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
        return None
    year, month = int(text[:4]), int(text[5:])
    if not (1 <= month <= 12) or year < 2000 or (year, month) > (today.year, today.month):
        return None
    return dt.date(year, month, 1)


@dataclass
class InspectorMonth:
    username: str
    name: str
    sector: str
    minutes: dict[str, int] = field(default_factory=dict)
    days: int = 0

    @property
    def total(self) -> int:
        return sum(self.minutes.values())

    @property
    def measured_share(self) -> float | None:
        """The share of the month on administrative cases and the preventive register."""
        total = self.total
        return sum(self.minutes.get(a, 0) for a in MEASURED) / total if total else None

    @property
    def total_hours(self) -> float:
        return round(self.total / 60, 1)

    @property
    def measured_percent(self) -> int | None:
        share = self.measured_share
        return None if share is None else round(100 * share)

    def hours(self) -> list[float]:
        return [round(self.minutes.get(a, 0) / 60, 1) for a in Activity.values]


def entries_in_scope(user: User) -> Any:
    return scoped(user, TimeEntry.objects.all())


def month_summary(user: User, month: dt.date) -> list[InspectorMonth]:
    """Per inspector of the user's territory: minutes per activity in the month, days kept."""
    end = (month + dt.timedelta(days=32)).replace(day=1)
    rows = (
        entries_in_scope(user)
        .filter(day__gte=month, day__lt=end)
        .values(
            "inspector__username",
            "inspector__first_name",
            "inspector__last_name",
            "sector__code",
            "activity",
        )
        .annotate(m=Sum("minutes"))
    )
    by: dict[str, InspectorMonth] = {}
    for row in rows:
        who = row["inspector__username"]
        name = f"{row['inspector__first_name']} {row['inspector__last_name']}".strip() or who
        item = by.setdefault(who, InspectorMonth(who, name, row["sector__code"]))
        item.minutes[row["activity"]] = item.minutes.get(row["activity"], 0) + row["m"]
    day_sets: dict[str, set[dt.date]] = defaultdict(set)
    for who, day in (
        entries_in_scope(user)
        .filter(day__gte=month, day__lt=end)
        .values_list("inspector__username", "day")
    ):
        day_sets[who].add(day)
    for who, item in by.items():
        item.days = len(day_sets[who])
    return sorted(by.values(), key=lambda r: (r.sector, r.username))
