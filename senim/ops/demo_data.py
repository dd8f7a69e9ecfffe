"""The operational centres' demo: patrol units in every district, and nothing else to keep.

Calls come live from `senim demo_feed` (senim/ops/feed.py), which also fills the last days of
history up to now, so the queue, the clocks and the centre analytics always end today.
Everything here is synthetic (docs/demo.md, "Operational centres").
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from senim.core.models import District, Unit
from senim.demo.common import DEMO_CITY, rng_for
from senim.demo.db import release
from senim.ops.models import PatrolUnit, UnitEvent
from senim.register.models import Appeal

DEMO_PREFIX = "D-"  # every demo unit's call sign starts with it
FEED_SOURCE = "demo-102"  # the source system of the feed's calls
# Units per district: the demo city's districts get a full shift, elsewhere a thin one.
CITY_CARS, CITY_FOOT, OTHER_CARS = 6, 2, 2


def build(*, seed: int, years: list[int]) -> dict[str, int]:
    rng = rng_for(seed, "ops-units")
    now = timezone.now()
    units: list[PatrolUnit] = []
    departments = {u.district_id: u for u in Unit.objects.filter(district__isnull=False)}
    for district in District.objects.select_related("region").order_by("code"):
        in_city = district.region.iso == DEMO_CITY
        kinds = (
            ["patrol_car"] * CITY_CARS + ["foot_patrol"] * CITY_FOOT + ["police_point"]
            if in_city
            else ["patrol_car"] * OTHER_CARS
        )
        for i, kind in enumerate(kinds, start=1):
            # Around the district centre: a few km in a city, more outside.
            spread = 0.02 if in_city else 0.05
            lat = float(district.lat + rng.normal(0, spread))
            lon = float(district.lon + rng.normal(0, spread * 1.3))
            lat, lon = min(max(lat, 40.6), 55.4), min(max(lon, 46.6), 87.3)
            units.append(
                PatrolUnit(
                    call_sign=f"{DEMO_PREFIX}{district.code.split('-')[-1][:8]}-{i:02d}",
                    kind=kind,
                    region_id=district.region_id,
                    district=district,
                    home=departments.get(district.pk),
                    status="available",
                    status_since=now,
                    lat=lat,
                    lon=lon,
                    position_at=now,
                )
            )
    PatrolUnit.objects.bulk_create(units)
    return {"patrol_units": len(units)}


def delete() -> None:
    """Remove the demo units and every call the feed made, with their events and alerts."""
    appeal = Appeal._meta.db_table
    feed = f"SELECT id FROM {appeal} WHERE source_system = %s"
    demo_units = PatrolUnit.objects.filter(call_sign__startswith=DEMO_PREFIX)
    UnitEvent.objects.filter(unit__in=demo_units).delete()
    demo_units.delete()
    with connection.cursor() as cursor:
        # Events, alerts, duplicates and any problem case's links to these calls go first (the
        # ORM's cascade, in plain SQL); appeal events are append-only for people only.
        release(cursor, Appeal, feed, [FEED_SOURCE])
        cursor.execute(f"DELETE FROM {appeal} WHERE source_system = %s", [FEED_SOURCE])


def history_start(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=7)
