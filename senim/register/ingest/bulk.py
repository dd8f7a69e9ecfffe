"""Bulk loads on PostgreSQL: a table's secondary indexes built once at the end, not row by row.

Keeping a B-tree up to date one row at a time costs PostgreSQL several times what sorting the
whole table into a fresh index does (measured in benchmarks/README.md: 1 M offences COPYed into
the indexed table took 15.3 s, into a bare one 3.1 s plus 3.9 s to build every index). A bulk
window therefore, inside one transaction:

1. locks the table against every other session (ACCESS EXCLUSIVE, waiting at most
   `LOCK_WAIT`; if the lock is not granted the load simply goes on batch by batch);
2. drops the indexes no constraint needs — the primary key and the unique source key stay, so
   identity and idempotency are checked exactly as outside the window — and disables the
   triggers that have a catch-up (the offence counts). A partial index on `column IS NOT
   NULL` stays if the load's first batch leaves that column empty (no appeal links, no
   sectors): such rows cost it nothing, while rebuilding it would scan the whole table;
3. lets the pipeline COPY its batches, each in its own savepoint as before, with their ids
   reserved from the table's sequence a batch at a time (nobody else can insert meanwhile,
   and the server then skips one sequence call per row: 0.6 s of 6.1 s on 1 M rows);
4. recreates every dropped index from its own definition, re-enables the triggers and runs
   their catch-up over the rows the window added, then commits.

A load killed inside the window leaves nothing of the window behind (the whole transaction is
undone, indexes included); batches committed before it stay. Rebuilding costs in proportion to
the whole table, so the window pays off for loads about as large as what is stored already.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import OperationalError, connection, transaction

from senim.register import counts

LOCK_WAIT = "5s"
# A partial index's predicate as pg_get_expr writes `WHERE column IS NOT NULL`.
_NOT_NULL = re.compile(r"\((?P<column>\w+) IS NOT NULL\)")
# Partial indexes a window keeps: the live queue's open calls. A bulk load is history (closed
# calls), which the index does not hold, so keeping it costs the load nothing; rebuilding it
# would scan the whole table.
KEPT: dict[str, frozenset[str]] = {"register_appeal": frozenset({"appeal_open"})}
# Memory for each index build: 1 M offences sort in about 100 MB.
BUILD_MEMORY = "512MB"

# Triggers a window may switch off, with what brings their work up to date afterwards
# (called with a cursor and the largest id stored before the window).
CATCH_UP: dict[str, tuple[tuple[str, ...], Callable[[Any, int], None]]] = {
    "register_offence": (("register_offence_count_insert",), counts.add_rows_after),
}


@dataclass
class BulkWindow:
    table: str
    opened: bool = False
    dropped: list[str] = field(default_factory=list)  # CREATE INDEX statements to run again
    disabled: tuple[str, ...] = ()
    last_id_before: int = 0
    sequence: str | None = None  # the table's id sequence, while the window is open
    _atomic: Any = None

    def open(self, empty_columns: Collection[str] = ()) -> bool:
        """Enter the window; False (and nothing changed) if the table could not be locked.
        `empty_columns`: columns the load's first batch leaves empty (see 2. above)."""
        if connection.vendor != "postgresql" or self.opened:
            return self.opened
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
                cursor.execute(f"LOCK TABLE {self.table} IN ACCESS EXCLUSIVE MODE")
        except OperationalError:
            # Others are reading or writing the table: do not make them wait for the load.
            self._atomic.__exit__(None, None, None)
            self._atomic = None
            return False
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = DEFAULT")
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {self.table}")
            self.last_id_before = cursor.fetchone()[0]
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [self.table])
            self.sequence = cursor.fetchone()[0]
            cursor.execute(
                """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid),
                          pg_get_expr(i.indpred, i.indrelid)
                   FROM pg_index i
                   WHERE i.indrelid = %s::regclass
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                   ORDER BY 1""",
                [self.table],
            )
            for name, definition, predicate in cursor.fetchall():
                only_where = _NOT_NULL.fullmatch(predicate or "")
                if only_where and only_where["column"] in empty_columns:
                    continue
                if name in KEPT.get(self.table, frozenset()):
                    continue
                cursor.execute(f"DROP INDEX {name}")
                self.dropped.append(definition)
            names, _catch_up = CATCH_UP.get(self.table, ((), None))
            for name in names:
                cursor.execute(f"ALTER TABLE {self.table} DISABLE TRIGGER {name}")
            self.disabled = names
        self.opened = True
        return True

    def reserve_ids(self, count: int) -> npt.NDArray[np.int64] | None:
        """`count` fresh ids for a batch to COPY with, taken from the table's sequence in one
        call (safe only while the lock keeps every other writer out); None outside a window."""
        if not self.opened or self.sequence is None or count <= 0:
            return None
        with connection.cursor() as cursor:
            # setval is not undone by a rollback: a failed batch leaves a gap, as nextval would.
            cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [self.sequence] * 2 + [count])
            last = cursor.fetchone()[0]
        return np.arange(last - count + 1, last + 1, dtype=np.int64)

    def close(self, error: BaseException | None = None) -> None:
        """Rebuild and commit; with an error, undo the whole window instead."""
        if not self.opened:
            return
        self.opened = False
        self.sequence = None
        atomic, self._atomic = self._atomic, None
        if error is not None:
            atomic.__exit__(type(error), error, error.__traceback__)
            return
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
                for definition in self.dropped:
                    cursor.execute(definition)
                for name in self.disabled:
                    cursor.execute(f"ALTER TABLE {self.table} ENABLE TRIGGER {name}")
                if self.disabled:
                    CATCH_UP[self.table][1](cursor, self.last_id_before)
        except BaseException as failure:
            atomic.__exit__(type(failure), failure, failure.__traceback__)
            raise
        atomic.__exit__(None, None, None)
