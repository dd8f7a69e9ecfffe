"""A bounded, closed-loop HTTP load generator: a fixed number of clients, a fixed number of requests.

Run as its own process by benchmarks/ops_bench.py (so the server's processes and this one share
the machine the way a real client on the same host would), with a JSON spec on standard input;
prints one JSON summary on standard output. Standard library only (asyncio streams, HTTP/1.1):
keep-alive where the server allows it, a new connection where it answers `Connection: close`
(gunicorn's sync workers do).

Each client sends its next request as soon as the previous answer is read (closed loop), so the
load is bounded by the number of clients; latency is measured from writing the request to
reading the whole answer, on the client's monotonic clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import resource
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass
class Spec:
    host: str
    port: int
    path: str
    token: str
    clients: int
    requests: int  # requests to send in the measured phase
    batch: int  # calls per request; 0 = the single-call body (POST /api/ops/calls)
    prefix: str  # external ids are f"{prefix}-{n:08d}"
    points: list[tuple[float, float]]
    seed: int = 1
    method: str = "POST"
    warmup: int = 0  # requests before the measured phase (not counted), same body kind
    timeout: float = 30.0


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    appeals_created: int = 0
    appeals_refused: int = 0
    failures: list[str] = field(default_factory=list)
    connections: int = 0


CHANNELS = ("call_102", "app_video_102", "telegram", "sos_button")
CATEGORIES = (
    "crime_report",
    "domestic_conflict",
    "public_order",
    "road_accident",
    "missing_person",
    "noise",
    "other",
)


def call(spec: Spec, n: int, rng: random.Random) -> dict[str, Any]:
    """The n-th call: a district or region centre plus up to ~1.5 km of jitter; a phone on half."""
    lat, lon = spec.points[n % len(spec.points)]
    body: dict[str, Any] = {
        "source_system": "bench-ops",
        "external_id": f"{spec.prefix}-{n:08d}",
        "channel": CHANNELS[n % len(CHANNELS)],
        "category": CATEGORIES[n % len(CATEGORIES)],
        "lat": round(lat + rng.uniform(-0.01, 0.01), 5),
        "lon": round(lon + rng.uniform(-0.015, 0.015), 5),
        "summary": "benchmark call",
    }
    if n % 2 == 0:
        body["caller_phone"] = f"+7701{rng.randrange(10**7):07d}"
    return body


class Client:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _connect(self, tally: Tally) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.spec.host, self.spec.port)
        tally.connections += 1

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, body: bytes, tally: Tally) -> tuple[int, bytes]:
        if self.writer is None:
            await self._connect(tally)
        assert self.reader is not None and self.writer is not None
        head = (
            f"{self.spec.method} {self.spec.path} HTTP/1.1\r\n"
            f"Host: {self.spec.host}:{self.spec.port}\r\n"
            f"Authorization: Bearer {self.spec.token}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("connection closed before the answer")
        status = int(status_line.split()[1])
        length = 0
        close = False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value.strip())
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        payload = await self.reader.readexactly(length) if length else b""
        if close:
            await self.close()
        return status, payload


def _count(spec: Spec, status: int, payload: bytes, tally: Tally, sent: int) -> None:
    tally.statuses[status] = tally.statuses.get(status, 0) + 1
    if spec.batch == 0:
        if status == 201:
            tally.appeals_created += 1
        else:
            tally.appeals_refused += 1
            if len(tally.failures) < 5:
                tally.failures.append(f"{status}: {payload[:200]!r}")
        return
    if status != 200:
        tally.appeals_refused += sent
        if len(tally.failures) < 5:
            tally.failures.append(f"{status}: {payload[:200]!r}")
        return
    answer = json.loads(payload)
    tally.appeals_created += answer["created"]
    tally.appeals_refused += sent - answer["created"]
    if answer["created"] != sent and len(tally.failures) < 5:
        bad = [r for r in answer["results"] if r["status"] != 201][:2]
        tally.failures.append(f"batch of {sent}: {answer['created']} created; {bad}")


async def _run(spec: Spec, start: int, count: int, tally: Tally) -> float:
    """Send `count` requests numbered from `start`; returns the wall time in seconds."""
    counter = iter(range(start, start + count))
    per = max(1, spec.batch)

    async def one_client(k: int) -> None:
        rng = random.Random(spec.seed * 1000 + k + start)
        client = Client(spec)
        try:
            for n in counter:
                if spec.batch:
                    calls = [call(spec, n * per + i, rng) for i in range(per)]
                    body = json.dumps({"calls": calls}).encode()
                else:
                    body = json.dumps(call(spec, n, rng)).encode()
                began = time.perf_counter()
                try:
                    status, payload = await asyncio.wait_for(
                        client.request(body, tally), spec.timeout
                    )
                except (TimeoutError, OSError, ValueError) as error:
                    await client.close()
                    tally.statuses[0] = tally.statuses.get(0, 0) + 1
                    tally.appeals_refused += per
                    if len(tally.failures) < 5:
                        tally.failures.append(f"request {n}: {error!r}")
                    continue
                tally.latencies.append(time.perf_counter() - began)
                _count(spec, status, payload, tally, per)
        finally:
            await client.close()

    began = time.perf_counter()
    await asyncio.gather(*(one_client(k) for k in range(spec.clients)))
    return time.perf_counter() - began


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


async def main(spec: Spec) -> dict[str, Any]:
    warm = Tally()
    if spec.warmup:
        # Its own ids (prefix + "w"), so the measured calls can be counted apart afterwards.
        await _run(replace(spec, prefix=spec.prefix + "w"), 0, spec.warmup, warm)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    tally = Tally()
    wall = await _run(spec, 0, spec.requests, tally)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    per = max(1, spec.batch)
    lat = tally.latencies
    return {
        "requests": spec.requests,
        "answered": len(lat),
        "wall_s": wall,
        "requests_per_s": len(lat) / wall,
        "appeals_sent": spec.requests * per,
        "appeals_created": tally.appeals_created,
        "appeals_refused": tally.appeals_refused,
        "appeals_per_s": tally.appeals_created / wall,
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "p50_ms": percentile(lat, 50) * 1000,
        "p95_ms": percentile(lat, 95) * 1000,
        "p99_ms": percentile(lat, 99) * 1000,
        "max_ms": max(lat) * 1000 if lat else float("nan"),
        "failures": tally.failures,
        "connections": tally.connections,
        "client_cpu_s": (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime),
        "warmup": {
            "requests": spec.warmup,
            "appeals_created": warm.appeals_created,
            "statuses": {str(k): v for k, v in sorted(warm.statuses.items())},
            "max_ms": max(warm.latencies) * 1000 if warm.latencies else None,
        },
    }


if __name__ == "__main__":
    raw = json.load(sys.stdin)
    raw["points"] = [tuple(p) for p in raw["points"]]
    print(json.dumps(asyncio.run(main(Spec(**raw)))))
