"""Crime indicators per territory: the query service behind the indicators page, export and API.

Counting reads the offence counts the database keeps by trigger (senim.register.counts): whole
months of a period from the monthly table, the days at its edges from the daily one, each with
one grouped query for all periods at once, never one query per territory. A national table over
ten million offences a year so sums tens of thousands of rows, not millions. The arithmetic (rates, changes, averages, shares) is senim.analytics.indicators.
See docs/indicators.md for what each figure means.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from senim.analytics.indicators import (
    AVERAGE_YEARS,
    Dynamics,
    OffenderStructure,
    Period,
    Share,
    age_on,
    dynamics,
    offender_structure,
    rate_per_100k,
    shares,
)
from senim.core.models import District, Region, RegionPopulation, Sector, User
from senim.core.scope import require_district, require_region, scope_level, scoped
from senim.register.ingest.schema import ALMATY
from senim.register.models import (
    Article,
    CodeKind,
    OffenceDaily,
    OffenceKind,
    OffenceMonthly,
    OffenceParty,
    PartyRole,
    Severity,
)

Level = Literal["national", "region", "district"]
LEVELS: tuple[Level, ...] = ("national", "region", "district")
Population = tuple[int, bool]  # (residents, is a placeholder figure)
# Chapters of the Criminal Code beyond this many are shown as one "other" slice.
TOP_CHAPTERS = 8


class UnknownTerritory(LookupError):
    """A region or district code that does not exist (or does not belong to its parent)."""


@dataclass(frozen=True)
class Place:
    """A territory as a table shows it. level 'unassigned' collects records with no sub-unit."""

    level: str  # "country" | "region" | "district" | "sector" | "unassigned"
    id: int | None
    code: str
    name: str


@dataclass(frozen=True)
class Row:
    place: Place
    population: int | None
    population_is_placeholder: bool
    rate: float | None
    dynamics: Dynamics
    # Query parameters that open this row's own table; None where there is nothing below.
    drill: dict[str, str] | None


@dataclass(frozen=True)
class IndicatorTable:
    level: Level
    child_level: str  # "region" | "district" | "sector" | "self"
    country: Place
    region: Place | None
    district: Place | None
    period: Period
    population_year: int
    kinds: tuple[str, ...]  # empty: every kind
    rows: tuple[Row, ...]
    total: Row
    by_kind: tuple[Share, ...]
    by_severity: tuple[Share, ...]
    by_chapter: tuple[Share, ...]
    chapter_titles: dict[str, str]

    @property
    def show_total(self) -> bool:
        # A district without sectors is its own only row; a total would repeat it.
        return self.child_level != "self"

    @property
    def displayed_rows(self) -> tuple[Row, ...]:
        """Exactly the rows the page shows, total last: what exports write."""
        return (*self.rows, self.total) if self.show_total else self.rows

    @property
    def has_placeholder(self) -> bool:
        return any(r.population_is_placeholder for r in self.displayed_rows)


# --- territory and period --------------------------------------------------------------------


def locate(
    *, region_iso: str | None, district_code: str | None
) -> tuple[Level, int | None, int | None]:
    """(level, region_id, district_id) named by URL codes; UnknownTerritory for a bad code."""
    if not region_iso and not district_code:
        return "national", None, None
    district = None
    if district_code:
        district = District.objects.filter(code=district_code).first()
        if district is None:
            raise UnknownTerritory(district_code)
    region = Region.objects.filter(iso=region_iso).first() if region_iso else None
    if region_iso and region is None:
        raise UnknownTerritory(region_iso)
    if district is not None:
        if region is not None and district.region_id != region.pk:
            raise UnknownTerritory(district_code)
        return "district", district.region_id, district.pk
    assert region is not None
    return "region", region.pk, None


def home(user: User) -> tuple[Level, int | None, int | None]:
    """The table a user lands on: the widest one their scope allows."""
    scope = scope_level(user)
    if scope == "national":
        return "national", None, None
    if scope == "region":
        return "region", user.region_id, None
    if scope in {"district", "sector"}:
        return "district", user.region_id, user.district_id
    raise PermissionDenied(_("Your account has no territorial scope."))


def data_years(user: User) -> list[int]:
    """Calendar years with offences in the user's scope, oldest first (one MIN/MAX query)."""
    span = scoped(user, OffenceMonthly.objects.filter(n__gt=0)).aggregate(
        first=Min("month"), last=Max("month")
    )
    if span["first"] is None:
        return []
    return list(range(span["first"].year, span["last"].year + 1))


def default_period(user: User, *, today: dt.date | None = None) -> Period:
    """The last full calendar year present in the data (the last elapsed year if none)."""
    today = today or timezone.localdate()
    years = [y for y in data_years(user) if y < today.year]
    year = years[-1] if years else today.year - 1
    return Period(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))


