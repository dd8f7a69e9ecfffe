"""Offence counts by day and by month, kept equal to the offence table by database triggers.

PostgreSQL: statement-level triggers with transition tables, so a COPY of 50 000 rows costs one
grouped upsert, not 50 000. SQLite: row-level triggers (it has no statement-level ones).
Days are local calendar days of registered_at in settings.TIME_ZONE: PostgreSQL converts with
AT TIME ZONE; SQLite, which knows no time zones, gets the zone's UTC offsets since 2000 written
into the SQL as a CASE over its transitions. `rebuild` recounts from the register and `verify`
compares (the `senim offence_counts` command).

SQLite drops a table's triggers when a migration rebuilds the table to alter a column: such a
migration must end by calling `uninstall`, `install` and `rebuild` (see migration 0006).
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections, transaction

KEY = "region_id, district_id, sector_id, kind, article_id"
TABLES = {"day": "register_offencedaily", "month": "register_offencemonthly"}


def _offset(at: dt.datetime, zone: ZoneInfo) -> int:
    offset = at.astimezone(zone).utcoffset()
    assert offset is not None  # a ZoneInfo always knows its offset
    return int(offset.total_seconds())


@functools.cache
def _transitions(zone: ZoneInfo) -> list[tuple[str, int]]:
    """[(UTC instant the offset starts, offset in seconds)] from 2000 to 2040, first at 2000.

    Walks day by day and finds the hour inside a day whose offset changed: offsets change on
    the hour and at most once a day, and an hourly walk over 40 years cost seconds per call.
    """
    at = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    out = [(at, _offset(at, zone))]
    day, hour = dt.timedelta(days=1), dt.timedelta(hours=1)
    while at < dt.datetime(2040, 1, 1, tzinfo=dt.UTC):
        if _offset(at + day, zone) != out[-1][1]:
            change = at + hour
            while _offset(change, zone) == out[-1][1]:
                change += hour
            out.append((change, _offset(change, zone)))
        at += day
    return [(t.strftime("%Y-%m-%d %H:%M:%S"), offset) for t, offset in out]


def _sqlite_day(column: str) -> str:
    spans = _transitions(ZoneInfo(settings.TIME_ZONE))
    branches = [
        f"WHEN {column} < '{spans[i + 1][0]}' THEN date({column}, '{offset:+d} seconds')"
        for i, (_start, offset) in enumerate(spans[:-1])
    ]
    last = f"date({column}, '{spans[-1][1]:+d} seconds')"
    return f"(CASE {' '.join(branches)} ELSE {last} END)" if branches else last


def _sqlite_units(column: str) -> dict[str, str]:
    day = _sqlite_day(column)
    return {"day": day, "month": f"(substr({day}, 1, 8) || '01')"}


def _sqlite_apply(sign: str, row: str) -> str:
    units = _sqlite_units(f"{row}.registered_at")
    return " ".join(
        f"""INSERT INTO {table} ({unit}, {KEY}, n)
            VALUES ({units[unit]}, {row}.region_id, {row}.district_id, {row}.sector_id,
                    {row}.kind, {row}.article_id, {sign}1)
            ON CONFLICT ({unit}, region_id, ifnull(district_id, 0), ifnull(sector_id, 0),
                         kind, article_id)
            DO UPDATE SET n = n + excluded.n;"""
        for unit, table in TABLES.items()
    )


def _sqlite() -> list[str]:
    return [
        *(
            f"""CREATE UNIQUE INDEX {table}_key ON {table}
                ({unit}, region_id, ifnull(district_id, 0), ifnull(sector_id, 0), kind, article_id)"""
            for unit, table in TABLES.items()
        ),
        f"""CREATE TRIGGER register_offence_count_insert AFTER INSERT ON register_offence
            BEGIN {_sqlite_apply("+", "NEW")} END""",
        f"""CREATE TRIGGER register_offence_count_delete AFTER DELETE ON register_offence
            BEGIN {_sqlite_apply("-", "OLD")} END""",
        f"""CREATE TRIGGER register_offence_count_update
            AFTER UPDATE OF registered_at, {KEY} ON register_offence
            BEGIN {_sqlite_apply("-", "OLD")} {_sqlite_apply("+", "NEW")} END""",
    ]


SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS register_offence_count_insert",
    "DROP TRIGGER IF EXISTS register_offence_count_delete",
    "DROP TRIGGER IF EXISTS register_offence_count_update",
    *(f"DROP INDEX IF EXISTS {table}_key" for table in TABLES.values()),
]


def _postgres_units() -> dict[str, str]:
    local = f"(registered_at AT TIME ZONE '{settings.TIME_ZONE}')"
    return {"day": f"{local}::date", "month": f"date_trunc('month', {local})::date"}


def _postgres_apply(rows: str, sign: str) -> str:
    units = _postgres_units()
    return "\n".join(
        f"""INSERT INTO {table} AS c ({unit}, {KEY}, n)
            SELECT {units[unit]}, {KEY}, {sign}count(*) FROM {rows} GROUP BY 1, 2, 3, 4, 5, 6
            ON CONFLICT ({unit}, {KEY}) DO UPDATE SET n = c.n + EXCLUDED.n;"""
        for unit, table in TABLES.items()
    )


POSTGRES_FUNCTION = """
CREATE FUNCTION register_offence_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {old}
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    {new}
  END IF;
  RETURN NULL;
