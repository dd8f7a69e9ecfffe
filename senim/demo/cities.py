"""The self-exciting model of criminal offences in the three cities, rebuilt on demand.

`city_models(seed=…, scale=…, years=…)` returns exactly the processes `senim demo` simulated
with those parameters, so an accuracy check can compare a forecast with
`process.true_intensity(model.background, model.trigger, …)` given the stored history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from senim.core.geo import locator
from senim.core.models import District, Region, RegionKind
from senim.demo.calibration import Calibration, calibration
from senim.demo.common import LOCAL_ZONE, Plane, local_midnight, rng_for
from senim.demo.process import Background, Events, Trigger, hourly_profile

BRANCHING = 0.3
HOT_SPOTS_PER_DISTRICT = 3
HOT_SHARE = 0.5  # of the background; the rest spreads over the districts
DIFFUSE_SIGMA = 1800.0  # metres around a district centre
REGION_DRIFT = 0.03  # year-to-year relative drift of a region's share of the national volume


@dataclass(frozen=True)
class CityModel:
    region_id: int
    iso: str
    plane: Plane
    origin: np.datetime64  # local midnight, 1 January of the first year; t = hours after it
    years: tuple[int, ...]
    background: Background
    trigger: Trigger
    expected: dict[int, float]  # expected criminal offences per year (before leaving the city)

    def hours(self, when: Sequence[dt.datetime]) -> np.ndarray:
        """Aware datetimes (as stored) → the process's time: hours after the local origin."""
        local = np.array(
            [w.astimezone(LOCAL_ZONE).replace(tzinfo=None) for w in when], dtype="datetime64[s]"
        )
        return (local - self.origin).astype(np.int64) / 3600.0

    def events(self, lat: np.ndarray, lon: np.ndarray, occurred: Sequence[dt.datetime]) -> Events:
        """Stored offences as the process's events (the history for `true_intensity`)."""
        x, y = self.plane.to_xy(np.asarray(lat, dtype=float), np.asarray(lon, dtype=float))
        t = self.hours(occurred)
        order = np.argsort(t, kind="stable")
        return Events(t=t[order], x=x[order], y=y[order], parent=np.full(len(t), -1))

    def year_of(self, t: np.ndarray) -> np.ndarray:
        local = self.origin + np.round(np.asarray(t) * 3600).astype("timedelta64[s]")
        return local.astype("datetime64[Y]").astype(int) + 1970


def region_shares(seed: int, years: list[int]) -> dict[int, dict[int, float]]:
    """{year: {region id: share of the national volume}}: population with a seeded drift."""
    rng = rng_for(seed, "region-drift")
    regions = list(Region.objects.order_by("iso"))
    population = np.array([population_2025(r) for r in regions], dtype=float)
    walk = np.ones(len(regions))
    shares: dict[int, dict[int, float]] = {}
    for year in sorted(years):
        walk = walk * np.exp(rng.normal(0, REGION_DRIFT, len(regions)))
        weight = population * walk
        shares[year] = {r.id: float(w / weight.sum()) for r, w in zip(regions, weight, strict=True)}
    return shares


def population_2025(region: Region) -> int:
    """The region's population (2025 or the nearest year known); refuses to invent one."""
    known = region.population(2025)
    if known is None:
        raise ValueError(
            f"no population for {region.iso}: load senim/core/data/population.csv (migrate)"
        )
    return known.population


def city_models(
    *, seed: int, scale: float, years: list[int], cal: Calibration | None = None
) -> list[CityModel]:
    cal = cal or calibration(years)
    shares = region_shares(seed, years)
    models = []
    for region in Region.objects.filter(kind=RegionKind.CITY).order_by("iso"):
        expected = {
            y: (cal.years[y].crimes + cal.years[y].misdemeanours) * shares[y][region.id] * scale
            for y in years
        }
        models.append(_city_model(region, seed=seed, years=sorted(years), expected=expected))
    return models


def _city_model(
    region: Region, *, seed: int, years: list[int], expected: dict[int, float]
) -> CityModel:
    rng = rng_for(seed, "city", region.iso)
    plane = Plane(region.lat, region.lon)
    districts = list(District.objects.filter(region=region).order_by("code"))
    if districts:
        dlat = np.array([d.lat for d in districts])
        dlon = np.array([d.lon for d in districts])
        dpop = np.array([d.population or 1 for d in districts], dtype=float)
    else:
        dlat, dlon, dpop = np.array([region.lat]), np.array([region.lon]), np.ones(1)
    dx, dy = plane.to_xy(dlat, dlon)

    # Hot spots: a few per district, tight (120-350 m), each only where the city really is.
    hot_x, hot_y = [], []
    for i in range(len(dx)):
        found = 0
        while found < HOT_SPOTS_PER_DISTRICT:
            x = dx[i] + rng.normal(0, 1500, 32)
            y = dy[i] + rng.normal(0, 1500, 32)
            lat, lon = plane.to_latlon(x, y)
            ok = np.nonzero(locator().locate(lat, lon).region_ids == region.id)[0]
            if len(ok) == 0:  # a centre at the city's edge: settle for the centre itself
                x, y, ok = np.array([dx[i]]), np.array([dy[i]]), np.array([0])
            take = ok[: HOT_SPOTS_PER_DISTRICT - found]
            hot_x.extend(x[take])
            hot_y.extend(y[take])
            found += len(take)
    hot_weight = rng.lognormal(0, 0.8, len(hot_x))
    weights = np.concatenate(
        [HOT_SHARE * hot_weight / hot_weight.sum(), (1 - HOT_SHARE) * dpop / dpop.sum()]
    )
    centres = np.column_stack([np.concatenate([hot_x, dx]), np.concatenate([hot_y, dy])])
    sigmas = np.concatenate([rng.uniform(120, 350, len(hot_x)), np.full(len(dx), DIFFUSE_SIGMA)])

    trigger = Trigger(
        branching=BRANCHING,
        decay=1.0 / (24 * rng.uniform(2, 7)),  # a mean delay of 2-7 days
        sigma=float(rng.uniform(100, 200)),
    )
    # Hour × weekday × season, scaled year by year so that background plus offspring
    # (μ / (1 - η)) gives the calibrated expectation.
    origin = local_midnight(years[0])
    days = int((local_midnight(years[-1] + 1) - origin) // np.timedelta64(1, "D"))
    profile = hourly_profile(origin.astype("datetime64[D]").item(), days)
    hourly = np.zeros_like(profile)
    for year in years:
        a = int((local_midnight(year) - origin) // np.timedelta64(1, "h"))
        b = int((local_midnight(year + 1) - origin) // np.timedelta64(1, "h"))
        segment = profile[a:b]
        hourly[a:b] = segment / segment.sum() * expected[year] * (1 - trigger.branching)
    return CityModel(
        region_id=region.id,
        iso=region.iso,
        plane=plane,
        origin=origin,
        years=tuple(years),
        background=Background(
            centres=centres, sigmas=sigmas, weights=weights / weights.sum(), hourly=hourly
        ),
        trigger=trigger,
        expected=expected,
    )