# --- labels (shared by the page, the exports and the API) ---


def kind_label(key: str) -> str:
    return str(OffenceKind(key).label) if key in OffenceKind.values else key


def severity_label(key: str) -> str:
    return str(Severity(key).label) if key in Severity.values else _("not specified")


def chapter_label(table: IndicatorTable, key: str) -> str:
    if key == "other":
        return _("other chapters")
    return _("Ch. %(number)s. %(title)s") % {
        "number": key,
        "title": table.chapter_titles.get(key, ""),
    }


# --- scope -----------------------------------------------------------------------------------


def _authorise(user: User, level: Level, region_id: int | None, district_id: int | None) -> None:
    """Raise PermissionDenied unless the user's scope covers the requested table."""
    scope = scope_level(user)
    if scope == "none":
        raise PermissionDenied(_("Your account has no territorial scope."))
    if level == "national":
        if scope != "national":
            raise PermissionDenied(_("The national table is outside your scope."))
    elif level == "region":
        assert region_id is not None
        require_region(user, region_id)
        # A district- or sector-scoped user has a region too, but not all of its districts.
        if scope in {"district", "sector"}:
            raise PermissionDenied(_("This region is outside your scope."))
    else:
        assert region_id is not None and district_id is not None
        require_district(user, district_id, region_id)


# --- counting --------------------------------------------------------------------------------


def _split(period: Period) -> tuple[tuple[dt.date, dt.date] | None, list[tuple[dt.date, dt.date]]]:
    """(whole months inside the period or None, the remaining day ranges at its edges)."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    last = period.end.replace(day=1)
    if first >= last:
        return None, [(period.start, period.end)]
    edges = [(a, b) for a, b in ((period.start, first), (last, period.end)) if a < b]
    return (first, last), edges


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _counts(
    user: User,
    where: dict[str, int],
    kinds: tuple[str, ...],
    periods: list[Period],
    group: tuple[str, ...],
) -> dict[tuple[object, ...], list[int]]:
    """{group values: [offences registered in each period]} within the user's scope."""
    found: dict[tuple[object, ...], list[int]] = defaultdict(lambda: [0] * len(periods))
    split = [_split(p) for p in periods]
    sources = (
        (OffenceMonthly, "month", [[months] if months else [] for months, _ in split]),
        (OffenceDaily, "day", [edges for _, edges in split]),
    )
    for model, unit, ranges in sources:
        within = [
            functools.reduce(
                operator.or_, (Q(**{f"{unit}__gte": a, f"{unit}__lt": b}) for a, b in spans)
            )
            for spans in ranges
            if spans
        ]
        if not within:
            continue
        sums = {
            f"c{i}": Sum(
                "n",
                filter=functools.reduce(
                    operator.or_, (Q(**{f"{unit}__gte": a, f"{unit}__lt": b}) for a, b in spans)
                ),
            )
            for i, spans in enumerate(ranges)
            if spans
        }
        qs = scoped(user, model.objects.filter(**where))  # type: ignore[attr-defined]
        if kinds:
            qs = qs.filter(kind__in=kinds)
        rows = (
            qs.filter(functools.reduce(operator.or_, within))
            .values(*group)
            .annotate(**sums)
            .order_by()
        )
        for row in rows:
            counts = found[tuple(row[g] for g in group)]
            for i in range(len(periods)):
                counts[i] += row.get(f"c{i}") or 0
    return dict(found)


def _region_populations(region_ids: list[int], year: int) -> dict[int, Population]:
    """{region id: (population, is placeholder)} of `year`, else the nearest earlier, else the first."""
    best: dict[int, tuple[int, int, bool]] = {}
    for rid, y, pop, placeholder in RegionPopulation.objects.filter(
        region_id__in=region_ids
    ).values_list("region_id", "year", "population", "is_placeholder"):
        # Rank: any year up to `year` beats a later one; among those the latest, else the earliest.
        rank = y if y <= year else -y
        if rid not in best or rank > best[rid][0]:
            best[rid] = (rank, pop, placeholder)
    return {rid: (pop, ph) for rid, (_, pop, ph) in best.items()}


