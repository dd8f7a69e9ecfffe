"""Fast row writes for the NPM demo: ids handed out in advance, columns sent straight to the
driver by senim.demo.db.insert, so tens of thousands of rows take a fraction of a second.

Ids are taken after the table's current maximum; on PostgreSQL the identity sequence is moved
past them afterwards, so later ORM inserts do not collide.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Max, Model

from senim.demo import db


def next_ids(model: type[Model], n: int) -> np.ndarray:
    top = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
    return np.arange(top + 1, top + 1 + n, dtype=np.int64)


def insert(model: type[Model], columns: dict[str, Any], *, with_ids: bool = False) -> int:
    """Insert column-wise; `with_ids` when the columns carry "id" (then the sequence is moved)."""
    count = db.insert(model, columns)
    if with_ids and count and connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
    return count


def execute(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def table(model: type[Model]) -> str:
    return model._meta.db_table


def analyze(*models: type[Model]) -> None:
    """Refresh PostgreSQL's statistics of tables just filled in bulk: without them the planner
    may join thousands of rows by nested loops (minutes instead of milliseconds)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {model._meta.db_table}")
