"""CompStat periods: the last 7 and 28 days, year to date and 365 days, against their bases.

Each period ends on (and includes) the reference date and is compared with
- the prior equal period: the same number of days immediately before it (for YTD, the days
  just before 1 January, which CompStat sheets show but which mixes seasons), and
- the same period last year: from the same calendar start to the same calendar date a year
  earlier (29 February becomes 28 February), the like-for-like comparison for seasons.

The alert asks whether a change is beyond the Poisson noise that counts of events carry even
when nothing has changed. With c events now over e_c days and b events over e_b days in the
base, ρ = e_c / e_b, Anscombe's variance-stabilising transform √(X + 3/8) has variance ≈ 1/4
for any Poisson mean, so under "same daily rate"

    z = 2 (√(c + 3/8) − √(ρ (b + 3/8))) / √(1 + ρ)

is ≈ standard normal, stays defined when the base is 0, and is not inflated by small counts
the way (c − b)/√b is. An alert is |z| ≥ `z_alert` (default 2: about 1 in 20 stable series
flags by chance per period). `p` is the exact two-sided conditional test (given c + b, c is
binomial with probability ρ / (1 + ρ)) for whoever needs an exact figure. Change % is on raw
counts, as CompStat sheets print it, and NaN when the base is 0.

Everything is vectorised over groups (an integer key per event: region, district, …).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from senim.analytics.days import DateLike, ordinal, to_day, to_days
from senim.analytics.grid import FloatArray, IntArray
from senim.analytics.hotspots import Int8Array
from senim.analytics.indicators import Period, shift_years

ANSCOMBE = 3.0 / 8.0
PERIODS = ("7d", "28d", "ytd", "365d")


@dataclass(frozen=True)
class Comparison:
    """The current counts against one base period, one value per group."""

    base_period: Period
    base: IntArray
    change: IntArray
    change_pct: FloatArray  # NaN where the base is 0
    z: FloatArray
    p: FloatArray
    alert: Int8Array  # +1 significant rise, −1 significant fall, 0 within noise


@dataclass(frozen=True)
class PeriodStats:
    name: str  # one of PERIODS
    period: Period
    current: IntArray
    prior: Comparison
    last_year: Comparison


@dataclass(frozen=True)
class CompStat:
    """Every CompStat period for one reference date; arrays are indexed like `keys`."""

    reference: dt.date
    keys: IntArray  # group keys in row order ([-1] when not grouped)
    periods: tuple[PeriodStats, ...]

    def __getitem__(self, name: str) -> PeriodStats:
        for stats_ in self.periods:
            if stats_.name == name:
                return stats_
        raise KeyError(f"no period {name!r}; the periods are {', '.join(PERIODS)}")

    def row(self, key: int) -> int:
        """Row of group `key` in the arrays."""
        found = np.nonzero(self.keys == key)[0]
        if found.size == 0:
            raise KeyError(f"no group {key}")
        return int(found[0])


def compstat(
    dates: npt.ArrayLike,
    reference: DateLike,
    *,
    keys: npt.ArrayLike | None = None,
    groups: npt.ArrayLike | None = None,
    z_alert: float = 2.0,
) -> CompStat:
    """CompStat for the periods ending on `reference`, overall or per group.

    `keys` gives each event's group; `groups` lists the groups to report (default: every key
    seen), so a district with no events still gets its row of zeros. Events of other groups are
    left out.
    """
    if not z_alert > 0:
        raise ValueError(f"z_alert must be positive, got {z_alert}")
    ref = to_day(reference)
    day = to_days(dates)
    if keys is None:
        if groups is not None:
            raise ValueError("groups need the events' keys")
        group_keys = np.array([-1], dtype=np.int64)
        row = np.zeros(day.size, dtype=np.int64)
    else:
        k = np.asarray(keys)
        if k.size and not np.issubdtype(k.dtype, np.integer):
            raise ValueError(f"group keys must be integers, got dtype {k.dtype}")
        k = k.astype(np.int64).ravel()
        if k.shape != day.shape:
            raise ValueError(f"keys has {k.size} values for {day.size} dates")
        group_keys = np.unique(k) if groups is None else np.asarray(groups, dtype=np.int64).ravel()
        if np.unique(group_keys).size != group_keys.size:
            raise ValueError("groups must not repeat a key")
        order = np.argsort(group_keys, kind="stable")
        sorted_keys = group_keys[order]
        pos = np.searchsorted(sorted_keys, k)
        known = pos < sorted_keys.size
        known[known] = sorted_keys[pos[known]] == k[known]
        day, row = day[known], order[pos[known]].astype(np.int64)
    by_day = np.argsort(day, kind="stable")
    day, row = day[by_day], row[by_day]
    n_groups = group_keys.size

    def count(period: Period) -> IntArray:
        lo = np.searchsorted(day, ordinal(period.start), side="left")
        hi = np.searchsorted(day, ordinal(period.end), side="left")
        return np.bincount(row[lo:hi], minlength=n_groups).astype(np.int64)

    end = ref + dt.timedelta(days=1)
    year_start = dt.date(ref.year, 1, 1)
    currents = {
        "7d": Period(end - dt.timedelta(days=7), end),
        "28d": Period(end - dt.timedelta(days=28), end),
        "ytd": Period(year_start, end),
        "365d": Period(end - dt.timedelta(days=365), end),
    }
    results = []
    for name in PERIODS:
        current = currents[name]
        prior = Period(current.start - dt.timedelta(days=current.days), current.start)
        last_year = Period(
            shift_years(current.start, -1), shift_years(ref, -1) + dt.timedelta(days=1)
        )
        now = count(current)
        results.append(
            PeriodStats(
                name,
                current,
                now,
                compare(now, count(prior), current.days / prior.days, prior, z_alert),
                compare(now, count(last_year), current.days / last_year.days, last_year, z_alert),
            )
        )
    return CompStat(ref, group_keys, tuple(results))


def compare(
    current: IntArray, base: IntArray, exposure_ratio: float, base_period: Period, z_alert: float
) -> Comparison:
    """Change, Anscombe z and exact conditional p of `current` against `base` (module doc)."""
    c = current.astype(np.float64)
    b = base.astype(np.float64)
    rho = float(exposure_ratio)
    z = 2.0 * (np.sqrt(c + ANSCOMBE) - np.sqrt(rho * (b + ANSCOMBE))) / np.sqrt(1.0 + rho)
    n = current + base
    share = rho / (1.0 + rho)
    tails = np.minimum(stats.binom.cdf(current, n, share), stats.binom.sf(current - 1, n, share))
    p = np.minimum(1.0, 2.0 * tails)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(base > 0, (c - b) * 100.0 / b, np.nan)
    alert = (np.sign(z) * (np.abs(z) >= z_alert)).astype(np.int8)
    return Comparison(base_period, base, current - base, pct, z, p, alert)
