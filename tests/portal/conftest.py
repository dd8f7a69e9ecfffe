"""Fixtures for the public portal: an open-data directory of the test's own, and a small world.

The world uses the real reference regions and districts (loaded by the migrations). Every event
is listed in `small_world` with its exact place, day and time, so a test computes each expected
figure from that list, not from the code under test. In short: Almaty (KZ-75) has cells holding
a publishable group, groups that merge at each level, a group that is suppressed, records
without coordinates, 102 calls, and a 2024 for the trend; Astana (KZ-71) has 2025 only; Abai
(KZ-10) has nothing, so every KPI there is "no data". Records are bulk-created (no audit
entries, no signals); the trigger-kept monthly counts follow them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from senim.core.models import District, Person, Region
from senim.register.models import Appeal, Article, Offence, OffenceParty

_ids = itertools.count(1)


def local(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, m, d, h, mi))


ALMATY = (43.2567, 76.9286)  # the region's administrative centre: the origin of its cells
EARTH_RADIUS_M = 6_371_008.8


def cell_centre(col: int, row: int, origin: tuple[float, float] = ALMATY) -> tuple[float, float]:
    """(lat, lon) of the centre of 500 m cell (col, row), by the equirectangular formula."""
    lat0, lon0 = origin
    lat = lat0 + math.degrees((row + 0.5) * 500 / EARTH_RADIUS_M)
    lon = lon0 + math.degrees((col + 0.5) * 500 / (EARTH_RADIUS_M * math.cos(math.radians(lat0))))
    return lat, lon


CELL_A, CELL_B, CELL_C = cell_centre(1, 2), cell_centre(-4, 6), cell_centre(-9, -8)


def near(point: tuple[float, float], k: int) -> tuple[float, float]:
    """A distinct exact coordinate up to ~60 m from `point`: same cell, never its centre."""
    return (point[0] + 0.000137 * (k % 5) + 0.0000011, point[1] + 0.000113 * (k % 7) + 0.0000013)


@dataclass(frozen=True)
class Off:  # an offence of the world
    region: str
    district: str | None
    article: str
    when: dt.datetime
    point: tuple[float, float] | None
    status: str = "registered"


@dataclass(frozen=True)
class App:  # an appeal of the world
    region: str
    district: str | None
    channel: str
    category: str
    when: dt.datetime
    point: tuple[float, float] | None
    arrival_min: float | None = None


@dataclass
class World:
    offences: list[Off] = field(default_factory=list)
    appeals: list[App] = field(default_factory=list)
    external_ids: list[str] = field(default_factory=list)
    iin_hashes: list[str] = field(default_factory=list)


def small_world() -> World:
    w = World()
    almaly, bostandyk, medeu = "KZ-75-ALMALY", "KZ-75-BOSTANDYK", "KZ-75-MEDEU"
    statuses = ["solved", "sent_to_court", "registered", "terminated", "solved"]
    # Cell A, March 2025: 5 thefts (published as crime.uk06) ...
    for k in range(5):
        w.offences.append(
            Off(
                "KZ-75",
                almaly,
                "UK-188",
                local(2025, 3, 3 + k, 9 + k, 7 * k),
                near(CELL_A, k),
                statuses[k],
            )
        )
    # ... 2 murders (ch. 1) and 1 crime of ch. 10 (UK-287): merged into crime.other_chapters.
    w.offences.append(
        Off("KZ-75", almaly, "UK-99", local(2025, 3, 11, 23, 40), near(CELL_A, 5), "solved")
    )
    w.offences.append(Off("KZ-75", almaly, "UK-99", local(2025, 3, 20, 2, 15), near(CELL_A, 6)))
    w.offences.append(
        Off("KZ-75", almaly, "UK-287", local(2025, 3, 28, 18, 5), near(CELL_A, 7), "sent_to_court")
    )
    # Cell B, March 2025: one of each kind: merged up to offences.mixed (3).
    w.offences.append(Off("KZ-75", almaly, "UK-188", local(2025, 3, 4, 14), near(CELL_B, 1)))
    w.offences.append(Off("KZ-75", almaly, "UK-108", local(2025, 3, 9, 16), near(CELL_B, 2)))
    w.offences.append(Off("KZ-75", almaly, "KoAP-434", local(2025, 3, 30, 21), near(CELL_B, 3)))
    # Cell C, April 2025: 2 thefts, below the threshold at every level: suppressed.
    w.offences.append(Off("KZ-75", bostandyk, "UK-188", local(2025, 4, 2, 8), near(CELL_C, 1)))
    w.offences.append(Off("KZ-75", bostandyk, "UK-188", local(2025, 4, 17, 19), near(CELL_C, 2)))
    # Without coordinates, April 2025: 3 thefts in Bostandyk (published, no cell), 1 in Medeu (suppressed).
    for k in range(3):
        w.offences.append(
            Off("KZ-75", bostandyk, "UK-188", local(2025, 4, 5 + k, 10), None, "solved")
        )
    w.offences.append(Off("KZ-75", medeu, "UK-188", local(2025, 4, 9, 10), None))
    # 2024 in cell A: 4 thefts, for the trend.
    for k in range(4):
        w.offences.append(
            Off("KZ-75", almaly, "UK-188", local(2024, 5, 1 + k, 13), near(CELL_A, k), "solved")
        )
    # Astana, 2025 only.
    for k in range(4):
        w.offences.append(
            Off(
                "KZ-71",
                "KZ-71-YESIL",
                "UK-188",
                local(2025, 6, 1 + k, 11),
                (51.09 + 0.001 * k, 71.41),
            )
        )
    # 102 calls in Almaly, March 2025: arrival after these minutes; one never arrived, one is a
    # data error (arrival before receipt).
    for k, minutes in enumerate([5, 7, 9, 12, 15, 20, 30, 45]):
        w.appeals.append(
            App(
                "KZ-75",
                almaly,
                "call_102",
                "public_order",
                local(2025, 3, 1 + k, 20, 10),
                near(CELL_A, k),
                minutes,
            )
        )
    w.appeals.append(
        App("KZ-75", almaly, "call_102", "noise", local(2025, 3, 15, 22), near(CELL_A, 1), None)
    )
    w.appeals.append(
        App("KZ-75", almaly, "call_102", "noise", local(2025, 3, 16, 22), near(CELL_A, 2), -3)
    )
    w.appeals.append(App("KZ-75", almaly, "telegram", "information", local(2025, 3, 17, 10), None))
    w.appeals.append(
        App("KZ-75", almaly, "e_otinish", "complaint_police", local(2025, 3, 18, 10), None)
    )
    w.appeals.append(
        App(
            "KZ-71",
            "KZ-71-YESIL",
            "call_102",
            "public_order",
            local(2025, 6, 2, 20),
            (51.09, 71.41),
            11,
        )
    )
    return w  # fmt: skip


def lay(world: World) -> World:
    """Write the world's records; return it with the identifiers a leak test looks for."""
    regions = dict(Region.objects.values_list("iso", "id"))
    districts = dict(District.objects.values_list("code", "id"))
    articles = {a.code: a for a in Article.objects.all()}
    appeals = []
    for a in world.appeals:
        n = next(_ids)
        arrived = None if a.arrival_min is None else a.when + dt.timedelta(minutes=a.arrival_min)
        appeals.append(
            Appeal(
                source_system="test", external_id=f"PORTAL-A-{n:06d}", channel=a.channel,
                category=a.category, status="closed", received_at=a.when, arrived_at=arrived,
                region_id=regions[a.region], district_id=districts.get(a.district or ""),
                lat=a.point[0] if a.point else None, lon=a.point[1] if a.point else None,
            )
        )  # fmt: skip
    Appeal.objects.bulk_create(appeals)
    offences = []
    for o in world.offences:
        n = next(_ids)
        article = articles[o.article]
        offences.append(
            Offence(
                source_system="test", external_id=f"PORTAL-O-{n:06d}", kind=article.kind,
                article=article, occurred_at=o.when - dt.timedelta(hours=1), registered_at=o.when,
                place_type="street", status=o.status, region_id=regions[o.region],
                district_id=districts.get(o.district or ""),
                lat=o.point[0] if o.point else None, lon=o.point[1] if o.point else None,
            )
        )  # fmt: skip
    created = Offence.objects.bulk_create(offences)
    # Victims with (fake) IIN hashes: they must never reach the open data.
    people = Person.objects.bulk_create(
        [Person(iin_hash=f"{0xABCDEF0000 + next(_ids):064x}") for _ in range(min(3, len(created)))]
    )
    OffenceParty.objects.bulk_create(
        [
            OffenceParty(offence=o, person=p, role="victim")
            for o, p in zip(created, people, strict=False)
        ]
    )
    world.external_ids = [a.external_id for a in appeals] + [o.external_id for o in offences]
    world.iin_hashes = [p.iin_hash or "" for p in people]
    return world


@pytest.fixture(autouse=True)
def open_dir(settings: Any, tmp_path: Path) -> Path:
    """Every test builds into and reads from a directory of its own."""
    settings.SENIM_OPEN_DATA_DIR = str(tmp_path / "open-data")
    return tmp_path / "open-data"


@pytest.fixture
def portal_world(db: Any) -> World:
    return lay(small_world())
