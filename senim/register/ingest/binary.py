"""PostgreSQL's binary COPY format, built a column at a time with numpy and Arrow.

The server reads binary tuples without parsing text (ids, coordinates and times arrive as the
integers and doubles it stores): on 1 M offences that is 4.0 s of COPY instead of 5.2–5.5 s
(benchmarks/README.md). Every field is a big-endian int32 length followed by its bytes, -1 for
NULL; a tuple starts with its int16 field count; the stream has a fixed header and an int16 -1
trailer (PostgreSQL documentation, COPY, "Binary Format").
"""

from __future__ import annotations

import datetime as dt
import struct

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from senim.register.ingest import text
from senim.register.ingest.batch import FIELDS, Clean

HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
TRAILER = struct.pack("!h", -1)
BINARY = pa.large_binary()
NULL_FIELD = pa.scalar(struct.pack("!i", -1), BINARY)
_EMPTY = pa.scalar(b"", BINARY)
# PostgreSQL counts timestamps in microseconds from 2000-01-01 00:00 UTC.
_PG_EPOCH_US = 946_684_800_000_000


def _cells(matrix: npt.NDArray[np.uint8]) -> pa.Array:
    """An (n, width) byte matrix as n binary values, without copying it again."""
    n, width = matrix.shape
    offsets = np.arange(0, n * width + 1, width, dtype=np.int64)
    data = np.ascontiguousarray(matrix)
    return pa.Array.from_buffers(BINARY, n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _fixed(payload: npt.NDArray[np.uint8], missing: npt.NDArray[np.bool_] | None) -> pa.Array:
    """Fields of one fixed width: an (n, width) byte matrix, each given its length prefix."""
    n, width = payload.shape
    cells = np.empty((n, 4 + width), dtype=np.uint8)
    cells[:, :4] = np.frombuffer(struct.pack("!i", width), dtype=np.uint8)
    cells[:, 4:] = payload
    fields = _cells(cells)
    if missing is not None and missing.any():
        fields = pc.if_else(pa.array(missing), NULL_FIELD, fields)
    return fields


def _big_endian(values: np.ndarray, dtype: str) -> npt.NDArray[np.uint8]:
    data = np.ascontiguousarray(values, dtype=dtype)
    return data.view(np.uint8).reshape(len(data), data.dtype.itemsize)


def ids(values: npt.NDArray[np.int64]) -> pa.Array:
    """bigint; 0 (none) is NULL."""
    return _fixed(_big_endian(values, ">i8"), values == 0)


def floats(values: npt.NDArray[np.float64]) -> pa.Array:
    """double precision; NaN is NULL."""
    return _fixed(_big_endian(values, ">f8"), np.isnan(values))


def times(values: np.ndarray) -> pa.Array:
    """timestamptz from UTC datetime64 values; NaT is NULL."""
    missing = np.isnat(values)
    us = values.astype("datetime64[us]").astype(np.int64) - _PG_EPOCH_US
    return _fixed(_big_endian(np.where(missing, 0, us), ">i8"), missing)


def texts(values: pa.Array | npt.NDArray[np.object_]) -> pa.Array:
    """varchar / text, never NULL here (the register stores "" for none)."""
    data = values if isinstance(values, pa.Array) else pa.array(values, type=pa.large_string())
    data = data.cast(BINARY)
    lengths = pc.binary_length(data).to_numpy(zero_copy_only=False)
    return pc.binary_join_element_wise(_cells(_big_endian(lengths, ">i4")), data, _EMPTY)


def timestamp(at: dt.datetime) -> pa.Scalar:
    """One timestamptz field, the same for every row (the load's time)."""
    us = round((at - dt.datetime(2000, 1, 1, tzinfo=dt.UTC)).total_seconds() * 1_000_000)
    return pa.scalar(struct.pack("!iq", 8, us), BINARY)


def ascii_fixed(values: npt.NDArray[np.str_], width: int) -> pa.Array:
    """Text fields of one known ASCII width (the row hashes), straight from numpy."""
    # numpy keeps str as UCS-4 code points: ASCII ones narrow to bytes by a plain cast.
    points = np.ascontiguousarray(values).view(np.uint32).reshape(len(values), width)
    return _fixed(points.astype(np.uint8), None)


def _all_of_width(values: np.ndarray, width: int) -> bool:
    return (
        isinstance(values, np.ndarray)
        and values.dtype == np.dtype(f"U{width}")
        and bool((np.char.str_len(values) == width).all())
        and bool((np.ascontiguousarray(values).view(np.uint32) < 128).all())
    )


def column(clean: Clean, name: str) -> pa.Array:
    values = clean.values[name]
    if name == "row_hash" and _all_of_width(values, 32):
        return ascii_fixed(values, 32)
    # The hashing step kept text fields as Arrow already (senim.register.ingest.text).
    kept = clean.values.get(f"_text_{name}")
    if kept is not None and FIELDS[clean.kind][name] == "text":
        return texts(kept)
    return text.in_form(clean, name, BINARY_FORMS)


BINARY_FORMS: dict[str, text.Form] = {"text": texts, "id": ids, "float": floats, "time": times}


def tuples(fields: list[pa.Array | pa.Scalar], *, count: int) -> pa.Array:
    """Each row's tuple: its number of fields, then the fields (some already joined)."""
    return pc.binary_join_element_wise(pa.scalar(struct.pack("!h", count), BINARY), *fields, _EMPTY)
