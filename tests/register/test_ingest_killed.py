"""A load killed with SIGKILL half-way leaves whole batches only, and a rerun loads the rest."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from senim.register.ingest.schema import REQUIRED

ROWS, BATCH = 60_000, 2_000


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SENIM_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SENIM_VAR_DIR": str(tmp_path),
    }


def _count(db: Path) -> int:
    with sqlite3.connect(db, timeout=30) as connection:
        return connection.execute("select count(*) from register_offence").fetchone()[0]


@pytest.mark.skipif(
    os.environ.get("SENIM_DATABASE_URL", "").startswith("postgres"),
    reason="drives its own SQLite file; the PostgreSQL run covers COPY elsewhere",
)
def test_a_killed_load_leaves_whole_batches_and_resumes(tmp_path: Path) -> None:
    env = _env(tmp_path)
    senim = [sys.executable, "-m", "senim"]
    subprocess.run([*senim, "migrate", "-v0"], env=env, check=True)
    path = tmp_path / "offences.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*REQUIRED["offences"], "lat", "lon"])
        for i in range(ROWS):
            writer.writerow(
                [
                    "erdr",
                    f"K-{i:06d}",
                    "crime",
                    "UK-188",
                    "2025-04-01T10:00:00",
                    "2025-04-01T12:00:00",
                    "street",
                    "registered",
                    f"{43.20 + (i % 100) / 2000:.4f}",
                    f"{76.85 + (i % 97) / 1000:.4f}",
                ]
            )
    command = [
        *senim,
        "ingest",
        str(path),
        "--kind",
        "offences",
        "--batch-size",
        str(BATCH),
        "--no-progress",
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    db = tmp_path / "db.sqlite3"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if _count(db) >= 3 * BATCH:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    process.wait()
    killed_at = _count(db)
    assert process.returncode == -signal.SIGKILL, "the load finished before it could be killed"
    assert 0 < killed_at < ROWS
    assert killed_at % BATCH == 0, f"{killed_at} rows: a batch was half-written"
    subprocess.run(command, env=env, check=True)
    assert _count(db) == ROWS
