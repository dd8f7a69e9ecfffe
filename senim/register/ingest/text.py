"""Canonical text of cleaned fields, as Arrow columns: the row hash and the COPY payload use it.

Whole columns are formatted by numpy and Arrow kernels, never a Python call per value, and
give exactly the text the previous per-value code gave (`str` of an id, `repr` of a
coordinate, `numpy.datetime_as_string(unit="us")` of a UTC time); tests/register/
test_ingest_text.py holds them to it. Changing any of these changes every stored row hash,
so a re-sent file would no longer be recognised as already loaded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from senim.register.ingest.batch import DERIVED, FIELDS, NULL, Clean

STRING = pa.large_string()
NULL_TEXT = pa.scalar(NULL, STRING)
TERRITORY = ("region_id", "district_id", "sector_id")
# Python's repr writes plain decimals exactly in this range; outside it (never for
# coordinates inside Kazakhstan) values are formatted one by one with repr.
_PLAIN = (1e-4, 1e16)
_POINT_ZERO, _NOTHING = pa.scalar(".0", STRING), pa.scalar("", STRING)


def strings(values: npt.NDArray[np.object_]) -> pa.Array:
    return pa.array(values, type=STRING)


def _fixed_width(chars: npt.NDArray[np.uint8]) -> pa.Array:
    """An (n, width) matrix of ASCII codes as an Arrow string column, without copying."""
    n, width = chars.shape
    offsets = np.arange(0, n * width + 1, width, dtype=np.int64)
    data = np.ascontiguousarray(chars)
    return pa.Array.from_buffers(STRING, n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _put(chars: npt.NDArray[np.uint8], at: int, value: np.ndarray, width: int) -> None:
    for k in range(width):
        chars[:, at + width - 1 - k] = ord("0") + value % 10
        value = value // 10


def times(values: np.ndarray) -> pa.Array:
    """'YYYY-MM-DDTHH:MM:SS.ffffff' of datetime64[us] values (years 1–9999), NULL for NaT."""
    missing = np.isnat(values)
    us = np.where(missing, 0, values.astype("datetime64[us]").astype(np.int64))
    days, rest = np.divmod(us, 86_400_000_000)
    # Civil date from days since 1970-01-01 (H. Hinnant's algorithm, proleptic Gregorian).
    z = days + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    chars = np.zeros((len(values), 26), dtype=np.uint8)
    for at, value, width in (
        (0, year, 4),
        (5, month, 2),
        (8, day, 2),
        (11, rest // 3_600_000_000, 2),
        (14, rest // 60_000_000 % 60, 2),
        (17, rest // 1_000_000 % 60, 2),
        (20, rest % 1_000_000, 6),
    ):
        _put(chars, at, value, width)
    for at, char in ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, ".")):
        chars[:, at] = ord(char)
    return _nulls(_fixed_width(chars), missing)


def floats(values: npt.NDArray[np.float64]) -> pa.Array:
    """Python's repr of each value (the shortest text that reads back the same), NULL for NaN."""
    missing = np.isnan(values)
    size = np.abs(np.where(missing, 1.0, values))
    plain = ((size >= _PLAIN[0]) & (size < _PLAIN[1])) | (size == 0)
    if not plain.all():
        return _nulls(strings(np.array([repr(v) for v in values.tolist()], dtype=object)), missing)
    # Arrow writes the same shortest digits as repr, but "43" where repr writes "43.0".
    text = pc.cast(pa.array(values), STRING)
    whole = pc.invert(pc.match_substring(text, "."))
    text = pc.if_else(whole, pc.binary_join_element_wise(text, _POINT_ZERO, _NOTHING), text)
    return _nulls(text, missing)


def ids(values: npt.NDArray[np.int64]) -> pa.Array:
    return _nulls(pc.cast(pa.array(values), STRING), values == 0)


def _nulls(text: pa.Array, missing: np.ndarray) -> pa.Array:
    if not missing.any():
        return text
    return pc.if_else(pa.array(missing), NULL_TEXT, text)


Form = Callable[[Any], pa.Array]


def in_form(clean: Clean, name: str, forms: Mapping[str, Form]) -> pa.Array:
    """One field's column through the form for its kind (text, id, float, time)."""
    form = forms.get(FIELDS[clean.kind][name])
    if form is None:
        raise ValueError(f"{name} has no such form")
    return form(clean.values[name])


def _text(values: pa.Array | npt.NDArray[np.object_]) -> pa.Array:
    return values if isinstance(values, pa.Array) else strings(values)


TEXT_FORMS: dict[str, Form] = {"text": _text, "id": ids, "float": floats, "time": times}


def column(clean: Clean, name: str) -> pa.Array:
    """The canonical text of one field, NULL (\\N) for none."""
    return in_form(clean, name, TEXT_FORMS)


def hashed_fields(kind: str) -> list[str]:
    return [n for n, t in FIELDS[kind].items() if t != "object" and n not in DERIVED]


def row_hashes(clean: Clean) -> npt.NDArray[np.str_]:
    """Hash of each record's content as loaded (territory as given, before locating).

    The text of the fields that locating does not change is kept with the records
    (`_text_<field>`, Arrow), so the COPY encoding reuses it instead of formatting it again.
    """
    columns = []
    for name in hashed_fields(clean.kind):
        text = column(clean, name)
        if name not in TERRITORY:
            clean.values[f"_text_{name}"] = text
        columns.append(text)
    if clean.kind == "offences":
        keys, parties = clean.values["appeal_key"], clean.values["parties"]
        # Each key is None or a (system, id) pair; parties None or a non-empty list.
        if any(keys.tolist()) or any(parties.tolist()):
            # Rare in bulk files (the column validator sends such rows to the row path).
            appeal_text = ["" if k is None else f"{k[0]}/{k[1]}" for k in keys.tolist()]
            columns.append(pa.array(appeal_text, type=STRING))
            columns.append(pa.array([_party_text(p) for p in parties.tolist()], type=STRING))
    return digests(columns)


def _party_text(parties: Sequence[tuple[str, str, object, str]] | None) -> str:
    return ";".join(f"{role}:{digest}" for role, digest, *_ in sorted(parties or ()))


def digests(columns: list[pa.Array]) -> npt.NDArray[np.str_]:
    """BLAKE2b-128 (hex) of each row's fields joined by \\x1f: one C call per row, no more."""
    if not columns or not len(columns[0]):
        return np.zeros(0, dtype="U32")
    joined = pc.binary_join_element_wise(*columns, pa.scalar("\x1f", STRING))
    blake = hashlib.blake2b
    raw = b"".join(
        [blake(row, digest_size=16).digest() for row in joined.cast(pa.large_binary()).to_pylist()]
    )
    return hex_digits(np.frombuffer(raw, dtype=np.uint8)).astype("U32")


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def hex_digits(raw: npt.NDArray[np.uint8]) -> npt.NDArray[np.bytes_]:
    out = np.empty(raw.size * 2, dtype=np.uint8)
    out[0::2], out[1::2] = _HEX[raw >> 4], _HEX[raw & 15]
    return np.frombuffer(out.tobytes(), dtype="S32")


def buffer(values: pa.Array) -> memoryview:
    """The bytes of all values of a string column, end to end, without a copy."""
    values = values.cast(pa.large_binary())
    _validity, offsets, data = values.buffers()
    if data is None or not len(values):
        return memoryview(b"")
    bounds = np.frombuffer(offsets, dtype=np.int64)[values.offset : values.offset + len(values) + 1]
    return memoryview(data)[int(bounds[0]) : int(bounds[-1])]