def _structure(
    grouped: dict[tuple[str, int], int],
) -> tuple[tuple[Share, ...], tuple[Share, ...], tuple[Share, ...], dict[str, str]]:
    """Shares by kind, by severity (crimes) and by Criminal Code chapter of grouped counts."""
    articles = {
        a["id"]: a
        for a in Article.objects.filter(id__in={article for _, article in grouped}).values(
            "id",
            "code_kind",
            "chapter",
            "chapter_title_kk",
            "chapter_title_ru",
            "chapter_title_en",
            "severity",
        )
    }
    by_kind: dict[str, int] = defaultdict(int)
    by_severity: dict[str, int] = defaultdict(int)
    by_chapter: dict[str, int] = defaultdict(int)
    titles: dict[str, str] = {}
    language = (get_language() or "kk")[:2]
    for (kind, article_id), n in grouped.items():
        by_kind[kind] += n
        article = articles[article_id]
        if kind == OffenceKind.CRIME:
            by_severity[article["severity"] or ""] += n
        if article["code_kind"] == CodeKind.CRIMINAL and article["chapter"] is not None:
            key = str(article["chapter"])
            by_chapter[key] += n
            title = {"kk": article["chapter_title_kk"], "en": article["chapter_title_en"]}
            titles[key] = title.get(language) or article["chapter_title_ru"]
    return (
        shares(by_kind),
        shares(by_severity),
        shares(by_chapter, top=TOP_CHAPTERS),
        titles,
    )


# --- the table -------------------------------------------------------------------------------


def _children(
    user: User, level: Level, region_id: int | None, district_id: int | None, year: int
) -> tuple[str, str, list[Place], dict[int, Population]]:
    """(child level, grouping field, child places, their populations) of the requested table."""
    if level == "national":
        places = [Place("region", r.pk, r.iso, r.name) for r in Region.objects.all()]
        populations = _region_populations([p.id for p in places if p.id], year)
        return "region", "region_id", places, populations
    if level == "region":
        assert region_id is not None
        districts = list(District.objects.filter(region_id=region_id))
        places = [Place("district", d.pk, d.code, d.name) for d in districts]
        populations = {d.pk: pop for d in districts if (pop := _district_population(d))}
        return "district", "district_id", places, populations
    assert district_id is not None
    sectors = Sector.objects.filter(district_id=district_id).select_related("district")
    if scope_level(user) == "sector":
        assert user.sector_id is not None
        sectors = sectors.filter(pk=user.sector_id)
    if sectors:
        # Sectors have no population of their own, so their rows carry volumes and dynamics only.
        return "sector", "sector_id", [Place("sector", s.pk, s.code, str(s)) for s in sectors], {}
    district = District.objects.get(pk=district_id)
    place = Place("district", district.pk, district.code, district.name)
    pop = _district_population(district)
    return "self", "district_id", [place], {district.pk: pop} if pop else {}


