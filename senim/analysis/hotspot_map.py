"""Hot-spot map of an area: kernel density of offences and Getis-Ord Gi* hot and cold cells.

Thin glue over the pure library: the register service hands the offences as arrays,
senim.analytics.kde smooths them, senim.analytics.hotspots tests every cell. What is added
here is only the choice of defaults, the grouping of touching hot cells into numbered hot
spots (to list them), and the figures a page shows. See docs/analytics.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from senim.analysis.areas import Area
from senim.analysis.params import MAX_BANDWIDTH_M, check_number
from senim.analysis.plane import Plane, located, plane_for
from senim.analytics.grid import FloatArray
from senim.analytics.hotspots import Hotspots, distance_window, gi_star
from senim.analytics.indicators import Period
from senim.analytics.kde import density
from senim.core.models import User
from senim.register.services import offence_events

# Gi*'s neighbourhood is the bandwidth, but never wider than this many cells: a wider window
# would cost cells × window² and says little more than the density already does.
MAX_GI_REACH_CELLS = 12
# Density cells below this share of the peak are not drawn: they would only blur the map.
DRAW_SHARE = 0.01


@dataclass(frozen=True)
class HotSpot:
    """Touching hot cells (8-neighbours), numbered by their events, most first."""

    rank: int
    cells: int
    events: int
    share_of_events: float
    share_of_area: float
    lat: float  # centre of the hot spot's cells, weighted by events
    lon: float
    max_z: float

    @property
    def share_of_events_pct(self) -> float:
        return self.share_of_events * 100.0


@dataclass(frozen=True)
class HotspotMap:
    area: Area
    period: Period
    kinds: tuple[str, ...]
    alpha: float
    bandwidth_m: float
    gi_band_m: float
    n_events: int  # registered in the period
    n_located: int  # of which with coordinates (on the map)
    plane: Plane
    counts: FloatArray  # events per cell
    density_km2: FloatArray  # kernel density, events per km² over the period
    gi: Hotspots
    spots: tuple[HotSpot, ...]

    @property
    def cell_m(self) -> float:
        return self.plane.grid.cell_m

    @property
    def n_hot(self) -> int:
        return int(self.gi.hot.sum())

    @property
    def n_cold(self) -> int:
        return int(self.gi.cold.sum())

    def chart(self) -> dict[str, object]:
        """Cells for the map as [col, row, value] on the plane's frame (see Plane.frame)."""
        dens = self.density_km2
        peak = float(dens.max()) if dens.size else 0.0
        drawn = dens >= peak * DRAW_SHARE if peak > 0 else np.zeros(dens.shape, dtype=bool)
        return self.plane.frame() | {
            "density": Plane.sparse(drawn, dens, 2),
            "hot": Plane.sparse(self.gi.hot, self.gi.z, 2),
            "cold": Plane.sparse(self.gi.cold, self.gi.z, 2),
            "max": round(peak, 2),
            "spots": [[s.lon, s.lat, s.rank] for s in self.spots],
        }


def default_bandwidth(cell_m: float) -> float:
    """300 m, the scale a patrol can act on in a city, and never under three cells."""
    return max(300.0, 3.0 * cell_m)


def hotspot_map(
    *,
    user: User,
    area: Area,
    period: Period,
    kinds: tuple[str, ...] = (),
    cell_m: float | None = None,
    bandwidth_m: float | None = None,
    alpha: float = 0.05,
) -> HotspotMap:
    bandwidth = check_number("bandwidth_m", bandwidth_m, 25.0, MAX_BANDWIDTH_M)
    events = offence_events(
        user=user,
        region_id=area.region_id,
        district_id=area.district_id,
        date_from=period.start,
        date_to=period.end,
        kinds=list(kinds) or None,
    )
    ok = located(events.lat, events.lon)
    lat, lon = events.lat[ok], events.lon[ok]
    plane = plane_for(lat, lon, centre=area.centre, cell_m=cell_m)
    grid = plane.grid
    bandwidth = bandwidth or default_bandwidth(grid.cell_m)
    x, y = plane.xy(lon, lat)
    counts = grid.counts(x, y)
    per_km2 = 1e6 / grid.cell_m**2
    smooth = density(grid, x, y, bandwidth) * per_km2
    band = max(min(bandwidth, MAX_GI_REACH_CELLS * grid.cell_m), grid.cell_m * math.sqrt(2))
    gi = gi_star(counts, window=distance_window(grid, band), alpha=alpha)
    return HotspotMap(
        area=area,
        period=period,
        kinds=kinds,
        alpha=alpha,
        bandwidth_m=bandwidth,
        gi_band_m=band,
        n_events=len(events),
        n_located=int(ok.sum()),
        plane=plane,
        counts=counts,
        density_km2=smooth,
        gi=gi,
        spots=hot_spots(plane, counts, gi),
    )


def hot_spots(
    plane: Plane, counts: FloatArray, gi: Hotspots, limit: int = 10
) -> tuple[HotSpot, ...]:
    """Group touching hot cells into hot spots; the `limit` with most events, most first."""
    labels, n = ndimage.label(gi.hot, structure=np.ones((3, 3), dtype=bool))
    if n == 0:
        return ()
    total = float(counts.sum())
    index = np.arange(1, n + 1)
    events = ndimage.sum_labels(counts, labels, index)
    cells = ndimage.sum_labels(np.ones_like(counts), labels, index)
    max_z = ndimage.maximum(gi.z, labels, index)
    lon, lat = plane.centres_lonlat()
    weight = np.where(counts > 0, counts, 1e-9)  # a hot cell may hold no event itself
    w_sum = ndimage.sum_labels(weight, labels, index)
    c_lon = ndimage.sum_labels(lon * weight, labels, index) / w_sum
    c_lat = ndimage.sum_labels(lat * weight, labels, index) / w_sum
    # A group of hot cells holding no offence itself is hot only through offences just outside
    # it (an edge effect of the window on sparse data): it is not a place to send a patrol.
    order = [i for i in np.lexsort((index, -events)) if events[i] > 0][:limit]
    return tuple(
        HotSpot(
            rank=rank,
            cells=int(cells[i]),
            events=int(events[i]),
            share_of_events=float(events[i]) / total if total else 0.0,
            share_of_area=float(cells[i]) / plane.grid.size,
            lat=round(float(c_lat[i]), 5),
            lon=round(float(c_lon[i]), 5),
            max_z=float(max_z[i]),
        )
        for rank, i in enumerate(order, start=1)
    )
