"""A batch in columns: the raw text as read, and the cleaned records as typed numpy arrays.

The pipeline works on whole columns so that validation, location, de-duplication, hashing and
the COPY payload cost numpy operations rather than Python work per row; the row validator is
still used for rows the column validator does not accept (see fast.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

# How each cleaned field is held: text/object as object arrays, ids as int64 with 0 for none,
# coordinates as float64 with NaN for none, times as UTC datetime64[us] with NaT for none.
OFFENCE_FIELDS = {
    "source_system": "text",
    "external_id": "text",
    "kind": "text",
    "article_id": "id",
    "occurred_at": "time",
    "registered_at": "time",
    "place_type": "text",
    "status": "text",
    "lat": "float",
    "lon": "float",
    "region_id": "id",
    "district_id": "id",
    "sector_id": "id",
    "appeal_key": "object",
    "parties": "object",
    "appeal_id": "id",  # derived: the linked appeal
    "row_hash": "text",  # derived: see row_hashes
}
APPEAL_FIELDS = {
    "source_system": "text",
    "external_id": "text",
    "channel": "text",
    "category": "text",
    "status": "text",
    "received_at": "time",
    "answered_at": "time",
    "dispatched_at": "time",
    "arrived_at": "time",
    "closed_at": "time",
    "lat": "float",
    "lon": "float",
    "region_id": "id",
    "district_id": "id",
    "sector_id": "id",
    "row_hash": "text",
}
DERIVED = {"appeal_id", "row_hash"}
FIELDS = {"offences": OFFENCE_FIELDS, "appeals": APPEAL_FIELDS}
# How a missing value is written, in the row hash and in PostgreSQL's COPY text alike.
NULL = "\\N"
_NONE = {"text": "", "id": 0, "float": np.nan, "time": None, "object": None}
_DTYPES: dict[str, Any] = {
    "id": np.int64,
    "float": np.float64,
    "time": "datetime64[us]",
    "text": object,
}


@dataclass
class RawBatch:
    """Rows as read: their numbers, the text of each column (Arrow strings, never null), and
    rows unreadable as such."""

    numbers: list[int]
    columns: dict[str, pa.Array]
    # row number → reason, or (field, reason)
    errors: dict[int, str | tuple[str, str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.numbers)

    def row(self, i: int) -> dict[str, str]:
        return self.rows([i])[0]

    def split(self, n: int) -> tuple[RawBatch, RawBatch]:
        """The first n rows and the rest, each unreadable row going with its neighbours."""
        cut = self.numbers[n] if n < len(self.numbers) else float("inf")
        return (
            RawBatch(
                self.numbers[:n],
                {name: values.slice(0, n) for name, values in self.columns.items()},
                {row: e for row, e in self.errors.items() if row < cut},
            ),
            RawBatch(
                self.numbers[n:],
                {name: values.slice(n) for name, values in self.columns.items()},
                {row: e for row, e in self.errors.items() if row >= cut},
            ),
        )

    def rows(self, index: Sequence[int]) -> list[dict[str, str]]:
        """Rows by position as {column: text}, for the row validator."""
        if not self.columns:
            return [{} for _ in index]
        taken = pa.table(self.columns).take(pa.array(index, type=pa.int64()))
        return taken.to_pylist()  # type: ignore[no-any-return]

    @classmethod
    def from_lists(
        cls,
        numbers: list[int],
        columns: dict[str, list[str]],
        errors: dict[int, str | tuple[str, str]] | None = None,
    ) -> RawBatch:
        arrays = {
            name: pa.array(values, type=pa.large_string()) for name, values in columns.items()
        }
        return cls(numbers, arrays, errors or {})

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[int, dict[str, Any]]]) -> RawBatch:
        """Rows as (number, {column: text}); a row with '__error__' (a reason, or a field and
        a reason) is unreadable."""
        errors = {n: r["__error__"] for n, r in rows if "__error__" in r}
        good = [(n, r) for n, r in rows if "__error__" not in r]
        names = sorted({name for _, r in good for name in r})
        columns = {name: [r.get(name, "") for _, r in good] for name in names}
        return cls.from_lists([n for n, _ in good], columns, errors)


def _array(kind: str, values: list[Any]) -> np.ndarray:
    if kind == "time":
        return np.array(
            [
                np.datetime64(v.astimezone(dt.UTC).replace(tzinfo=None), "us") if v else None
                for v in values
            ],
            dtype="datetime64[us]",
        )
    if kind == "object":
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out
    none = _NONE[kind]
    return np.array([none if v is None else v for v in values], dtype=_DTYPES[kind])


@dataclass
class Clean:
    """Cleaned records of one kind: `numbers[i]` is the file row of record i."""

    kind: str
    numbers: npt.NDArray[np.int64]
    values: dict[str, np.ndarray]

    def __len__(self) -> int:
        return int(self.numbers.size)

    @classmethod
    def empty(cls, kind: str) -> Clean:
        return cls.from_dicts(kind, [], [])

    @classmethod
    def from_dicts(cls, kind: str, numbers: list[int], dicts: list[dict[str, Any]]) -> Clean:
        spec = FIELDS[kind]
        values = {name: _array(t, [d.get(name) for d in dicts]) for name, t in spec.items()}
        return cls(kind, np.array(numbers, dtype=np.int64), values)

    @classmethod
    def from_arrays(cls, kind: str, numbers: np.ndarray, values: dict[str, np.ndarray]) -> Clean:
        """Arrays as the column validator gives them; fields it never sets start empty."""
        n = len(numbers)
        full = {}
        for name, t in FIELDS[kind].items():
            if name in values:
                full[name] = values[name]
            elif t == "object":
                full[name] = np.full(n, None, dtype=object)
            else:
                full[name] = np.full(
                    n, _NONE[t] if t != "time" else np.datetime64("NaT"), dtype=_DTYPES[t]
                )
        return cls(kind, np.asarray(numbers, dtype=np.int64), full)

    def take(self, index: np.ndarray) -> Clean:
        """Records by position or boolean mask; Arrow columns (text forms) are taken alike."""
        index = np.asarray(index)
        arrow_index = pa.array(index)
        values = {
            k: (
                (v.filter(arrow_index) if index.dtype == bool else v.take(arrow_index))
                if isinstance(v, pa.Array)
                else v[index]
            )
            for k, v in self.values.items()
        }
        return Clean(self.kind, self.numbers[index], values)

    def concat(self, other: Clean) -> Clean:
        """Both, in file order."""
        numbers = np.concatenate([self.numbers, other.numbers])
        order = np.argsort(numbers, kind="stable")
        values = {k: np.concatenate([v, other.values[k]])[order] for k, v in self.values.items()}
        return Clean(self.kind, numbers[order], values)

    def keys(self) -> list[tuple[str, str]]:
        return list(
            zip(
                self.values["source_system"].tolist(),
                self.values["external_id"].tolist(),
                strict=True,
            )
        )

    def record(self, i: int) -> dict[str, Any]:
        """Record i as Python values: None for empty ids, coordinates and times."""
        out: dict[str, Any] = {}
        for name, t in FIELDS[self.kind].items():
            out[name] = _python(t, self.values[name][i])
        return out


def _python(kind: str, value: Any) -> Any:
    if kind == "id":
        return int(value) or None
    if kind == "float":
        return None if np.isnan(value) else float(value)
    if kind == "time":
        if np.isnat(value):
            return None
        return value.astype("datetime64[us]").item().replace(tzinfo=dt.UTC)
    if isinstance(value, np.str_):  # the row hash is held as a fixed-width numpy string
        return str(value)
    return value
