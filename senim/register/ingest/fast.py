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
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from django.db.models import TextChoices

from senim.register.ingest.schema import (
    ALMATY,
    LAT_RANGE,
    LON_RANGE,
    MAX_TEXT,
    PARTY_COLUMNS,
    Lookups,
    kind_fits_article,
)
from senim.register.models import OffenceKind, OffenceStatus, PlaceType

Bool = npt.NDArray[np.bool_]
Columns = dict[str, pa.Array]
# Character positions of a date-time "YYYY-MM-DDTHH:MM:SS".
_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
_EPOCH_US = np.datetime64(0, "us")
# A key the row path keeps exactly as given: printable ASCII (so already canonical, see
# schema.canonical_key), no control character, no white space around it.
_KEY = r"^[!-~](?:[ -~]*[!-~])?$"
# Decimal degrees as float() and Arrow's cast read identically (both round correctly).
_DECIMAL = r"^-?[0-9]{1,3}(\.[0-9]{1,17})?$"
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


@dataclass(frozen=True)
class FastResult:
    """Rows accepted (mask over the batch) and their cleaned values (arrays over accepted rows)."""

    accepted: Bool
    values: dict[str, np.ndarray]


def _arrow(values: pa.Array | list[str]) -> pa.Array:
    return values if isinstance(values, pa.Array) else pa.array(values, type=pa.large_string())


def _numpy(mask: pa.Array) -> Bool:
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


def _present(values: pa.Array) -> Bool:
    return np.asarray(pc.binary_length(values).to_numpy(zero_copy_only=False)) > 0


def _objects(values: pa.Array, *, distinct: bool = False) -> npt.NDArray[np.object_]:
    """The values as Python strings; with `distinct`, a column of few distinct values (kinds,
    statuses) converts each distinct value once."""
    if not distinct:
        return np.asarray(values.to_numpy(zero_copy_only=False), dtype=object)
    encoded = pc.dictionary_encode(values)
    unique = np.empty(len(encoded.dictionary), dtype=object)
    unique[:] = encoded.dictionary.to_pylist()
    return unique[encoded.indices.to_numpy(zero_copy_only=False)]  # type: ignore[no-any-return]


def _text(
    values: pa.Array, limit: int, *, distinct: bool = False
) -> tuple[Bool, npt.NDArray[np.object_]]:
    """A required key in printable ASCII with no surrounding white space (the row path strips
    and normalises; such rows go there)."""
    ok = _numpy(pc.match_substring_regex(values, _KEY))
    ok &= np.asarray(pc.utf8_length(values).to_numpy(zero_copy_only=False)) <= limit
    return ok, _objects(values, distinct=distinct)


def _choice(values: pa.Array, choices: type[TextChoices]) -> Bool:
    allowed = pa.array(sorted(choices.values), type=values.type)
    return _numpy(pc.is_in(values, value_set=allowed))


def _codes(
    values: pa.Array, known: Mapping[str, tuple[int, ...]], width: int
) -> tuple[Bool, np.ndarray]:
    """Which values are known codes, and the looked-up ints of each (a row of zeros where not);
    one dict look-up per distinct code."""
    encoded = pc.dictionary_encode(values)
    table = np.zeros((len(encoded.dictionary) + 1, width), dtype=np.int64)
    found = np.zeros(len(encoded.dictionary) + 1, dtype=bool)
    for i, code in enumerate(encoded.dictionary.to_pylist()):
        value = known.get(code)
        if value is not None:
            table[i], found[i] = value, True
    index = encoded.indices.to_numpy(zero_copy_only=False)
    return found[index], table[index]


# Almaty's offset for each local wall-clock hour from `_HOURS[0]` on (a load sees the same
# hours in every batch, so the zone is asked once per hour per process).
_HOURS: tuple[int, npt.NDArray[np.int64]] = (0, np.zeros(0, dtype=np.int64))
_FIRST_HOUR = int((dt.datetime(1999, 12, 30) - dt.datetime(1970, 1, 1)).total_seconds()) // 3600


