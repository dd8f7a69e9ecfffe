"""Crime indicators as plain arithmetic: rate per 100 000, change, 3-year average, structure.

Pure by design (numpy and the standard library only, never Django): the register's query
service counts offences with the database and hands the counts here, so every figure a page
shows is computed by a function that is tested without a database. See docs/indicators.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

PER = 100_000
# How many earlier years the "3-year average" looks back over.
AVERAGE_YEARS = 3


@dataclass(frozen=True)
class Period:
    """A half-open range of calendar days [start, end) in local time."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"a period must end after it starts: {self.start} … {self.end}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def reference_year(self) -> int:
        """The year whose population a rate divides by: the year of the period's middle day."""
        return (self.start + dt.timedelta(days=self.days // 2)).year

    @property
    def is_calendar_year(self) -> bool:
        return self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(
            self.start.year + 1, 1, 1
        )

    def years_earlier(self, years: int) -> Period:
        """The same calendar window `years` earlier, so that seasons are compared like for like."""
        return Period(shift_years(self.start, -years), shift_years(self.end, -years))


def shift_years(day: dt.date, years: int) -> dt.date:
    """`day` moved by whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Change:
    """A change against a base: absolute, and relative in % (None when the base is 0)."""

    current: float
    base: float
    absolute: float
    percent: float | None

    @property
    def direction(self) -> int:
        """+1 up, -1 down, 0 unchanged — for arrows, not for judging good or bad."""
        return int(np.sign(self.absolute))


def rate_per_100k(count: float, population: float | None) -> float | None:
    """Offences per 100 000 residents; None without a usable population."""
    if population is None or population <= 0:
        return None
    return float(count) * PER / float(population)


def rates_per_100k(
    counts: Sequence[float] | npt.NDArray[np.float64],
    populations: Sequence[float | None] | npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Vectorised rate; NaN where the population is unknown or not positive."""
    c = np.asarray(counts, dtype=float)
    p = np.asarray([np.nan if v is None else v for v in populations], dtype=float)
    out = np.full(c.shape, np.nan)
    ok = np.isfinite(p) & (p > 0)
    out[ok] = c[ok] * PER / p[ok]
    return out


def change(current: float, base: float) -> Change:
    """Change from `base` to `current`; the percentage is undefined (None) for a zero base."""
    absolute = float(current) - float(base)
    percent = None if base == 0 else absolute * 100.0 / float(base)
    return Change(current=float(current), base=float(base), absolute=absolute, percent=percent)


def average(previous: Sequence[float]) -> float:
    """The mean of the previous periods' volumes (normally three: see AVERAGE_YEARS)."""
    if len(previous) == 0:
        raise ValueError("an average needs at least one previous period")
    return float(np.mean(np.asarray(previous, dtype=float)))


@dataclass(frozen=True)
class Dynamics:
    """A territory's volume against last year and against the mean of the 3 years before."""

    volume: int
    previous_year: int
    average_3y: float
    vs_previous_year: Change
    vs_average_3y: Change


def dynamics(volume: int, previous: Sequence[int]) -> Dynamics:
    """`previous` lists the same period 1, 2, 3 … years earlier, most recent first."""
    if len(previous) != AVERAGE_YEARS:
        raise ValueError(f"expected {AVERAGE_YEARS} previous periods, got {len(previous)}")
    mean = average(previous)
    return Dynamics(
        volume=int(volume),
        previous_year=int(previous[0]),
        average_3y=mean,
        vs_previous_year=change(volume, previous[0]),
        vs_average_3y=change(volume, mean),
    )


@dataclass(frozen=True)
class Share:
    """One slice of a structure breakdown; `share` is a fraction of the total (0 … 1)."""

    key: str
    count: int
    share: float


OTHER = "other"


def shares(
    counts: Mapping[str, int] | Iterable[tuple[str, int]], *, top: int | None = None
) -> tuple[Share, ...]:
    """Slices sorted by size (ties by key, so output is stable); beyond `top`, one 'other' slice.

    Zero counts are dropped: an empty slice tells the reader nothing and clutters a chart.
    """
    items = list(counts.items() if isinstance(counts, Mapping) else counts)
    merged: dict[str, int] = {}
    for key, count in items:
        merged[key] = merged.get(key, 0) + int(count)
    ordered = sorted(((k, c) for k, c in merged.items() if c > 0), key=lambda kc: (-kc[1], kc[0]))
    if top is not None and len(ordered) > top:
        rest = sum(c for _, c in ordered[top:])
        ordered = [*ordered[:top], (OTHER, rest)]
    total = sum(c for _, c in ordered)
    if total == 0:
        return ()
    return tuple(Share(key=k, count=c, share=c / total) for k, c in ordered)


# --- the structure of offenders (seed 001: by sex, by age, alone or in a group, first or repeat)

# Age bands of criminal statistics; criminal liability starts at 14 (16 for most offences), a
# juvenile is under 18 at the offence.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("under_14", 0, 14),
    ("14_17", 14, 18),
    ("18_24", 18, 25),
    ("25_29", 25, 30),
    ("30_49", 30, 50),
    ("50_plus", 50, None),
)
JUVENILE_UNDER = 18
UNKNOWN = "unknown"
SEXES = ("M", "F")


@dataclass(frozen=True)
class OffenderStructure:
    """Who committed a table's offences: each identified person once, and each offence once."""

    people: int
    by_sex: tuple[Share, ...]  # "M", "F", "unknown"; shares of all people; zero slices dropped
    by_age: tuple[Share, ...]  # AGE_BANDS in order, then "unknown"; shares of all people
    known_age: int
    juveniles: int  # under JUVENILE_UNDER at their first offence of the period
    repeat: int  # people with an offence before this one (see `offender_structure`)
    offences: int  # offences with at least one identified person
    group_offences: int  # of which with two or more

    @property
    def juvenile_share(self) -> float | None:
        """Of the people whose age is known: an unknown age is not counted as an adult."""
        return self.juveniles / self.known_age if self.known_age else None

    @property
    def repeat_share(self) -> float | None:
        return self.repeat / self.people if self.people else None

    @property
    def group_share(self) -> float | None:
        return self.group_offences / self.offences if self.offences else None


def age_band(age: float) -> str:
    """The AGE_BANDS key of a whole age in years; UNKNOWN for NaN or a negative age."""
    if not np.isfinite(age) or age < 0:
        return UNKNOWN
    for key, low, high in AGE_BANDS:
        if age >= low and (high is None or age < high):
            return key
    return UNKNOWN  # pragma: no cover - the last band is open


def offender_structure(
    *,
    sex: Sequence[str],
    age: Sequence[float] | npt.NDArray[np.float64],
    repeat: Sequence[bool] | npt.NDArray[np.bool_],
    people_per_offence: Sequence[int] | npt.NDArray[np.int64],
) -> OffenderStructure:
    """The structure of offenders from one value per person (sex "M" / "F" / anything else
    unknown, age in whole years at their first offence of the period or NaN, whether they
    offended before) and, per offence with an identified person, how many there were."""
    n = len(sex)
    ages = np.asarray(age, dtype=float).ravel()
    flags = np.asarray(repeat, dtype=bool).ravel()
    if ages.size != n or flags.size != n:
        raise ValueError(f"one sex, age and repeat flag per person: {n}, {ages.size}, {flags.size}")
    per_offence = np.asarray(people_per_offence, dtype=np.int64).ravel()
    if per_offence.size and int(per_offence.min()) < 1:
        raise ValueError("an offence listed here has at least one identified person")

    def of_people(counts: dict[str, int]) -> tuple[Share, ...]:
        return tuple(
            Share(key=k, count=c, share=c / n) for k, c in counts.items() if c > 0 and n > 0
        )

    sexes = {s: 0 for s in (*SEXES, UNKNOWN)}
    for s in sex:
        sexes[s if s in SEXES else UNKNOWN] += 1
    bands = {key: 0 for key, _, _ in AGE_BANDS} | {UNKNOWN: 0}
    for a in ages.tolist():
        bands[age_band(a)] += 1
    known = ages[np.isfinite(ages) & (ages >= 0)]
    return OffenderStructure(
        people=n,
        by_sex=of_people(sexes),
        by_age=of_people(bands),
        known_age=int(known.size),
        juveniles=int((known < JUVENILE_UNDER).sum()),
        repeat=int(flags.sum()),
        offences=int(per_offence.size),
        group_offences=int((per_offence >= 2).sum()),
    )


def age_on(born: dt.date | None, on: dt.date) -> float:
    """Whole years of age on a day; NaN without a birth date."""
    if born is None:
        return float("nan")
    return float(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))
