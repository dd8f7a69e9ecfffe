"""The synthetic demo: territory details, users, four years of offences and a year of appeals.

Everything here is synthetic and deterministic for a given seed and scale; docs/demo.md says
what is calibrated to which seed figure and what is assumed.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db import transaction

from senim.core.demo_flag import DEMO_SOURCE
from senim.core.geo import locator, reset_locator
from senim.core.models import District, Region, Sector, User
from senim.register.models import Appeal, Article, Offence

DEMO_CITY = "KZ-75"
PASSWORD = "senim-demo"
# Synthetic national volume of registered criminal offences (crimes + misdemeanours) per year.
# Seed 003 gives only the change: in 2025 crime fell by "more than 6 thousand" cases
# ("2025 жылы елде қылмыс саны 6 мыңнан астам дерекке азайды"); the level is an assumption.
NATIONAL_CRIMINAL = {2022: 145_000, 2023: 140_000, 2024: 136_100, 2025: 130_000}
ADMINISTRATIVE_SAMPLE = 40_000  # per year, a small sample so the structure by kind is visible
HOUR_PROFILE = np.array(
    [3, 2, 1.5, 1, 1, 1, 1.5, 2.5, 3.5, 4, 4.5, 5, 5.5, 5.5, 5.5, 6, 6.5, 7.5, 8.5, 9, 9, 8, 6, 4.5]
)

PLACES = [
    "street",
    "residence",
    "shop",
    "transport",
    "vehicle",
    "office",
    "entertainment",
    "online",
    "other",
]
PLACE_SHARES = [0.30, 0.22, 0.12, 0.05, 0.06, 0.05, 0.06, 0.12, 0.02]


@dataclass(frozen=True)
class DemoSummary:
    offences: int
    appeals: int
    seconds: float


def build(*, seed: int = 2025, scale: float = 1.0) -> DemoSummary:
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    with transaction.atomic():
        Offence.objects.filter(source_system=DEMO_SOURCE).delete()
        Appeal.objects.filter(source_system=DEMO_SOURCE).delete()
        _sectors(rng)
        reset_locator()
        _users()
    offences = sum(_offences(rng, year, scale) for year in NATIONAL_CRIMINAL)
    appeals = _appeals(rng, scale)
    return DemoSummary(offences=offences, appeals=appeals, seconds=time.perf_counter() - started)


def _sectors(rng: np.random.Generator) -> None:
    for district in District.objects.filter(region__iso=DEMO_CITY):
        for number in range(1, 11):
            Sector.objects.update_or_create(
                code=f"{district.code}-S{number:02d}",
                defaults={
                    "district": district,
                    "number": number,
                    "lat": district.lat + rng.normal(0, 0.012),
                    "lon": district.lon + rng.normal(0, 0.016),
                },
            )


def _users() -> None:
    almaty = Region.objects.get(iso=DEMO_CITY)
    district = District.objects.filter(region=almaty).order_by("code").first()
    sector = Sector.objects.filter(district=district).order_by("code").first()
    specs: list[tuple[str, str, dict[str, Any]]] = [
        ("analyst", "national_analyst", {}),
        ("almaty_analyst", "regional_analyst", {"region": almaty}),
        ("duty", "duty_officer", {"district": district}),
        ("inspector", "district_inspector", {"sector": sector}),
        ("prosecutor", "prosecutor", {"region": almaty}),
        ("npm", "npm_monitor", {}),
        ("admin", "administrator", {"is_superuser": True, "is_staff": True}),
    ]
    password = make_password(PASSWORD)
    for username, role, extra in specs:
        User.objects.update_or_create(
            username=username, defaults={"role": role, "password": password, **extra}
        )


def _article_pool(kind_filter: set[str]) -> tuple[list[int], list[str], np.ndarray]:
    rows = list(Article.objects.filter(kind__in=kind_filter).values_list("id", "kind", "number"))
    # Theft and fraud dominate registered crime; other articles share the rest.
    weights = np.array([30.0 if n == "188" else 20.0 if n == "190" else 1.0 for _, _, n in rows])
    return [r[0] for r in rows], [r[1] for r in rows], weights / weights.sum()


def _offences(rng: np.random.Generator, year: int, scale: float) -> int:
    regions = list(Region.objects.all())
    population: dict[int, int] = {}
    for region in regions:
        known = region.population(year)
        if known is None:
            raise ValueError(f"no population for {region.iso}: load senim/core/data/population.csv")
        population[region.id] = known.population
    total_population = sum(population.values())
    criminal = _article_pool({"crime", "criminal_misdemeanour"})
    administrative = _article_pool({"administrative"})
    objects: list[Offence] = []
    serial = 0
    for region in regions:
        share = population[region.id] / total_population
        for pool, volume in (
            (criminal, NATIONAL_CRIMINAL[year]),
            (administrative, ADMINISTRATIVE_SAMPLE),
        ):
            n = round(volume * share * scale)
            if n == 0 or not pool[0]:
                continue
            lat, lon = _places(rng, region, n)
            when = _times(rng, year, n)
            choice = rng.choice(len(pool[0]), size=n, p=pool[2])
            solved = rng.random(n)
            place = rng.choice(len(PLACES), size=n, p=PLACE_SHARES)
            where = locator().locate(lat, lon)
            for i in range(n):
                serial += 1
                objects.append(
                    Offence(
                        source_system=DEMO_SOURCE,
                        external_id=f"{year}-{serial:07d}",
                        kind=pool[1][choice[i]],
                        article_id=pool[0][choice[i]],
                        occurred_at=when[i],
                        registered_at=when[i] + dt.timedelta(hours=float(rng.exponential(6))),
                        place_type=PLACES[place[i]],
                        status="solved" if solved[i] < 0.6 else "registered",
                        lat=float(lat[i]),
                        lon=float(lon[i]),
                        region_id=region.id,
                        district_id=int(where.district_ids[i]) or None,
                        sector_id=int(where.sector_ids[i]) or None,
                    )
                )
    Offence.objects.bulk_create(objects, batch_size=5000)
    return len(objects)


def _places(rng: np.random.Generator, region: Region, n: int) -> tuple[np.ndarray, np.ndarray]:
    districts = list(District.objects.filter(region=region).values_list("lat", "lon"))
    if not districts:
        districts = [(region.lat, region.lon)]
    centres = np.array(districts)
    if region.kind == "city":
        # Clustered: a dozen tight hot spots carry 60 % of city offences.
        # The hot spots stay where they are from year to year: they come from the region, not the year.
        fixed = np.random.default_rng(region.pk)
        spots = centres[fixed.integers(0, len(centres), 12)] + fixed.normal(0, 0.01, (12, 2))
        hot = rng.random(n) < 0.6
        base = np.where(
            hot[:, None], spots[rng.integers(0, 12, n)], centres[rng.integers(0, len(centres), n)]
        )
        spread = np.where(hot, 0.002, 0.012)
    else:
        base = centres[rng.integers(0, len(centres), n)]
        spread = np.full(n, 0.04)
    lat = base[:, 0] + rng.normal(0, 1, n) * spread
    lon = base[:, 1] + rng.normal(0, 1, n) * spread * 1.4
    return lat, lon


def _times(rng: np.random.Generator, year: int, n: int) -> list[dt.datetime]:
    days = rng.integers(0, 365, n)
    hours = rng.choice(24, size=n, p=HOUR_PROFILE / HOUR_PROFILE.sum())
    minutes = rng.integers(0, 60, n)
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC) - dt.timedelta(hours=5)  # local midnight
    return [
        start + dt.timedelta(days=int(d), hours=int(h), minutes=int(m))
        for d, h, m in zip(days, hours, minutes, strict=True)
    ]


def _appeals(rng: np.random.Generator, scale: float) -> int:
    almaty = Region.objects.get(iso=DEMO_CITY)
    n = int(60_000 * scale)
    lat, lon = _places(rng, almaty, n)
    when = _times(rng, 2025, n)
    answered = rng.exponential(8, n)
    dispatch = rng.lognormal(np.log(180), 0.6, n)
    arrive = rng.lognormal(np.log(12 * 60), 0.5, n)
    close = rng.lognormal(np.log(45 * 60), 0.6, n)
    channels = rng.choice(
        ["call_102", "app_video_102", "telegram", "sos_button", "walk_in", "e_otinish"],
        size=n,
        p=[0.78, 0.04, 0.05, 0.03, 0.05, 0.05],
    )
    where = locator().locate(lat, lon)
    objects = []
    for i in range(n):
        received = when[i]
        objects.append(
            Appeal(
                source_system=DEMO_SOURCE,
                external_id=f"A-{i:07d}",
                channel=channels[i],
                category="crime_report" if i % 3 == 0 else "public_order",
                status="closed",
                received_at=received,
                answered_at=received + dt.timedelta(seconds=float(answered[i])),
                dispatched_at=received + dt.timedelta(seconds=float(answered[i] + dispatch[i])),
                arrived_at=received
                + dt.timedelta(seconds=float(answered[i] + dispatch[i] + arrive[i])),
                closed_at=received
                + dt.timedelta(seconds=float(answered[i] + dispatch[i] + arrive[i] + close[i])),
                lat=float(lat[i]),
                lon=float(lon[i]),
                region_id=almaty.id,
                district_id=int(where.district_ids[i]) or None,
                sector_id=int(where.sector_ids[i]) or None,
            )
        )
    Appeal.objects.bulk_create(objects, batch_size=5000)
    return n
