"""Operational centres and the register workbench: intake under gunicorn, the live queue, lists.

    ./bin/with-postgres .venv/bin/python benchmarks/ops_bench.py --part intake
    ./bin/with-postgres .venv/bin/python benchmarks/ops_bench.py --part queue
    ./bin/with-postgres .venv/bin/python benchmarks/ops_bench.py --part register
    ./bin/with-postgres .venv/bin/python benchmarks/ops_bench.py --part all

Parts (each migrates first; `all` builds the demo register, then runs the three on top of it,
in the order register, queue, intake):

intake   gunicorn serving senim.config.wsgi on 127.0.0.1, one server configuration at a time
         (--servers, e.g. sync:2,sync:4,gthread:2x4); a separate load-generator process
         (benchmarks/loadgen.py) with a fixed number of clients (--clients) sends a fixed number of
         requests — single calls (POST /api/ops/calls) and batches (--batches, default 10, 20
         and 100; POST /api/ops/calls/batch) — as a duty officer of the Centre (bearer token).
         Points are the district and region centres of the database plus up to ~1.5 km of
         jitter, a caller's phone on every second call. Reports appeals/s, p50/p95/p99 latency, errors and CPU per
         appeal, asserts that exactly the appeals sent are stored, each with its "received"
         event, then closes them (they stay in the register, out of the live queue).
         --wsgi serves another WSGI module (to measure a proposed change without applying it).
queue    tops the open calls up to --open-calls (10,000) across all regions through the intake
         service, grades ~30 % of them through the duty officer's service, then times GET /ops/,
         GET /ops/queue/ (full, and polling with the last ETag) and GET /api/ops/queue as the
         Centre's duty officer (nationally and opening an oblast) and a district's duty officer: median of --repeats (20), in-process through Django's full stack.
register builds the demo register (`senim demo`, skipped when already built), then times the
         workbench lists /register/offences/ and /register/appeals/ and their API — first page, the
         next page by cursor, a page 2,001 deep by cursor, a region + kind page, a source-number
         search — against the same filtered queryset through django.core.paginator.Paginator
         (COUNT(*) and OFFSET), pages 1 and 2,000: the peer; and, for information, the rarest
         combination of three choice filters.

The queue part runs on SQLite too (for information): point SENIM_DATABASE_URL at a SQLite file.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "senim.config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.machine import database_version, describe  # noqa: E402
from senim.core.models import District, Region, User  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SOURCE = "bench-ops"


# --- small helpers -----------------------------------------------------------------------------


def code_state() -> str:
    """The commit and a digest of the senim/ sources as they are on disk: the tree is shared
    and edited while benchmarks run, so a figure names the code it measured."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "senim").rglob("*")):
        if path.suffix in {".py", ".html", ".csv"} and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "senim"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    changes = " + local changes" if dirty else ""
    return f"commit {head or '?'}{changes}, senim/ sources {digest.hexdigest()[:12]}"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench_user(username: str, role: str, **scope: Any) -> User:
    user, _ = User.objects.update_or_create(
        username=username, defaults={"role": role, "is_active": True, **scope}
    )
    return user


def jitter_safe_points() -> list[tuple[float, float]]:
    """District and region centres whose whole jitter box (±0.01° lat, ±0.015° lon, the load
    generator's) lies inside Kazakhstan, so no generated call is refused for its place."""
    import numpy as np

    from senim.core.geo import locator

    centres = list(District.objects.values_list("lat", "lon")) + list(
        Region.objects.values_list("lat", "lon")
    )
    points = []
    for lat, lon in centres:
        if lat is None or lon is None:
            continue
        corners_lat = np.array([lat - 0.011, lat - 0.011, lat + 0.011, lat + 0.011, lat])
        corners_lon = np.array([lon - 0.016, lon + 0.016, lon - 0.016, lon + 0.016, lon])
        if (locator().locate(corners_lat, corners_lon).region_ids != 0).all():
            points.append((float(lat), float(lon)))
    if len(points) < 20:
        raise SystemExit(f"only {len(points)} usable centres: is the territory loaded?")
    return points


