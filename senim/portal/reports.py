"""The monthly accountability report of a district: what the police registered and how they
answered, against the month before and the same month a year earlier.

Computed on request from narrow, indexed queries of one district and month (register services
only), then kept in the cache for a while: the page, the PDF and every language share it.
Only complete months are reported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext as _

from senim.core.demo_flag import demo_data_present
from senim.core.models import District, Officer, Sector
from senim.core.reference import police_title
from senim.portal import kpis
from senim.portal.open_data import complete_until
from senim.register import public

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
CACHE_SECONDS = 600
# Sector counts of 1-2 are shown as "fewer than 3", like the open-data threshold.
SMALL = 3


class ReportError(Exception):
    def __init__(self, status: int, field: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.field = field
        self.message = message


@dataclass(frozen=True)
class KindLine:
    kind: str  # offence kind; "" for the total
    current: int
    previous: int  # the month before
    last_year: int  # the same month a year earlier


@dataclass(frozen=True)
class SectorLine:
    number: int
    code: str
    inspector: str  # rank and position; "" when the post is vacant
    offences: int


@dataclass(frozen=True)
class DistrictReport:
    district: District
    month: dt.date
    kinds: list[KindLine]
    total: KindLine
    solved: kpis.Solved | None
    response: kpis.Response | None
    channels: list[tuple[str, int]]  # by number of appeals, most first
    appeals: int
    complaints_about_police: int
    sectors: list[SectorLine]
    synthetic: bool

    @property
    def has_data(self) -> bool:
        return bool(self.total.current or self.appeals)


def shift(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_month(text: str) -> dt.date:
    match = MONTH.match(text or "")
    if match is None:
        raise ReportError(
            400, "month", _("The month must be written as YYYY-MM, for example 2025-03.")
        )
    return dt.date(int(match[1]), int(match[2]), 1)


def months(today: dt.date | None = None) -> list[dt.date]:
    """Every reportable month, newest first: complete months of the years with data."""
    years = public.data_years()
    if not years:
        return []
    month = dt.date(years[0], 1, 1)
    until = min(complete_until(today), dt.date(years[-1] + 1, 1, 1))
    out = []
    while month < until:
        out.append(month)
        month = shift(month, 1)
    return out[::-1]


def district_report(*, code: str, month: str, today: dt.date | None = None) -> DistrictReport:
    """The report of district `code` for `month` ("YYYY-MM"); ReportError says what is wrong."""
    first = parse_month(month)
    district = District.objects.select_related("region").filter(code=code).first()
    if district is None:
        raise ReportError(
            404, "district", _("There is no district with the code %(code)s.") % {"code": code[:40]}
        )
    if first >= complete_until(today):
        raise ReportError(
            404,
            "month",
            _("The report for %(month)s is not published yet: only complete months are reported.")
            % {"month": month},
        )
    if first not in months(today):
        raise ReportError(404, "month", _("There is no data for %(month)s.") % {"month": month})
    key = f"portal:report:{district.pk}:{first:%Y-%m}"
    report = cache.get(key)
    if report is None:
        report = _compute(district, first)
        cache.set(key, report, CACHE_SECONDS)
    return report  # type: ignore[no-any-return]


def _compute(district: District, month: dt.date) -> DistrictReport:
    end = shift(month, 1)
    previous, last_year = shift(month, -1), shift(month, -12)
    counts = public.offences_by_month(district_id=district.pk, months=[month, previous, last_year])
    kinds = sorted({kind for _m, kind in counts})
    lines = [
        KindLine(
            kind,
            counts.get((month, kind), 0),
            counts.get((previous, kind), 0),
            counts.get((last_year, kind), 0),
        )
        for kind in kinds
    ]
    total = KindLine(
        "",
        sum(line.current for line in lines),
        sum(line.previous for line in lines),
        sum(line.last_year for line in lines),
    )
    outcome = public.outcomes(start=month, end=end, district_id=district.pk).get(district.region_id)
    seconds = public.response_seconds(start=month, end=end, district_id=district.pk)
    channels = public.appeal_counts(start=month, end=end, district_id=district.pk, by="channel")
    categories = public.appeal_counts(start=month, end=end, district_id=district.pk, by="category")
    return DistrictReport(
        district=district,
        month=month,
        kinds=lines,
        total=total,
        solved=kpis.solved(outcome.registered, outcome.solved) if outcome else None,
        response=kpis.response(seconds.get(district.region_id)),
        channels=sorted(channels.items(), key=lambda item: (-item[1], item[0])),
        appeals=sum(channels.values()),
        complaints_about_police=categories.get("complaint_police", 0),
        sectors=_sectors(district, month),
        synthetic=demo_data_present(),
    )


def _inspector(officer: Officer | None) -> str:
    if officer is None:
        return ""
    parts = (police_title(officer.rank), police_title(officer.position))
    return ", ".join(part for part in parts if part) or "✓"


def _sectors(district: District, month: dt.date) -> list[SectorLine]:
    by_sector = public.offences_by_sector(district_id=district.pk, month=month)
    return [
        SectorLine(s.number, s.code, _inspector(s.inspector), by_sector.get(s.pk, 0))
        for s in Sector.objects.filter(district=district)
        .select_related("inspector")
        .order_by("number")
    ]
