"""When events happen: hour × weekday matrix, hour / weekday / month / ISO-week profiles, peaks.

A naive "share of events per hour" misleads when the period is not a whole number of weeks
(eight Mondays and seven Sundays) or mixes 28- and 31-day months, so every profile compares
the observed counts with what a *constant rate over the same period* would give: the expected
count of a slot is n × (its exposure, the number of hours or days of that slot in the period)
/ (the period's length). For the usual whole-weeks period that is exactly the uniform share
n / 168 per hour-of-week.

A slot is a peak when its count is significantly above the expected: z = (O − E) / √E is the
Poisson z-score shown to people; the decision uses the exact Poisson upper tail P(X ≥ O | E),
with the false discovery rate across the slots held at `alpha` (Benjamini–Hochberg), since
168 hour-of-week slots tested at 5 % would otherwise give eight false peaks by chance. Real
counts are over-dispersed (bad weekends, festivals), so read the peaks as "beyond chance
under a constant rate", not as a forecast.

Times are local wall-clock time (numpy datetime64 of any unit, or epoch seconds); pass
`utc_offset_hours` (Kazakhstan: 5) to convert times stored in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from senim.analytics.grid import FloatArray, IntArray
from senim.analytics.hotspots import BoolArray, benjamini_hochberg

SECONDS_PER_HOUR = 3600
SECONDS_PER_DAY = 86_400
# 1970-01-01 was a Thursday; with Monday = 0 its weekday is 3.
EPOCH_WEEKDAY = 3
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Profile:
    """Counts per slot against a constant rate; all arrays share one shape.

    `labels` name the slots along the last axis (hours 0–23, weekdays, months 1–12 or ISO
    weeks 1–53); the hour × weekday matrix has weekdays (Mon … Sun) as rows.
    """

    labels: tuple[str, ...]
    counts: FloatArray
    exposure: FloatArray  # hours or days of each slot in the period
    expected: FloatArray
    z: FloatArray
    p: FloatArray  # one-sided: P(X ≥ observed) under a constant rate
    peak: BoolArray

    @property
    def ratio(self) -> FloatArray:
        """Observed / expected (NaN where nothing was expected)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.expected > 0, self.counts / self.expected, np.nan)

    def peaks(self) -> list[tuple[int, ...]]:
        """Indices of the peak slots, strongest (highest z) first."""
        idx = np.argwhere(self.peak)
        order = np.argsort(-self.z[self.peak], kind="stable")
        return [tuple(int(v) for v in idx[i]) for i in order]


@dataclass(frozen=True)
class TemporalProfile:
    """All the time profiles of one set of events over one period [start, end) in seconds."""

    start_s: int
    end_s: int
    n_events: int
    hour_weekday: Profile  # shape (7, 24)
    hour: Profile  # 24
    weekday: Profile  # 7
    month: Profile  # 12
    iso_week: Profile  # 53


def to_local_seconds(times: npt.ArrayLike, utc_offset_hours: float = 0.0) -> IntArray:
    """Local wall-clock seconds since 1970-01-01 from datetime64 or epoch seconds."""
    arr = np.asarray(times)
    if np.issubdtype(arr.dtype, np.datetime64):
        if bool(np.any(np.isnat(arr))):
            raise ValueError("times contain NaT (missing timestamps)")
        seconds = arr.astype("datetime64[s]").astype(np.int64)
    elif arr.size == 0 or np.issubdtype(arr.dtype, np.number):
        as_float = arr.astype(np.float64)
        if not bool(np.all(np.isfinite(as_float))):
            raise ValueError("times contain NaN or infinite values")
        seconds = np.floor(as_float).astype(np.int64)
    else:
        raise ValueError(f"times must be datetime64 or epoch seconds, got dtype {arr.dtype}")
    return seconds.ravel() + round(utc_offset_hours * SECONDS_PER_HOUR)


