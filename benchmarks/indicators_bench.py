"""The crime-indicators query over a national year of offences on PostgreSQL.

    ./bin/with-postgres .venv/bin/python benchmarks/indicators_bench.py --rows 10000000

Fills register_offence by one INSERT … SELECT FROM generate_series: --rows offences registered in
2025 across every district, and 95 % of that in each of the three years before (so the change
against the previous year and the 3-year average read real rows too); the database's triggers
keep the daily and monthly counts as they would for any write. ANALYZEs, checks the counts
against a recount, then times the national, region and district indicator tables — the page's
own service — three times each, for the calendar year and for a period not aligned to months.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "senim.config.settings")

import django

django.setup()

import datetime as dt  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from benchmarks.machine import database_version, describe  # noqa: E402

YEAR = 2025


def fill(rows: int) -> None:
    """Offences in every region and district, registered across YEAR-3 … YEAR."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM register_offence WHERE source_system = 'ibench'")
        for offset, share in ((0, 1.0), (1, 0.95), (2, 0.95), (3, 0.95)):
            year = YEAR - offset
            count = int(rows * share)
            cursor.execute(
                """
                WITH d AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(region_id ORDER BY id) AS regions
                           FROM core_district),
                     a AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(kind ORDER BY id) AS kinds
                           FROM register_article)
                INSERT INTO register_offence (source_system, external_id, row_hash, kind, article_id,
                    occurred_at, registered_at, place_type, status, region_id, district_id, loaded_at)
                SELECT 'ibench', %s || '-' || g, '', a.kinds[ai], a.ids[ai],
                       ts, ts + interval '3 hours', 'street',
                       CASE WHEN g %% 3 = 0 THEN 'solved' ELSE 'registered' END,
                       d.regions[di], d.ids[di], now()
                FROM generate_series(1, %s) AS g, d, a,
                     LATERAL (SELECT 1 + (hashint4(g) & 2147483647) %% cardinality(d.ids) AS di,
                                     1 + (hashint4(g + 7) & 2147483647) %% cardinality(a.ids) AS ai,
                                     make_timestamptz(%s, 1, 1, 0, 0, 0, 'UTC')
                                       + ((hashint4(g + 13) & 2147483647) %% 31536000) * interval '1 second' AS ts) AS r
                """,
                [str(year), count, year],
            )
        for table in ("register_offence", "register_offencedaily", "register_offencemonthly"):
            cursor.execute(f"ANALYZE {table}")


def timed(label: str, call: object) -> float:
    best = float("inf")
    for attempt in range(3):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        seconds = time.perf_counter() - started
        best = min(best, seconds)
        print(f"  {label:<32} run {attempt + 1}: {seconds * 1000:8.0f} ms")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--skip-fill", action="store_true")
    parser.add_argument("--skip-verify", action="store_true", help="skip the recount check")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("run under ./bin/with-postgres: this benchmark is about PostgreSQL")
    call_command("migrate", verbosity=0)
    print(describe(database_version()))
    if not args.skip_fill:
        started = time.perf_counter()
        fill(args.rows)
        print(
            f"filled {args.rows:,} offences in {YEAR} (+ 3 earlier years) in {time.perf_counter() - started:.0f} s"
        )

    from senim.register import counts
    from senim.register.indicators import indicators

    if not args.skip_verify:
        started = time.perf_counter()
        differences = counts.verify()
        print(
            f"counts verified against a recount in {time.perf_counter() - started:.0f} s: {differences}"
        )
        assert not any(differences.values()), "the trigger-kept counts must equal a recount"

    from senim.core.models import District, Region, User

    user, _ = User.objects.get_or_create(username="ibench", defaults={"role": "national_analyst"})
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR + 1, 1, 1)
    region = Region.objects.get(iso="KZ-75")
    district = District.objects.filter(region=region).first()
    results = {
        "national (20 regions)": timed(
            "national",
            lambda: indicators(
                user=user, level="national", date_from=start, date_to=end, kinds=None
            ),
        ),
        "region (its districts)": timed(
            "region KZ-75",
            lambda: indicators(
                user=user,
                level="region",
                region_id=region.id,
                date_from=start,
                date_to=end,
                kinds=None,
            ),
        ),
        "district": timed(
            "district",
            lambda: indicators(
                user=user,
                level="district",
                region_id=region.id,
                district_id=district.id,
                date_from=start,
                date_to=end,
                kinds=None,
            ),
        ),
    }
    odd_start, odd_end = dt.date(YEAR, 3, 15), dt.date(YEAR, 11, 20)
    results["national, 15 Mar – 19 Nov"] = timed(
        "national, 15 Mar – 19 Nov",
        lambda: indicators(
            user=user, level="national", date_from=odd_start, date_to=odd_end, kinds=None
        ),
    )
    with connection.cursor() as cursor:
        sizes = {}
        for table in ("register_offence", "register_offencedaily", "register_offencemonthly"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            sizes[table] = cursor.fetchone()[0]
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in sizes.items()))
    for label, seconds in results.items():
        print(f"best {label:<24}: {seconds * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
