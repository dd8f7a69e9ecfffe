"""Writing validated rows: the ORM's bulk insert everywhere, COPY on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from senim.register.ingest import binary, text
from senim.register.ingest.batch import FIELDS as FIELDS_OF
from senim.register.ingest.batch import Clean
from senim.register.models import Appeal, Offence

# Columns of each table the pipeline fills (loaded_at is added with the load's time).
FIELDS = {
    kind: [name for name, t in spec.items() if t != "object"] for kind, spec in FIELDS_OF.items()
}
COPY_FIELDS = FIELDS
MODELS: dict[str, type[Model]] = {"appeals": Appeal, "offences": Offence}


@dataclass
class Inserted:
    """How many records a batch inserted, and their ids on request."""

    kind: str
    inserted: int
    known: dict[tuple[str, str], int] = field(default_factory=dict)

    def ids_of(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        missing = [k for k in keys if k not in self.known]
        if missing:
            self.known.update(lookup(MODELS[self.kind], missing, "id"))
        return {k: self.known[k] for k in keys if k in self.known}


def insert_if_new(
    clean: Clean, *, now: dt.datetime, ids: npt.NDArray[np.int64] | None = None
) -> Inserted | None:
    """On PostgreSQL, COPY the records if none of their keys is stored yet; None (and nothing
    written) if one is. Elsewhere None: the caller looks the keys up first. `ids`, one per
    record, are given only by a bulk window (reserved while no one else can insert)."""
    if connection.vendor != "postgresql" or not len(clean):
        return None
    try:
        with transaction.atomic():
            return Inserted(clean.kind, _copy(clean, now=now, ids=ids))
    except IntegrityError:
        return None


def insert(clean: Clean, *, now: dt.datetime) -> Inserted:
    """Insert records known to be new (checked in this transaction)."""
    if not len(clean):
        return Inserted(clean.kind, 0)
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic():
                return Inserted(clean.kind, _copy(clean, now=now))
        except IntegrityError:
            # A concurrent load stored some of these keys since we looked: skip those.
            return _copy_skipping_conflicts(clean, now=now)
    model = MODELS[clean.kind]
    columns = FIELDS[clean.kind]
    objects = []
    for i in range(len(clean)):
        record = clean.record(i)
        objects.append(model(**{name: record[name] for name in columns}))
    model._default_manager.bulk_create(objects, batch_size=2000)
    known = {(o.source_system, o.external_id): o.pk for o in objects if o.pk}  # type: ignore[attr-defined]
    return Inserted(clean.kind, len(objects), known)


def lookup(
    model: type[Model], keys: list[tuple[str, str]], column: str | tuple[str, ...]
) -> dict[tuple[str, str], Any]:
    """`column` (a value, or a tuple of values for several) of the stored records with these
    (source_system, external_id) keys."""
    columns = (column,) if isinstance(column, str) else column

    def value(row: tuple[Any, ...]) -> Any:
        return row[1] if isinstance(column, str) else tuple(row[1:])

    by_system: dict[str, list[str]] = {}
    for system, external_id in keys:
        by_system.setdefault(system, []).append(external_id)
    found: dict[tuple[str, str], Any] = {}
    if connection.vendor == "postgresql":
        # One array parameter instead of thousands of placeholders: far cheaper to plan.
        table = model._meta.db_table
        with connection.cursor() as cursor:
            for system, ids in by_system.items():
                cursor.execute(
                    f"SELECT external_id, {', '.join(columns)} FROM {table} "
                    "WHERE source_system = %s AND external_id = ANY(%s)",
                    [system, ids],
                )
                found.update(((system, row[0]), value(row)) for row in cursor.fetchall())
        return found
    for system, ids in by_system.items():
        for start in range(0, len(ids), 5000):  # below SQLite's limit on parameters
            rows = model._default_manager.filter(
                source_system=system, external_id__in=ids[start : start + 5000]
            ).values_list("external_id", *columns)
            found.update(((system, row[0]), value(row)) for row in rows)
    return found


def encode(clean: Clean) -> None:
    """On PostgreSQL, each record's fields in binary COPY form (without appeal_id and loaded_at,
    which are known only when writing), kept with the record as `_copy` (Arrow). Pure CPU: the
    ingest pipeline calls it in its preparing thread."""
    if connection.vendor != "postgresql":
        return
    fields = [binary.column(clean, n) for n in COPY_FIELDS[clean.kind] if n != "appeal_id"]
    clean.values["_copy"] = pc.binary_join_element_wise(*fields, pa.scalar(b"", binary.BINARY))


def _copy_payload(
    clean: Clean, now: dt.datetime, ids: npt.NDArray[np.int64] | None = None
) -> tuple[list[str], list[memoryview | bytes]]:
    """(columns, binary COPY stream in pieces) of the records. The tuples are joined by Arrow
    and handed over as its buffer, without a copy."""
    if "_copy" not in clean.values:
        encode(clean)
    names = [n for n in COPY_FIELDS[clean.kind] if n != "appeal_id"]
    columns = [*names, "loaded_at"]
    fields: list[pa.Array | pa.Scalar] = [clean.values["_copy"]]
    if clean.kind == "offences":
        columns.insert(-1, "appeal_id")
        appeal = clean.values.get("appeal_id")
        linked = appeal is not None and appeal.any()
        fields.append(binary.ids(appeal) if appeal is not None and linked else binary.NULL_FIELD)
    fields.append(binary.timestamp(now))
    if ids is not None:
        columns.append("id")
        fields.append(binary.ids(ids))
    # Every tuple counts its fields: one per column.
    rows = binary.tuples(fields, count=len(columns))
    return columns, [binary.HEADER, text.buffer(rows), binary.TRAILER]


def _copy(
    clean: Clean,
    *,
    now: dt.datetime,
    table: str | None = None,
    ids: npt.NDArray[np.int64] | None = None,
) -> int:
    columns, pieces = _copy_payload(clean, now, ids)
    target = table or MODELS[clean.kind]._meta.db_table
    # The psycopg 3 cursor underneath Django's wrapper; its errors become Django's
    # (IntegrityError for a stored key) as for any query.
    sql = f"COPY {target} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for piece in pieces:
            copy.write(piece)
    return len(clean)


def _copy_skipping_conflicts(clean: Clean, *, now: dt.datetime) -> Inserted:
    """COPY into a temporary table, then one INSERT … SELECT that skips keys loaded meanwhile."""
    table = MODELS[clean.kind]._meta.db_table
    column_list = ", ".join([*COPY_FIELDS[clean.kind], "loaded_at"])
    stage = f"ingest_stage_{clean.kind}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} "
            f"AS SELECT {column_list} FROM {table} WITH NO DATA"
        )
        _copy(clean, now=now, table=stage)
        cursor.execute(
            f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {stage} "
            f"ON CONFLICT (source_system, external_id) DO NOTHING "
            f"RETURNING id, source_system, external_id"
        )
        known = {(system, ext): pk for pk, system, ext in cursor.fetchall()}
        cursor.execute(f"TRUNCATE {stage}")
    return Inserted(clean.kind, len(known), known)
