"""Rows per second of `senim ingest` against a naive ORM save() loop, in one run.

    ./bin/with-postgres .venv/bin/python benchmarks/ingest_bench.py --rows 1000000

Generates a seeded offences CSV (the same file for every contender), then measures:
1. the naive peer: csv.DictReader + Offence(...).save() per row, on the first --naive-rows rows;
2. `senim ingest --bulk` of the whole file (COPY, secondary indexes built once at the end),
   and the count afterwards;
3. the same file loaded again: nothing may change, the count must stay the same;
4. the rows deleted, then `senim ingest` without --bulk (batch by batch, every index kept up
   to date by each COPY), and the count;
5. the API upload path (POST /api/register/ingest) on --api-rows rows.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "senim.config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from benchmarks.machine import database_version, describe  # noqa: E402
from senim.register.ingest.schema import REQUIRED  # noqa: E402

# The required offence columns in their documented order, then the point.
HEADER = [*REQUIRED["offences"], "lat", "lon"]
# Centres of the three cities of republican significance; points scatter a few km around them.
CENTRES = [(43.2567, 76.9286), (51.1282, 71.4307), (42.3417, 69.5901)]


def make_file(path: Path, rows: int, seed: int) -> None:
    from senim.register.models import Article

    rng = np.random.default_rng(seed)
    articles = list(
        Article.objects.filter(code_kind="UK", kind="crime").values_list("code", flat=True)[:30]
    )
    if not articles:
        raise SystemExit("no Criminal Code articles loaded: run migrate first")
    start = dt.datetime(2025, 1, 1)
    lat, lon = _points_inside(rng, rows)
    minutes = rng.integers(0, 364 * 24 * 60, rows)
    delay = rng.integers(10, 3 * 24 * 60, rows)
    article = rng.integers(0, len(articles), rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            occurred = start + dt.timedelta(minutes=int(minutes[i]))
            registered = occurred + dt.timedelta(minutes=int(delay[i]))
            writer.writerow(
                [
                    "bench",
                    f"B-{i:08d}",
                    "crime",
                    articles[article[i]],
                    occurred.isoformat(),
                    registered.isoformat(),
                    "street",
                    "registered",
                    f"{lat[i]:.5f}",
                    f"{lon[i]:.5f}",
                ]
            )


def _points_inside(rng: np.random.Generator, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Points scattered around the three cities, each redrawn until the project's own locator
    puts it inside a region (as written, to 5 decimals): the file has no bad rows, so both
    loads must leave exactly `rows` rows. Bad rows are the ingest tests' business."""
    from senim.core.geo import locator

    city = rng.integers(0, len(CENTRES), rows)
    centres = np.array(CENTRES)[city]
    lat = np.empty(rows)
    lon = np.empty(rows)
    todo = np.arange(rows)
    while todo.size:
        lat[todo] = np.round(centres[todo, 0] + rng.normal(0, 0.03, todo.size), 5)
        lon[todo] = np.round(centres[todo, 1] + rng.normal(0, 0.04, todo.size), 5)
        inside = locator().locate(lat[todo], lon[todo]).region_ids != 0
        todo = todo[~inside]
    return lat, lon