# --- CPU accounting from /proc -----------------------------------------------------------------


def _proc_cpu(pid: int, *, reaped: bool = False) -> float:
    """CPU seconds of a process; with `reaped`, plus those of its children that have exited."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def _children(parent: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            kids.append(int(entry.name))
    return kids


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process, its live children and its exited ones (gunicorn master and
    workers, the postmaster and its backends)."""
    return _proc_cpu(pid, reaped=True) + sum(_proc_cpu(k) for k in _children(pid))


def machine_busy() -> float:
    """CPU seconds all processors spent busy since boot (user + nice + system + irq + steal)."""
    parts = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + parts[4]
    return (sum(parts[:8]) - idle) / CLOCK_TICKS


def postmaster_pid() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        directory = cursor.fetchone()[0]
    try:
        return int(Path(directory, "postmaster.pid").read_text().split()[0])
    except OSError:
        return None  # the server's files are not readable from here


# --- part 1: intake under gunicorn --------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    kind: str  # "sync" | "gthread"
    workers: int
    threads: int = 1

    @classmethod
    def parse(cls, text: str) -> Server:
        kind, _, size = text.partition(":")
        if kind == "gthread":
            workers, _, threads = size.partition("x")
            return cls("gthread", int(workers), int(threads or 4))
        return cls("sync", int(size))

    def __str__(self) -> str:
        if self.kind == "gthread":
            return f"gthread {self.workers}×{self.threads}"
        return f"sync ×{self.workers}"

    def argv(self, port: int, app: str) -> list[str]:
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            self.kind,
            "--preload",  # as docs/operations.md deploys it: views imported once, before the fork
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ]
        if self.kind == "gthread":
            argv += ["--threads", str(self.threads)]
        return argv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn(server: Server, port: int, app: str) -> Iterator[subprocess.Popen[bytes]]:
    env = dict(
        os.environ,
        SENIM_DEBUG="0",
        SENIM_LOG_LEVEL="WARNING",
        # Debug off needs real keys (senim/config/keys.py); throwaway ones for the run.
        SENIM_SECRET_KEY=secrets.token_urlsafe(48),
        SENIM_PII_KEY=os.environ.get("SENIM_PII_KEY") or secrets.token_urlsafe(48),
    )
    log = open(f"/tmp/ops-bench-gunicorn-{port}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(server.argv(port, app), cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn exited ({proc.returncode}); see {log.name}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start within 60 s")
            time.sleep(0.2)
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def run_load(spec: dict[str, Any]) -> dict[str, Any]:
    """The load generator as its own process; its JSON summary."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "loadgen.py")],
        input=json.dumps(spec).encode(),
        capture_output=True,
        check=False,
        timeout=1800,
    )
    if done.returncode:
        raise SystemExit(f"load generator failed:\n{done.stderr.decode()[-3000:]}")
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def stored(prefix: str) -> tuple[int, int]:
    """(appeals, "received" events) stored under the external-id prefix."""
    from senim.register.models import Appeal, AppealEvent

    appeals = Appeal.objects.filter(source_system=SOURCE, external_id__startswith=f"{prefix}-")
    events = AppealEvent.objects.filter(
        appeal__source_system=SOURCE, appeal__external_id__startswith=f"{prefix}-", kind="received"
    )
    return appeals.count(), events.count()


@dataclass
class IntakeRun:
    server: str
    body: str
    clients: int
    summary: dict[str, Any]
    stored: int
    events: int
    ok: bool
    cpu: tuple[float, float, float]  # server, PostgreSQL, load generator (seconds)
    others: float  # share of the two cores' time busy with anything else during the run

    @property
    def cpu_ms_per_appeal(self) -> float:
        return sum(self.cpu) / max(1, self.summary["appeals_created"]) * 1000


def intake_part(args: argparse.Namespace) -> list[IntakeRun]:
    from senim.core.api_auth import issue_token
    from senim.register.models import Appeal

    user = bench_user("bench_centre", "duty_officer", region=None, district=None, sector=None)
    token = issue_token(user)
    points = jitter_safe_points()
    tag = dt.datetime.now().strftime("%H%M%S")
    pg = postmaster_pid()
    cores = os.cpu_count() or 1
    print(
        f"\n## Intake under gunicorn: {args.clients} clients (closed loop), {len(points)} district "
        "and region centres with jitter, a phone on every second call; bearer token of a duty "
        f"officer of the Centre; register holds {Appeal.objects.count():,} appeals"
    )
    print(
        "CPU ms/appeal = CPU of gunicorn + PostgreSQL + the load generator over the measured "
        "phase, per appeal stored;\nothers = share of the machine's cores busy with other "
        "processes during it (other jobs on a shared machine)."
    )
    print(
        f"{'server':<14} {'body':<13} {'clients':>7} {'requests':>8} {'appeals/s':>10} "
        f"{'req/s':>7} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>6} "
        f"{'CPU ms/appeal':>13} {'others':>6}  stored"
    )
    runs: list[IntakeRun] = []
    for server in [Server.parse(s) for s in args.servers.split(",")]:
        port = free_port()
        with gunicorn(server, port, args.wsgi) as proc:
            first = True
            for batch, clients in itertools.product(
                [int(b) for b in args.batches.split(",")],
                [int(c) for c in args.clients.split(",")],
            ):
                per_request = max(1, batch)
                requests = max(clients * 4, args.appeals // per_request)
                prefix = f"{tag}-{server.kind}{server.workers}x{server.threads}-b{batch}c{clients}"
                spec = {
                    "host": "127.0.0.1",
                    "port": port,
                    "path": "/api/ops/calls" if batch <= 1 else "/api/ops/calls/batch",
                    "token": token,
                    "clients": clients,
                    "batch": 0 if batch <= 1 else batch,
                    "points": points,
                    "seed": args.seed,
                }
                # Warm-up, not measured: the first reaches every worker (each imports the URLconf
                # and builds the locator on its first request, seconds of CPU), later ones warm
                # the path of this body.
                warm = (server.workers * server.threads * 6 if first else 0) + clients * 2
                warmed = run_load(spec | {"requests": warm, "prefix": prefix + "w", "warmup": 0})
                first = False
                before = (
                    tree_cpu(proc.pid),
                    tree_cpu(pg) if pg else 0.0,
                    machine_busy(),
                    time.monotonic(),
                )
                summary = run_load(spec | {"requests": requests, "prefix": prefix, "warmup": 0})
                after = (
                    tree_cpu(proc.pid),
                    tree_cpu(pg) if pg else 0.0,
                    machine_busy(),
                    time.monotonic(),
                )
                server_cpu, pg_cpu = after[0] - before[0], after[1] - before[1]
                client_cpu = summary["client_cpu_s"]
                # The generator's interpreter start-up is outside its own figure: a little
                # CPU counts as "others", never as the server's.
                others = (after[2] - before[2] - server_cpu - pg_cpu - client_cpu) / (
                    (after[3] - before[3]) * cores
                )
                appeals, events = stored(prefix)
                expected_status = "201" if batch <= 1 else "200"
                errors = summary["requests"] - summary["statuses"].get(expected_status, 0)
                sent = summary["appeals_sent"]
                ok = (
                    errors == 0
                    and summary["appeals_created"] == sent
                    and appeals == sent
                    and events == sent
                )
                run = IntakeRun(
                    server=str(server),
                    body="single" if batch <= 1 else f"batch of {batch}",
                    clients=clients,
                    summary=summary,
                    stored=appeals,
                    events=events,
                    ok=ok,
                    cpu=(server_cpu, pg_cpu, client_cpu),
                    others=others,
                )
                runs.append(run)
                print(
                    f"{run.server:<14} {run.body:<13} {clients:>7} {requests:>8,} "
                    f"{summary['appeals_per_s']:>10,.0f} {summary['requests_per_s']:>7,.0f} "
                    f"{summary['p50_ms']:>8.1f} {summary['p95_ms']:>8.1f} "
                    f"{summary['p99_ms']:>8.1f} {summary['max_ms']:>8.0f} {errors:>6} "
                    f"{run.cpu_ms_per_appeal:>13.2f} {max(0.0, others):>6.0%}  "
                    f"{appeals:,} appeals, {events:,} events: {'ok' if ok else 'WRONG'}",
                    flush=True,
                )
                warm_errors = warm - warmed["statuses"].get(expected_status, 0)
                if warmed["max_ms"] > 1000 or warm_errors:
                    print(
                        f"{'':<14} (warm-up: {warm} requests, slowest "
                        f"{warmed['max_ms']:,.0f} ms, errors {warm_errors})"
                    )
                if summary["failures"]:
                    print(f"{'':<14} failures: {summary['failures']}")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE register_appeal")
                cursor.execute("VACUUM ANALYZE register_appealevent")
    # The calls stay in the register as history, closed, so they do not fill the live queue.
    closed = (
        Appeal.objects.filter(source_system=SOURCE, status="received")
        .exclude(external_id__startswith="queue")
        .update(status="closed", closed_at=timezone.now())
    )
    print(f"(the {closed:,} calls sent are closed afterwards, so they stay out of the live queue)")
    met = [
        r for r in runs if r.ok and r.summary["appeals_per_s"] >= 500 and r.summary["p99_ms"] < 100
    ]
    print(
        "\nTarget ≥ 500 appeals/s with p99 < 100 ms met by: "
        + (", ".join(f"{r.server} / {r.body} / {r.clients} clients" for r in met) or "none")
    )
    if not all(r.ok for r in runs):
        raise SystemExit("intake: errors, or the stored appeals/events differ from those sent")
    return runs


# --- part 2: the live queue ---------------------------------------------------------------------


def seed_open_calls(target: int, seed: int) -> int:
    """Top the open calls up to `target` through the intake service, spread over every region
    (district centres with jitter), ~10 % written appeals; grade ~30 % of the new ones."""
    from senim.ops import services
    from senim.ops.intake import intake
    from senim.register.models import OPEN_APPEAL_STATUSES, Appeal

    open_now = Appeal.objects.filter(status__in=sorted(OPEN_APPEAL_STATUSES)).count()
    missing = target - open_now
    if missing <= 0:
        return 0
    user = bench_user("bench_centre", "duty_officer", region=None, district=None, sector=None)
    rng = random.Random(seed)
    points = jitter_safe_points()
    now = timezone.now()
    channels = ["call_102"] * 6 + ["app_video_102", "telegram", "sos_button", "e_otinish"]
    categories = ["crime_report", "domestic_conflict", "public_order", "road_accident", "noise"]
    tag = now.strftime("%Y%m%d%H%M%S")
    rows = []
    for n in range(missing):
        lat, lon = points[n % len(points)]
        channel = channels[n % len(channels)]
        # Phone calls from the last 3 hours; written appeals from the last 10 days.
        back = dt.timedelta(minutes=rng.uniform(1, 180 if channel != "e_otinish" else 14_400))
        row = {
            "source_system": SOURCE,
            "external_id": f"queue{tag}-{n:06d}",
            "channel": channel,
            "category": categories[n % len(categories)],
            "received_at": (now - back).isoformat(),
            "lat": round(lat + rng.uniform(-0.01, 0.01), 5),
            "lon": round(lon + rng.uniform(-0.015, 0.015), 5),
            "summary": "benchmark call",
        }
        if n % 2 == 0:
            row["caller_phone"] = f"+7702{rng.randrange(10**7):07d}"
        rows.append(row)
    started = time.perf_counter()
    ids: list[int] = []
    for i in range(0, len(rows), 500):
        outcomes = intake(user=user, rows=rows[i : i + 500])
        bad = [o for o in outcomes if o.status != 201]
        if bad:
            raise SystemExit(f"seeding: {len(bad)} calls refused, e.g. {bad[0]}")
        ids += [o.id for o in outcomes if o.id is not None]
    stored_in = time.perf_counter() - started
    grades = ["emergency", "urgent", "urgent", "scheduled", "by_phone"]
    phone = set(
        Appeal.objects.filter(pk__in=ids).exclude(channel="e_otinish").values_list("pk", flat=True)
    )
    to_grade = [pk for pk in ids if pk in phone][: int(len(ids) * 0.3)]
    started_grading = time.perf_counter()
    for k, pk in enumerate(to_grade):
        services.grade_call(user=user, pk=pk, grade=grades[k % len(grades)])
    print(
        f"seeded {len(ids):,} open calls through the intake service in {stored_in:.1f} s "
        f"(batches of 500), graded {len(to_grade):,} in "
        f"{time.perf_counter() - started_grading:.1f} s"
    )
    return len(ids)


@dataclass
class Timing:
    samples: list[float]  # wall seconds of each timed request
    cpu: list[float]  # CPU seconds of this process (the whole server side, in-process)
    queries: int  # SQL queries of one more request
    size: int  # bytes of its body
    statuses: dict[int, int]


def time_get(
    client: Client,
    url: str,
    repeats: int,
    check: Callable[[Any], None],
    *,
    poll: bool = False,
) -> Timing:
    """`repeats` GETs after two untimed ones, through Django's whole stack in this process.
    With `poll`, each request carries the ETag of the answer before (If-None-Match), as the
    queue page's polling does, and may be answered 304."""
    etag = ""
    statuses: dict[int, int] = {}

    def get() -> Any:
        nonlocal etag
        headers = {"If-None-Match": etag} if poll and etag else {}
        response = client.get(url, headers=headers)
        if poll and response.has_header("ETag"):
            etag = response["ETag"]
        return response

    for _ in range(2):
        check(get())
    samples, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = get()
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        check(response)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    with CaptureQueriesContext(connection) as queries:
        response = get()
    return Timing(samples, cpu, len(queries), len(response.content), statuses)


