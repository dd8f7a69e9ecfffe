"""Repeats of an area and period: repeat places, repeat victims and offenders, near repeats.

Thin glue over the pure library senim.analytics.repeats: the register's services hand the
offences (and, for people, their pseudonymous party links) as arrays; the library groups and
tests them. What is added here is the checking of the analyst's parameters, a name for each
repeat place (the smallest id of its offences, so its page survives a reload), and the limit
that keeps the Knox test's cost in check. See docs/analytics.md, "Repeats and near repeats".

People are person ids, never names or identifiers (the register keeps none); listing them is
for roles with Perm.PERSONS only, and the callers (pages, API) audit-log every list they show.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from senim.analysis.areas import Area
from senim.analysis.params import AnalysisError, NoData, check_number, number
from senim.analysis.plane import located
from senim.analytics.grid import Projection
from senim.analytics.indicators import Period
from senim.analytics.repeats import Knox, KnoxTooLarge, knox_test, repeat_people, repeat_places
from senim.core.models import User
from senim.register.services import OffenceEvents, offence_events, offence_parties

# Repeats are about criminal offences (the register's parties are recorded for them); the
# analyst may tick administrative offences too.
DEFAULT_KINDS = ("crime", "criminal_misdemeanour")
DEFAULT_DAYS = 365
# Events chained within this distance are one place: address scale, as the library advises.
DEFAULT_RADIUS_M = 25.0
MAX_RADIUS_M = 100.0
DEFAULT_MIN_EVENTS = 2
MAX_MIN_EVENTS = 1000
DEFAULT_SPACE_EDGES_M = (0.0, 100.0, 200.0, 300.0, 400.0)
DEFAULT_TIME_EDGES_DAYS = (0.0, 7.0, 14.0, 21.0, 28.0)
MAX_EDGES = 11  # ten bands a side at most: a table beyond that cannot be read
MAX_SPACE_EDGE_M = 2000.0
MAX_TIME_EDGE_DAYS = 365.0
DEFAULT_PERMUTATIONS = 99
MIN_PERMUTATIONS, MAX_PERMUTATIONS = 19, 999
# Every permutation re-tabulates every pair within the last space edge: the test costs
# pairs × (permutations + 1) comparisons, about 40 ns each on one core (measured in
# docs/analytics.md). 100 million is a few seconds; beyond it the analyst is asked to narrow.
MAX_KNOX_COMPARISONS = 100_000_000
KNOX_SEED = 0  # the same request gives the same p-values
PAGE_SIZE = 25
VICTIM_ROLES = ("victim",)
OFFENDER_ROLES = ("suspect", "offender")  # identified persons, as the register records them
PEOPLE_ROLES = {"victims": VICTIM_ROLES, "offenders": OFFENDER_ROLES}


class NotListed(AnalysisError):
    """A place or person a link names is not (or no longer) among the repeats asked for."""

    status = 404


# --- parameters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What the analyst chose besides the area, the period and the kinds."""

    radius_m: float = DEFAULT_RADIUS_M
    min_events: int = DEFAULT_MIN_EVENTS
    space_edges_m: tuple[float, ...] = DEFAULT_SPACE_EDGES_M
    time_edges_days: tuple[float, ...] = DEFAULT_TIME_EDGES_DAYS
    permutations: int = DEFAULT_PERMUTATIONS

    def query(self) -> dict[str, str]:
        """The settings as a query string shows them (the page's links keep them)."""
        return {
            "radius_m": f"{self.radius_m:g}",
            "min_events": str(self.min_events),
            "space_m": edges_text(self.space_edges_m),
            "time_days": edges_text(self.time_edges_days),
            "permutations": str(self.permutations),
        }


def edges_text(edges: Sequence[float]) -> str:
    return ", ".join(f"{e:g}" for e in edges)


def check_kinds_or_default(kinds: tuple[str, ...]) -> tuple[str, ...]:
    return kinds or DEFAULT_KINDS


