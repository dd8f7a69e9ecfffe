"""Sectors of the demo city, the unit hierarchy, officers and places of detention.

Laid out from a fixed seed (common.TERRITORY_SEED), not from --seed, and written as upserts on
natural keys: rebuilding never duplicates a unit, a sector or a facility.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.db.models import Model

from senim.core.geo import locator, reset_locator
from senim.core.models import (
    District,
    Facility,
    FacilityKind,
    Officer,
    Region,
    Sector,
    Unit,
    UnitKind,
)
from senim.demo.cities import population_2025
from senim.demo.common import DEMO_CITY, TERRITORY_SEED, Plane, largest_remainder, rng_for

RESIDENTS_PER_SECTOR = 25_000
SECTORS_PER_DISTRICT = (10, 20)
POLICE_POINTS_PER_DISTRICT = 2
MODULAR_POSTS_PER_DISTRICT = 2


def sync(model: type[Model], key: Sequence[str], rows: list[dict[str, Any]]) -> list[Any]:
    """Upsert rows on a natural key with one read, one bulk insert and one bulk update."""
    existing = {tuple(getattr(o, k) for k in key): o for o in model._default_manager.all()}
    out, new, changed = [], [], []
    for row in rows:
        obj = existing.get(tuple(row[k] for k in key))
        if obj is None:
            obj = model(**row)
            new.append(obj)
        else:
            for field, value in row.items():
                setattr(obj, field, value)
            changed.append(obj)
        out.append(obj)
    model._default_manager.bulk_create(new, batch_size=1000)
    fields = [f for f in (rows[0] if rows else {}) if f not in key]
    if changed and fields:
        model._default_manager.bulk_update(changed, fields, batch_size=1000)
    return out


def genitive_ru(name: str, *, city: bool = False) -> str:
    """Russian genitive of a region or district name, for unit names ("… Алматинской области")."""
    if city:
        return f"г. {name}"
    words = []
    for word in name.split():
        lower = word.lower()
        if lower == "город":
            words.append("г.")
        elif lower in {"область", "район"}:
            words.append({"область": "области", "район": "района"}[lower])
        elif word.endswith("ская") or word.endswith("цкая"):
            words.append(word[:-2] + "ой")
        elif word.endswith("ский") or word.endswith("цкий"):
            words.append(word[:-2] + "ого")
        else:
            words.append(word)
    return re.sub(r"\s+", " ", " ".join(words))


def build_sectors() -> list[Sector]:
    """Sectors around each Almaty district centre, a Voronoi-like cover of the district.

    Candidate centres scatter up to ~4.5 km around the district centre; only those nearest to
    this district's centre and inside the city are kept (so the locator, which gives a point to
    the nearest centre, agrees), then the most spread-out ones are picked.
    """
    rng = rng_for(TERRITORY_SEED, "sectors")
    districts = list(District.objects.filter(region__iso=DEMO_CITY).order_by("code"))
    if not districts:
        return []
    city = districts[0].region
    plane = Plane(city.lat, city.lon)
    cx, cy = plane.to_xy(np.array([d.lat for d in districts]), np.array([d.lon for d in districts]))
    rows: list[dict[str, Any]] = []
    for i, district in enumerate(districts):
        low, high = SECTORS_PER_DISTRICT
        count = int(np.clip(round((district.population or 0) / RESIDENTS_PER_SECTOR), low, high))
        angle = rng.uniform(0, 2 * np.pi, 600)
        radius = 4500 * np.sqrt(rng.uniform(0, 1, 600))
        x, y = cx[i] + radius * np.cos(angle), cy[i] + radius * np.sin(angle)
        nearest = np.argmin(np.hypot(x[:, None] - cx[None, :], y[:, None] - cy[None, :]), axis=1)
        lat, lon = plane.to_latlon(x, y)
        inside = locator().locate(lat, lon).region_ids == city.id
        keep = np.nonzero((nearest == i) & inside)[0]
        if len(keep) < count:  # a district on the city edge: fall back to its own centre area
            keep = np.arange(len(x))[np.argsort(np.hypot(x - cx[i], y - cy[i]))[: count * 4]]
        chosen = _spread(x[keep], y[keep], count)
        for number, j in enumerate(keep[chosen], start=1):
            rows.append(
                {
                    "code": f"{district.code}-S{number:02d}",
                    "district": district,
                    "number": number,
                    "lat": round(float(lat[j]), 6),
                    "lon": round(float(lon[j]), 6),
                }
            )
    sectors = sync(Sector, ("code",), rows)
    reset_locator()  # the locator caches sector centres
    return sectors


def _spread(x: np.ndarray, y: np.ndarray, count: int) -> np.ndarray:
    """Farthest-point sampling: `count` indices of well spread points, starting near the centre."""
    chosen = [int(np.argmin(np.hypot(x - x.mean(), y - y.mean())))]
    distance = np.hypot(x - x[chosen[0]], y - y[chosen[0]])
    while len(chosen) < min(count, len(x)):
        nxt = int(np.argmax(distance))
        chosen.append(nxt)
        distance = np.minimum(distance, np.hypot(x - x[nxt], y - y[nxt]))
    return np.array(chosen)


def build_units() -> dict[str, Any]:
    """The ministry, a department per region, a department per district, Almaty's points/posts."""
    ministry = sync(
        Unit,
        ("kind", "name_en"),
        [
            {
                "kind": UnitKind.MINISTRY,
                "name_en": "Ministry of Internal Affairs of the Republic of Kazakhstan",
                "name_ru": "Министерство внутренних дел Республики Казахстан",
                "name_kk": "Қазақстан Республикасының Ішкі істер министрлігі",
                "parent": None,
                "region": None,
                "district": None,
            }
        ],
    )[0]
    regions = list(Region.objects.order_by("iso"))
    departments = sync(
        Unit,
        ("kind", "name_en"),
        [
            {
                "kind": UnitKind.REGIONAL_DEPARTMENT,
                "name_en": f"Police Department of {r.name_en}",
                "name_ru": f"Департамент полиции {genitive_ru(r.name_ru, city=r.kind == 'city')}",
                "name_kk": f"{r.name_kk}{' қаласы' if r.kind == 'city' else ''} полиция департаменті",
                "parent": ministry,
                "region": r,
                "district": None,
            }
            for r in regions
        ],
    )
    by_region = {u.region_id: u for u in departments}
    districts = list(District.objects.select_related("region").order_by("code"))
    district_units = sync(
        Unit,
        ("kind", "name_en"),
        [
            {
                "kind": UnitKind.DISTRICT_DEPARTMENT,
                "name_en": f"Police Office of {d.name_en} ({d.region.name_en})",
                "name_ru": f"Управление полиции {genitive_ru(d.name_ru)}",
                "name_kk": f"{d.name_kk} полиция басқармасы",
                "parent": by_region[d.region_id],
                "region": d.region,
                "district": d,
            }
            for d in districts
        ],
    )
    by_district = {u.district_id: u for u in district_units}
    posts: list[dict[str, Any]] = []
    for d in (d for d in districts if d.region.iso == DEMO_CITY):
        short_en = d.name_en.replace(" District", "")
        for n in range(1, POLICE_POINTS_PER_DISTRICT + 1):
            posts.append(
                {
                    "kind": UnitKind.POLICE_POINT,
                    "name_en": f"District police point No. {n}, {short_en}",
                    "name_ru": f"Участковый пункт полиции №{n} {genitive_ru(d.name_ru)}",
                    "name_kk": f"{d.name_kk} №{n} учаскелік полиция пункті",
                    "parent": by_district[d.id],
                    "region": d.region,
                    "district": d,
                }
            )
        for n in range(1, MODULAR_POSTS_PER_DISTRICT + 1):
            posts.append(
                {
                    "kind": UnitKind.MODULAR_POST,
                    "name_en": f"Modular police post No. {n}, {short_en}",
                    "name_ru": f"Модульный пост полиции №{n} {genitive_ru(d.name_ru)}",
                    "name_kk": f"{d.name_kk} №{n} модульдік полиция бекеті",
                    "parent": by_district[d.id],
                    "region": d.region,
                    "district": d,
                }
            )
    sync(Unit, ("kind", "name_en"), posts)
    return {"ministry": ministry, "regions": by_region, "districts": by_district}


