"""Building the open-data files: per region and year, anonymised offences and appeals as CSV and
GeoJSON with a metadata file each, the KPI snapshot, and the catalogue.

Run by `senim open_data` (a timer in production) and by the demo. Idempotent: a file whose
content would not change is not rewritten, so its `updated_at` says when its data last changed;
files of datasets that no longer exist are removed. Only complete months are published.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.utils import timezone, translation

from senim.core.demo_flag import demo_data_present
from senim.core.models import District, Region
from senim.portal import categories, kpis, methodology, store
from senim.portal.anonymise import CELL_M, THRESHOLD, Anonymised, CellFrame, anonymise, places
from senim.register import public

COLUMNS = tuple(name for name, _type, _meaning in methodology.COLUMNS)
LANGUAGES = ("kk", "ru", "en")
METHOD_VERSION = 1  # bump when the method changes, so every file is rewritten


@dataclass
class BuildSummary:
    datasets: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    rows: int = 0
    events: int = 0
    suppressed: int = 0


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode()


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def complete_until(today: dt.date | None = None) -> dt.date:
    """The first day of the current local month: data before it covers whole months."""
    return (today or timezone.localdate()).replace(day=1)


def _rows(result: Anonymised, table: dict[str, Any], iso: str, year: int) -> list[list[Any]]:
    codes = dict(District.objects.filter(region__iso=iso).values_list("id", "code"))
    rows = []
    for g in result.groups:
        place = table[g.place]
        rows.append(
            [
                f"{year:04d}-{g.month:02d}",
                iso,
                codes.get(place.district_id, ""),
                place.cell_id,
                "" if place.lat is None else f"{place.lat:.6f}",
                "" if place.lon is None else f"{place.lon:.6f}",
                g.category,
                g.count,
            ]
        )
    return rows


def _csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode()


def _geojson(rows: list[list[Any]], name: str) -> bytes:
    features = []
    for row in rows:
        props = dict(zip(COLUMNS, row, strict=True))
        lat, lon = props.pop("cell_lat"), props.pop("cell_lon")
        geometry = {"type": "Point", "coordinates": [float(lon), float(lat)]} if lat != "" else None
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    # Compact: a region-year can hold tens of thousands of features.
    collection = {"type": "FeatureCollection", "name": name, "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


def _meta(
    dataset: str, iso: str, year: int, result: Anonymised, rows: list[list[Any]]
) -> dict[str, Any]:
    used = sorted({row[6] for row in rows})
    names: dict[str, dict[str, str]] = {code: {} for code in used}
    description = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            namer = categories.Namer()
            for code in used:
                names[code][lang] = namer(code)
            description[lang] = methodology.dataset_description(dataset)
    return {
        "dataset": dataset,
        "region": iso,
        "year": year,
        "description": description,
        "licence": store.LICENCE,
        "synthetic": demo_data_present(),
        "method": {
            "version": METHOD_VERSION,
            "time": "local calendar month of registration (offences) or receipt (appeals)",
            "place": f"centre of a {CELL_M:.0f} m cell on a local equirectangular projection "
            "centred on the region's administrative centre; district only (no cell, no "
            "coordinates) for points without coordinates and for what a cell cannot publish",
            "threshold": THRESHOLD,
            "merge": "a (month, cell, category) group below the threshold moves to a coarser "
            "category of its cell and month, then to its district through the same categories; "
            "what is still below it is suppressed",
            "excluded": "person, identifier, day, time of day, exact coordinates, article",
        },
        "columns": list(COLUMNS),
        "categories": names,
        "months": [
            {
                "month": f"{year:04d}-{m.month:02d}",
                "events": m.events,
                "published": m.published,
                "merged": m.merged,
                "suppressed": m.suppressed,
            }
            for m in result.months
        ],
        "rows": len(rows),
    }


def _write_dataset(
    directory: Path, dataset: str, region: Region, year: int, end: dt.date, now: str
) -> dict[str, Any] | None:
    """Anonymise and write one dataset; its catalogue entry, or None when it has no event."""
    fetch = public.offence_points if dataset == "offences" else public.appeal_points
    points = fetch(region_id=region.pk, start=dt.date(year, 1, 1), end=end)
    if not len(points):
        return None
    frame = CellFrame(region.iso, region.lat, region.lon)
    spatial, table = places(frame, points.lat, points.lon, points.district_id)
    result = anonymise(
        month=points.month, places=spatial, levels=categories.levels(dataset, points)
    )
    rows = _rows(result, table, region.iso, year)
    csv_bytes = _csv(rows)
    geo_bytes = _geojson(rows, f"{dataset}-{region.iso}-{year}")
    meta = _meta(dataset, region.iso, year, result, rows)
    content = _digest(csv_bytes, geo_bytes, _json(meta))
    meta_path = directory / store.file_name(dataset, region.iso, year, "json")
    old = store.read_json(meta_path.name)
    written = not (old and old.get("content_sha256") == content)
    if written:
        meta |= {
            "content_sha256": content,
            "updated_at": now,
            "sha256": {
                "csv": hashlib.sha256(csv_bytes).hexdigest(),
                "geojson": hashlib.sha256(geo_bytes).hexdigest(),
            },
        }
        store.write_atomic(directory / store.file_name(dataset, region.iso, year, "csv"), csv_bytes)
        store.write_atomic(
            directory / store.file_name(dataset, region.iso, year, "geojson"), geo_bytes
        )
        store.write_atomic(meta_path, _json(meta))
    else:
        meta = old  # type: ignore[assignment]
    totals = meta["months"]
    return {
        "dataset": dataset,
        "region": region.iso,
        "year": year,
        "rows": meta["rows"],
        "events": sum(m["events"] for m in totals),
        "suppressed": sum(m["suppressed"] for m in totals),
        "months": [m["month"] for m in totals],
        "updated_at": meta["updated_at"],
        "files": {fmt: store.file_name(dataset, region.iso, year, fmt) for fmt in store.FORMATS},
        "written": written,
    }


def _write_if_changed(directory: Path, name: str, body: dict[str, Any], now: str) -> bool:
    """Write a JSON document unless its content (all but `generated_at`) is unchanged."""
    content = _digest(_json(body))
    old = store.read_json(name)
    if old and old.get("content_sha256") == content:
        return False
    store.write_atomic(
        directory / name, _json(body | {"content_sha256": content, "generated_at": now})
    )
    return True


def build(*, directory: Path | None = None, today: dt.date | None = None) -> BuildSummary:
    """Build every dataset of every region and year with data, the KPIs and the catalogue."""
    directory = directory or store.directory()
    directory.mkdir(parents=True, exist_ok=True)
    cache.delete("senim:demo-present")  # the flag may predate rows written in this process
    until = complete_until(today)
    years = [y for y in public.data_years() if dt.date(y, 1, 1) < until]
    now = timezone.localtime().isoformat(timespec="seconds")
    summary = BuildSummary()
    entries = []
    for region in Region.objects.order_by("iso"):
        for year in years:
            end = min(dt.date(year + 1, 1, 1), until)
            for dataset in store.DATASETS:
                entry = _write_dataset(directory, dataset, region, year, end, now)
                if entry is None:
                    continue
                summary.datasets += 1
                summary.written += entry.pop("written")
                summary.rows += entry["rows"]
                summary.events += entry["events"]
                summary.suppressed += entry["suppressed"]
                entries.append(entry)
    summary.unchanged = summary.datasets - summary.written
    full_years = [y for y in years if dt.date(y + 1, 1, 1) <= until]
    snapshot = {
        "synthetic": demo_data_present(),
        **kpis.compute(years=full_years),
        "response_league": kpis.response_league(today or timezone.localdate()),
    }
    _write_if_changed(directory, store.KPIS, snapshot, now)
    _write_if_changed(
        directory,
        store.CATALOGUE,
        {"licence": store.LICENCE, "synthetic": snapshot["synthetic"], "datasets": entries},
        now,
    )
    summary.removed = _remove_stale(directory, entries)
    return summary


def _remove_stale(directory: Path, entries: list[dict[str, Any]]) -> int:
    keep = {name for entry in entries for name in entry["files"].values()}
    removed = 0
    for path in directory.iterdir():
        if store.parse_name(path.name) and path.name not in keep:
            path.unlink()
            removed += 1
    return removed


def clear(directory: Path | None = None) -> int:
    """Remove every file the builder makes (the demo's delete step); other files stay."""
    directory = directory or store.directory()
    if not directory.is_dir():
        return 0
    removed = _remove_stale(directory, [])
    for name in (store.KPIS, store.CATALOGUE):
        if (directory / name).exists():
            (directory / name).unlink()
            removed += 1
    return removed
