"""`senim demo_feed`: a synthetic country calling 102, so a newcomer sees the queue move.

On start it fills the last four weeks up to now with finished calls (so the centre analytics, the
repeat warnings and "today" always end today), then, every few seconds, sends a new call through
the real intake and works the open ones through the real services — graded, a unit dispatched,
en route, on scene, closed — as the system user `demo-feed`. Calls in the demo city are left to
people for a few minutes first (the district duty officers of the demo), then worked too, so the
queue never grows without end. Everything it makes is synthetic (source system "demo-102").
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db.models import Max
from django.utils import timezone

from senim.core.errors import UseCaseError
from senim.core.geo import place_key
from senim.core.models import District, Region, Role, User
from senim.demo.appeals import (
    CATEGORIES,
    CATEGORY_P,
    CHANNEL_P,
    CHANNELS,
    DISPATCHED,
    LIVE_CHANNELS,
)
from senim.demo.calibration import ASSUMED_APPEALS_2025
from senim.demo.cities import population_2025
from senim.demo.common import DEMO_CITY, live_window_start
from senim.ops import alerts, services
from senim.ops.demo_data import FEED_SOURCE
from senim.ops.intake import intake
from senim.ops.targets import area_of, target_for
from senim.register.models import Appeal, Grade

log = logging.getLogger(__name__)
FEED_USER = "demo-feed"
PER_DAY = ASSUMED_APPEALS_2025 / 365.0  # the demo's assumed national volume (docs/demo.md)
CITY_BOOST = 5.0  # the demo city calls more than its share, so its queue visibly moves
# Grades of the calls that send a unit: an assumed mix (no seed gives one).
UNIT_GRADES = (("emergency", 0.2), ("urgent", 0.65), ("scheduled", 0.15))
# An hour-of-day profile of calls (relative), quiet at night, busiest in the evening: assumed.
HOURLY = np.array(
    [4, 3, 2, 2, 2, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 7, 7, 8, 9, 10, 10, 9, 7, 5], dtype=float
)
CATEGORY_PROB = np.array([p if p is not None else 0.02 for p in CATEGORY_P], dtype=float)
CATEGORY_PROB /= CATEGORY_PROB.sum()
LIVE_CHANNEL_P = np.array([CHANNEL_P[CHANNELS.index(c)] for c in LIVE_CHANNELS])
LIVE_CHANNEL_P /= LIVE_CHANNEL_P.sum()


def feed_user() -> User:
    user, _ = User.objects.get_or_create(
        username=FEED_USER,
        defaults={
            "role": Role.DUTY_OFFICER,
            "password": make_password(None),
            "first_name": "Demo feed",
        },
    )
    return user


@dataclass
class Places:
    """Where the calls of each region come from: places of its earlier appeals (so some repeat)."""

    by_region: dict[int, np.ndarray]
    weights: dict[int, float]

    @classmethod
    def load(cls, rng: np.random.Generator) -> Places:
        by_region: dict[int, np.ndarray] = {}
        weights: dict[int, float] = {}
        for region in Region.objects.all():
            points = list(
                Appeal.objects.filter(region=region, lat__isnull=False)
                .order_by("-received_at")
                .values_list("lat", "lon")[:3000]
            )
            if not points:
                points = [(d.lat, d.lon) for d in District.objects.filter(region=region)] or [
                    (region.lat, region.lon)
                ]
            by_region[region.pk] = np.array(points, dtype=float)
            share = population_2025(region) * (CITY_BOOST if region.iso == DEMO_CITY else 1.0)
            weights[region.pk] = float(share)
        return cls(by_region, weights)

    def pick_many(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """`n` places at once (latitudes, longitudes), regions drawn by weight."""
        ids = list(self.weights)
        p = np.array([self.weights[i] for i in ids])
        regions = rng.choice(len(ids), size=n, p=p / p.sum())
        lat, lon = np.empty(n), np.empty(n)
        for k, region in enumerate(ids):
            rows = np.nonzero(regions == k)[0]
            points = self.by_region[region]
            chosen = points[rng.integers(len(points), size=rows.size)]
            lat[rows], lon[rows] = chosen[:, 0], chosen[:, 1]
        near = rng.random(n) < 0.7
        lat[near] += rng.normal(0, 0.002, near.sum())
        lon[near] += rng.normal(0, 0.003, near.sum())
        return lat, lon

    def pick(self, rng: np.random.Generator) -> tuple[int, float, float]:
        ids = list(self.weights)
        p = np.array([self.weights[i] for i in ids])
        region = ids[int(rng.choice(len(ids), p=p / p.sum()))]
        points = self.by_region[region]
        lat, lon = points[int(rng.integers(len(points)))]
        if rng.random() < 0.7:  # most calls come from near, not exactly at, an earlier place
            lat, lon = lat + rng.normal(0, 0.002), lon + rng.normal(0, 0.003)
        return region, float(lat), float(lon)


def _grade_for(category: str, rng: np.random.Generator) -> str:
    if category not in DISPATCHED:
        return "by_phone"
    codes = [code for code, _ in UNIT_GRADES]
    return str(rng.choice(codes, p=[p for _, p in UNIT_GRADES]))


def _lognormal_s(
    rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int
) -> np.ndarray:
    return np.round(rng.lognormal(np.log(median), sigma, n)).astype("timedelta64[s]")


def catch_up(*, now: dt.datetime, rng: np.random.Generator, places: Places) -> int:
    """Finished calls from the feed's last call (at most four weeks back, from a local midnight) to
    an hour ago, written column-wise like the rest of the demo (a week is ~70,000 calls)."""
    from senim.core.geo import locator
    from senim.demo import db

    latest: dt.datetime | None = Appeal.objects.filter(source_system=FEED_SOURCE).aggregate(
        m=Max("received_at")
    )["m"]
    earliest = live_window_start(now)
    start = max(latest or earliest, earliest)
    hours = (now - start).total_seconds() / 3600.0 - 1.0  # the last hour is the live feed's
    n = int(PER_DAY * hours / 24.0)
    if n <= 0:
        return 0
    grades = {g.code: g for g in Grade.objects.all()}
    districts = {d.pk: d for d in District.objects.all()}
    # Times follow the hourly profile: thin a uniform draw by the local hour's weight.
    accept = HOURLY / HOURLY.max()
    t = start.timestamp() + rng.random(int(n / accept.mean())) * hours * 3600.0
    local_hour = ((t + 5 * 3600) // 3600 % 24).astype(int)
    t = np.sort(t[rng.random(t.size) < accept[local_hour]])
    n = t.size
    lat, lon = places.pick_many(rng, n)
    where = locator().locate(lat, lon)
    inside = where.region_ids > 0
    t, lat, lon = t[inside], lat[inside], lon[inside]
    region, district, sector = (
        where.region_ids[inside],
        where.district_ids[inside],
        where.sector_ids[inside],
    )
    n = t.size
    category = np.array(CATEGORIES, dtype=object)[rng.choice(len(CATEGORIES), n, p=CATEGORY_PROB)]
    channel = np.array(LIVE_CHANNELS, dtype=object)[
        rng.choice(len(LIVE_CHANNELS), n, p=LIVE_CHANNEL_P)
    ]
    unit_codes = [c for c, _ in UNIT_GRADES]
    grade_code = np.where(
        np.isin(category, list(DISPATCHED)),
        np.array(unit_codes, dtype=object)[
            rng.choice(len(unit_codes), n, p=[p for _, p in UNIT_GRADES])
        ],
        "by_phone",
    )
    grade_id = np.array([grades[c].pk for c in grade_code], dtype=np.int64)
    rank = np.array([grades[c].rank for c in grade_code], dtype=np.int64)
    needs_unit = np.array([grades[c].needs_unit for c in grade_code])
    urban = np.array([area_of(districts.get(int(d))) == "urban" for d in district])
    minutes: dict[tuple[int, int], int] = {}
    target = np.empty(n, dtype=np.int64)
    for i in range(n):
        key = (int(grade_id[i]), int(district[i]))
        if key not in minutes:
            minutes[key] = target_for(
                grade_id=key[0], district=districts.get(key[1]), region_id=int(region[i])
            ).minutes
        target[i] = minutes[key]
    received = (t * 1e6).astype("datetime64[us]").astype("datetime64[s]")
    answered = received + _lognormal_s(rng, 8.0, 0.5, n)
    graded = answered + _lognormal_s(rng, 60.0, 0.5, n)
    dispatched = graded + _lognormal_s(rng, 120.0, 0.7, n)
    arrived = dispatched + _lognormal_s(rng, np.where(urban, 9 * 60.0, 28 * 60.0), 0.5, n)
    nat = np.datetime64("NaT", "s")
    closed = np.where(
        needs_unit,
        arrived + _lognormal_s(rng, 35 * 60.0, 0.6, n),
        graded + _lognormal_s(rng, 300.0, 0.6, n),
    )
    done = closed <= np.datetime64(now.replace(tzinfo=None), "s")
    keys = [place_key(float(a), float(b)) for a, b in zip(lat, lon, strict=True)]
    columns: dict[str, Any] = {
        "source_system": [FEED_SOURCE] * n,
        "external_id": [f"H-{int(x * 1000)}-{i}" for i, x in enumerate(t)],
        "channel": channel,
        "category": category,
        "status": ["closed"] * n,
        "received_at": received,
        "answered_at": answered,
        "graded_at": graded,
        "grade_id": grade_id,
        "priority": rank,
        "due_at": received + target.astype("timedelta64[m]").astype("timedelta64[s]"),
        "dispatched_at": np.where(needs_unit, dispatched, nat),
        "en_route_at": np.where(needs_unit, dispatched + np.timedelta64(20, "s"), nat),
        "arrived_at": np.where(needs_unit, arrived, nat),
        "closed_at": closed,
        "lat": np.round(lat, 6),
        "lon": np.round(lon, 6),
        "region_id": region,
        "district_id": district,
        "sector_id": sector,
        "place_key": np.array(keys, dtype=np.int64),
        "row_hash": [""] * n,
        "loaded_at": np.full(n, np.datetime64(now.replace(tzinfo=None), "s")),
    }
    columns = {
        k: (
            np.asarray(v)[done]
            if not isinstance(v, list)
            else [x for x, d in zip(v, done, strict=True) if d]
        )
        for k, v in columns.items()
    }
    return db.insert(Appeal, columns, null_zero=("district_id", "sector_id"))


class Feed:
    """One tick: maybe a new call, then the next step of the open calls that are due one."""

    def __init__(
        self, *, seed: int = 2025, manual_minutes: float = 10.0, pace: float = 1.0
    ) -> None:
        self.rng = np.random.default_rng(seed)
        self.user = feed_user()
        self.places = Places.load(self.rng)
        self.manual = dt.timedelta(minutes=manual_minutes)
        self.pace = pace  # < 1 makes the units quicker than life (for tests and short demos)
        self.count = 0
        self.city_id = Region.objects.filter(iso=DEMO_CITY).values_list("id", flat=True).first()
        self.phones = [f"+7701{n:07d}" for n in self.rng.integers(0, 10**7, 300)]

    def new_call(self, now: dt.datetime) -> int | None:
        _region, lat, lon = self.places.pick(self.rng)
        self.count += 1
        row = {
            "source_system": FEED_SOURCE,
            "external_id": f"F-{now:%Y%m%d%H%M%S}-{self.count}",
            "channel": str(self.rng.choice(LIVE_CHANNELS, p=LIVE_CHANNEL_P)),
            "category": str(self.rng.choice(CATEGORIES, p=CATEGORY_PROB)),
            "received_at": now.isoformat(),
            "lat": lat,
            "lon": lon,
            "caller_phone": str(self.rng.choice(self.phones)) if self.rng.random() < 0.5 else "",
        }
        outcome = intake(user=self.user, rows=[{k: v for k, v in row.items() if v != ""}], now=now)[
            0
        ]
        return outcome.id

    def _delay(self, appeal: Appeal, stage: str, median_s: float) -> dt.timedelta:
        # The same call always waits the same: a stream per (call, stage).
        rng = np.random.default_rng([appeal.pk, hash(stage) & 0xFFFF])
        return dt.timedelta(seconds=float(rng.lognormal(np.log(median_s), 0.4)) * self.pace)

    def work(self, now: dt.datetime, limit: int = 60) -> int:
        steps = 0
        open_calls = (
            Appeal.objects.filter(
                source_system=FEED_SOURCE,
                status__in=["received", "graded", "dispatched", "en_route", "on_scene"],
            )
            .select_related("grade", "district")
            .order_by("received_at")[:limit]
        )
        for appeal in open_calls:
            if appeal.region_id == self.city_id and now - appeal.received_at < self.manual:
                continue
            try:
                steps += self._step(appeal, now)
            except UseCaseError as error:  # a person took the call meanwhile: leave it
                log.info("feed: call %s: %s", appeal.pk, error.message)
        return steps

    def _step(self, a: Appeal, now: dt.datetime) -> int:
        """Take the call's next step if it has waited its (seeded) time; 1 if a step was taken."""
        user, pk = self.user, a.pk

        def waited(since: dt.datetime | None, stage: str, median_s: float) -> bool:
            return since is not None and now - since >= self._delay(a, stage, median_s)

        needs_unit = bool(a.grade and a.grade.needs_unit)
        travel = 6 * 60 if area_of(a.district) == "urban" else 20 * 60
        if a.status == "received" and waited(a.received_at, "grade", 40):
            services.grade_call(user=user, pk=pk, grade=_grade_for(a.category, self.rng), now=now)
        elif a.status == "graded" and not needs_unit and waited(a.graded_at, "phone", 180):
            services.close_call(user=user, pk=pk, outcome="help_given", now=now)
        elif a.status == "graded" and needs_unit and waited(a.graded_at, "dispatch", 60):
            suggested = services.suggest_units(a, limit=1)
            if not suggested:
                return 0
            services.dispatch(user=user, pk=pk, unit_id=suggested[0][0].pk, now=now)
        elif a.status == "dispatched" and waited(a.dispatched_at, "roll", 20):
            services.en_route(user=user, pk=pk, now=now)
        elif a.status == "en_route" and waited(a.en_route_at, "travel", travel):
            services.on_scene(user=user, pk=pk, now=now)
        elif a.status == "on_scene" and waited(a.arrived_at, "scene", 8 * 60):
            outcome = "offence_registered" if a.category == "crime_report" else "help_given"
            services.close_call(user=user, pk=pk, outcome=outcome, now=now)
        else:
            return 0
        return 1


def run(*, interval: float, seed: int, manual_minutes: float, once: bool = False) -> None:
    """Catch the history up to now, then send and work calls until stopped."""
    feed = Feed(seed=seed, manual_minutes=manual_minutes)
    made = catch_up(now=timezone.now(), rng=feed.rng, places=feed.places)
    if made:
        print(f"demo feed: {made:,} finished calls of the last days written", flush=True)
        # The portal's league table of the last 30 days includes them from now on.
        from senim.portal.open_data import build as build_open_data

        build_open_data()
    last_alerts = 0.0
    while True:
        now = timezone.now()
        feed.new_call(now)
        feed.work(now)
        if time.monotonic() - last_alerts > 30:
            alerts.run(now)
            last_alerts = time.monotonic()
        if once:
            return
        time.sleep(max(interval, 0.2))