def check_radius(value: float | None) -> float:
    checked = check_number("radius_m", value, 0.0, MAX_RADIUS_M)
    return DEFAULT_RADIUS_M if checked is None else checked


def check_whole(field: str, value: float | None, low: int, high: int, default: int) -> int:
    if value is None:
        return default
    if not math.isfinite(value) or value != int(value) or not low <= value <= high:
        raise AnalysisError(
            field,
            _("Must be a whole number between %(low)s and %(high)s.") % {"low": low, "high": high},
        )
    return int(value)


def check_min_events(value: float | None) -> int:
    return check_whole("min_events", value, 2, MAX_MIN_EVENTS, DEFAULT_MIN_EVENTS)


def check_permutations(value: float | None) -> int:
    return check_whole(
        "permutations", value, MIN_PERMUTATIONS, MAX_PERMUTATIONS, DEFAULT_PERMUTATIONS
    )


def parse_edges(field: str, text: str | None) -> list[float] | None:
    """'0, 100, 200' (commas, semicolons or spaces) → numbers; None for an empty field."""
    raw = (text or "").strip()
    if not raw:
        return None
    parts = [p for p in raw.replace(";", " ").replace(",", " ").split() if p]
    values = []
    for part in parts[: MAX_EDGES + 1]:
        try:
            values.append(float(part))
        except ValueError:
            raise AnalysisError(
                field, _("Write the band edges as numbers separated by commas, e.g. 0, 7, 14.")
            ) from None
    if len(parts) > MAX_EDGES:
        values.append(math.nan)  # reported as too many below
    return values


def check_edges(
    field: str, values: Sequence[float] | None, high: float, default: tuple[float, ...]
) -> tuple[float, ...]:
    """Band edges: 2 to MAX_EDGES increasing numbers from 0 up to `high`."""
    if values is None or len(values) == 0:
        return default
    edges = list(values)
    if not 2 <= len(edges) <= MAX_EDGES:
        raise AnalysisError(
            field,
            _("Give between %(low)s and %(high)s band edges.") % {"low": 2, "high": MAX_EDGES},
        )
    if not all(math.isfinite(e) and 0 <= e <= high for e in edges):
        raise AnalysisError(
            field,
            _("Every band edge must be between %(low)s and %(high)s.")
            % {"low": 0, "high": f"{high:g}"},
        )
    if any(b <= a for a, b in itertools.pairwise(edges)):
        raise AnalysisError(field, _("Band edges must increase from one to the next."))
    return tuple(float(e) for e in edges)


def settings_from(
    *,
    radius_m: float | None = None,
    min_events: float | None = None,
    space_m: Sequence[float] | None = None,
    time_days: Sequence[float] | None = None,
    permutations: float | None = None,
) -> Settings:
    return Settings(
        radius_m=check_radius(radius_m),
        min_events=check_min_events(min_events),
        space_edges_m=check_edges("space_m", space_m, MAX_SPACE_EDGE_M, DEFAULT_SPACE_EDGES_M),
        time_edges_days=check_edges(
            "time_days", time_days, MAX_TIME_EDGE_DAYS, DEFAULT_TIME_EDGES_DAYS
        ),
        permutations=check_permutations(permutations),
    )


def settings_from_query(params: Mapping[str, Any]) -> Settings:
    """The settings of a page's query string (a Django QueryDict)."""
    return settings_from(
        radius_m=number(params, "radius_m"),
        min_events=number(params, "min_events"),
        space_m=parse_edges("space_m", params.get("space_m")),
        time_days=parse_edges("time_days", params.get("time_days")),
        permutations=number(params, "permutations"),
    )


def page_number(field: str, value: str | int | None) -> int:
    if value is None or value == "":
        return 1
    try:
        number = int(str(value).strip())
    except ValueError:
        raise AnalysisError(field, _("The page is a whole number from 1.")) from None
    if number < 1:
        raise AnalysisError(field, _("The page is a whole number from 1."))
    return number