def temporal_profile(
    times: npt.ArrayLike,
    *,
    start: npt.ArrayLike | None = None,
    end: npt.ArrayLike | None = None,
    utc_offset_hours: float = 0.0,
    alpha: float = 0.05,
) -> TemporalProfile:
    """Hour × weekday, hour, weekday, month and ISO-week profiles with their peaks.

    The period defaults to the whole local days from the first event to the last; events
    outside [start, end) are left out. `start` / `end` are in the same local time as `times`.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    seconds = to_local_seconds(times, utc_offset_hours)
    if (start is None or end is None) and seconds.size == 0:
        raise ValueError("no events: give start and end to profile an empty period")
    if start is None:
        start_s = int(seconds.min()) // SECONDS_PER_DAY * SECONDS_PER_DAY
    else:
        start_s = int(to_local_seconds(np.atleast_1d(start))[0])
    if end is None:
        end_s = (int(seconds.max()) // SECONDS_PER_DAY + 1) * SECONDS_PER_DAY
    else:
        end_s = int(to_local_seconds(np.atleast_1d(end))[0])
    if end_s <= start_s:
        raise ValueError("the period must end after it starts")
    seconds = seconds[(seconds >= start_s) & (seconds < end_s)]
    hours = seconds // SECONDS_PER_HOUR
    days = seconds // SECONDS_PER_DAY

    # Exposure: every hour and day the period touches, labelled the way events are.
    all_hours = np.arange(start_s // SECONDS_PER_HOUR, -(-end_s // SECONDS_PER_HOUR))
    all_days = np.arange(start_s // SECONDS_PER_DAY, -(-end_s // SECONDS_PER_DAY))

    def hour_of_week(h: IntArray) -> IntArray:
        return ((h // 24 + EPOCH_WEEKDAY) % 7) * 24 + h % 24

    hw_counts = np.bincount(hour_of_week(hours), minlength=168).reshape(7, 24)
    hw_exposure = np.bincount(hour_of_week(all_hours), minlength=168).reshape(7, 24)
    hour_labels = tuple(f"{h:02d}" for h in range(24))
    profiles = {
        "hour_weekday": (hour_labels, hw_counts, hw_exposure),
        "hour": (hour_labels, hw_counts.sum(axis=0), hw_exposure.sum(axis=0)),
        "weekday": (WEEKDAYS, hw_counts.sum(axis=1), hw_exposure.sum(axis=1)),
        "month": (
            tuple(str(m) for m in range(1, 13)),
            np.bincount(_month(days) - 1, minlength=12),
            np.bincount(_month(all_days) - 1, minlength=12),
        ),
        "iso_week": (
            tuple(str(w) for w in range(1, 54)),
            np.bincount(iso_week(days) - 1, minlength=53),
            np.bincount(iso_week(all_days) - 1, minlength=53),
        ),
    }
    built = {
        name: poisson_profile(labels, counts, exposure, alpha)
        for name, (labels, counts, exposure) in profiles.items()
    }
    return TemporalProfile(start_s, end_s, int(seconds.size), **built)


def poisson_profile(
    labels: tuple[str, ...], counts: npt.ArrayLike, exposure: npt.ArrayLike, alpha: float
) -> Profile:
    """Compare counts with n × exposure share; flag FDR-controlled excesses as peaks."""
    c = np.asarray(counts, dtype=np.float64)
    e = np.asarray(exposure, dtype=np.float64)
    total_exposure = float(e.sum())
    expected = c.sum() * e / total_exposure if total_exposure > 0 else np.zeros_like(c)
    z = np.zeros_like(c)
    p = np.ones_like(c)
    ok = expected > 0
    z[ok] = (c[ok] - expected[ok]) / np.sqrt(expected[ok])
    # P(X ≥ O) = sf(O − 1); at O = 0 that is 1.
    p[ok] = stats.poisson.sf(c[ok] - 1, expected[ok])
    peak = benjamini_hochberg(p, alpha) & (c > expected)
    return Profile(labels, c, e, expected, z, p, peak)


def _month(days: IntArray) -> IntArray:
    """Calendar month 1–12 of days since 1970-01-01."""
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return np.asarray(months % 12 + 1, dtype=np.int64)


def iso_week(days: IntArray) -> IntArray:
    """ISO 8601 week number 1–53 of days since 1970-01-01 (weeks start on Monday).

    An ISO week belongs to the year of its Thursday, and week 1 holds the year's first
    Thursday, so the week number is the Thursday's day of year // 7 + 1.
    """
    d = np.asarray(days, dtype=np.int64)
    thursday = d - (d + EPOCH_WEEKDAY) % 7 + 3
    th = thursday.astype("datetime64[D]")
    year_start = th.astype("datetime64[Y]").astype("datetime64[D]")
    return np.asarray((th - year_start).astype(np.int64) // 7 + 1, dtype=np.int64)
