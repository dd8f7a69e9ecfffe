"""Indicators of what became of cases and searches: the query service behind the outcomes
section of the indicators page, its API and the portal's solved-share KPI.

Share solved is the **cohort** definition: of the criminal offences registered in the period,
the share with a "solved" step dated before the period's end. It does not mix in cases of
earlier years solved in the period (they are counted on their own, by year of registration),
so the share can never pass 100 % and a period's figure does not change with what is solved
after it. See docs/indicators.md, "Case outcomes".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.db.models import Count, Q, QuerySet, Sum

from senim.analytics.indicators import Period
from senim.core.models import User
from senim.core.scope import scope_level, scoped
from senim.register.indicators import _counts, data_years
from senim.register.ingest.schema import ALMATY
from senim.register.models import (
    Article,
    CaseStep,
    Damage,
    OffenceKind,
    PersonSearch,
    Repayment,
    SearchKind,
    StepKind,
)

CRIMINAL_KINDS = (OffenceKind.CRIME.value, OffenceKind.MISDEMEANOUR.value)
# Driving drunk: the criminal misdemeanour (a repeat, Criminal Code art. 346) and the
# administrative offence (Code of Administrative Offences art. 608).
DRUNK_DRIVING = ("UK-346", "KoAP-608")
DEFINITION = "cohort"


@dataclass(frozen=True)
class SolvedShare:
    kind: str  # "crime" | "criminal_misdemeanour" | "" for all criminal offences
    severity: str  # "" for all gravities of the kind
    registered: int
    solved: int
    total: bool = False  # the kind's row over all its gravities

    @property
    def share(self) -> float | None:
        return self.solved / self.registered if self.registered else None


@dataclass(frozen=True)
class DrunkDrivers:
    criminal: int  # records
    administrative: int  # records (a sample in the demo)
    sample: int  # one administrative record stands for this many (1 outside the demo)

    @property
    def total(self) -> int:
        return self.criminal + self.administrative * self.sample


@dataclass(frozen=True)
class Outcomes:
    period: Period
    solved_by_year: tuple[tuple[int, int], ...]  # (year of registration, solved in the period)
    shares: tuple[SolvedShare, ...]  # by kind, then kind × gravity
    crimes: SolvedShare  # every crime (kind "crime"), the seed's "all kinds of crime"
    damage: Decimal  # damage of the offences registered in the period
    repaid: Decimal  # repaid in the period, whatever year the offence is of
    missing_found: int
    wanted_caught: int
    drunk: DrunkDrivers
    administrative: int  # administrative offence records registered in the period

    @property
    def solved_in_period(self) -> int:
        return sum(n for _, n in self.solved_by_year)

    @property
    def earlier_years_solved(self) -> int:
        """Solved in the period, registered in a calendar year before the period began."""
        return sum(n for year, n in self.solved_by_year if year < self.period.start.year)


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=ALMATY)


def _territory(
    user: User, qs: QuerySet, prefix: str, region_id: int | None, district_id: int | None
) -> QuerySet:
    if qs.model is PersonSearch and scope_level(user) == "sector":
        # A search is placed in a district, not a sector: an inspector sees the district's.
        qs = qs.filter(district_id=user.district_id)
    else:
        qs = scoped(user, qs, prefix=prefix)
    if region_id is not None:
        qs = qs.filter(**{f"{prefix}region_id": region_id})
    if district_id is not None:
        qs = qs.filter(**{f"{prefix}district_id": district_id})
    return qs


def outcomes(
    *,
    user: User,
    period: Period,
    region_id: int | None = None,
    district_id: int | None = None,
    sample: int = 1,
) -> Outcomes:
    """The outcome figures of a territory (already authorised by the caller) for a period.

    `sample`: how many administrative offences one record stands for (the demo's 1 : N)."""
    start, end = _moment(period.start), _moment(period.end)

    def offences(prefix: str, qs: QuerySet) -> QuerySet:
        return _territory(user, qs, prefix, region_id, district_id)

    # Counts of registered offences come from the trigger-kept count tables (as the indicator
    # table's do), by kind and article; everything about outcomes from the outcome tables.
    where: dict[str, int] = {}
    if region_id is not None:
        where["region_id"] = region_id
    if district_id is not None:
        where["district_id"] = district_id
    registered = {
        (str(kind), cast(int, article)): n[0]
        for (kind, article), n in _counts(user, where, (), [period], ("kind", "article")).items()
    }
    articles = dict(Article.objects.values_list("id", "severity"))
    codes = dict(Article.objects.filter(code__in=DRUNK_DRIVING).values_list("id", "code"))

    # A year's registered offences start at its local midnight: bucket by comparisons (an index
    # range), not by a time-zone conversion of every row.
    solved = offences(
        "offence__",
        CaseStep.objects.filter(step=StepKind.SOLVED, on__gte=period.start, on__lt=period.end),
    )
    # One scan of the period's solved steps, grouped by kind and article, gives both the years of
    # registration (bucketed by index ranges, not a time-zone conversion of every row) and the
    # cohort: a case is solved on or after its registration, so only the steps dated inside the
    # period can count for the period's registrations. The years that can hold registrations
    # are those of the count tables (one MIN/MAX query).
    known = data_years(user)
    years = range(min([*known[:1], period.start.year]), period.end.year + 1)

    def registered_in(a: dt.date, b: dt.date) -> Q:
        return Q(offence__registered_at__gte=_moment(a), offence__registered_at__lt=_moment(b))

    rows = (
        solved.values("offence__kind", "offence__article_id")
        .annotate(
            cohort=Count("id", filter=registered_in(period.start, period.end)),
            **{
                f"y{y}": Count("id", filter=registered_in(dt.date(y, 1, 1), dt.date(y + 1, 1, 1)))
                for y in years
            },
        )
        .order_by()
    )
    year_counts = dict.fromkeys(years, 0)
    solved_cohort: dict[tuple[str, int], int] = {}
    for row in rows:
        for y in years:
            year_counts[y] += row[f"y{y}"]
        if row["offence__kind"] in CRIMINAL_KINDS and row["cohort"]:
            key = (str(row["offence__kind"]), int(row["offence__article_id"]))
            solved_cohort[key] = row["cohort"]
    by_year = [(y, n) for y, n in year_counts.items() if n]
    cells: dict[tuple[str, str], list[int]] = {}
    for (kind, article), n in registered.items():
        if kind in CRIMINAL_KINDS:
            cell = cells.setdefault((kind, articles.get(article) or ""), [0, 0])
            cell[0] += n
    for (kind, article), n in solved_cohort.items():
        cell = cells.setdefault((kind, articles.get(article) or ""), [0, 0])
        cell[1] += n
    detail = [SolvedShare(k, sev, reg, sol) for (k, sev), (reg, sol) in sorted(cells.items())]
    shares: list[SolvedShare] = []
    for kind in CRIMINAL_KINDS:
        rows = [s for s in detail if s.kind == kind]
        if not rows:
            continue
        shares.append(
            SolvedShare(
                kind,
                "",
                sum(s.registered for s in rows),
                sum(s.solved for s in rows),
                total=True,
            )
        )
        shares.extend(rows)
    crimes = next(
        (s for s in shares if s.kind == OffenceKind.CRIME and s.total),
        SolvedShare(OffenceKind.CRIME, "", 0, 0, total=True),
    )
    damage = offences(
        "offence__",
        Damage.objects.filter(offence__registered_at__gte=start, offence__registered_at__lt=end),
    ).aggregate(s=Sum("amount"))["s"]
    repaid = offences(
        "offence__", Repayment.objects.filter(on__gte=period.start, on__lt=period.end)
    ).aggregate(s=Sum("amount"))["s"]
    searches = offences(
        "", PersonSearch.objects.filter(outcome_on__gte=period.start, outcome_on__lt=period.end)
    )
    found = dict(searches.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    drunk: dict[str, int] = {}
    for (kind, article), n in registered.items():
        if article in codes:
            drunk[kind] = drunk.get(kind, 0) + n
    return Outcomes(
        period=period,
        solved_by_year=tuple(by_year),
        shares=tuple(shares),
        crimes=crimes,
        damage=Decimal(damage or 0),
        repaid=Decimal(repaid or 0),
        missing_found=int(found.get(SearchKind.MISSING, 0)),
        wanted_caught=int(found.get(SearchKind.WANTED, 0)),
        drunk=DrunkDrivers(
            criminal=int(drunk.get(OffenceKind.MISDEMEANOUR, 0)),
            administrative=int(drunk.get(OffenceKind.ADMINISTRATIVE, 0)),
            sample=sample,
        ),
        administrative=sum(
            n for (kind, _), n in registered.items() if kind == OffenceKind.ADMINISTRATIVE
        ),
    )


def administrative_sample() -> int:
    """How many administrative offences one record stands for: the demo's documented 1 : N
    sample while demo data is present (docs/demo.md), else 1 (a real register is complete)."""
    from senim.core.demo_flag import demo_data_present

    if not demo_data_present():
        return 1
    from senim.demo.calibration import ADMINISTRATIVE_N

    return ADMINISTRATIVE_N
