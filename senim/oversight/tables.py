"""The NPM's tables, computed from records: the region × agency matrix of recommendations sent and
implemented (Table 3 of seed 004), visits by agency and by kind of place, and the annual report.

Each table reads only what the caller may see, so a group member's matrix is their region's row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core.models import Region, User
from senim.oversight import access as scope
from senim.oversight.categories import (
    AGENCIES,
    AGENCY_CODES,
    CATEGORIES,
    agency_label,
    category_of,
)
from senim.oversight.checklist import Item, Result
from senim.oversight.models import (
    NPM_VISITING,
    OPEN_STATUSES,
    ChecklistAnswer,
    Finding,
    Obstruction,
    Proposal,
    Recommendation,
    RecStatus,
    Visit,
)
from senim.oversight.planning import coverage, coverage_summary


def year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@dataclass(frozen=True)
class Cell:
    sent: int = 0
    implemented: int = 0

    @property
    def percent(self) -> float | None:
        return 100.0 * self.implemented / self.sent if self.sent else None

    def __add__(self, other: Cell) -> Cell:
        return Cell(self.sent + other.sent, self.implemented + other.implemented)


@dataclass(frozen=True)
class MatrixRow:
    region: Region
    cells: tuple[Cell, ...]  # in the order of categories.AGENCIES
    total: Cell


@dataclass(frozen=True)
class Matrix:
    year: int
    rows: tuple[MatrixRow, ...]  # by share implemented, highest first, as the report orders them
    totals: tuple[Cell, ...]
    total: Cell

    @property
    def agencies(self) -> list[tuple[str, str, str]]:
        return [(a.code, str(a.short), str(a.label)) for a in AGENCIES]


def _recs_in(access: scope.Access, year: int) -> QuerySet[Recommendation]:
    """The NPM groups' recommendations sent in `year` (the Ombudsman's and the representatives'
    own are counted apart, in senim.oversight.bodies)."""
    start, end = year_range(year)
    return scope.recommendations(access).filter(
        sent_on__gte=start, sent_on__lte=end, visit__group__kind__in=NPM_VISITING
    )


def recommendation_matrix(*, user: User, year: int) -> Matrix:
    """Recommendations sent in `year` and how many of them are implemented, by region and agency."""
    access = scope.access_for(user)
    counts = (
        _recs_in(access, year)
        .values("institution__facility__region_id", "agency")
        .annotate(sent=Count("id"), implemented=Count("id", filter=Q(status=RecStatus.IMPLEMENTED)))
    )
    cells: dict[tuple[int, str], Cell] = {
        (c["institution__facility__region_id"], c["agency"]): Cell(c["sent"], c["implemented"])
        for c in counts
    }
    rows = []
    for group in scope.groups(access):
        region = group.region
        assert region is not None
        row = tuple(cells.get((region.pk, a), Cell()) for a in AGENCY_CODES)
        rows.append(MatrixRow(region, row, sum(row, Cell())))
    rows.sort(key=lambda r: (-(r.total.percent or -1.0), -r.total.sent, r.region.iso))
    totals = tuple(sum((r.cells[i] for r in rows), Cell()) for i in range(len(AGENCY_CODES)))
    return Matrix(year, tuple(rows), totals, sum(totals, Cell()))


def recommendations_by_region(*, year: int) -> dict[int, Cell]:
    """{region id: recommendations sent in `year` and implemented of them}, for the public portal.

    Totals of Table 3 without a caller: the NPM publishes them; no text, visit or institution.
    """
    start, end = year_range(year)
    counts = (
        Recommendation.objects.filter(
            sent_on__gte=start, sent_on__lte=end, visit__group__kind__in=NPM_VISITING
        )
        .values("institution__facility__region_id")
        .annotate(sent=Count("id"), implemented=Count("id", filter=Q(status=RecStatus.IMPLEMENTED)))
    )
    return {
        c["institution__facility__region_id"]: Cell(c["sent"], c["implemented"]) for c in counts
    }


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    count: int
    note: str = ""


def visits_by_agency(*, user: User, year: int) -> list[Line]:
    access = scope.access_for(user)
    counts = Counter(
        dict(
            _visits_in(access, year)
            .values_list("institution__facility__kind__agency_code")
            .annotate(n=Count("id"))
            .values_list("institution__facility__kind__agency_code", "n")
        )
    )
    lines = [Line(a.code, str(a.label), counts.get(a.code, 0)) for a in AGENCIES]
    return sorted(lines, key=lambda line: -line.count)


def visits_by_category(*, user: User, year: int) -> list[Line]:
    """Visits by kind of place in the report's order; kinds it does not itemise come last."""
    access = scope.access_for(user)
    counts: Counter[str] = Counter()
    per_kind = (
        _visits_in(access, year)
        .values_list("institution__facility__kind__code")
        .annotate(n=Count("id"))
    )
    for kind, n in per_kind.values_list("institution__facility__kind__code", "n"):
        counts[category_of(kind)] += n
    lines = [
        Line(c.code, str(c.label), counts.pop(c.code, 0), "" if c.itemised else "*")
        for c in CATEGORIES
    ]
    return lines + [Line(k, k, n, "*") for k, n in sorted(counts.items())]