END $$
"""
POSTGRES_TRIGGERS = [
    """CREATE TRIGGER register_offence_count_insert AFTER INSERT ON register_offence
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
       EXECUTE FUNCTION register_offence_count()""",
    """CREATE TRIGGER register_offence_count_update AFTER UPDATE ON register_offence
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
       EXECUTE FUNCTION register_offence_count()""",
    """CREATE TRIGGER register_offence_count_delete AFTER DELETE ON register_offence
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
       EXECUTE FUNCTION register_offence_count()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS register_offence_count_insert ON register_offence",
    "DROP TRIGGER IF EXISTS register_offence_count_update ON register_offence",
    "DROP TRIGGER IF EXISTS register_offence_count_delete ON register_offence",
    "DROP FUNCTION IF EXISTS register_offence_count()",
]


def _postgres() -> list[str]:
    body = POSTGRES_FUNCTION.format(
        old=_postgres_apply("old_rows", "-"), new=_postgres_apply("new_rows", "")
    )
    return [body, *POSTGRES_TRIGGERS]


def _merge(cursor, table: str, unit: str, select: str, adding: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Add count rows (`adding` of them, if known) to a table: a plain sorted insert when none
    of their periods is counted yet (a third cheaper than an upsert), else an upsert."""
    cursor.execute(
        f"""SELECT EXISTS (SELECT 1 FROM {table} WHERE {unit} BETWEEN
            (SELECT date_trunc('{unit}', min(day))::date FROM offence_counts_added)
            AND (SELECT max(day) FROM offence_counts_added))"""
    )
    if cursor.fetchone()[0]:
        cursor.execute(
            f"""INSERT INTO {table} AS c ({unit}, {KEY}, n) {select}
                ON CONFLICT ({unit}, {KEY}) DO UPDATE SET n = c.n + EXCLUDED.n"""
        )
        return
    # Fewer rows stored than added (a first load, a migration): building the unique key once
    # afterwards costs less than keeping it up to date row by row (0.12 s against 0.35 s for
    # 164,000 daily rows). No new row can clash with a stored one: their periods are new.
    keys = []
    cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s) AS stored", [adding])
    if cursor.fetchone()[0] < adding:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'",
            [table],
        )
        keys = cursor.fetchall()
    for name, _definition in keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    cursor.execute(f"INSERT INTO {table} ({unit}, {KEY}, n) {select} ORDER BY 1, 2, 3, 4, 5, 6")
    for name, definition in keys:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


_CATCH_UP_PLANNER = {"work_mem": "'256MB'", "parallel_setup_cost": 0, "parallel_tuple_cost": 0}


def add_rows_after(cursor, last_id: int) -> None:  # type: ignore[no-untyped-def]
    """Count offences with id > last_id, as the insert trigger would have (PostgreSQL): the
    catch-up of a bulk load that switched the trigger off (senim.register.ingest.bulk).

    The new rows are read once, grouped by day (a scan that may run in parallel), and the
    months are summed from those days."""
    day = _postgres_units()["day"]
    daily, monthly = TABLES["day"], TABLES["month"]
    # The grouping of a million rows fits in memory and is worth a parallel scan: planner
    # settings for this statement only.
    for setting, value in _CATCH_UP_PLANNER.items():
        cursor.execute(f"SET LOCAL {setting} = {value}")
    cursor.execute(
        f"""CREATE TEMP TABLE offence_counts_added AS
            SELECT {day} AS day, {KEY}, count(*) AS n FROM register_offence
            WHERE id > {int(last_id)} GROUP BY 1, 2, 3, 4, 5, 6"""
    )
    for setting in _CATCH_UP_PLANNER:
        cursor.execute(f"SET LOCAL {setting} = DEFAULT")
    cursor.execute("SELECT count(*) FROM offence_counts_added")
    days = cursor.fetchone()[0]
    _merge(cursor, daily, "day", f"SELECT day, {KEY}, n FROM offence_counts_added", days)
    _merge(
        cursor,
        monthly,
        "month",
        f"""SELECT date_trunc('month', day)::date, {KEY}, sum(n) FROM offence_counts_added
            GROUP BY 1, 2, 3, 4, 5, 6""",
    )
    cursor.execute("DROP TABLE offence_counts_added")


def install(connection) -> None:  # type: ignore[no-untyped-def]
    """Create the triggers (and SQLite's key indexes) on a migrated connection."""
    statements = _postgres() if connection.vendor == "postgresql" else _sqlite()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection) -> None:  # type: ignore[no-untyped-def]
    statements = POSTGRES_REVERSE if connection.vendor == "postgresql" else SQLITE_REVERSE
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _grouped_sql(vendor: str) -> dict[str, str]:
    """SELECT unit, key…, count(*) over the whole offence table, per table."""
    units = _postgres_units() if vendor == "postgresql" else _sqlite_units("registered_at")
    return {
        table: f"SELECT {units[unit]} AS unit, {KEY}, count(*) FROM register_offence "
        "GROUP BY 1, 2, 3, 4, 5, 6"
        for unit, table in TABLES.items()
    }


def rebuild(using: str = "default") -> None:
    """Recount both tables from the register in one transaction."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for (unit, table), select in zip(
            TABLES.items(), _grouped_sql(connection.vendor).values(), strict=True
        ):
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(f"INSERT INTO {table} ({unit}, {KEY}, n) {select}")


def verify(using: str = "default") -> dict[str, int]:
    """{table: keys whose stored count differs from a recount}; all zero when in step."""
    connection = connections[using]
    differences = {}
    with connection.cursor() as cursor:
        for (unit, table), select in zip(
            TABLES.items(), _grouped_sql(connection.vendor).values(), strict=True
        ):
            cursor.execute(select)
            fresh = {tuple(map(str, row[:-1])): row[-1] for row in cursor.fetchall()}
            cursor.execute(f"SELECT {unit}, {KEY}, n FROM {table} WHERE n <> 0")
            stored: dict[tuple[str, ...], int] = {}
            for row in cursor.fetchall():
                key = tuple(map(str, row[:-1]))
                stored[key] = stored.get(key, 0) + row[-1]
            keys = set(fresh) | set(stored)
            differences[table] = sum(1 for k in keys if fresh.get(k, 0) != stored.get(k, 0))
    return differences


def reinstall_on_sqlite(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    """For the end of a migration that alters the offence table: SQLite rebuilt it and dropped
    its triggers with the old table."""
    if schema_editor.connection.vendor != "sqlite":
        return
    uninstall(schema_editor.connection)
    install(schema_editor.connection)
    rebuild(using=schema_editor.connection.alias)
