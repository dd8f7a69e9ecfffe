"""A batch in columns: the raw text as read, and the cleaned records as typed numpy arrays.

The pipeline works on whole columns so that validation, location, de-duplication, hashing and
the COPY payload cost numpy operations rather than Python work per row; the row validator is
still used for rows the column validator does not accept (see fast.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

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
    """Rows as read: their numbers, the text of each column, and rows unreadable as such."""

    numbers: list[int]
    columns: dict[str, list[str]]
    errors: dict[int, str] = field(default_factory=dict)  # row number → reason

    def __len__(self) -> int:
        return len(self.numbers)

    def row(self, i: int) -> dict[str, str]:
        return {name: values[i] for name, values in self.columns.items()}

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[int, dict[str, str]]]) -> RawBatch:
        """Rows as (number, {column: text}); a row with '__error__' is unreadable."""
        errors = {n: r["__error__"] for n, r in rows if "__error__" in r}
        good = [(n, r) for n, r in rows if "__error__" not in r]
        names = sorted({name for _, r in good for name in r})
        columns = {name: [r.get(name, "") for _, r in good] for name in names}
        return cls([n for n, _ in good], columns, errors)


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
        return Clean(self.kind, self.numbers[index], {k: v[index] for k, v in self.values.items()})

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
    return value


def text_columns(clean: Clean, names: Sequence[str], null: str = "") -> dict[str, list[str]]:
    """Fields as canonical text, `null` for none: the row hash and the COPY payload use it."""
    out: dict[str, list[str]] = {}
    for name in names:
        t = FIELDS[clean.kind][name]
        values = clean.values[name]
        if t == "text":
            out[name] = values.tolist()
            continue
        if t == "id":
            text = np.array(list(map(str, values.tolist())), dtype=object)
            missing = values == 0
        elif t == "float":
            # Python's repr: the shortest text that reads back as the same number.
            text = np.array(list(map(repr, values.tolist())), dtype=object)
            missing = np.isnan(values)
        elif t == "time":
            text = np.datetime_as_string(values, unit="us").astype(object)
            missing = np.isnat(values)
        else:
            raise ValueError(f"{name} has no text form")
        text[missing] = null
        out[name] = text.tolist()
    return out


def _party_text(parties: Any) -> str:
    return ";".join(f"{role}:{digest}" for role, digest, *_ in sorted(parties or ()))


TERRITORY = ("region_id", "district_id", "sector_id")


def row_hashes(clean: Clean) -> list[str]:
    """Hash of each record's content as loaded (territory as given, before locating).

    The text of the fields that locating does not change is kept with the records
    (`_text_<field>`), so the COPY encoding reuses it instead of formatting them again.
    """
    names = [n for n, t in FIELDS[clean.kind].items() if t != "object" and n not in DERIVED]
    text = text_columns(clean, names, null=NULL)
    for name, values in text.items():
        if name not in TERRITORY:
            kept = np.empty(len(values), dtype=object)
            kept[:] = values
            clean.values[f"_text_{name}"] = kept
    columns = list(text.values())
    if clean.kind == "offences":
        keys, parties = clean.values["appeal_key"], clean.values["parties"]
        if any(k is not None for k in keys) or any(parties):
            columns.append(["" if k is None else f"{k[0]}/{k[1]}" for k in keys])
            columns.append([_party_text(p) for p in parties])
    digest = hashlib.blake2b
    return [
        digest("\x1f".join(row).encode(), digest_size=16).hexdigest()
        for row in zip(*columns, strict=True)
    ]
