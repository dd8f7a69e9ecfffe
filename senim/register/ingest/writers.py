"""Writing validated rows: the ORM's bulk insert everywhere, COPY on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Model

from senim.register.models import Appeal, Offence

FIELDS = {
    "appeals": [
        "source_system",
        "external_id",
        "row_hash",
        "channel",
        "category",
        "status",
        "received_at",
        "answered_at",
        "dispatched_at",
        "arrived_at",
        "closed_at",
        "lat",
        "lon",
        "region_id",
        "district_id",
        "sector_id",
    ],
    "offences": [
        "source_system",
        "external_id",
        "row_hash",
        "kind",
        "article_id",
        "occurred_at",
        "registered_at",
        "place_type",
        "status",
        "lat",
        "lon",
        "region_id",
        "district_id",
        "sector_id",
        "appeal_id",
    ],
}
MODELS: dict[str, type[Model]] = {"appeals": Appeal, "offences": Offence}


def insert(
    kind: str, rows: list[dict[str, Any]], *, now: dt.datetime
) -> dict[tuple[str, str], int]:
    """Insert rows known to be new; returns their ids by (source_system, external_id)."""
    if not rows:
        return {}
    if connection.vendor == "postgresql":
        return _copy_insert(kind, rows, now=now)
    model = MODELS[kind]
    objects = [model(**{f: row[f] for f in FIELDS[kind]}) for row in rows]
    model._default_manager.bulk_create(objects, batch_size=2000)
    if all(o.pk for o in objects):
        return {(o.source_system, o.external_id): o.pk for o in objects}  # type: ignore[attr-defined]
    return _ids_of(kind, rows)


def _ids_of(kind: str, rows: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    keys = [(row["source_system"], row["external_id"]) for row in rows]
    return lookup(MODELS[kind], keys, "id")


def lookup(
    model: type[Model], keys: list[tuple[str, str]], column: str
) -> dict[tuple[str, str], Any]:
    """`column` of the stored records with these (source_system, external_id) keys."""
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
                    f"SELECT external_id, {column} FROM {table} "
                    "WHERE source_system = %s AND external_id = ANY(%s)",
                    [system, ids],
                )
                found.update(((system, ext), value) for ext, value in cursor.fetchall())
        return found
    for system, ids in by_system.items():
        for start in range(0, len(ids), 5000):  # below SQLite's limit on parameters
            rows = model._default_manager.filter(
                source_system=system, external_id__in=ids[start : start + 5000]
            ).values_list("external_id", column)
            found.update(((system, ext), value) for ext, value in rows)
    return found


def _copy_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _copy_insert(
    kind: str, rows: list[dict[str, Any]], *, now: dt.datetime
) -> dict[tuple[str, str], int]:
    """COPY into a temporary table, then one INSERT … SELECT that skips keys loaded meanwhile."""
    table = MODELS[kind]._meta.db_table
    columns = [*FIELDS[kind], "loaded_at"]
    column_list = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS ingest_stage_{kind} "
            f"AS SELECT {column_list} FROM {table} WITH NO DATA"
        )
        raw = cursor.cursor  # the psycopg 3 cursor underneath Django's wrapper
        with raw.copy(f"COPY ingest_stage_{kind} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_copy_value(row.get(c)) for c in FIELDS[kind]] + [now])
        cursor.execute(
            f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM ingest_stage_{kind} "
            f"ON CONFLICT (source_system, external_id) DO NOTHING "
            f"RETURNING id, source_system, external_id"
        )
        result = {(system, ext): pk for pk, system, ext in cursor.fetchall()}
        cursor.execute(f"TRUNCATE ingest_stage_{kind}")
    return result
