"""Reference data shipped as CSV (territory, facility kinds), upserted after every migrate."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Model

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def upsert(
    model: type[Model], rows: Iterable[dict[str, Any]], *, key: str | tuple[str, ...]
) -> int:
    """Create or update records identified by `key`; returns how many rows were seen."""
    keys = (key,) if isinstance(key, str) else key
    count = 0
    for row in rows:
        lookup = {k: row[k] for k in keys}
        defaults = {k: v for k, v in row.items() if k not in keys}
        model._default_manager.update_or_create(**lookup, defaults=defaults)
        count += 1
    return count


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes"}


def load_territory() -> None:
    from senim.core.models import District, FacilityKind, Region, RegionPopulation

    regions_csv = DATA_DIR / "regions.csv"
    if not regions_csv.exists():
        return
    upsert(
        Region,
        (
            {
                "iso": r["iso"],
                "name_kk": r["name_kk"],
                "name_ru": r["name_ru"],
                "name_en": r["name_en"],
                "kind": r["kind"],
                "lat": float(r["lat"]),
                "lon": float(r["lon"]),
            }
            for r in read_csv(regions_csv)
        ),
        key="iso",
    )
    regions = {r.iso: r for r in Region.objects.all()}
    population_csv = DATA_DIR / "population.csv"
    if population_csv.exists():
        upsert(
            RegionPopulation,
            (
                {
                    "region": regions[r["iso"]],
                    "year": int(r["year"]),
                    "population": int(r["population"]),
                    "source": r["source"],
                    "is_placeholder": _flag(r["is_placeholder"]),
                }
                for r in read_csv(population_csv)
                if r["iso"] in regions
            ),
            key=("region", "year"),
        )
    districts_csv = DATA_DIR / "districts.csv"
    if districts_csv.exists():
        upsert(
            District,
            (
                {
                    "code": r["code"],
                    "region": regions[r["region_iso"]],
                    "name_kk": r["name_kk"],
                    "name_ru": r["name_ru"],
                    "name_en": r["name_en"],
                    "kind": r["kind"],
                    "lat": float(r["lat"]),
                    "lon": float(r["lon"]),
                    "population": int(r["population"]) if r.get("population") else None,
                    "population_is_placeholder": _flag(r.get("population_is_placeholder", "1")),
                }
                for r in read_csv(districts_csv)
                if r["region_iso"] in regions
            ),
            key="code",
        )
    kinds_csv = DATA_DIR / "facility_kinds.csv"
    if kinds_csv.exists():
        fields = [f.name for f in FacilityKind._meta.fields if f.name not in {"id", "count_2025"}]
        upsert(
            FacilityKind,
            (
                {
                    **{f: r[f] for f in fields},
                    "count_2025": int(r["count_2025"]) if r.get("count_2025") else None,
                }
                for r in read_csv(kinds_csv)
            ),
            key="code",
        )


def seed_missing(
    model: type[Model], rows: Iterable[dict[str, Any]], *, key: str | tuple[str, ...]
) -> int:
    """Create the rows whose `key` is not stored yet; never overwrite: administrators edit them."""
    keys = (key,) if isinstance(key, str) else key
    created = 0
    for row in rows:
        lookup = {k: row[k] for k in keys}
        defaults = {k: v for k, v in row.items() if k not in keys}
        created += model._default_manager.get_or_create(**lookup, defaults=defaults)[1]
    return created


def load_holidays() -> None:
    from senim.core.models import Holiday

    path = DATA_DIR / "holidays.csv"
    if path.exists():
        seed_missing(Holiday, read_csv(path), key="day")


LOADERS: list[Callable[[], None]] = [load_territory, load_holidays]


def load_all() -> None:
    with transaction.atomic():
        for loader in LOADERS:
            loader()


def load_after_migrate(**kwargs: object) -> None:
    load_all()


@cache
def _police_titles() -> dict[str, dict[str, str]]:
    return {row["name_ru"].lower(): row for row in read_csv(DATA_DIR / "police_titles.csv")}


def police_title(text: str) -> str:
    """An officer's special rank or post (stored as registered, in Russian) in the page's
    language, from data/police_titles.csv; a title not listed there is shown as stored."""
    from django.utils.translation import get_language

    row = _police_titles().get(text.strip().lower())
    if row is None:
        return text
    return row.get(f"name_{(get_language() or 'kk')[:2]}") or text
