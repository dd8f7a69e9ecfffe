"""Where a point lies: the region from the boundary polygons, district and sector by nearest centre.

Region boundaries come from the vendored GeoJSON (see static/geo/ATTRIBUTION.md). Official
district and sector boundaries are not part of the open data we ship, so a point is given to
the nearest district centre inside its region (a Voronoi partition), and to the nearest sector
centre inside its district; docs/territory.md says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from scipy.spatial import cKDTree

GEOJSON = Path(__file__).resolve().parent.parent / "static" / "geo" / "kz_regions.geojson"
# Kazakhstan's extent with a small margin; a cheap first test before the polygons.
KZ_BBOX = (46.4, 40.5, 87.4, 55.5)  # lon_min, lat_min, lon_max, lat_max


@dataclass(frozen=True)
class Territory:
    region_ids: np.ndarray  # int64, 0 where the point is outside Kazakhstan
    district_ids: np.ndarray  # int64, 0 where unknown
    sector_ids: np.ndarray  # int64, 0 where unknown


class Locator:
    """Vectorised point → region / district / sector lookup, built once per process."""

    def __init__(self) -> None:
        from senim.core.models import District, Region, Sector

        features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
        ids_by_iso = dict(Region.objects.values_list("iso", "id"))
        self.regions: list[tuple[int, shapely.Geometry]] = []
        for feature in features:
            region_id = ids_by_iso.get(feature["properties"]["iso"])
            if region_id is not None:
                geometry = shapely.from_geojson(json.dumps(feature["geometry"]))
                shapely.prepare(geometry)
                self.regions.append((region_id, geometry))
        # Cities are enclaves inside oblasts: test them first so they win.
        kinds = dict(Region.objects.values_list("id", "kind"))
        self.regions.sort(key=lambda item: kinds.get(item[0]) != "city")
        self.district_trees = self._trees(
            District.objects.values_list("region_id", "id", "lat", "lon")
        )
        self.sector_trees = self._trees(
            Sector.objects.values_list("district_id", "id", "lat", "lon")
        )

    @staticmethod
    def _trees(rows: object) -> dict[int, tuple[cKDTree, np.ndarray]]:
        grouped: dict[int, list[tuple[int, float, float]]] = {}
        for parent, child, lat, lon in rows:  # type: ignore[attr-defined]
            grouped.setdefault(parent, []).append((child, lat, lon))
        trees = {}
        for parent, items in grouped.items():
            ids = np.array([i for i, _, _ in items], dtype=np.int64)
            # Scale longitude by cos(latitude) so nearest-centre distances are roughly metric.
            coords = np.array([(lat, lon * np.cos(np.radians(lat))) for _, lat, lon in items])
            trees[parent] = (cKDTree(coords), ids)
        return trees

    def locate(self, lat: np.ndarray, lon: np.ndarray) -> Territory:
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        region = np.zeros(lat.shape, dtype=np.int64)
        in_box = (
            (lon >= KZ_BBOX[0]) & (lon <= KZ_BBOX[2]) & (lat >= KZ_BBOX[1]) & (lat <= KZ_BBOX[3])
        )
        todo = in_box.copy()
        for region_id, geometry in self.regions:
            if not todo.any():
                break
            idx = np.nonzero(todo)[0]
            hit = shapely.contains_xy(geometry, lon[idx], lat[idx])
            region[idx[hit]] = region_id
            todo[idx[hit]] = False
        district = self._nearest(self.district_trees, region, lat, lon)
        sector = self._nearest(self.sector_trees, district, lat, lon)
        return Territory(region_ids=region, district_ids=district, sector_ids=sector)

    @staticmethod
    def _nearest(
        trees: dict[int, tuple[cKDTree, np.ndarray]],
        parent: np.ndarray,
        lat: np.ndarray,
        lon: np.ndarray,
    ) -> np.ndarray:
        out = np.zeros(parent.shape, dtype=np.int64)
        for parent_id in np.unique(parent):
            if parent_id == 0 or parent_id not in trees:
                continue
            tree, ids = trees[int(parent_id)]
            mask = parent == parent_id
            query = np.column_stack([lat[mask], lon[mask] * np.cos(np.radians(lat[mask]))])
            _, nearest = tree.query(query)
            out[mask] = ids[nearest]
        return out


@lru_cache(maxsize=1)
def locator() -> Locator:
    return Locator()


def reset_locator() -> None:
    """Call after territory changes (tests, reference reloads)."""
    locator.cache_clear()


def place_key(lat: float | None, lon: float | None) -> int | None:
    """A ~55 m × 40 m cell of the place: calls and records at one address share it (GPS noise
    aside). The operational centres' repeat warnings and the prevention's addresses use it."""
    if lat is None or lon is None:
        return None
    return round(lat * 2000) * 1_000_000 + round((lon + 180.0) * 2000)


def place_keys(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """`place_key` of many points at once (numpy rounds half to even like Python's round)."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    return np.round(lat * 2000).astype(np.int64) * 1_000_000 + np.round(
        (lon + 180.0) * 2000
    ).astype(np.int64)
