"""Staff welfare: rest and rotation reminders, psychological support and screening, and the
women's share of the staff.

Reminder thresholds are assumptions (no seed gives them; docs/integrity.md and the pages say
so): five years or more in the same post is due for rotation; twelve days or more in a row
without rest, or more than 120 hours of overtime in three months, needs rest; a PCL-5 total of
33 or more (the instrument's suggested cut-off, US National Center for PTSD) needs a follow-up
contact; every officer is screened once a year.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from senim.core.errors import Invalid, NotFound
from senim.core.models import Region, User
from senim.core.permissions import Perm
from senim.core.text import clean_text
from senim.integrity.models import (
    Duty,
    DutyMonth,
    OfficerFile,
    Rank,
    Screening,
    ServiceStatus,
    SupportContact,
    SupportKind,
)
from senim.integrity.services import _choice, _day, _log, _require, files_in_scope

ROTATION_YEARS = 5
NO_REST_DAYS = 12
OVERTIME_3M_HOURS = 120
PCL5_CUTOFF = 33
SCREEN_EVERY_DAYS = 365

REASONS = {
    "rotation": gettext_lazy("five years or more in the same post"),
    "no_rest": gettext_lazy("twelve days or more in a row without rest"),
    "overtime": gettext_lazy("more than 120 hours of overtime in three months"),
    "screening_high": gettext_lazy("a screening at or above the cut-off, no follow-up since"),
    "screening_due": gettext_lazy("no screening in the last twelve months"),
}
# The reminders a unit commander sees; the screening ones are the psychologist's alone.
STAFF_REASONS = ("rotation", "no_rest", "overtime")


@dataclass
class Reminder:
    officer: OfficerFile
    reasons: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[Any]:
        return [REASONS[r] for r in self.reasons]


def reminders(user: User, *, today: dt.date, with_screening: bool) -> list[Reminder]:
    """Officers in service in the user's territory who are due for rest, rotation or (for the
    psychologist) screening and follow-up, the most reasons first."""
    files = files_in_scope(user).filter(status=ServiceStatus.SERVING)
    found: dict[int, Reminder] = {}

    def add(officer: OfficerFile, reason: str) -> None:
        found.setdefault(officer.pk, Reminder(officer)).reasons.append(reason)

    rotation_before = today.replace(year=today.year - ROTATION_YEARS)
    for officer in files.filter(post_since__lte=rotation_before):
        add(officer, "rotation")
    since = (today.replace(day=1) - dt.timedelta(days=62)).replace(day=1)
    load = (
        DutyMonth.objects.filter(officer__in=files, month__gte=since)
        .values("officer_id")
        .annotate(rest=Max("longest_without_rest"), overtime=Sum("overtime_hours"))
        .filter(Q(rest__gte=NO_REST_DAYS) | Q(overtime__gt=OVERTIME_3M_HOURS))
    )
    by_id = {o.pk: o for o in files.filter(pk__in=[row["officer_id"] for row in load])}
    for row in load:
        officer = by_id[row["officer_id"]]
        if row["rest"] >= NO_REST_DAYS:
            add(officer, "no_rest")
        if row["overtime"] > OVERTIME_3M_HOURS:
            add(officer, "overtime")
    if with_screening:
        last: dict[int, tuple[dt.date, int]] = {}
        for officer_id, on, score in (
            Screening.objects.filter(officer__in=files)
            .values_list("officer_id", "on", "score")
            .order_by("officer_id", "on", "id")
        ):
            last[officer_id] = (on, score)
        contacts = dict(
            SupportContact.objects.filter(officer__in=files)
            .values("officer_id")
            .annotate(last=Max("on"))
            .values_list("officer_id", "last")
        )
        for officer in files.iterator(chunk_size=2000):
            screened = last.get(officer.pk)
            if screened is None or (today - screened[0]).days > SCREEN_EVERY_DAYS:
                add(officer, "screening_due")
            elif screened[1] >= PCL5_CUTOFF and not (
                contacts.get(officer.pk) and contacts[officer.pk] >= screened[0]
            ):
                add(officer, "screening_high")
    order = {r: i for i, r in enumerate(REASONS)}
    return sorted(
        found.values(),
        key=lambda r: (
            -len(r.reasons),
            min(order[x] for x in r.reasons),
            r.officer.officer.badge_number,
        ),
    )


def _officer(user: User, badge: str) -> OfficerFile:
    officer = files_in_scope(user).filter(officer__badge_number=badge).first()
    if officer is None:
        raise NotFound("", _("No such officer in your territory."))
    return officer


@transaction.atomic
def screening_record(
    *, user: User, badge: str, form: Mapping[str, Any], now: dt.datetime | None = None
) -> Screening:
    _require(user, Perm.WELFARE, _("Only the psychologist records screenings."))
    today = timezone.localdate(now or timezone.now())
    officer = _officer(user, badge)
    raw = str(form.get("score") or "").strip()
    if not (raw.isascii() and raw.isdigit()) or not 0 <= int(raw) <= 80:
        raise Invalid("score", _("A PCL-5 total is a whole number from 0 to 80."))
    on = _day(form, "on", today=today)
    assert on is not None
    screening = Screening.objects.create(
        officer=officer, on=on, score=int(raw), by=user.get_username()
    )
    # The score itself stays out of the audit log: it is the psychologist's alone.
    _log(user, "create", screening, {"officer": officer.pk})
    return screening


@transaction.atomic
def contact_record(
    *, user: User, badge: str, form: Mapping[str, Any], now: dt.datetime | None = None
) -> SupportContact:
    _require(user, Perm.WELFARE, _("Only the psychologist records support contacts."))
    today = timezone.localdate(now or timezone.now())
    officer = _officer(user, badge)
    kind = _choice(form, "kind", SupportKind)
    note = clean_text(form.get("note"), field="note", max_length=2000)
    on = _day(form, "on", today=today)
    assert on is not None
    contact = SupportContact.objects.create(
        officer=officer, kind=kind, on=on, note=note, by=user.get_username()
    )
    _log(user, "create", contact, {"officer": officer.pk, "kind": kind})
    return contact


# --- the women's share ------------------------------------------------------------------------


def serving_at(qs: Any, day: dt.date) -> Any:
    """Officers in service at the end of `day`."""
    return qs.filter(service_since__lte=day).exclude(
        status=ServiceStatus.DISMISSED, status_since__lte=day
    )


def women_share(user: User, *, today: dt.date, years: int = 5) -> dict[str, Any]:
    """The women's share of the staff of the user's territory: each year end (and today), and
    today by region, rank and duty."""
    files = files_in_scope(user)
    trend = []
    for year in range(today.year - years, today.year + 1):
        day = min(today, dt.date(year, 12, 31))
        staff = serving_at(files, day)
        total = staff.count()
        women = staff.filter(sex="F").count()
        trend.append(
            {
                "label": str(year) if day.year < today.year else day.isoformat(),
                "total": total,
                "women": women,
                "pct": round(100 * women / total, 1) if total else None,
            }
        )
    now = serving_at(files, today)

    def split(field_name: str, labels: Mapping[str, Any]) -> list[dict[str, Any]]:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for value, sex in now.values_list(field_name, "sex"):
            counts[str(value)][0] += 1
            counts[str(value)][1] += sex == "F"
        rows = [
            {
                "label": labels.get(key, key),
                "total": t,
                "women": w,
                "pct": round(100 * w / t, 1) if t else None,
            }
            for key, (t, w) in counts.items()
        ]
        return rows

    ranks = dict(Rank.choices)
    by_rank = split("rank", ranks)
    order = {str(label): i for i, (_v, label) in enumerate(Rank.choices)}
    by_rank.sort(key=lambda r: order.get(str(r["label"]), 99))
    regions = {str(r.pk): r.name for r in Region.objects.all()}
    by_region = sorted(split("region_id", regions), key=lambda r: str(r["label"]))
    by_duty = sorted(split("duty", dict(Duty.choices)), key=lambda r: -r["total"])
    return {"trend": trend, "by_rank": by_rank, "by_region": by_region, "by_duty": by_duty}
