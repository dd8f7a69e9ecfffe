"""Shared pieces of the demo builders: seeded random streams, local planes, local time."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import zoneinfo
from dataclasses import dataclass

import numpy as np

DEMO_CITY = "KZ-75"  # Almaty: sectors, units, officers and the scoped demo users live here
PASSWORD = "senim-demo"
LOCAL_ZONE = zoneinfo.ZoneInfo("Asia/Almaty")
# The territory (sectors, units, facilities) is laid out from this fixed seed, so that
# rebuilding with another --seed changes the events but never leaves stale territory behind.
TERRITORY_SEED = 20250101
# Bump when the generator changes, so an existing build is not mistaken for the current one.
GENERATOR_VERSION = 5
# The live feed (`senim demo_feed`) owns the calls of the last four weeks, from a local midnight:
# the expected load of today compares it with the same weekday of the weeks before, and needs
# whole days to do so. The register's history stops there for the live channels.
LIVE_WINDOW_DAYS = 28


def rng_for(seed: int, *names: str | int) -> np.random.Generator:
    """An independent stream per (seed, purpose): adding a builder never shifts another's data."""
    digest = hashlib.sha256("/".join(str(n) for n in names).encode()).digest()
    return np.random.default_rng([seed, int.from_bytes(digest[:8], "little")])


@dataclass(frozen=True)
class Plane:
    """An equirectangular plane in metres around (lat0, lon0): exact enough within a city."""

    lat0: float
    lon0: float

    @property
    def _kx(self) -> float:
        return 111_320.0 * math.cos(math.radians(self.lat0))

    def to_xy(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (np.asarray(lon) - self.lon0) * self._kx, (np.asarray(lat) - self.lat0) * 110_574.0

    def to_latlon(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.lat0 + np.asarray(y) / 110_574.0, self.lon0 + np.asarray(x) / self._kx


def local_midnight(year: int) -> np.datetime64:
    """1 January of `year`, 00:00 local wall-clock time, as a naive datetime64."""
    return np.datetime64(f"{year}-01-01T00:00:00", "s")


def live_window_start(now: dt.datetime) -> dt.datetime:
    """Local midnight four weeks before `now`'s day (aware): where the live feed's calls begin."""
    first_day = now.astimezone(LOCAL_ZONE).date() - dt.timedelta(days=LIVE_WINDOW_DAYS)
    return dt.datetime.combine(first_day, dt.time.min, tzinfo=LOCAL_ZONE)


def to_utc64(moment: dt.datetime) -> np.datetime64:
    """An aware datetime as the naive UTC datetime64[s] the column builders use."""
    return np.datetime64(moment.astimezone(dt.UTC).replace(tzinfo=None), "s")


def local_to_utc(local: np.ndarray) -> np.ndarray:
    """Naive local wall-clock datetime64[s] → naive UTC datetime64[s], zone Asia/Almaty.

    Almaty kept UTC+6 until 1 March 2024 and UTC+5 since; the offset is looked up once per day.
    """
    local = np.asarray(local, dtype="datetime64[s]")
    if local.size == 0:
        return local
    days = local.astype("datetime64[D]")
    unique, inverse = np.unique(days, return_inverse=True)
    offsets = np.array([_offset_seconds(str(d)) for d in unique], dtype=np.int64)
    return local - offsets[inverse].astype("timedelta64[s]")


def utc_to_local(utc: np.ndarray) -> np.ndarray:
    """Naive UTC datetime64[s] → naive local wall-clock datetime64[s] (offset of the UTC day)."""
    utc = np.asarray(utc, dtype="datetime64[s]")
    if utc.size == 0:
        return utc
    unique, inverse = np.unique(utc.astype("datetime64[D]"), return_inverse=True)
    offsets = np.array([_offset_seconds(str(d)) for d in unique], dtype=np.int64)
    return utc + offsets[inverse].astype("timedelta64[s]")


def _offset_seconds(day: str) -> int:
    noon = dt.datetime.fromisoformat(day + "T12:00").replace(tzinfo=LOCAL_ZONE)
    return int((noon.utcoffset() or dt.timedelta(0)).total_seconds())


def hours_to_local(origin: np.datetime64, hours: np.ndarray) -> np.ndarray:
    """Hours after a local origin → naive local datetime64[s]."""
    return origin + np.round(np.asarray(hours) * 3600).astype("timedelta64[s]")


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer total in proportion to weights so that the parts add up exactly."""
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = total * weights / weights.sum()
    parts = np.floor(exact).astype(np.int64)
    short = total - int(parts.sum())
    if short:
        parts[np.argsort(-(exact - parts), kind="stable")[:short]] += 1
    return parts
