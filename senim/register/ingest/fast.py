"""Column-wise validation of a batch: numpy over whole columns instead of Python per row.

This is a *filter*, not a second definition of validity. It accepts a row only when every
check that the row validator (schema.clean_offence) would make passes for certain, and then
produces the same values; any row it does not accept (a malformed time, an unknown code, a
party IIN, anything unusual) goes to the row validator, which either cleans it or gives the
exact reason. So errors stay row-exact and the fast path can only ever be conservative.
tests/register/test_ingest_fast.py checks the two agree on mutated rows.
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db.models import TextChoices

from senim.register.ingest.schema import (
    ALMATY,
    LAT_RANGE,
    LON_RANGE,
    MAX_TEXT,
    PARTY_COLUMNS,
    Lookups,
)
from senim.register.models import OffenceKind, OffenceStatus, PlaceType

Bool = npt.NDArray[np.bool_]
# Character positions of a date-time "YYYY-MM-DDTHH:MM:SS".
_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
_EPOCH_US = np.datetime64(0, "us")


@dataclass(frozen=True)
class FastResult:
    """Rows accepted (mask over the batch) and their cleaned values (arrays over accepted rows)."""

    accepted: Bool
    values: dict[str, np.ndarray]


def _strings(values: list[str]) -> npt.NDArray[np.str_]:
    return np.array(values, dtype=np.str_) if values else np.zeros(0, dtype="U1")


def _present(values: list[str]) -> Bool:
    """Non-empty values (numpy's own string conversion costs more than this whole check)."""
    return np.fromiter(map(bool, values), dtype=bool, count=len(values))


def _text(values: list[str], limit: int | None) -> tuple[Bool, npt.NDArray[np.object_]]:
    """Required text with no surrounding white space (the row path strips; such rows go there)."""
    n = len(values)
    length = np.fromiter(map(len, values), dtype=np.int64, count=n)
    bare = np.fromiter(map(operator.eq, values, map(str.strip, values)), dtype=bool, count=n)
    ok = (length > 0) & bare
    if limit is not None:
        ok &= length <= limit
    out = np.empty(n, dtype=object)
    out[:] = values
    return ok, out


def _choice(values: list[str], choices: type[TextChoices]) -> Bool:
    allowed = frozenset(choices.values)
    return np.fromiter(map(allowed.__contains__, values), dtype=bool, count=len(values))


def _codes(values: list[str], known: dict[str, Any]) -> tuple[Bool, list[Any]]:
    """Which values are known codes, and the looked-up value of each (None where unknown)."""
    found = list(map(known.get, values))
    ok = np.fromiter((f is not None for f in found), dtype=bool, count=len(values))
    return ok, found


def _utc_offsets(local_seconds: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Seconds east of UTC of Almaty wall-clock times (fold 0, as `replace(tzinfo=…)` does)."""
    hours, inverse = np.unique(local_seconds // 3600, return_inverse=True)
    offsets = []
    for hour in hours.tolist():
        wall = dt.datetime(1970, 1, 1) + dt.timedelta(hours=hour)
        offset = wall.replace(tzinfo=ALMATY).utcoffset()
        offsets.append(int(offset.total_seconds()) if offset is not None else 0)
    return np.array(offsets, dtype=np.int64)[inverse]


def parse_times(values: list[str], latest_allowed: dt.datetime) -> tuple[Bool, np.ndarray]:
    """(accepted, UTC datetime64[us]) for 'YYYY-MM-DD[T ]HH:MM:SS' with no zone (Almaty time),
    'Z' or '±HH:MM'; the same bounds as the row path (from 2000 on, not in the future)."""
    n = len(values)
    a = _strings(values)
    length = np.strings.str_len(a)
    base = a.astype("U19")
    codes = np.zeros((n, 19), dtype=np.uint32)
    if n:
        raw = base.view(np.uint32).reshape(n, -1)
        codes[:, : raw.shape[1]] = raw
    digit = (codes >= ord("0")) & (codes <= ord("9"))
    ok = digit[:, _DIGITS].all(axis=1)
    ok &= (codes[:, 4] == ord("-")) & (codes[:, 7] == ord("-"))
    ok &= (codes[:, 10] == ord("T")) | (codes[:, 10] == ord(" "))
    ok &= (codes[:, 13] == ord(":")) & (codes[:, 16] == ord(":"))
    number = codes.astype(np.int64) - ord("0")

    def two(i: int) -> npt.NDArray[np.int64]:
        return number[:, i] * 10 + number[:, i + 1]

    year = number[:, 0] * 1000 + number[:, 1] * 100 + two(2)
    ok &= (two(11) <= 23) & (two(14) <= 59) & (two(17) <= 59) & (year >= 2000)
    # The zone suffix: none (local time), "Z", or "+HH:MM" / "-HH:MM".
    suffix = np.strings.slice(a, 19, None) if n else a
    offset = np.zeros(n, dtype=np.int64)
    naive = length == 19
    zulu = (length == 20) & (suffix == "Z")
    numeric = (length == 25) & np.isin(np.strings.slice(suffix, 0, 1), ["+", "-"]) if n else naive
    if numeric.any():
        tail = np.zeros((n, 6), dtype=np.uint32)
        six = suffix.astype("U6")
        tail_raw = six.view(np.uint32).reshape(n, -1)
        tail[:, : tail_raw.shape[1]] = tail_raw
        tail_digits = (tail >= ord("0")) & (tail <= ord("9"))
        hh = (tail[:, 1].astype(np.int64) - 48) * 10 + tail[:, 2].astype(np.int64) - 48
        mm = (tail[:, 4].astype(np.int64) - 48) * 10 + tail[:, 5].astype(np.int64) - 48
        good = tail_digits[:, [1, 2, 4, 5]].all(axis=1) & (tail[:, 3] == ord(":"))
        good &= (hh <= 23) & (mm <= 59)
        numeric &= good
        sign = np.where(tail[:, 0] == ord("-"), -1, 1)
        offset = np.where(numeric, sign * (hh * 3600 + mm * 60), 0)
    ok &= naive | zulu | numeric
    utc = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    if not ok.any():
        return ok, utc
    iso = base[ok].copy()
    iso_codes = iso.view(np.uint32).reshape(len(iso), -1)
    iso_codes[:, 10] = ord("T")
    try:
        wall = iso.astype("datetime64[s]")
    except ValueError:
        # Some day does not exist (30 February…); find which, one by one, only in this case.
        wall = np.array([_wall_or_nat(s) for s in iso.tolist()], dtype="datetime64[s]")
    # A date numpy would normalise differently from the text is not accepted either.
    exact = np.datetime_as_string(wall, unit="s") == iso
    local_seconds = np.where(np.isnat(wall), 0, wall.astype(np.int64))
    zone = np.where(naive[ok], _utc_offsets(local_seconds), offset[ok])
    instant = (local_seconds - zone) * 1_000_000
    in_time = instant <= int(
        (latest_allowed - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds() * 1e6
    )
    ok_idx = np.flatnonzero(ok)
    good = exact & in_time
    ok[ok_idx[~good]] = False
    utc[ok_idx[good]] = _EPOCH_US + instant[good].astype("timedelta64[us]")
    return ok, utc


def _wall_or_nat(text: str) -> np.datetime64:
    try:
        return np.datetime64(text, "s")
    except ValueError:
        return np.datetime64("NaT")


def _floats(values: list[str]) -> tuple[Bool, npt.NDArray[np.float64]]:
    try:
        return np.ones(len(values), dtype=bool), np.fromiter(
            map(float, values), dtype=np.float64, count=len(values)
        )
    except ValueError:
        out = np.array([_float_or_nan(v) for v in values], dtype=np.float64)
        return ~np.isnan(out), out


def _float_or_nan(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return float("nan")


def _territory(
    columns: dict[str, list[str]], n: int, lookups: Lookups
) -> tuple[Bool, np.ndarray, np.ndarray, np.ndarray]:
    """(accepted, region, district, sector ids; 0 = not given) from the code columns."""
    ok = np.ones(n, dtype=bool)
    region = np.zeros(n, dtype=np.int64)
    district = np.zeros(n, dtype=np.int64)
    sector = np.zeros(n, dtype=np.int64)
    region_of_district = {d: r for d, r in lookups.districts.values()}
    tables: dict[str, dict[str, Any]] = {
        "sector": lookups.sectors,
        "district": lookups.districts,
        "region": lookups.regions,
    }
    for name in ("sector", "district", "region"):
        given = columns.get(name) or [""] * n
        present = _present(given)
        if not present.any():
            continue
        known, found = _codes(given, tables[name])
        ok &= known | ~present
        for i in np.flatnonzero(present & known):
            if name == "sector":
                sector[i], district[i] = found[i]
                region[i] = region_of_district[district[i]]
            elif name == "district":
                d, r = found[i]
                if district[i] and district[i] != d:
                    ok[i] = False
                district[i], region[i] = d, r
            else:
                if region[i] and region[i] != found[i]:
                    ok[i] = False
                region[i] = found[i]
    return ok, region, district, sector


def clean_offences(columns: dict[str, list[str]], n: int, lookups: Lookups) -> FastResult:
    """The offences of a batch that pass every check of `schema.clean_offence` for certain."""

    def col(name: str) -> list[str]:
        return columns.get(name) or [""] * n

    ok_system, system = _text(col("source_system"), MAX_TEXT["source_system"])
    ok_external, external = _text(col("external_id"), MAX_TEXT["external_id"])
    ok = ok_system & ok_external & _choice(col("kind"), OffenceKind)
    ok &= _choice(col("place_type"), PlaceType) & _choice(col("status"), OffenceStatus)
    known, found = _codes(col("article"), lookups.articles)
    ok &= known
    article_id = np.array([f[0] if f else 0 for f in found], dtype=np.int64)
    article_kind = np.array([f[1] if f else "" for f in found], dtype=object)
    administrative = str(OffenceKind.ADMINISTRATIVE)
    kind = np.array(col("kind"), dtype=object)
    ok &= (article_kind == administrative) == (kind == administrative)
    ok_occurred, occurred = parse_times(col("occurred_at"), lookups.latest_allowed)
    ok_registered, registered = parse_times(col("registered_at"), lookups.latest_allowed)
    ok &= ok_occurred & ok_registered
    ok[ok] &= registered[ok] >= occurred[ok]
    lat_text, lon_text = col("lat"), col("lon")
    has_lat, has_lon = _present(lat_text), _present(lon_text)
    no_point = ~has_lat & ~has_lon
    point = has_lat & has_lon
    ok &= no_point | point
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    if point.any():
        where = np.flatnonzero(point).tolist()
        ok_lat, lat_p = _floats([lat_text[i] for i in where])
        ok_lon, lon_p = _floats([lon_text[i] for i in where])
        inside = (
            ok_lat
            & ok_lon
            & (lat_p >= LAT_RANGE[0])
            & (lat_p <= LAT_RANGE[1])
            & (lon_p >= LON_RANGE[0])
            & (lon_p <= LON_RANGE[1])
        )
        ok[np.flatnonzero(point)[~inside]] = False
        lat[point], lon[point] = lat_p, lon_p
    ok_territory, region, district, sector = _territory(columns, n, lookups)
    ok &= ok_territory & ((region != 0) | point)
    # Appeal links and parties need lookups and IIN checks per row: the row path does them.
    for name in ("appeal_source_system", "appeal_external_id", *PARTY_COLUMNS):
        if name in columns:
            ok &= ~_present(columns[name])
    values: dict[str, np.ndarray] = {
        "source_system": system[ok],
        "external_id": external[ok],
        "kind": kind[ok],
        "article_id": article_id[ok],
        "occurred_at": occurred[ok],
        "registered_at": registered[ok],
        "place_type": np.array(col("place_type"), dtype=object)[ok],
        "status": np.array(col("status"), dtype=object)[ok],
        "lat": lat[ok],
        "lon": lon[ok],
        "region_id": region[ok],
        "district_id": district[ok],
        "sector_id": sector[ok],
    }
    return FastResult(accepted=ok, values=values)


FAST_CLEANERS = {"offences": clean_offences}
