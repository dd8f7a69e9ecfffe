"""The open KPIs per region and year, computed from records through each app's named services.

Six indicators (methodology.py says what each counts, from which table, by which formula):
criminal offences per 100 000 residents and their change, share solved, 102 response times,
ill-treatment complaints per 1 000 convicts (Table 2), the trust index, NPM recommendations
implemented (Table 3). A figure with nothing behind it is None ("no data"), never 0.
`senim open_data` writes the result to kpis.json; pages and the API read that file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from senim.analytics.indicators import change, rate_per_100k
from senim.core.models import Region, RegionPopulation
from senim.oversight.tables import recommendations_by_region
from senim.register import public
from senim.safeguards.services.complaints import published_table2
from senim.trust.services.index import trust_index_series

KEYS = ("crime", "solved", "response_102", "complaints", "trust", "npm")
NATIONAL = "KZ"


@dataclass(frozen=True)
class Crime:
    count: int
    population: int | None
    population_is_placeholder: bool
    rate: float | None  # per 100 000 residents
    change_pct: float | None  # of the rate against the previous year


@dataclass(frozen=True)
class Solved:
    registered: int
    solved: int
    share: float  # %


@dataclass(frozen=True)
class Response:
    n: int
    median_min: float
    p90_min: float


@dataclass(frozen=True)
class Complaints:
    complaints: int
    convicts: int
    per_1000: float


@dataclass(frozen=True)
class Trust:
    index: float
    low: float
    high: float
    n: int
    survey: str


@dataclass(frozen=True)
class Npm:
    sent: int
    implemented: int
    share: float  # %


def _r(value: float) -> float:
    return round(float(value), 1)


def solved(registered: int, solved_: int) -> Solved | None:
    return Solved(registered, solved_, _r(100.0 * solved_ / registered)) if registered else None


def response(seconds: np.ndarray | None) -> Response | None:
    """Median and 90th percentile in minutes (numpy's linear interpolation); None without calls."""
    if seconds is None or not seconds.size:
        return None
    median, p90 = np.percentile(seconds / 60.0, [50, 90])
    return Response(int(seconds.size), _r(median), _r(p90))


def npm(sent: int, implemented: int) -> Npm | None:
    return Npm(sent, implemented, _r(100.0 * implemented / sent)) if sent else None


def _crime(
    count: int | None, population: tuple[int, bool] | None, previous: float | None
) -> Crime | None:
    if not count:
        # No offence of any kind that year: the register was not in use, not a crime-free year.
        return None
    pop, placeholder = population if population else (None, False)
    rate = rate_per_100k(count, pop)
    change_pct = None  # of the unrounded rates
    if rate is not None and previous is not None:
        change_pct = change(rate, previous).percent
    return Crime(
        count,
        pop,
        placeholder,
        None if rate is None else _r(rate),
        None if change_pct is None else _r(change_pct),
    )


def _populations(years: list[int]) -> dict[tuple[int, int], tuple[int, bool]]:
    """{(region id, year): (population, is placeholder)}: the year's figure, else the nearest
    earlier one, else the earliest known (as Region.population), in one query."""
    known: dict[int, list[tuple[int, int, bool]]] = {}
    for rid, y, pop, placeholder in RegionPopulation.objects.order_by("year").values_list(
        "region_id", "year", "population", "is_placeholder"
    ):
        known.setdefault(rid, []).append((y, pop, placeholder))
    out = {}
    for rid, rows in known.items():
        for year in years:
            earlier = [r for r in rows if r[0] <= year]
            _y, pop, placeholder = earlier[-1] if earlier else rows[0]
            out[(rid, year)] = (pop, placeholder)
    return out


def _pool(arrays: Iterable[np.ndarray]) -> np.ndarray:
    parts = [a for a in arrays if a.size]
    return np.concatenate(parts) if parts else np.zeros(0)


@dataclass(frozen=True)
class _Year:
    """Everything read for one year, by region id, from which each territory's KPIs follow."""

    year: int
    crimes: dict[int, int]
    active: set[int]  # regions with any offence that year: the register was in use
    population: dict[int, tuple[int, bool]]
    outcomes: dict[int, public.Outcomes]
    seconds: dict[int, np.ndarray]
    table2: dict[int, Any]
    recs: dict[int, Any]
    trust: dict[str, Trust]  # by region code, "KZ" for the country

    @property
    def complaints_kept(self) -> bool:
        # A year without a single complaint in the country: the register was not kept yet.
        return any(line.complaints for line in self.table2.values())

    def region(self, region: Region, previous: float | None) -> dict[str, Any]:
        rid = region.pk
        outcome, line, cell = self.outcomes.get(rid), self.table2.get(rid), self.recs.get(rid)
        complaints = None
        if self.complaints_kept and line and line.convicts and line.rate is not None:
            complaints = Complaints(line.complaints, line.convicts, float(line.rate))
        return {
            "crime": _crime(
                self.crimes.get(rid, 0) if rid in self.active else None,
                self.population.get(rid),
                previous,
            ),
            "solved": solved(outcome.registered, outcome.solved) if outcome else None,
            "response_102": response(self.seconds.get(rid)),
            "complaints": complaints,
            "trust": self.trust.get(region.iso),
            "npm": npm(cell.sent, cell.implemented) if cell else None,
        }

    def national(self, regions: list[Region], previous: float | None) -> dict[str, Any]:
        pops = [self.population.get(r.pk) for r in regions]
        population = (
            (sum(p[0] for p in pops if p), any(p[1] for p in pops if p)) if all(pops) else None
        )
        lines = [line for line in self.table2.values() if line.convicts]
        convicts = sum(line.convicts for line in lines)
        complaints = sum(line.complaints for line in lines)
        outcomes = self.outcomes.values()
        return {
            "crime": _crime(
                sum(self.crimes.values()) if self.active else None, population, previous
            ),
            "solved": solved(sum(o.registered for o in outcomes), sum(o.solved for o in outcomes)),
            "response_102": response(_pool(self.seconds.values())),
            "complaints": Complaints(complaints, convicts, _r(1000.0 * complaints / convicts))
            if self.complaints_kept and convicts
            else None,
            "trust": self.trust.get(NATIONAL),
            "npm": npm(
                sum(c.sent for c in self.recs.values()),
                sum(c.implemented for c in self.recs.values()),
            ),
        }


def _trust() -> dict[tuple[str, int], Trust]:
    regions, national = trust_index_series()
    return {
        (series.code, p.year): Trust(
            _r(p.value.estimate), _r(p.value.low), _r(p.value.high), p.value.n, p.survey
        )
        for series in [*regions, *([national] if national else [])]
        for p in series.points  # ordered by year and survey code: the last survey of a year wins
    }


def compute(*, years: list[int]) -> dict[str, Any]:
    """{"years": [...], "regions": {region code or "KZ": {year: {kpi: figures or None}}}}."""
    regions = list(Region.objects.order_by("iso"))
    crimes = public.offences_by_region_year(years=years)
    active = public.offences_by_region_year(years=years, kinds=None)
    populations = _populations(years)
    trust = _trust()
    out: dict[str, dict[str, Any]] = {r.iso: {} for r in regions}
    out[NATIONAL] = {}
    for year in sorted(years):
        start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        figures = _Year(
            year=year,
            crimes={rid: n for (rid, y), n in crimes.items() if y == year},
            active={rid for (rid, y), n in active.items() if y == year and n},
            population={rid: p for (rid, y), p in populations.items() if y == year},
            outcomes=public.outcomes(start=start, end=end),
            seconds=public.response_seconds(start=start, end=end),
            table2={line.region.pk: line for line in published_table2(year=year)},
            recs=recommendations_by_region(year=year),
            trust={code: t for (code, y), t in trust.items() if y == year},
        )
        for region in regions:
            out[region.iso][str(year)] = _plain(
                figures.region(region, _rate(out, region.iso, year))
            )
        out[NATIONAL][str(year)] = _plain(figures.national(regions, _rate(out, NATIONAL, year)))
    return {"years": sorted(years), "regions": out}


LEAGUE_DAYS = 30


def response_league(today: dt.date) -> dict[str, Any]:
    """The Centre's league table of the last 30 whole days (senim.ops.centre.league, the same
    function as the operational centre's page): per region, the most urgent grade's calls
    attended within their target, with median and 90th percentile of receipt to arrival."""
    from senim.ops import centre
    from senim.ops.selectors import Level

    period = centre.Period(
        centre.local_midnight(today - dt.timedelta(days=LEAGUE_DAYS)), centre.local_midnight(today)
    )
    grade = centre.first_grade()
    rows = [
        {
            "iso": row.code,
            "n": row.attendance.n,
            "within": row.attendance.within,
            "share": None if row.attendance.share is None else _r(100 * row.attendance.share),
            "median_min": None
            if row.attendance.median_s is None
            else _r(row.attendance.median_s / 60),
            "p90_min": None if row.attendance.p90_s is None else _r(row.attendance.p90_s / 60),
        }
        for row in centre.league(Level("national"), period, grade)
    ]
    return {
        "from": (today - dt.timedelta(days=LEAGUE_DAYS)).isoformat(),
        "to": (today - dt.timedelta(days=1)).isoformat(),
        "grade": grade.code if grade else None,
        "rows": rows,
    }


def _rate(out: dict[str, dict[str, Any]], code: str, year: int) -> float | None:
    """Last year's rate of a territory, unrounded (the change is computed before rounding)."""
    crime = out[code].get(str(year - 1), {}).get("crime")
    return rate_per_100k(crime["count"], crime["population"]) if crime else None


def _plain(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: None if v is None else asdict(v) for k, v in figures.items()}