def queue_part(args: argparse.Namespace) -> list[dict[str, Any]]:
    from senim.register.models import OPEN_APPEAL_STATUSES, Appeal

    print(f"\n## The live queue with {args.open_calls:,} open calls nationally")
    seed_open_calls(args.open_calls, args.seed)
    open_calls = Appeal.objects.filter(status__in=sorted(OPEN_APPEAL_STATUSES))
    total = open_calls.count()
    if total != args.open_calls:
        raise SystemExit(f"{total:,} open calls, expected {args.open_calls:,}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE register_appeal")
    busiest = (
        open_calls.exclude(district=None)
        .values_list("district_id", flat=True)
        .order_by()
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("district_id", "n")
        .first()
    )
    assert busiest is not None
    district = District.objects.select_related("region").get(pk=busiest[0])
    region_total = open_calls.filter(region_id=district.region_id).count()
    by_status = dict(open_calls.values_list("status").annotate(n=Count("id")).order_by())
    print(
        f"open calls: {total:,} {by_status}; the busiest district {district.code} holds "
        f"{busiest[1]:,}, its region {district.region.iso} {region_total:,}; the whole table "
        f"{Appeal.objects.count():,} appeals"
    )
    centre = bench_user("bench_centre", "duty_officer", region=None, district=None, sector=None)
    local = bench_user(
        "bench_district",
        "duty_officer",
        region=district.region,
        district=district,
        sector=None,
    )

    def html_ok(response: Any) -> None:
        assert response.status_code == 200, response.status_code

    def polled(response: Any) -> None:
        assert response.status_code in {200, 304}, response.status_code

    def api_ok(expected: int) -> Callable[[Any], None]:
        def check(response: Any) -> None:
            assert response.status_code == 200, response.status_code
            body = response.json()
            assert body["total_open"] == expected, (body["total_open"], expected)
            assert len(body["rows"]) == min(200, expected), len(body["rows"])

        return check

    rows: list[dict[str, Any]] = []
    print(
        f"{'who':<22} {'request':<34} {'median ms':>9} {'min':>7} {'max':>7} {'CPU ms':>7} "
        f"{'queries':>7} {'KiB':>6}"
    )
    levels = [
        ("Centre", centre, "", total),
        (
            f"Centre → {district.region.iso}",
            centre,
            f"region={district.region.iso}",
            region_total,
        ),
        (f"district {district.code.rsplit('-', 1)[-1]}", local, "", busiest[1]),
    ]
    for who, user, query, expected in levels:
        client = Client()
        client.force_login(user)
        suffix = f"?{query}" if query else ""
        cases: list[tuple[str, str, Callable[[Any], None], bool]] = [
            ("GET /ops/", f"/ops/{suffix}", html_ok, False),
            ("GET /ops/queue/", f"/ops/queue/{suffix}", html_ok, False),
            ("GET /ops/queue/ polling (ETag)", f"/ops/queue/{suffix}", polled, True),
            ("GET /api/ops/queue", f"/api/ops/queue{suffix}", api_ok(expected), False),
        ]
        for name, url, check, poll in cases:
            t = time_get(client, url, args.repeats, check, poll=poll)
            label = f"{name} ({t.statuses.get(304, 0)}× 304)" if poll else name
            print(
                f"{who:<22} {label:<34} {median_ms(t.samples):>9.1f} {min(t.samples) * 1000:>7.1f} "
                f"{max(t.samples) * 1000:>7.1f} {median_ms(t.cpu):>7.1f} {t.queries:>7} "
                f"{t.size / 1024:>6.0f}"
            )
            rows.append({"who": who, "request": name, "median_ms": median_ms(t.samples)})
    slow = [r for r in rows if r["median_ms"] >= 300]
    print(
        "\nTarget < 300 ms (median of "
        f"{args.repeats}): {'met by every request' if not slow else f'missed by {slow}'}"
    )
    return rows