def _visits_in(access: scope.Access, year: int) -> QuerySet[Visit]:
    start, end = year_range(year)
    return scope.visits(access).filter(
        visited_on__gte=start, visited_on__lte=end, group__kind__in=NPM_VISITING
    )


@dataclass(frozen=True)
class AnnualReport:
    year: int
    made_on: dt.date
    institutions: list[Line]
    institutions_total: int
    visits_total: int
    unannounced: int
    interviews: int
    visits_by_agency: list[Line]
    visits_by_category: list[Line]
    matrix: Matrix
    violations: list[Line]
    ill_treatment_findings: int
    recommendations_by_status: list[Line]
    overdue: int
    proposals: int
    obstructions: int
    coverage: dict[str, int]


def annual_report(*, user: User, year: int) -> AnnualReport:
    """The consolidated annual NPM report's tables, each computed from the records in scope."""
    access = scope.access_for(user)
    today = timezone.localdate()
    register = scope.institutions(access).filter(active=True)
    by_agency = Counter(
        dict(
            register.values_list("facility__kind__agency_code")
            .annotate(n=Count("id"))
            .values_list("facility__kind__agency_code", "n")
        )
    )
    visits = _visits_in(access, year)
    totals = visits.aggregate(n=Count("id"), unannounced=Count("id", filter=Q(unannounced=True)))
    interviews = visits.aggregate(n=Sum("interviews_private"))["n"] or 0
    violations = Counter(
        dict(
            ChecklistAnswer.objects.filter(visit__in=visits, result=Result.VIOLATION)
            .values_list("item")
            .annotate(n=Count("id"))
            .values_list("item", "n")
        )
    )
    recs = _recs_in(access, year)
    statuses = Counter(
        dict(recs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    )
    start, end = year_range(year)
    return AnnualReport(
        year=year,
        made_on=today,
        institutions=[
            Line(a.code, agency_label(a.code), by_agency.get(a.code, 0)) for a in AGENCIES
        ],
        institutions_total=sum(by_agency.values()),
        visits_total=totals["n"],
        unannounced=totals["unannounced"],
        interviews=interviews,
        visits_by_agency=visits_by_agency(user=user, year=year),
        visits_by_category=visits_by_category(user=user, year=year),
        matrix=recommendation_matrix(user=user, year=year),
        violations=sorted(
            (Line(i.value, str(i.label), violations.get(i.value, 0)) for i in Item),
            key=lambda line: -line.count,
        ),
        ill_treatment_findings=Finding.objects.filter(visit__in=visits, ill_treatment=True).count(),
        recommendations_by_status=[
            Line(s.value, str(s.label), statuses.get(s.value, 0)) for s in RecStatus
        ],
        overdue=recs.filter(status__in=OPEN_STATUSES, due_on__lt=today).count(),
        proposals=Proposal.objects.filter(
            recommendations__in=scope.recommendations(access),
            created_at__date__gte=start,
            created_at__date__lte=end,
        )
        .distinct()
        .count(),
        obstructions=Obstruction.objects.filter(
            visit__in=scope.visits(access).filter(group__kind__in=NPM_VISITING),
            occurred_at__date__gte=start,
            occurred_at__date__lte=end,
        ).count(),
        coverage=coverage_summary(coverage(user=user, as_of=min(today, end))),
    )


def report_title(report: AnnualReport) -> str:
    return _("Consolidated report of the NPM for %(year)s") % {"year": report.year}
