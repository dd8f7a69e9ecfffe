"""The anti-corruption programme: its measures (written by internal security) and the open KPIs
the public portal publishes — corruption complaints, sustained findings, dismissals.

Corruption complaints are those of kind bribery or extortion and abuse of office, counted by the
year received; a sustained finding is counted in the year of the complaint it answers;
dismissals by the year imposed, with those for a breach of the oath apart. A region's count
below 5 is published as "fewer than 5" (small counts are suppressed, as in all open data).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core.calendar import parse_day
from senim.core.errors import Invalid, NotFound
from senim.core.models import Region, User
from senim.core.permissions import Perm
from senim.core.text import clean_text
from senim.integrity.models import (
    CORRUPTION_KINDS,
    DisciplinaryMeasure,
    Finding,
    MeasureKind,
    MeasureStatus,
    OfficerComplaint,
    ProgrammeMeasure,
)
from senim.integrity.services import _choice, _log, _require

SUPPRESS_BELOW = 5
LANGUAGES = ("kk", "ru", "en")


@transaction.atomic
def measure_add(
    *, user: User, form: Mapping[str, Any], now: dt.datetime | None = None
) -> ProgrammeMeasure:
    """A measure of the programme, named in the three languages (it is published)."""
    _require(
        user, Perm.OFFICER_COMPLAINTS, _("Your role does not keep the anti-corruption programme.")
    )
    today = timezone.localdate(now or timezone.now())
    values: dict[str, str] = {}
    for field in ("name", "owner"):
        for lang in LANGUAGES:
            key = f"{field}_{lang}"
            values[key] = clean_text(form.get(key), field=key, max_length=200, required=True)
    due = parse_day(str(form.get("due") or "").strip())
    if due is None:
        raise Invalid("due", _("is not a date (YYYY-MM-DD)"))
    if due < today.replace(year=today.year - 5) or due > today.replace(year=today.year + 10):
        raise Invalid("due", _("The deadline must fall within five years back and ten ahead."))
    measure = ProgrammeMeasure.objects.create(**values, due=due)
    _log(user, "create", measure, {"due": due.isoformat()})
    return measure


@transaction.atomic
def measure_status(
    *, user: User, pk: int, form: Mapping[str, Any], now: dt.datetime | None = None
) -> ProgrammeMeasure:
    _require(
        user, Perm.OFFICER_COMPLAINTS, _("Your role does not keep the anti-corruption programme.")
    )
    today = timezone.localdate(now or timezone.now())
    measure = ProgrammeMeasure.objects.select_for_update().filter(pk=pk).first()
    if measure is None:
        raise NotFound("", _("No such measure of the programme."))
    status = _choice(form, "status", MeasureStatus)
    measure.status = status
    measure.done_on = today if status == MeasureStatus.DONE else None
    measure.save(update_fields=["status", "done_on"])
    _log(user, "status", measure, {"status": status})
    return measure


def measures(*, today: dt.date) -> list[dict[str, Any]]:
    return [
        {"measure": m, "overdue": m.status != MeasureStatus.DONE and m.due < today}
        for m in ProgrammeMeasure.objects.all()
    ]


def _suppressed(value: int) -> int | None:
    return value if value >= SUPPRESS_BELOW else None


def published(*, years: list[int]) -> dict[str, Any]:
    """The programme's KPIs by year, for the country and (suppressed) by region."""
    complaints = OfficerComplaint.objects.filter(kind__in=CORRUPTION_KINDS).annotate(
        year=ExtractYear("received_at")
    )
    received = {
        (r["region_id"], r["year"]): r["n"]
        for r in complaints.values("region_id", "year").annotate(n=Count("id"))
    }
    sustained = {
        (r["region_id"], r["year"]): r["n"]
        for r in complaints.filter(finding=Finding.SUSTAINED)
        .values("region_id", "year")
        .annotate(n=Count("id"))
    }
    dismissals = DisciplinaryMeasure.objects.filter(kind=MeasureKind.DISMISSAL).annotate(
        year=ExtractYear("imposed_on")
    )
    dismissed = {
        (r["officer__region_id"], r["year"], r["oath_breach"]): r["n"]
        for r in dismissals.values("officer__region_id", "year", "oath_breach").annotate(
            n=Count("id")
        )
    }
    national: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (_r, year), n in received.items():
        national[year]["complaints"] += n
    for (_r, year), n in sustained.items():
        national[year]["sustained"] += n
    for (_r, year, oath), n in dismissed.items():
        national[year]["dismissals"] += n
        if oath:
            national[year]["oath"] += n
    by_year = [
        {
            "year": year,
            "complaints": national[year]["complaints"],
            "sustained": national[year]["sustained"],
            "dismissals": national[year]["dismissals"],
            "oath": national[year]["oath"],
        }
        for year in sorted(years)
    ]
    last = max(years) if years else 0
    regions = [
        {
            "region": region,
            "complaints": _suppressed(received.get((region.pk, last), 0)),
            "sustained": _suppressed(sustained.get((region.pk, last), 0)),
        }
        for region in Region.objects.order_by("iso")
    ]
    return {
        "by_year": by_year,
        "regions": regions,
        "region_year": last,
        "suppress_below": SUPPRESS_BELOW,
    }