def cpu_seconds() -> tuple[float, float | None]:
    """CPU seconds so far of this process (all threads) and of its PostgreSQL backend (None
    where the server's /proc is not readable from here)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    mine = usage.ru_utime + usage.ru_stime
    if connection.vendor != "postgresql":
        return mine, None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return mine, None
    return mine, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_note(before: tuple[float, float | None]) -> str:
    after = cpu_seconds()
    backend = "n/a" if after[1] is None or before[1] is None else f"{after[1] - before[1]:.1f} s"
    return f"CPU: Python {after[0] - before[0]:.1f} s, PostgreSQL backend {backend}"


def naive_orm_loop(path: Path, limit: int) -> float:
    """The obvious Django code: one save() per row, no batching, same validation of references."""
    from senim.core.geo import locator
    from senim.core.models import Region
    from senim.register.models import Article, Offence

    articles = {a.code: a for a in Article.objects.all()}
    regions = {r.id: r for r in Region.objects.all()}
    started = time.perf_counter()
    with path.open(encoding="utf-8") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            if i >= limit:
                break
            lat, lon = float(row["lat"]), float(row["lon"])
            where = locator().locate(np.array([lat]), np.array([lon]))
            if not where.region_ids[0]:
                continue  # outside every region: the pipeline rejects these rows too
            Offence(
                source_system="naive",
                external_id=row["external_id"],
                kind=row["kind"],
                article=articles[row["article"]],
                occurred_at=dt.datetime.fromisoformat(row["occurred_at"]).replace(tzinfo=dt.UTC),
                registered_at=dt.datetime.fromisoformat(row["registered_at"]).replace(
                    tzinfo=dt.UTC
                ),
                place_type=row["place_type"],
                status=row["status"],
                lat=lat,
                lon=lon,
                region=regions[int(where.region_ids[0])],
            ).save()
    return limit / (time.perf_counter() - started)


def reset(source_system: str) -> None:
    """Back to the state before a contender ran: its rows deleted, the count rows they left at
    zero deleted, dead rows vacuumed — so autovacuum does not clean up after one contender
    while the next is being timed, and every contender starts from the same tables."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM register_offence WHERE source_system = %s", [source_system])
        for table in ("register_offencedaily", "register_offencemonthly"):
            cursor.execute(f"DELETE FROM {table} WHERE n = 0")
        for table in ("register_offence", "register_offencedaily", "register_offencemonthly"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def senim_ingest(path: Path, batch_size: int, *, bulk: bool) -> tuple[float, object]:
    from senim.register.ingest.pipeline import ingest

    started = time.perf_counter()
    with path.open("rb") as handle:
        summary = ingest(
            handle=handle,
            kind="offences",
            fmt="csv",
            batch_size=batch_size,
            actor="benchmark",
            source_name=path.name,
            bulk=bulk,
        )
    return summary.read / (time.perf_counter() - started), summary


def timed_load(args: argparse.Namespace, line: str, *, bulk: bool) -> tuple[float, Any, int]:
    """Load the whole file once; print `line` (filled with rate, s = the summary, count = the
    rows stored after) and the CPU it took. Returns (rows/s, summary, rows stored)."""
    from senim.register.models import Offence

    before = cpu_seconds()
    rate, summary = senim_ingest(args.file, args.batch_size, bulk=bulk)
    count = Offence.objects.filter(source_system="bench").count()
    print(line.format(rate=rate, s=summary, count=count))
    print(f"  {_cpu_note(before)}")
    return rate, summary, count


def api_upload(path: Path, rows: int) -> float | None:
    from django.test import Client

    from senim.core.models import User

    try:
        from senim.register import api as register_api  # noqa: F401
    except ImportError:
        return None
    user, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"role": "administrator", "is_superuser": True}
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)[: rows + 1]
    body = "".join(lines).replace("B-", "API-")
    upload = io.BytesIO(body.encode())
    upload.name = "api.csv"
    started = time.perf_counter()
    response = client.post("/api/register/ingest?kind=offences", {"file": upload}, secure=True)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        print(f"  API upload answered {response.status_code}: {response.content[:200]!r}")
        return None
    return rows / seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--naive-rows", type=int, default=20_000)
    parser.add_argument("--api-rows", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    # v2: every point inside a region (the first version had 185 outside in 1 M rows).
    parser.add_argument("--file", type=Path, default=Path("/tmp/senim-bench-offences-v2.csv"))
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    from senim.register.models import Offence

    Offence.objects.filter(source_system__in=["bench", "naive", "API"]).delete()
    print(describe(database_version()))
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if not args.file.exists() or sum(1 for _ in args.file.open()) != args.rows + 1:
        make_file(args.file, args.rows, args.seed)
    size_mb = args.file.stat().st_size / 1e6
    print(f"file: {args.file} ({args.rows:,} rows, {size_mb:.0f} MB)")

    naive = naive_orm_loop(args.file, args.naive_rows)
    print(f"naive ORM save() loop   : {naive:>10,.0f} rows/s  (first {args.naive_rows:,} rows)")
    reset("naive")

    first, _, count = timed_load(
        args,
        "senim ingest --bulk, first load: {rate:>10,.0f} rows/s  loaded {s.loaded:,} "
        "({s.bulk_rows:,} in the bulk window), rejected {s.rejected:,}; rows now {count:,}",
        bulk=True,
    )
    _, _, count_again = timed_load(
        args,
        "senim ingest --bulk, same again: {rate:>10,.0f} rows/s  loaded {s.loaded:,}, "
        "already present {s.unchanged:,}; rows now {count:,}",
        bulk=True,
    )
    assert count == count_again == args.rows, "both loads must leave exactly every row"
    print(f"exactly {args.rows:,} rows after both loads: yes")
    print(f"ratio senim --bulk / naive: {first / naive:>10.1f}×")
    from senim.register import counts

    differing = counts.verify()
    print(f"daily and monthly counts equal to a recount after the bulk load: {differing}")
    assert not any(differing.values()), "the bulk window's count catch-up must be exact"
    reset("bench")
    rate, _, count = timed_load(
        args,
        "senim ingest, batch by batch: {rate:>10,.0f} rows/s  loaded {s.loaded:,}; "
        "rows now {count:,}",
        bulk=False,
    )
    print(f"  ratio batch by batch / naive: {rate / naive:.1f}×")
    assert count == args.rows
    api = api_upload(args.file, min(args.api_rows, args.rows))
    if api is not None:
        print(
            f"API upload (POST /api/register/ingest): {api:,.0f} rows/s  ({min(args.api_rows, args.rows):,} rows)"
        )
    print(f"database: {connection.vendor}")
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