def indicators(
    *,
    user: User,
    level: Level,
    region_id: int | None = None,
    district_id: int | None = None,
    date_from: dt.date,
    date_to: dt.date,
    kinds: list[str] | None,
) -> IndicatorTable:
    """The indicator table of one territory's children for offences registered in [from, to)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    if level == "district" and district_id is not None and region_id is None:
        region_id = District.objects.values_list("region_id", flat=True).get(pk=district_id)
    if (level != "national" and region_id is None) or (level == "district" and district_id is None):
        raise ValueError(f"the {level} table needs its territory")
    _authorise(user, level, region_id, district_id)
    period = Period(date_from, date_to)
    year = period.reference_year
    kinds_t = tuple(sorted(set(kinds or ())))

    where: dict[str, int] = {}
    if region_id is not None and level in {"region", "district"}:
        where["region_id"] = region_id
    if district_id is not None and level == "district":
        where["district_id"] = district_id
    child_level, group, places, populations = _children(user, level, region_id, district_id, year)
    periods = [period] + [period.years_earlier(n) for n in range(1, AVERAGE_YEARS + 1)]
    volumes = {key[0]: n for key, n in _counts(user, where, kinds_t, periods, (group,)).items()}
    zero = [0] * len(periods)

    region = Region.objects.get(pk=region_id) if region_id else None
    district = District.objects.get(pk=district_id) if district_id else None

    def drill(place: Place) -> dict[str, str] | None:
        if place.level == "region":
            return {"region": place.code}
        if child_level == "district" and region is not None:
            return {"region": region.iso, "district": place.code}
        return None

    rows = [_row(p, volumes.get(p.id, zero), populations.get(p.id or -1), drill(p)) for p in places]
    if volumes.get(None) and child_level != "self":
        # Records whose sub-unit is not known yet still count in the total, visibly.
        # Two literal messages, so that makemessages finds both.
        label = (
            _("not assigned to a sector")
            if child_level == "sector"
            else _("not assigned to a district")
        )
        rows.append(_row(Place("unassigned", None, "", label), volumes[None], None, None))

    totals = [sum(v[i] for v in volumes.values()) for i in range(len(periods))]
    country = Place("country", None, "KZ", _("Republic of Kazakhstan"))
    total_place, total_pop = country, None
    if level == "national":
        known = [populations.get(p.id or -1) for p in places]
        if known and all(known):
            total_pop = (sum(k[0] for k in known if k), any(k[1] for k in known if k))
    elif level == "region" and region is not None:
        total_place = Place("region", region.pk, region.iso, region.name)
        total_pop = _region_populations([region.pk], year).get(region.pk)
    elif district is not None:
        total_place = Place("district", district.pk, district.code, district.name)
        # A sector-scoped user's total is their sector alone; the district's population is not its.
        total_pop = None if scope_level(user) == "sector" else _district_population(district)
    total = _row(total_place, totals, total_pop, None)

    structure = _counts(user, where, kinds_t, [period], ("kind", "article_id"))
    by_kind, by_severity, by_chapter, titles = _structure(
        {(str(k), int(a)): n[0] for (k, a), n in structure.items() if n[0]}  # type: ignore[call-overload]
    )
    return IndicatorTable(
        level=level,
        child_level=child_level,
        country=country,
        region=total_place if level == "region" else _place(region),
        district=total_place if level == "district" else None,
        period=period,
        population_year=year,
        kinds=kinds_t,
        rows=tuple(rows),
        total=total,
        by_kind=by_kind,
        by_severity=by_severity,
        by_chapter=by_chapter,
        chapter_titles=titles,
    )


def _row(
    place: Place, counts: list[int], population: Population | None, drill: dict[str, str] | None
) -> Row:
    pop, placeholder = population if population else (None, False)
    return Row(
        place=place,
        population=pop,
        population_is_placeholder=placeholder,
        rate=rate_per_100k(counts[0], pop),
        dynamics=dynamics(counts[0], counts[1:]),
        drill=drill,
    )


def _place(region: Region | None) -> Place | None:
    return Place("region", region.pk, region.iso, region.name) if region else None


def _district_population(district: District) -> Population | None:
    if district.population is None:
        return None
    return district.population, district.population_is_placeholder


# --- the structure of offenders ----------------------------------------------------------------

# Identified people: a suspect of a solved offence and an offender of one sent to court alike.
OFFENDER_ROLES = (PartyRole.SUSPECT, PartyRole.OFFENDER)


def offenders(
    *,
    user: User,
    level: Level,
    region_id: int | None = None,
    district_id: int | None = None,
    date_from: dt.date,
    date_to: dt.date,
    kinds: list[str] | None,
) -> OffenderStructure:
    """Who committed the offences registered in [from, to) of the table's territory: the
    identified suspects and offenders (OFFENDER_ROLES) from the register's parties, each person
    once — sex, age band at their first offence of the period, juveniles, repeat offenders —
    and each offence once: alone or in a group (two or more people).

    A person is a repeat offender when they were identified in at least two offences of the
    same territory and kinds registered before the end of the period (in it or before it),
    within the user's scope. Unlike the counts of the table, this reads the offences and their
    parties themselves (three grouped queries), not the count tables.
    """
    if level == "district" and district_id is not None and region_id is None:
        region_id = District.objects.values_list("region_id", flat=True).get(pk=district_id)
    _authorise(user, level, region_id, district_id)
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to, dt.time.min, tzinfo=tz)
    # Parties of the territory's offences (in the user's scope, of the kinds), by joins, so
    # that the repeat query can start from the people's own parties (indexed by person).
    parties = scoped(user, OffenceParty.objects.filter(role__in=OFFENDER_ROLES), prefix="offence__")
    if region_id is not None and level in {"region", "district"}:
        parties = parties.filter(offence__region_id=region_id)
    if district_id is not None and level == "district":
        parties = parties.filter(offence__district_id=district_id)
    if kinds:
        parties = parties.filter(offence__kind__in=kinds)
    links = parties.filter(offence__registered_at__gte=start, offence__registered_at__lt=end)
    people = list(
        links.values("person_id", "person__sex", "person__birth_date")
        .annotate(first=Min("offence__occurred_at"))
        .order_by("person_id")
    )
    per_offence = list(
        links.values("offence_id")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
        .values_list("n", flat=True)
    )
    # Everyone with an offence up to the period's end, grouped once: those whose latest is in
    # the period are its people, and those with two or more are repeat offenders. (A subquery
    # "person in the period's people" made SQLite's planner loop for minutes on a city's year.)
    repeat = set(
        parties.filter(offence__registered_at__lt=end)
        .values("person_id")
        .annotate(n=Count("offence_id", distinct=True), last=Max("offence__registered_at"))
        .filter(n__gte=2, last__gte=start)
        .order_by()
        .values_list("person_id", flat=True)
    )
    return offender_structure(
        sex=[p["person__sex"] or "" for p in people],
        age=[age_on(p["person__birth_date"], p["first"].astimezone(ALMATY).date()) for p in people],
        repeat=[p["person_id"] in repeat for p in people],
        people_per_offence=per_offence,
    )