def _utc_offsets(local_seconds: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Seconds east of UTC of Almaty wall-clock times (fold 0, as `replace(tzinfo=…)` does)."""
    global _HOURS
    # Only hours from just before 2000 to just after now need their true offset: anything
    # outside is refused (before 2000, in the future) whatever its offset, and a far date such
    # as year 9999 must not make the table millions of hours long.
    now_hour = int(dt.datetime.now(dt.UTC).timestamp()) // 3600
    hours = np.clip(local_seconds // 3600, _FIRST_HOUR, now_hour + 48)
    low, high = int(hours.min()), int(hours.max())
    start, table = _HOURS
    if low < start or high >= start + len(table):
        low, high = min(low, start) if len(table) else low, max(high, start + len(table) - 1)
        table = np.array([_hour_offset(h) for h in range(low, high + 1)], dtype=np.int64)
        start, _HOURS = low, (low, table)
    return table[hours - start]  # type: ignore[no-any-return]


def _hour_offset(hour: int) -> int:
    wall = dt.datetime(1970, 1, 1) + dt.timedelta(hours=hour)
    delta = wall.replace(tzinfo=ALMATY).utcoffset()
    return int(delta.total_seconds()) if delta else 0


def _byte_matrix(values: pa.Array, width: int) -> tuple[npt.NDArray[np.uint8], np.ndarray]:
    """The first `width` bytes of each value as an (n, width) matrix (0 past its end), and the
    byte length of each. A non-ASCII value has a byte >= 128 where a digit or separator is
    expected, so the checks below refuse it."""
    values = values.cast(pa.large_binary())
    n = len(values)
    _validity, offset_buffer, data_buffer = values.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=np.int64)[values.offset : values.offset + n + 1]
    lengths = np.diff(offsets)
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else None
    if data is None or not data.size:
        return np.zeros((n, width), dtype=np.uint8), lengths
    index = offsets[:-1, None] + np.arange(width)
    np.minimum(index, data.size - 1, out=index)
    codes = data[index]
    codes[np.arange(width)[None, :] >= lengths[:, None]] = 0
    return codes, lengths


def _days_from_civil(
    year: npt.NDArray[np.int64], month: npt.NDArray[np.int64], day: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Days since 1970-01-01 of valid proleptic Gregorian dates (H. Hinnant's algorithm)."""
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468  # type: ignore[no-any-return]


def parse_times(
    values: pa.Array | list[str], latest_allowed: dt.datetime
) -> tuple[Bool, np.ndarray]:
    """(accepted, UTC datetime64[us]) for 'YYYY-MM-DD[T ]HH:MM:SS' with no zone (Almaty time),
    'Z' or '±HH:MM'; the same bounds as the row path (from 2000 on, not in the future)."""
    codes, length = _byte_matrix(_arrow(values), 25)
    n = len(length)
    digit = (codes >= ord("0")) & (codes <= ord("9"))
    ok = digit[:, _DIGITS].all(axis=1)
    ok &= (codes[:, 4] == ord("-")) & (codes[:, 7] == ord("-"))
    ok &= (codes[:, 10] == ord("T")) | (codes[:, 10] == ord(" "))
    ok &= (codes[:, 13] == ord(":")) & (codes[:, 16] == ord(":"))
    numbers = codes[:, 0:25].astype(np.int16) - ord("0")

    def two(i: int) -> npt.NDArray[np.int64]:
        """The two-digit number at byte i (meaningless where `ok` is already False)."""
        return (numbers[:, i] * 10 + numbers[:, i + 1]).astype(np.int64)  # type: ignore[no-any-return]

    year, month, day = two(0) * 100 + two(2), two(5), two(8)
    hour, minute, second = two(11), two(14), two(17)
    ok &= (hour <= 23) & (minute <= 59) & (second <= 59) & (year >= 2000)
    # A day that does not exist (30 February…) is refused as datetime.fromisoformat does.
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    days_in = _DAYS_IN_MONTH[np.where(month_ok, month, 0)] + ((month == 2) & leap)
    ok &= month_ok & (day >= 1) & (day <= days_in)
    # The zone suffix: none (local time), "Z", or "+HH:MM" / "-HH:MM".
    naive = length == 19
    zulu = (length == 20) & (codes[:, 19] == ord("Z"))
    numeric = (length == 25) & ((codes[:, 19] == ord("+")) | (codes[:, 19] == ord("-")))
    numeric &= digit[:, [20, 21, 23, 24]].all(axis=1) & (codes[:, 22] == ord(":"))
    hh, mm = two(20), two(23)
    numeric &= (hh <= 23) & (mm <= 59)
    sign = np.where(codes[:, 19] == ord("-"), -1, 1)
    offset = np.where(numeric, sign * (hh * 3600 + mm * 60), 0)
    ok &= naive | zulu | numeric
    utc = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    if not ok.any():
        return ok, utc
    days = _days_from_civil(year[ok], month[ok], day[ok])
    local_seconds = days * 86_400 + hour[ok] * 3600 + minute[ok] * 60 + second[ok]
    zone = np.where(naive[ok], _utc_offsets(local_seconds), offset[ok])
    instant = (local_seconds - zone) * 1_000_000
    in_time = instant <= int(
        (latest_allowed - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds() * 1e6
    )
    ok_idx = np.flatnonzero(ok)
    ok[ok_idx[~in_time]] = False
    utc[ok_idx[in_time]] = _EPOCH_US + instant[in_time].astype("timedelta64[us]")
    return ok, utc


def _floats(values: pa.Array) -> tuple[Bool, npt.NDArray[np.float64]]:
    """Plain decimals only; anything else (exponents, 'nan', spaces) goes to the row path."""
    ok = _numpy(pc.match_substring_regex(values, _DECIMAL))
    safe = pc.if_else(pa.array(ok), values, pa.scalar("0", values.type))
    return ok, np.array(pc.cast(safe, pa.float64()).to_numpy(zero_copy_only=False))


def _territory(
    columns: Columns, n: int, lookups: Lookups
) -> tuple[Bool, np.ndarray, np.ndarray, np.ndarray]:
    """(accepted, region, district, sector ids; 0 = not given) from the code columns."""
    ok = np.ones(n, dtype=bool)
    region = np.zeros(n, dtype=np.int64)
    district = np.zeros(n, dtype=np.int64)
    sector = np.zeros(n, dtype=np.int64)
    region_of_district = {d: r for d, r in lookups.districts.values()}
    sectors = {code: (s, d, region_of_district[d]) for code, (s, d) in lookups.sectors.items()}
    regions = {code: (r,) for code, r in lookups.regions.items()}
    tables: tuple[tuple[str, Mapping[str, tuple[int, ...]], int], ...] = (
        ("sector", sectors, 3),
        ("district", lookups.districts, 2),
        ("region", regions, 1),
    )
    for name, known, width in tables:
        given = columns.get(name)
        if given is None:
            continue
        present = _present(given)
        if not present.any():
            continue
        is_known, found = _codes(given, known, width)
        ok &= is_known | ~present
        hit = present & is_known
        if name == "sector":
            sector[hit], district[hit], region[hit] = found[hit, 0], found[hit, 1], found[hit, 2]
        elif name == "district":
            ok &= ~(hit & (district != 0) & (district != found[:, 0]))
            district[hit], region[hit] = found[hit, 0], found[hit, 1]
        else:
            ok &= ~(hit & (region != 0) & (region != found[:, 0]))
            region[hit] = found[hit, 0]
    return ok, region, district, sector


def clean_offences(columns: Columns, n: int, lookups: Lookups) -> FastResult:
    """The offences of a batch that pass every check of `schema.clean_offence` for certain."""
    empty = pa.array([""] * n, type=pa.large_string()) if n else pa.array([], pa.large_string())

    def col(name: str) -> pa.Array:
        given = columns.get(name)
        return empty if given is None else _arrow(given)

    ok_system, system = _text(col("source_system"), MAX_TEXT["source_system"], distinct=True)
    ok_external, external = _text(col("external_id"), MAX_TEXT["external_id"])
    ok = ok_system & ok_external & _choice(col("kind"), OffenceKind)
    ok &= _choice(col("place_type"), PlaceType) & _choice(col("status"), OffenceStatus)
    kinds = list(OffenceKind.values)
    # An article of a kind the register does not know admits none (the row path says why).
    articles = {
        code: (i, kinds.index(kind))
        for code, (i, kind) in lookups.articles.items()
        if kind in kinds
    }
    known, article = _codes(col("article"), articles, 2)
    ok &= known
    kind = _objects(col("kind"), distinct=True)
    # fits[article kind, offence kind]: the row path's rule, asked once per pair of kinds.
    fits = np.array([[kind_fits_article(k, a) for k in kinds] for a in kinds], dtype=bool)
    _known_kind, kind_index = _codes(col("kind"), {k: (i,) for i, k in enumerate(kinds)}, 1)
    ok &= fits[article[:, 1], kind_index[:, 0]]
    ok_occurred, occurred = parse_times(col("occurred_at"), lookups.latest_allowed)
    ok_registered, registered = parse_times(col("registered_at"), lookups.latest_allowed)
    ok &= ok_occurred & ok_registered
    ok[ok] &= registered[ok] >= occurred[ok]
    has_lat, has_lon = _present(col("lat")), _present(col("lon"))
    point = has_lat & has_lon
    ok &= (~has_lat & ~has_lon) | point
    ok_lat, lat = _floats(col("lat"))
    ok_lon, lon = _floats(col("lon"))
    inside = (
        ok_lat
        & ok_lon
        & (lat >= LAT_RANGE[0])
        & (lat <= LAT_RANGE[1])
        & (lon >= LON_RANGE[0])
        & (lon <= LON_RANGE[1])
    )
    ok &= ~point | inside
    lat[~point], lon[~point] = np.nan, np.nan
    ok_territory, region, district, sector = _territory(columns, n, lookups)
    ok &= ok_territory & ((region != 0) | point)
    # Appeal links and parties need lookups and IIN checks per row: the row path does them.
    for name in ("appeal_source_system", "appeal_external_id", *PARTY_COLUMNS):
        if name in columns:
            ok &= ~_present(col(name))
    values: dict[str, np.ndarray] = {
        "source_system": system[ok],
        "external_id": external[ok],
        "kind": kind[ok],
        "article_id": article[ok, 0],
        "occurred_at": occurred[ok],
        "registered_at": registered[ok],
        "place_type": _objects(col("place_type"), distinct=True)[ok],
        "status": _objects(col("status"), distinct=True)[ok],
        "lat": lat[ok],
        "lon": lon[ok],
        "region_id": region[ok],
        "district_id": district[ok],
        "sector_id": sector[ok],
    }
    return FastResult(accepted=ok, values=values)


FAST_CLEANERS = {"offences": clean_offences}