@dataclass(frozen=True)
class Page:
    """One page of a list: rows, its number (from 1), how many pages and rows in all."""

    rows: tuple[Any, ...]
    number: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(field: str, rows: Sequence[Any], number: int, size: int = PAGE_SIZE) -> Page:
    pages = max(1, math.ceil(len(rows) / size))
    if number > pages:
        raise AnalysisError(
            field,
            _("There is no page %(n)s: the list has %(pages)s.") % {"n": number, "pages": pages},
        )
    start = (number - 1) * size
    return Page(tuple(rows[start : start + size]), number, pages, len(rows))


# --- the events --------------------------------------------------------------------------------


def _events(user: User, area: Area, period: Period, kinds: tuple[str, ...]) -> OffenceEvents:
    events = offence_events(
        user=user,
        region_id=area.region_id,
        district_id=area.district_id,
        date_from=period.start,
        date_to=period.end,
        kinds=list(kinds),
    )
    if len(events) == 0:
        raise NoData("area", _("No offences in this area and period."))
    return events


def _days(t_local: np.ndarray) -> list[dt.date]:
    return [d.item() for d in t_local.astype("datetime64[D]")]


# --- repeat places -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RepeatPlace:
    """Offences chained within the radius: a place that came back, most offences first."""

    key: int  # the smallest id of its offences: names the place's page
    rank: int
    events: int
    lat: float  # mean position of its offences
    lon: float
    first: dt.date  # local registration days
    last: dt.date
    offence_ids: tuple[int, ...]  # newest first


@dataclass(frozen=True)
class Places:
    area: Area
    period: Period
    kinds: tuple[str, ...]
    radius_m: float
    min_events: int
    n_events: int  # registered in the period
    n_located: int  # of which with coordinates
    places: tuple[RepeatPlace, ...]

    @property
    def events_at_repeat_places(self) -> int:
        return sum(p.events for p in self.places)

    @property
    def share_of_located(self) -> float:
        return self.events_at_repeat_places / self.n_located if self.n_located else 0.0

    @property
    def share_of_located_pct(self) -> float:
        return self.share_of_located * 100.0


def repeat_places_of(
    *,
    user: User,
    area: Area,
    period: Period,
    kinds: tuple[str, ...],
    radius_m: float = DEFAULT_RADIUS_M,
    min_events: int = DEFAULT_MIN_EVENTS,
) -> Places:
    """Places with at least `min_events` offences chained within `radius_m` in the period."""
    events = _events(user, area, period, kinds)
    ok = located(events.lat, events.lon)
    where = events.select(ok)
    projection = Projection(lon0=area.centre[1], lat0=area.centre[0])
    x, y = projection.forward(where.lon, where.lat)
    found = repeat_places(x, y, radius_m=radius_m, min_events=min_events)
    lon, lat = projection.inverse(found.x, found.y)
    days = _days(where.t_local)
    members: list[list[int]] = [[] for _ in range(found.counts.size)]
    for index, place in enumerate(found.place.tolist()):
        if place >= 0:
            members[place].append(index)
    places = []
    for rank, rows in enumerate(members, start=1):
        # Events come ordered by registration time: the last is the newest.
        ids = where.offence_id[rows]
        places.append(
            RepeatPlace(
                key=int(ids.min()),
                rank=rank,
                events=len(rows),
                lat=round(float(lat[rank - 1]), 6),
                lon=round(float(lon[rank - 1]), 6),
                first=days[rows[0]],
                last=days[rows[-1]],
                offence_ids=tuple(int(i) for i in ids[::-1]),
            )
        )
    return Places(
        area=area,
        period=period,
        kinds=kinds,
        radius_m=radius_m,
        min_events=min_events,
        n_events=len(events),
        n_located=int(ok.sum()),
        places=tuple(places),
    )


def find_place(places: Places, key: int) -> RepeatPlace:
    for place in places.places:
        if place.key == key:
            return place
    raise NotListed(
        "place",
        _(
            "No repeat place with this offence in this area, period and settings: "
            "the data or the settings have changed since the link was made."
        ),
    )


