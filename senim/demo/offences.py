"""Offences for every region and year, as columns ready for the database.

Criminal offences in the three cities come from the self-exciting process (cities.py); the
oblasts take the rest of the calibrated national figure, so national totals by kind and year
are exact; administrative offences are a documented sample (calibration.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from senim.core.geo import locator
from senim.core.models import District, Region, RegionKind
from senim.demo import outcomes as outcome_gen
from senim.demo.articles import ArticleBook, registration_delay_seconds, statuses
from senim.demo.calibration import ADMINISTRATIVE_SAMPLE, Calibration
from senim.demo.cities import CityModel
from senim.demo.common import largest_remainder, local_midnight, local_to_utc, rng_for, to_utc64
from senim.demo.process import hourly_profile, simulate

Columns = dict[str, np.ndarray]
# Scatter around a district centre, metres: towns are compact, rural districts wide.
SCATTER = {"town": 3_000.0, "rural_district": 9_000.0, "city_district": 1_500.0}
SAME_AS_PARENT = 0.5  # share of triggered offences repeating their parent's article (series)


def concat(parts: list[Columns]) -> Columns:
    parts = [p for p in parts if len(next(iter(p.values()), []))]
    if not parts:
        return {}
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


@dataclass(frozen=True)
class RegionPlaces:
    region_id: int
    lat: np.ndarray
    lon: np.ndarray
    sigma_m: np.ndarray
    weight: np.ndarray


def region_places() -> dict[int, RegionPlaces]:
    out = {}
    for region in Region.objects.order_by("iso"):
        ds = list(District.objects.filter(region=region).order_by("code"))
        if not ds:
            ds = [District(lat=region.lat, lon=region.lon, kind="town", population=1)]
        out[region.id] = RegionPlaces(
            region_id=region.id,
            lat=np.array([d.lat for d in ds]),
            lon=np.array([d.lon for d in ds]),
            sigma_m=np.array([SCATTER.get(d.kind, 5_000.0) for d in ds]),
            weight=np.array([float(d.population or 1) for d in ds]),
        )
    return out


def scatter(
    rng: np.random.Generator, places: RegionPlaces, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Points around district centres (weighted by population), resampled until inside the
    region; the few that never land inside fall back to their district centre."""
    which = rng.choice(len(places.lat), size=n, p=places.weight / places.weight.sum())
    lat, lon = places.lat[which].copy(), places.lon[which].copy()
    todo = np.arange(n)
    for _ in range(6):
        if len(todo) == 0:
            break
        w = which[todo]
        sig = places.sigma_m[w]
        tlat = places.lat[w] + rng.normal(0, 1, len(todo)) * sig / 110_574.0
        tlon = places.lon[w] + rng.normal(0, 1, len(todo)) * sig / (
            111_320.0 * np.cos(np.radians(places.lat[w]))
        )
        ok = locator().locate(tlat, tlon).region_ids == places.region_id
        lat[todo[ok]], lon[todo[ok]] = tlat[ok], tlon[ok]
        todo = todo[~ok]
    return lat, lon


@lru_cache(maxsize=16)
def _year_profile(year: int) -> np.ndarray:
    days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    p = hourly_profile(dt.date(year, 1, 1), days)
    return np.cumsum(p) / p.sum()


def profile_times(rng: np.random.Generator, year: int, n: int) -> np.ndarray:
    """Local wall-clock times in `year` following the hour × weekday × season profile."""
    hour = np.searchsorted(_year_profile(year), rng.random(n), side="right")
    seconds = hour * 3600 + rng.integers(0, 3600, n)
    return local_midnight(year) + seconds.astype("timedelta64[s]")


