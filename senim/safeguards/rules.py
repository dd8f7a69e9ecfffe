"""The legal clocks and consistency rules of the safeguards, as pure functions (no database).

Sources (seed 004 §4): a detained person is brought before a court or released within 48 hours
of the actual detention, 24 hours for a minor; the prosecutor is told in writing within twelve
hours of the detention record being drawn up; since 24 June 2025 every torture complaint is
registered and all urgent investigative actions are done within one day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ADULT_LIMIT = dt.timedelta(hours=48)
MINOR_LIMIT = dt.timedelta(hours=24)
PROSECUTOR_LIMIT = dt.timedelta(hours=12)
ONE_DAY = dt.timedelta(hours=24)
# The Prosecutor General's board set the one-day rule on 24 June 2025; earlier complaints are
# not judged by it.
ONE_DAY_RULE_SINCE = dt.date(2025, 6, 24)
WARN_SHARE = 0.75  # alerts go out at 75 % of a limit, and again at the breach
# A clock may be a few minutes ahead on the sending device; more than this is a wrong time.
FUTURE_SKEW = dt.timedelta(minutes=5)

# The times of a custody record, in the order they normally happen after the detention.
TIME_LABELS = {
    "detained_at": gettext_lazy("the actual detention time"),
    "recorded_at": gettext_lazy("the time the record was drawn up"),
    "prosecutor_notified_at": gettext_lazy("the time the prosecutor was notified"),
    "court_order_at": gettext_lazy("the time of the court order"),
    "released_at": gettext_lazy("the release time"),
    "rights_explained_at": gettext_lazy("the time rights were explained"),
    "family_notified_at": gettext_lazy("the time the family was notified"),
    "medical_exam_at": gettext_lazy("the time of the admission medical examination"),
}
TIME_FIELDS = tuple(TIME_LABELS)
AFTER_DETENTION = TIME_FIELDS[1:]


def local(value: dt.datetime) -> str:
    """A time as people at the facility read it: Almaty wall-clock, to the minute."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def is_minor(birth_date: dt.date | None, detained_at: dt.datetime) -> bool:
    """Under 18 on the local day of the detention; an unknown birth date counts as adult."""
    if birth_date is None:
        return False
    day = timezone.localtime(detained_at).date()
    try:
        eighteenth = birth_date.replace(year=birth_date.year + 18)
    except ValueError:  # born on 29 February: of age on 1 March
        eighteenth = dt.date(birth_date.year + 18, 3, 1)
    return day < eighteenth


def time_errors(times: dict[str, dt.datetime | None], *, now: dt.datetime) -> list[tuple[str, str]]:
    """(field, message) for every contradiction between the times of one custody record."""
    found: list[tuple[str, str]] = []
    detained, recorded = times.get("detained_at"), times.get("recorded_at")
    for field in ("detained_at", "recorded_at"):
        if times.get(field) is None:
            found.append((field, _("is required")))
    for field in TIME_FIELDS:
        value = times.get(field)
        if value is not None and value > now + FUTURE_SKEW:
            found.append((field, _("%(time)s is in the future") % {"time": local(value)}))
    if detained is not None and recorded is not None and detained > recorded:
        found.append(
            (
                "detained_at",
                _(
                    "The actual detention time (%(detained)s) is after the time the record "
                    "was drawn up (%(recorded)s); a record cannot precede the detention."
                )
                % {"detained": local(detained), "recorded": local(recorded)},
            )
        )
    if detained is not None:
        for field in AFTER_DETENTION[1:]:
            value = times.get(field)
            if value is not None and value < detained:
                found.append(
                    (
                        field,
                        _("%(what)s (%(time)s) is before the actual detention time (%(detained)s)")
                        % {
                            "what": TIME_LABELS[field],
                            "time": local(value),
                            "detained": local(detained),
                        },
                    )
                )
    return found


@dataclass(frozen=True)
class Clock:
    """One legal time limit: started at `start`, due at `deadline`, met (or not yet) at `met_at`."""

    start: dt.datetime
    limit: dt.timedelta
    met_at: dt.datetime | None

    @property
    def deadline(self) -> dt.datetime:
        return self.start + self.limit

    @property
    def warn_at(self) -> dt.datetime:
        return self.start + self.limit * WARN_SHARE

    def used(self, now: dt.datetime) -> float:
        """Share of the limit used, at `met_at` if met, else now (1.0 = the deadline)."""
        end = self.met_at or now
        return max((end - self.start) / self.limit, 0.0)

    def state(self, now: dt.datetime) -> str:
        """'met', 'late' (met after the deadline), 'ok', 'warning' or 'breached' (still open)."""
        if self.met_at is not None:
            return "met" if self.met_at <= self.deadline else "late"
        if now >= self.deadline:
            return "breached"
        return "warning" if now >= self.warn_at else "ok"

    def broken(self, now: dt.datetime) -> bool:
        return self.state(now) in {"late", "breached"}


def custody_clock(
    *,
    detained_at: dt.datetime,
    minor: bool,
    court_order_at: dt.datetime | None,
    released_at: dt.datetime | None,
) -> Clock:
    """Actual detention → a court order or release, whichever came first."""
    ends = [t for t in (court_order_at, released_at) if t is not None]
    return Clock(detained_at, MINOR_LIMIT if minor else ADULT_LIMIT, min(ends) if ends else None)


def prosecutor_clock(
    *, recorded_at: dt.datetime, notified_at: dt.datetime | None, in_writing: bool
) -> Clock:
    """Record drawn up → the prosecutor told in writing (an oral call does not stop the clock)."""
    return Clock(recorded_at, PROSECUTOR_LIMIT, notified_at if in_writing else None)


def one_day_clock(start: dt.datetime, done_at: dt.datetime | None) -> Clock:
    return Clock(start, ONE_DAY, done_at)


def per_thousand(count: int, population: int) -> Decimal | None:
    """Count per 1 000 people, rounded half-up to one decimal as tables print it."""
    if population <= 0:
        return None
    return (Decimal(count) * 1000 / Decimal(population)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def gaps(
    start: dt.datetime,
    end: dt.datetime,
    covered: list[tuple[dt.datetime, dt.datetime]],
    *,
    tolerance: dt.timedelta,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The parts of [start, end) not covered by the intervals, ignoring gaps up to `tolerance`."""
    out: list[tuple[dt.datetime, dt.datetime]] = []
    cursor = start
    for a, b in sorted(covered):
        if b <= cursor:
            continue
        if a > cursor:
            out.append((cursor, min(a, end)))
        cursor = max(cursor, b)
        if cursor >= end:
            break
    if cursor < end:
        out.append((cursor, end))
    return [(a, b) for a, b in out if b - a > tolerance]