# --- repeat victims and offenders --------------------------------------------------------------


@dataclass(frozen=True)
class RepeatPerson:
    person_id: int
    events: int
    first: dt.date
    last: dt.date
    offence_ids: tuple[int, ...]  # newest first

    @property
    def pseudonym(self) -> str:
        return f"P-{self.person_id:08d}"


@dataclass(frozen=True)
class People:
    """Victims or offenders of the area's offences: how many come back, and (asked for) who."""

    group: str  # "victims" | "offenders"
    min_events: int
    n_people: int  # distinct people in the role
    n_links: int  # (offence, person) pairs: victimisations, or offenders per offence
    n_repeat: int  # people with at least min_events offences
    repeat_links: int  # their pairs
    people: tuple[RepeatPerson, ...]  # empty unless person-level data was asked for

    @property
    def share_of_links_pct(self) -> float:
        return self.repeat_links / self.n_links * 100.0 if self.n_links else 0.0

    @property
    def person_ids(self) -> list[int]:
        return [p.person_id for p in self.people]


def repeat_people_of(
    *,
    user: User,
    area: Area,
    period: Period,
    kinds: tuple[str, ...],
    group: str,
    min_events: int = DEFAULT_MIN_EVENTS,
    with_people: bool = False,
    person_id: int | None = None,
) -> People:
    """Repeat victims or offenders ("victims" / "offenders": suspects and offenders as the
    register records them). `with_people` lists them: the caller checks Perm.PERSONS and
    writes the audit log. `person_id` narrows to one person (their page)."""
    roles = PEOPLE_ROLES[group]
    links = offence_parties(
        user=user,
        roles=list(roles),
        region_id=area.region_id,
        district_id=area.district_id,
        date_from=period.start,
        date_to=period.end,
        kinds=list(kinds),
        person_id=person_id,
    )
    found = repeat_people(links.person_id, min_events=min_events)
    people: list[RepeatPerson] = []
    if with_people and found.keys.size:
        events = _events(user, area, period, kinds)
        order = np.argsort(events.offence_id, kind="stable")
        sorted_ids = events.offence_id[order]
        day_of = np.array(_days(events.t_local), dtype=object)
        wanted = set(found.keys.tolist())
        by_person: dict[int, list[int]] = {}
        for offence, person in zip(
            links.offence_id.tolist(), links.person_id.tolist(), strict=True
        ):
            if person in wanted:
                by_person.setdefault(person, []).append(offence)
        for key, count in zip(found.keys.tolist(), found.counts.tolist(), strict=True):
            ids = np.array(by_person[key], dtype=np.int64)
            at = np.searchsorted(sorted_ids, ids)
            known = (at < sorted_ids.size) & (
                sorted_ids[np.minimum(at, sorted_ids.size - 1)] == ids
            )
            rows = order[at[known]]
            rows.sort()  # registration order
            people.append(
                RepeatPerson(
                    person_id=key,
                    events=count,
                    first=day_of[rows[0]] if rows.size else period.start,
                    last=day_of[rows[-1]] if rows.size else period.last_day,
                    offence_ids=tuple(int(i) for i in events.offence_id[rows][::-1]),
                )
            )
    return People(
        group=group,
        min_events=min_events,
        n_people=found.n_people,
        n_links=found.n_events,
        n_repeat=int(found.keys.size),
        repeat_links=int(found.counts.sum()),
        people=tuple(people),
    )


# --- near repeats: the Knox test ---------------------------------------------------------------


@dataclass(frozen=True)
class KnoxRow:
    space_from_m: float
    space_to_m: float
    time_from_days: float
    time_to_days: float
    observed: int
    expected: float
    ratio: float | None  # None where nothing was expected
    p_value: float
    significant: bool  # more pairs than chance at the 5 % level


