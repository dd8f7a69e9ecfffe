"""Fast writes and removal of demo rows: executemany on SQLite, COPY on PostgreSQL.

The demo writes about a million rows; model instances and the ORM's bulk_create would take
most of the time budget, so columns go straight from numpy arrays to the driver.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from django.db import connection, models
from django.db.models import Model

from senim.core.demo_flag import DEMO_SOURCE
from senim.core.models import Officer, Person
from senim.register.models import Appeal, Offence, OffenceParty

Column = np.ndarray | Sequence[Any]


def _python_column(values: Column, *, postgres: bool) -> list[Any]:
    """A column as Python values the driver accepts; NaT, NaN and a 0 foreign key become NULL."""
    if not isinstance(values, np.ndarray):
        return list(values)
    if values.dtype.kind == "M":
        text = np.datetime_as_string(values.astype("datetime64[s]"), unit="s")
        # Django keeps SQLite datetimes as 'YYYY-MM-DD HH:MM:SS' text in UTC and compares them
        # as strings, so the separator must be a space; PostgreSQL wants the zone spelt out.
        text = np.char.replace(text, "T", " ")
        if postgres:
            text = np.char.add(text, "+00")
        out = text.tolist()
        if np.isnat(values).any():
            for i in np.nonzero(np.isnat(values))[0]:
                out[i] = None
        return out
    if values.dtype.kind == "f":
        out = values.tolist()
        if np.isnan(values).any():
            for i in np.nonzero(np.isnan(values))[0]:
                out[i] = None
        return out
    return values.tolist()


def insert(model: type[Model], columns: dict[str, Column], *, null_zero: Iterable[str] = ()) -> int:
    """Insert the rows given column-wise; integer columns in `null_zero` store 0 as NULL."""
    names = list(columns)
    if not names:
        return 0
    n = len(columns[names[0]])
    postgres = connection.vendor == "postgresql"
    zero_null = set(null_zero)
    table = model._meta.db_table
    column_list = ", ".join(connection.ops.quote_name(c) for c in names)
    sql = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(names))})"
    with connection.cursor() as cursor:
        # Chunks keep the Python objects of only 50,000 rows alive at a time.
        for start in range(0, n, 50_000):
            data = []
            for name in names:
                column = _python_column(columns[name][start : start + 50_000], postgres=postgres)
                if name in zero_null:
                    column = [v or None for v in column]
                data.append(column)
            rows = list(zip(*data, strict=True))
            if postgres:
                raw = cursor.cursor  # psycopg 3 underneath Django's wrapper
                with raw.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(sql, rows)
    return n


def ids_by_external_id(model: type[Model]) -> dict[str, int]:
    """external_id → id of this model's demo rows."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT external_id, id FROM {table} WHERE source_system = %s", [DEMO_SOURCE]
        )
        return dict(cursor.fetchall())


def release(
    cursor: Any,
    model: type[Model],
    ids_sql: str,
    params: list[Any],
    *,
    handled: set[type[Model]] = frozenset(),  # type: ignore[assignment]
) -> None:
    """Before rows of `model` go by plain SQL, do what the ORM's cascade would have done to the
    rows of other tables pointing at them (an app's problem case linking a demo offence, a call's
    events and alerts): CASCADE deletes them, SET_NULL unlinks them; `handled` are done already."""
    for rel in model._meta.get_fields(include_hidden=True):
        # Reverse foreign keys, hidden ones (related_name="+") too.
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        if rel.related_model in handled:
            continue
        table = rel.related_model._meta.db_table  # type: ignore[union-attr]
        column = connection.ops.quote_name(str(rel.field.column))  # type: ignore[union-attr]
        on_delete = rel.on_delete  # type: ignore[union-attr]
        if on_delete is models.CASCADE:
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({ids_sql})", params)
        elif on_delete is models.SET_NULL or rel.related_model is model:
            # A record pointing at another of its kind (a call marked duplicate of a demo call)
            # loses the link rather than blocking the removal.
            cursor.execute(
                f"UPDATE {table} SET {column} = NULL WHERE {column} IN ({ids_sql})", params
            )


def delete_demo_rows() -> None:
    """Remove demo offences, appeals, their parties and the people only they refer to.

    Plain SQL rather than the ORM's cascade collector, which would load a million primary
    keys; real rows that pointed at a demo appeal lose the link (the FK is SET_NULL anyway).
    """
    offence, appeal = Offence._meta.db_table, Appeal._meta.db_table
    party, person, officer = (
        OffenceParty._meta.db_table,
        Person._meta.db_table,
        Officer._meta.db_table,
    )
    demo_offences = f"SELECT id FROM {offence} WHERE source_system = %s"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS demo_people")
        cursor.execute(
            f"CREATE TEMP TABLE demo_people AS SELECT DISTINCT person_id FROM {party} "
            f"WHERE offence_id IN ({demo_offences})",
            [DEMO_SOURCE],
        )
        cursor.execute(f"DELETE FROM {party} WHERE offence_id IN ({demo_offences})", [DEMO_SOURCE])
        release(cursor, Offence, demo_offences, [DEMO_SOURCE], handled={OffenceParty})
        cursor.execute(f"DELETE FROM {offence} WHERE source_system = %s", [DEMO_SOURCE])
        demo_appeals = f"SELECT id FROM {appeal} WHERE source_system = %s"
        release(cursor, Appeal, demo_appeals, [DEMO_SOURCE])
        cursor.execute(f"DELETE FROM {appeal} WHERE source_system = %s", [DEMO_SOURCE])
        cursor.execute(
            f"DELETE FROM {person} WHERE id IN (SELECT person_id FROM demo_people) "
            f"AND NOT EXISTS (SELECT 1 FROM {party} p WHERE p.person_id = {person}.id) "
            f"AND NOT EXISTS (SELECT 1 FROM {officer} o WHERE o.person_id = {person}.id)"
        )
        cursor.execute("DROP TABLE demo_people")


def refresh_statistics(*app_labels: str) -> None:
    """ANALYZE the tables of these apps on PostgreSQL (a no-op on SQLite).

    The demo writes and deletes tens of thousands of rows inside one transaction, where
    autovacuum cannot see them: the planner would keep believing the tables empty and pick
    nested loops over them. A demo delete's `IN (subquery)` then ran for over a quarter of an
    hour instead of milliseconds. ANALYZE inside the transaction counts its own rows.
    """
    if connection.vendor != "postgresql":
        return
    from django.apps import apps

    tables = [
        model._meta.db_table
        for label in app_labels
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    if tables:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
