"""Fixtures of the prevention tests: two sectors of one Almaty district and one of another, the
inspectors of two of them, and a form that puts a person on the register."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from senim.core.models import District, Region, Sector, User
from senim.register.models import Article, Offence
from tests.ops.conftest import make_user

VALID_IIN = "900101300017"  # checksum-valid and synthetic (tests/core/test_iin_validation.py)
OTHER_IIN = "020304500019"
TODAY = timezone.localdate


@dataclass(frozen=True)
class Place:
    almaty: Region
    d1: District
    d2: District
    s1: Sector  # in d1: the inspector's
    s1b: Sector  # in d1: a colleague's
    s2: Sector  # in d2
    inspector: User  # of s1
    colleague: User  # of s1b
    duty: User  # duty officer of d1
    analyst: User
    admin: User


@pytest.fixture
def place(db: Any) -> Place:
    almaty = Region.objects.get(iso="KZ-75")
    d1, d2 = list(District.objects.filter(region=almaty).order_by("code")[:2])

    def sector(district: District, n: int, dlat: float = 0.0) -> Sector:
        return Sector.objects.create(
            district=district,
            code=f"{district.code}-T{n:02d}",
            number=n,
            lat=district.lat + dlat,
            lon=district.lon,
        )

    s1, s1b, s2 = sector(d1, 1), sector(d1, 2, 0.02), sector(d2, 1)
    return Place(
        almaty=almaty,
        d1=d1,
        d2=d2,
        s1=s1,
        s1b=s1b,
        s2=s2,
        inspector=make_user("insp1", "district_inspector", region=almaty, district=d1, sector=s1),
        colleague=make_user("insp2", "district_inspector", region=almaty, district=d1, sector=s1b),
        duty=make_user("duty1", "duty_officer", region=almaty, district=d1),
        analyst=make_user("analyst", "national_analyst"),
        admin=make_user("admin", "administrator"),
    )


def person_form(place: Place, **extra: Any) -> dict[str, str]:
    return {
        "sector": place.s1.code,
        "category": "admin_supervision",
        "iin": VALID_IIN,
        "basis": "Court order No. 2-15",
        "started_on": (TODAY() - dt.timedelta(days=200)).isoformat(),
        "ends_on": (TODAY() + dt.timedelta(days=500)).isoformat(),
        "address": "12 Abai street, flat 5",
        "lat": f"{place.d1.lat + 0.001:.6f}",
        "lon": f"{place.d1.lon:.6f}",
    } | {k: str(v) for k, v in extra.items()}


def dv_form(place: Place, yes: set[str] = frozenset(), **extra: Any) -> dict[str, str]:  # type: ignore[assignment]
    from senim.prevention.models import DvRiskItem

    answers = {
        f"item_{code}": "yes" if code in yes else "no"
        for code in DvRiskItem.objects.filter(active=True).values_list("code", flat=True)
    }
    return (
        {
            "sector": place.s1.code,
            "address": "7 Dostyk avenue",
            "lat": f"{place.d1.lat + 0.002:.6f}",
            "lon": f"{place.d1.lon:.6f}",
        }
        | answers
        | {k: str(v) for k, v in extra.items()}
    )


_n = itertools.count(1)
METRES = 1 / 111_000  # one metre of latitude, in degrees


def offence(place: Place, *, lat: float, lon: float, at: dt.datetime, **extra: Any) -> Offence:
    """A registered crime of the inspector's sector (s1) at the point and time."""
    return Offence.objects.create(
        source_system="test",
        external_id=f"O-{next(_n):05d}",
        kind="crime",
        article=Article.objects.first(),
        occurred_at=at - dt.timedelta(hours=1),
        registered_at=at,
        place_type="street",
        status="registered",
        region=place.almaty,
        district=place.d1,
        sector=place.s1,
        lat=lat,
        lon=lon,
        **extra,
    )


def plant_offences(
    place: Place, *, response_days_ago: int = 120, background: int = 0
) -> tuple[dt.datetime, float, float]:
    """Offences around the district centre (the problem's place): frequent before a response
    that started `response_days_ago` days ago and rare after; steady in a control circle 900 m
    east; and `background` offences scattered over ~4 km around (so that a hot spot stands out
    against its surroundings). Returns the response's start and the control's (lat, lon)."""
    rng = np.random.default_rng(3)
    now = timezone.now()
    lat, lon = place.d1.lat, place.d1.lon
    control_lat, control_lon = lat, lon + 900 * METRES * 1.37  # 1° of longitude ≈ 81 km here
    start = now - dt.timedelta(days=response_days_ago)
    rows = []
    for day in range(1, 500):
        at = now - dt.timedelta(days=day, hours=2)
        target_rate = 0.45 if at < start else 0.12
        for rate, (a, b) in ((target_rate, (lat, lon)), (0.36, (control_lat, control_lon))):
            if rng.random() < rate:
                rows.append((a + rng.normal(0, 40) * METRES, b, at))
    for _ in range(background):
        at = now - dt.timedelta(days=float(rng.uniform(1, 360)))
        dy, dx = rng.uniform(-4000, 4000, 2) * METRES
        rows.append((lat + dy, lon + dx * 1.37, at))
    Offence.objects.bulk_create(
        [
            Offence(
                source_system="test",
                external_id=f"P-{next(_n):05d}",
                kind="crime",
                article=Article.objects.first(),
                occurred_at=at - dt.timedelta(hours=1),
                registered_at=at,
                place_type="street",
                status="registered",
                region=place.almaty,
                district=place.d1,
                sector=place.s1,
                lat=a,
                lon=b,
            )
            for a, b, at in rows
        ]
    )
    return start, control_lat, control_lon


from tests.web.test_browser_drilldown import (  # noqa: E402, F401 (the browser tests' fixtures)
    audit_log_flushable,
    page,
    static_from_the_project,
)