# Staff of each Almaty unit besides the sector inspectors: (position, rank, how many).
DISTRICT_STAFF = [
    ("начальник управления полиции", "полковник полиции", 1),
    ("дежурный дежурной части", "капитан полиции", 3),
    ("следователь", "старший лейтенант полиции", 4),
    ("оперуполномоченный", "лейтенант полиции", 3),
]
REGION_STAFF = [
    ("начальник департамента полиции", "генерал-майор полиции", 1),
    ("аналитик информационно-аналитического центра", "майор полиции", 4),
    ("оперативный дежурный центра оперативного управления", "подполковник полиции", 3),
]
RANKS = ["лейтенант полиции", "старший лейтенант полиции", "капитан полиции", "майор полиции"]


def build_officers(units: dict[str, Any], sectors: list[Sector]) -> list[Officer]:
    """Almaty officers with badge numbers; every Almaty sector gets its inspector."""
    rng = rng_for(TERRITORY_SEED, "officers")
    city = Region.objects.get(iso=DEMO_CITY)
    prefix = DEMO_CITY.split("-")[1]
    rows: list[dict[str, Any]] = []

    def add(unit: Unit, position: str, rank: str) -> None:
        rows.append(
            {
                "badge_number": f"{prefix}-{len(rows) + 1:05d}",
                "unit": unit,
                "rank": rank,
                "position": position,
            }
        )

    for position, rank, count in REGION_STAFF:
        for _ in range(count):
            add(units["regions"][city.id], position, rank)
    for district in District.objects.filter(region=city).order_by("code"):
        for position, rank, count in DISTRICT_STAFF:
            for _ in range(count):
                add(units["districts"][district.id], position, rank)
    inspector_rows = []
    for sector in sorted(sectors, key=lambda s: s.code):
        add(
            units["districts"][sector.district_id],
            "участковый инспектор полиции",
            RANKS[int(rng.integers(0, len(RANKS)))],
        )
        inspector_rows.append((sector, len(rows) - 1))
    officers = sync(Officer, ("badge_number",), rows)
    for sector, index in inspector_rows:
        sector.inspector = officers[index]
    Sector.objects.bulk_update([s for s, _ in inspector_rows], ["inspector"], batch_size=1000)
    return officers


