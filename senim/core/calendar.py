"""Working days: legal terms (a written appeal's answer) count Monday to Friday, less holidays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone


def parse_day(text: str) -> dt.date | None:
    """YYYY-MM-DD as a date; None for anything else, impossible dates (30 February) included."""
    try:
        return dt.date.fromisoformat(text.strip()[:10]) if len(text.strip()) == 10 else None
    except ValueError:
        return None


def holidays(start: dt.date, end: dt.date) -> set[dt.date]:
    """The days off in [start, end] besides weekends, from the administrator's calendar."""
    from senim.core.models import Holiday

    return set(Holiday.objects.filter(day__gte=start, day__lte=end).values_list("day", flat=True))


def add_working_days(
    start: dt.date, days: int, *, days_off: Iterable[dt.date] | None = None
) -> dt.date:
    """The date `days` working days after `start` (the day of receipt itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    # A generous window: 15 working days never span more than ~5 calendar weeks.
    off = (
        set(days_off)
        if days_off is not None
        else holidays(start, start + dt.timedelta(days * 3 + 30))
    )
    day, left = start, days
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            left -= 1
    return day


def legal_deadline(received_at: dt.datetime, working_days: int) -> dt.datetime:
    """The end (local midnight after) of the last working day of a term counted from receipt."""
    local_day = timezone.localtime(received_at).date()
    last = add_working_days(local_day, working_days)
    return timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