# --- part 3: the register workbench -------------------------------------------------------------


def build_demo() -> None:
    from senim.register.models import Appeal, Offence

    started = time.perf_counter()
    call_command("demo", verbosity=1)
    print(
        f"demo register: {Offence.objects.count():,} offences, {Appeal.objects.count():,} appeals "
        f"(build or check {time.perf_counter() - started:.0f} s)"
    )


def workbench_ready() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("register-offences")
        reverse("register-appeals")
        import senim.register.selectors  # noqa: F401
    except (NoReverseMatch, ImportError):
        return False
    return True


def page_rows(expect_rows: int) -> Callable[[Any], None]:
    """A workbench page answered 200 with this many rows (`<tr data-id=…>`)."""

    def check(response: Any) -> None:
        assert response.status_code == 200, response.status_code
        found = response.content.count(b"<tr data-id=")
        assert found == expect_rows, (found, expect_rows)

    return check


def api_check(expect_rows: int) -> Callable[[Any], None]:
    def check(response: Any) -> None:
        assert response.status_code == 200, response.status_code
        found = len(response.json()["results"])
        assert found == expect_rows, (found, expect_rows)

    return check


def paginator_page(qs: Any, number: int) -> list[Any]:
    """Django's Paginator as a list view uses it: the page (validating its number counts the
    rows) and its rows."""
    from django.core.paginator import Paginator

    from senim.register.selectors import PAGE_SIZE

    return list(Paginator(qs, PAGE_SIZE).page(number).object_list)