@dataclass(frozen=True)
class NearRepeats:
    area: Area
    period: Period
    kinds: tuple[str, ...]
    n_events: int
    n_located: int
    permutations: int
    knox: Knox

    @property
    def rows(self) -> list[KnoxRow]:
        out = []
        for cell in self.knox.table():
            ratio = cell.ratio if math.isfinite(cell.ratio) else None
            out.append(
                KnoxRow(
                    cell.space_from_m,
                    cell.space_to_m,
                    cell.time_from_days,
                    cell.time_to_days,
                    cell.observed,
                    cell.expected,
                    ratio,
                    cell.p_value,
                    ratio is not None and ratio > 1 and cell.p_value <= 0.05,
                )
            )
        return out

    def grid(self) -> list[tuple[str, list[KnoxRow]]]:
        """Space bands (rows) × time bands (columns), for the table on the page."""
        rows = self.rows
        nt = len(self.knox.time_edges_days) - 1
        return [
            (
                f"{rows[s * nt].space_from_m:g}–{rows[s * nt].space_to_m:g}",
                rows[s * nt : s * nt + nt],
            )
            for s in range(len(self.knox.space_edges_m) - 1)
        ]

    @property
    def time_bands(self) -> list[str]:
        e = self.knox.time_edges_days
        return [f"{e[k]:g}–{e[k + 1]:g}" for k in range(len(e) - 1)]

    @property
    def n_significant(self) -> int:
        return sum(r.significant for r in self.rows)


def near_repeats(
    *,
    user: User,
    area: Area,
    period: Period,
    kinds: tuple[str, ...],
    space_edges_m: tuple[float, ...] = DEFAULT_SPACE_EDGES_M,
    time_edges_days: tuple[float, ...] = DEFAULT_TIME_EDGES_DAYS,
    permutations: int = DEFAULT_PERMUTATIONS,
) -> NearRepeats:
    """The Knox table of the area's located offences, times in days of registration."""
    events = _events(user, area, period, kinds)
    ok = located(events.lat, events.lon)
    where = events.select(ok)
    if len(where) < 2:
        raise NoData("area", _("Fewer than two offences with coordinates in this area and period."))
    projection = Projection(lon0=area.centre[1], lat0=area.centre[0])
    x, y = projection.forward(where.lon, where.lat)
    days = (where.t_utc - where.t_utc.min()) / 86_400.0
    limit = MAX_KNOX_COMPARISONS // (permutations + 1)
    try:
        knox = knox_test(
            x,
            y,
            days,
            space_edges_m=space_edges_m,
            time_edges_days=time_edges_days,
            permutations=permutations,
            seed=KNOX_SEED,
            max_pairs=limit,
        )
    except KnoxTooLarge as too_large:
        raise AnalysisError(
            "space_m", _too_large(too_large, space_edges_m[-1], permutations)
        ) from None
    return NearRepeats(
        area=area,
        period=period,
        kinds=kinds,
        n_events=len(events),
        n_located=int(ok.sum()),
        permutations=permutations,
        knox=knox,
    )


def _too_large(refused: KnoxTooLarge, last_edge_m: float, permutations: int) -> str:
    def spaced(n: int) -> str:
        return f"{n:,}".replace(",", "\u00a0")

    parts = [
        _(
            "Too many pairs for the near-repeat test: %(pairs)s pairs of offences lie within "
            "%(edge)s m of each other, and %(runs)s runs would compare them %(total)s times "
            "(the limit is %(limit)s)."
        )
        % {
            "pairs": spaced(refused.pairs),
            "edge": f"{last_edge_m:g}",
            "runs": permutations + 1,
            "total": spaced(refused.pairs * (permutations + 1)),
            "limit": spaced(MAX_KNOX_COMPARISONS),
        }
    ]
    fits = MAX_KNOX_COMPARISONS // max(refused.pairs, 1) - 1
    if fits >= MIN_PERMUTATIONS:
        parts.append(_("At most %(n)s permutations fit these pairs.") % {"n": fits})
    parts.append(
        _(
            "Narrow the test: a smaller last distance, a district instead of the whole city, "
            "a shorter period or fewer kinds."
        )
    )
    return " ".join(parts)