def city_points(
    rng: np.random.Generator, model: CityModel, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Points from the city's background density (no triggering), kept inside the city."""
    bg = model.background
    lat, lon = np.full(n, model.plane.lat0), np.full(n, model.plane.lon0)
    todo = np.arange(n)
    for _ in range(6):
        if len(todo) == 0:
            break
        k = rng.choice(len(bg.weights), size=len(todo), p=bg.weights)
        x = bg.centres[k, 0] + rng.normal(0, 1, len(todo)) * bg.sigmas[k]
        y = bg.centres[k, 1] + rng.normal(0, 1, len(todo)) * bg.sigmas[k]
        tlat, tlon = model.plane.to_latlon(x, y)
        ok = locator().locate(tlat, tlon).region_ids == model.region_id
        lat[todo[ok]], lon[todo[ok]] = tlat[ok], tlon[ok]
        todo = todo[~ok]
    return lat, lon


def _columns(
    region_id: int,
    lat: np.ndarray,
    lon: np.ndarray,
    local: np.ndarray,
    kind: np.ndarray,
    article: np.ndarray,
    parent: np.ndarray,
) -> Columns:
    n = len(lat)
    return {
        "region_id": np.full(n, region_id, dtype=np.int64),
        "lat": np.round(lat, 6),
        "lon": np.round(lon, 6),
        "local": local.astype("datetime64[s]"),
        "kind": kind.astype(object),
        "article_id": article.astype(np.int64),
        "parent": parent.astype(np.int64),  # index within this part, -1 if none
        "hawkes": np.zeros(n, dtype=bool),  # set for events of a city process
    }


def city_offences(seed: int, model: CityModel, cal: Calibration, book: ArticleBook) -> Columns:
    """One realisation of the city's process; events falling outside the city are dropped."""
    rng = rng_for(seed, "hawkes", model.iso)
    events = simulate(model.background, model.trigger, rng)
    lat, lon = model.plane.to_latlon(events.x, events.y)
    keep = locator().locate(lat, lon).region_ids == model.region_id
    new_index = np.cumsum(keep) - 1
    parent = np.where(events.parent >= 0, events.parent, 0)
    parent = np.where((events.parent >= 0) & keep[parent], new_index[parent], -1)[keep]
    t, lat, lon = events.t[keep], lat[keep], lon[keep]
    year = model.year_of(t)
    crime_share = np.array(
        [cal.years[y].crimes / (cal.years[y].crimes + cal.years[y].misdemeanours) for y in year]
    )
    arng = rng_for(seed, "hawkes-articles", model.iso)
    kind = np.where(arng.random(len(t)) < crime_share, "crime", "criminal_misdemeanour")
    article = np.zeros(len(t), dtype=np.int64)
    for k in ("crime", "criminal_misdemeanour"):
        mask = kind == k
        article[mask] = book.draw(arng, k, int(mask.sum()))
    # Series: a triggered offence often repeats its parent's article (a burglar's next flat).
    copy = (parent >= 0) & (arng.random(len(t)) < SAME_AS_PARENT)
    for i in np.nonzero(copy)[0]:  # in time order, so a parent is final before its child
        kind[i], article[i] = kind[parent[i]], article[parent[i]]
    local = model.origin + np.round(t * 3600).astype("timedelta64[s]")
    cols = _columns(model.region_id, lat, lon, local, kind, article, parent)
    cols["hawkes"][:] = True
    return cols


def generate(
    *,
    seed: int,
    scale: float,
    years: list[int],
    cal: Calibration,
    book: ArticleBook,
    shares: dict[int, dict[int, float]],
    models: list[CityModel],
    until: dt.datetime | None = None,
) -> Columns:
    """Every offence: cities from their processes, then the oblasts, then administrative ones.

    The register stands as at the end of the last year, or at `until` if that comes first."""
    parts = [city_offences(seed, m, cal, book) for m in models]
    city_ids = {m.region_id for m in models}
    places = region_places()
    oblasts = [r for r in Region.objects.order_by("iso") if r.id not in city_ids]
    city_parts = list(parts)
    city_years = [p["local"].astype("datetime64[Y]").astype(int) + 1970 for p in city_parts]
    for year in years:
        rng = rng_for(seed, "offences", year)
        volumes = cal.years[year]
        for kind, national in (
            ("crime", volumes.crimes),
            ("criminal_misdemeanour", volumes.misdemeanours),
        ):
            in_cities = sum(
                int(((p["kind"] == kind) & (y == year)).sum())
                for p, y in zip(city_parts, city_years, strict=True)
            )
            rest = max(round(national * scale) - in_cities, 0)
            counts = largest_remainder(rest, np.array([shares[year][r.id] for r in oblasts]))
            for region, n in zip(oblasts, counts, strict=True):
                parts.append(
                    _scattered(rng, region.id, places[region.id], year, kind, int(n), book)
                )
        admin = largest_remainder(
            round(volumes.administrative * ADMINISTRATIVE_SAMPLE * scale),
            np.array([shares[year][r] for r in places]),
        )
        by_id = {m.region_id: m for m in models}
        for region_id, n in zip(places, admin, strict=True):
            if n == 0:
                continue
            if region_id in by_id:
                lat, lon = city_points(rng, by_id[region_id], int(n))
                kind_arr = np.full(int(n), "administrative", dtype=object)
                parts.append(
                    _columns(
                        region_id,
                        lat,
                        lon,
                        profile_times(rng, year, int(n)),
                        kind_arr,
                        book.draw(rng, "administrative", int(n)),
                        np.full(int(n), -1),
                    )
                )
            else:
                parts.append(
                    _scattered(
                        rng, region_id, places[region_id], year, "administrative", int(n), book
                    )
                )
    # Parents are indices within a part; make them global before joining.
    offset = 0
    for p in parts:
        p["parent"] = np.where(p["parent"] >= 0, p["parent"] + offset, -1)
        offset += len(p["parent"])
    cols = concat(parts)
    # Seed 003's drunk drivers, exactly (senim/demo/outcomes.py).
    redraw = {}
    for kind, pool in book.pools.items():
        weight = np.where(np.isin(pool.codes, ["UK-346", "KoAP-608"]), 0.0, pool.p)
        redraw[kind] = (pool.ids, weight / weight.sum())
    ids = {
        str(c): int(i)
        for pool in book.pools.values()
        for i, c in zip(pool.ids, pool.codes, strict=True)
    }
    outcome_gen.pin_drunk_driving(seed, cols, cal=cal, scale=scale, article_ids=ids, redraw=redraw)
    cols = _finish(seed, cols, book, last_year=max(years))
    # The register as it stood at the cut-off: an offence committed on the last evening but
    # registered after midnight is not in it yet.
    cutoff = local_to_utc(np.array([local_midnight(max(years) + 1)]))[0]
    if until is not None:
        cutoff = min(cutoff, to_utc64(until))
    return _subset(cols, cols["registered_at"] < cutoff)


def _subset(cols: Columns, keep: np.ndarray) -> Columns:
    """The kept rows, with parent indices renumbered (a parent that is dropped becomes -1)."""
    new_index = np.cumsum(keep) - 1
    parent = cols["parent"]
    safe = np.maximum(parent, 0)
    cols["parent"] = np.where((parent >= 0) & keep[safe], new_index[safe], -1)
    out = {k: v[keep] for k, v in cols.items()}
    out["external_id"] = np.array([f"O-{i:08d}" for i in range(int(keep.sum()))], dtype=object)
    return out


def _scattered(
    rng: np.random.Generator,
    region_id: int,
    places: RegionPlaces,
    year: int,
    kind: str,
    n: int,
    book: ArticleBook,
) -> Columns:
    lat, lon = scatter(rng, places, n)
    cols = _columns(
        region_id,
        lat,
        lon,
        profile_times(rng, year, n),
        np.full(n, kind, dtype=object),
        book.draw(rng, kind, n),
        np.full(n, -1),
    )
    return cols


def _finish(seed: int, cols: Columns, book: ArticleBook, *, last_year: int) -> Columns:
    """Times in UTC, registration, place type, status, territory and external identifiers."""
    rng = rng_for(seed, "offence-details")
    n = len(cols["lat"])
    local = cols.pop("local")
    cols["year"] = local.astype("datetime64[Y]").astype(int) + 1970  # the local calendar year
    cols["occurred_at"] = local_to_utc(local)
    delay = registration_delay_seconds(rng, book, cols["article_id"])
    cols["registered_at"] = cols["occurred_at"] + np.round(delay).astype("timedelta64[s]")
    cols["place_type"] = book.place_types(rng, cols["article_id"])
    cols["status"] = statuses(
        rng, book, cols["article_id"], cols["kind"], years_ago=last_year - cols["year"]
    )
    where = locator().locate(cols["lat"], cols["lon"])
    cols["district_id"], cols["sector_id"] = where.district_ids, where.sector_ids
    cols["appeal_index"] = np.full(n, -1, dtype=np.int64)
    return cols


def is_city(region_ids: np.ndarray) -> np.ndarray:
    cities = set(Region.objects.filter(kind=RegionKind.CITY).values_list("id", flat=True))
    return np.isin(region_ids, list(cities))