def keyset_page(qs: Any, kind: Any, cursor: Any) -> list[Any]:
    from senim.register import selectors

    return selectors.page(qs, kind, cursor, selectors.PAGE_SIZE).rows


def timed(call: Callable[[], Any], repeats: int) -> tuple[list[float], Any]:
    """Seconds of `repeats` calls after one untimed; (samples, the last result)."""
    result = call()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - started)
    return samples, result


RARE_FIELDS = {
    "offences": ("kind", "status", "place_type"),
    "appeals": ("channel", "status", "category"),
}


def rarest_filter(model: Any, fields: tuple[str, ...]) -> tuple[str, int]:
    """The combination of values (each present in the table) with the fewest rows, as a query
    string, and its number of rows."""
    present = [sorted(set(model.objects.values_list(f, flat=True).distinct())) for f in fields]
    counts = {
        tuple(row[:-1]): row[-1]
        for row in model.objects.values_list(*fields).annotate(n=Count("id")).order_by()
    }
    combo = min(itertools.product(*present), key=lambda c: (counts.get(c, 0), c))
    return "&".join(f"{f}={v}" for f, v in zip(fields, combo, strict=True)), counts.get(combo, 0)


def register_part(args: argparse.Namespace) -> list[dict[str, Any]]:
    from senim.register import selectors
    from senim.register.models import Appeal, Offence

    print("\n## The register workbench over the demo register")
    while not workbench_ready():
        print("waiting for the register workbench (selectors and URL names)…", flush=True)
        time.sleep(180)
    build_demo()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("register_offence", "register_appeal"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    analyst = bench_user(
        "bench_analyst", "national_analyst", region=None, district=None, sector=None
    )
    client = Client()
    client.force_login(analyst)
    rows: list[dict[str, Any]] = []
    print(
        f"{'list':<9} {'request':<58} {'median ms':>9} {'min':>7} {'max':>7} {'queries':>7} "
        f"{'rows':>5}"
    )

    def report(kind: str, name: str, samples: list[float], queries: int, count: int) -> None:
        print(
            f"{kind:<9} {name:<58} {median_ms(samples):>9.1f} {min(samples) * 1000:>7.1f} "
            f"{max(samples) * 1000:>7.1f} {queries:>7} {count:>5}"
        )
        rows.append({"kind": kind, "request": name, "median_ms": median_ms(samples)})

    for kind, model, time_field, kind_filter in (
        ("offences", Offence, "registered_at", ("kind", "crime")),
        ("appeals", Appeal, "received_at", ("channel", "call_102")),
    ):
        page_url = f"/register/{kind}/"
        api_url = f"/api/register/{kind}"
        # The busiest region, a record's source number and the cursor 100,000 rows deep.
        region_id = (
            model.objects.values_list("region_id")
            .annotate(n=Count("id"))
            .order_by("-n")
            .values_list("region_id", flat=True)
            .first()
        )
        assert region_id is not None
        region = Region.objects.get(pk=region_id)
        sample = model.objects.order_by("id")[model.objects.count() // 2]
        deep = model.objects.order_by(f"-{time_field}", "-id")[selectors.PAGE_SIZE * 2000 - 1]
        deep_cursor = selectors.Cursor(getattr(deep, time_field), deep.pk, True).encode()
        first_api = client.get(f"{api_url}?limit={selectors.PAGE_SIZE}").json()
        next_cursor = first_api["next_cursor"]
        assert next_cursor, "the first page has no next page"
        filtered = f"region={region.iso}&{kind_filter[0]}={kind_filter[1]}"
        search = f"external_id={sample.external_id}"
        found = model.objects.filter(external_id=sample.external_id).count()

        cases = [
            ("page: first", page_url, page_rows(50), 50),
            ("page: next (cursor)", f"{page_url}?cursor={next_cursor}", page_rows(50), 50),
            ("page: 2,001st (cursor)", f"{page_url}?cursor={deep_cursor}", page_rows(50), 50),
            (f"page: {filtered}", f"{page_url}?{filtered}", page_rows(50), 50),
            ("page: source-number search", f"{page_url}?{search}", page_rows(found), found),
            ("API: first", f"{api_url}?limit=50", api_check(50), 50),
            ("API: next (cursor)", f"{api_url}?limit=50&cursor={next_cursor}", api_check(50), 50),
            (
                "API: 2,001st (cursor)",
                f"{api_url}?limit=50&cursor={deep_cursor}",
                api_check(50),
                50,
            ),
            (f"API: {filtered}", f"{api_url}?limit=50&{filtered}", api_check(50), 50),
            ("API: source-number search", f"{api_url}?limit=50&{search}", api_check(found), found),
        ]
        # For information, outside the target: the rarest combination of three choice filters
        # (often none at all), where a newest-first walk must pass most of the index.
        rare, rare_count = rarest_filter(model, RARE_FIELDS[kind])
        cases += [
            (
                f"(info) page: {rare} [{rare_count} rows]",
                f"{page_url}?{rare}",
                page_rows(min(50, rare_count)),
                min(50, rare_count),
            ),
            (
                f"(info) API: {rare}",
                f"{api_url}?limit=50&{rare}",
                api_check(min(50, rare_count)),
                min(50, rare_count),
            ),
        ]
        for name, url, check, count in cases:
            t = time_get(client, url, args.repeats, check)
            report(kind, name, t.samples, t.queries, count)

        # The peer: the same filtered queryset through Django's Paginator (COUNT(*) + OFFSET),
        # against the keyset page at the same place; both must give the same rows.
        for label, params in (
            ("all", {}),
            (filtered, dict(p.split("=") for p in filtered.split("&"))),
        ):
            query = selectors.parse_query(cast(selectors.Kind, kind), params)
            qs = selectors.filtered(analyst, query).order_by(f"-{time_field}", "-id")
            # Page 2,000, or the list's last full page when it is shorter.
            full_pages = qs.count() // selectors.PAGE_SIZE
            for number in sorted({1, max(1, min(2000, full_pages))}):
                place: selectors.Cursor | None = None
                if number > 1:
                    row = qs[selectors.PAGE_SIZE * (number - 1) - 1]
                    place = selectors.Cursor(getattr(row, time_field), row.pk, True)
                peer_samples, peer_rows = timed(partial(paginator_page, qs, number), args.repeats)
                own_samples, own_rows = timed(partial(keyset_page, qs, kind, place), args.repeats)
                assert [r.pk for r in own_rows] == [r.pk for r in peer_rows], "rows differ"
                assert len(own_rows) == selectors.PAGE_SIZE, len(own_rows)
                for who, samples in (
                    ("Paginator + COUNT(*)", peer_samples),
                    ("keyset", own_samples),
                ):
                    report(kind, f"{who}: {label}, page {number:,}", samples, 0, len(own_rows))
    slow = [
        r
        for r in rows
        if r["median_ms"] >= 300
        and "Paginator" not in r["request"]
        and not r["request"].startswith("(info)")
    ]
    print(
        f"\nTarget < 300 ms (median of {args.repeats}): "
        + ("met by every workbench request" if not slow else f"missed by {slow}")
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["intake", "queue", "register", "all"], default="all")
    parser.add_argument("--clients", default="2,4,8", help="concurrent clients (intake)")
    parser.add_argument(
        "--servers", default="sync:2,sync:4,sync:8,gthread:2x4", help="gunicorn configurations"
    )
    parser.add_argument(
        "--wsgi", default="senim.config.wsgi", help="the WSGI module gunicorn serves (intake)"
    )
    parser.add_argument("--batches", default="1,10,20,100", help="calls per request (1 = single)")
    parser.add_argument("--appeals", type=int, default=6000, help="appeals per intake run")
    parser.add_argument("--open-calls", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    print(describe(database_version()))
    print(f"{code_state()}; {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"load average at start: {load_average()}")
    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["*"]  # the in-process test client's host
    if args.part in {"register", "all"}:
        register_part(args)
    if args.part in {"queue", "all"}:
        queue_part(args)
    if args.part in {"intake", "all"}:
        intake_part(args)
    print(f"\nload average at the end: {load_average()}")


if __name__ == "__main__":
    main()