FACILITY_LABELS = {
    "ivs": "ИВС",
    "spec_reception": "Спецприемник",
    "reception_distribution": "Приемник-распределитель",
    "police_premises": "Комната для задержанных",
    "sizo": "СИЗО",
    "prison": "Тюрьма",
    "colony": "Учреждение",
    "psychiatric_inpatient": "Психиатрическая больница",
    "children_boarding": "Детский интернат",
    "elderly_home": "Дом-интернат для престарелых",
    "guardhouse": "Гауптвахта",
    "nsc_isolator": "СИЗО КНБ",
}


def facility_names(
    label_ru: str, kind: FacilityKind, region: Region, n: int, *, police: bool
) -> dict[str, str]:
    """A synthetic facility's name in Russian (as registered), Kazakh and English: the kind and
    the region (its police department's, ПД / ДП, for police places) and a number."""
    place = genitive_ru(region.name_ru, city=region.kind == "city")
    kind_kk = kind.name_kk[:1].lower() + kind.name_kk[1:]
    return {
        "name": f"{label_ru} {'ДП ' if police else ''}{place} №{n}",
        "name_kk": f"{region.name_kk} {'ПД ' if police else ''}{kind_kk} №{n}",
        "name_en": f"{kind.name_en} No. {n}, {region.name_en}"
        + (" Police Department" if police else ""),
    }


CAPACITY = {"ivs": (20, 80), "colony": (300, 1500), "sizo": (200, 1200), "prison": (200, 800)}


def build_facilities(units: dict[str, Any]) -> list[Facility]:
    """For each facility kind with a 2025 count, that many places, split by population."""
    rng = rng_for(TERRITORY_SEED, "facilities")
    regions = list(Region.objects.order_by("iso"))
    population = np.array([population_2025(r) for r in regions], dtype=np.float64)
    districts: dict[int, list[District]] = {}
    for d in District.objects.order_by("code"):
        districts.setdefault(d.region_id, []).append(d)
    rows: list[dict[str, Any]] = []
    for kind in FacilityKind.objects.exclude(count_2025=None).order_by("code"):
        label = FACILITY_LABELS.get(kind.code, kind.name_ru)
        police = kind.agency_code.startswith("mia")
        for region, count in zip(
            regions, largest_remainder(kind.count_2025 or 0, population), strict=True
        ):
            options = districts.get(region.id, [])
            for n in range(1, int(count) + 1):
                low, high = CAPACITY.get(kind.code, (10, 200))
                district = options[int(rng.integers(0, len(options)))] if options else None
                rows.append(
                    {
                        **facility_names(label, kind, region, n, police=police),
                        "kind_id": kind.id,
                        "region": region,
                        "district": district,
                        "unit": units["regions"][region.id] if police else None,
                        "capacity": int(rng.integers(low, high + 1)),
                    }
                )
    return sync(Facility, ("kind_id", "name"), rows)
