"""Demo offences lie in their regions; cities have hot spots and peak hours; the stored city
offences are the process that `city_models` rebuilds."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from senim.core.demo_flag import DEMO_SOURCE
from senim.core.geo import locator
from senim.core.models import Region
from senim.demo.builder import build
from senim.demo.cities import city_models
from senim.demo.common import LOCAL_ZONE
from senim.demo.process import Grid, true_intensity
from senim.register.models import Offence

pytestmark = pytest.mark.django_db
SCALE = 0.02
YEARS = [2022, 2023, 2024, 2025]


def test_every_offence_lies_in_its_region_cities_have_hot_spots_and_peak_hours() -> None:
    build(seed=3, scale=SCALE)
    rows = np.array(
        list(
            Offence.objects.filter(source_system=DEMO_SOURCE).values_list("lat", "lon", "region_id")
        )
    )
    where = locator().locate(rows[:, 0], rows[:, 1])
    assert np.mean(where.region_ids == rows[:, 2].astype(int)) >= 0.99

    for iso in ("KZ-75", "KZ-71", "KZ-79"):
        city = Region.objects.get(iso=iso)
        points = np.array(list(Offence.objects.filter(region=city).values_list("lat", "lon")))
        # 500 m cells over the city's extent; only cells whose centre is inside the city count.
        dlat, dlon = 500 / 110_574, 500 / (111_320 * np.cos(np.radians(city.lat)))
        lat0, lon0 = points[:, 0].min(), points[:, 1].min()
        rows_, cols_ = (
            np.floor((points[:, 0] - lat0) / dlat),
            np.floor((points[:, 1] - lon0) / dlon),
        )
        ny, nx = int(rows_.max()) + 1, int(cols_.max()) + 1
        counts = np.bincount((rows_ * nx + cols_).astype(int), minlength=nx * ny)
        gy, gx = np.divmod(np.arange(nx * ny), nx)
        inside = locator().locate(lat0 + (gy + 0.5) * dlat, lon0 + (gx + 0.5) * dlon).region_ids
        cells = np.sort(counts[inside == city.id])[::-1]
        top = cells[: max(1, len(cells) // 20)].sum() / counts.sum()
        # Spread evenly, the top 5 % of cells would hold about 5 %.
        assert top > 0.3, f"{iso}: the top 5 % of 500 m cells hold only {top:.0%}"

    almaty = Offence.objects.filter(
        region__iso="KZ-75", kind__in=["crime", "criminal_misdemeanour"]
    )
    hours = np.bincount(
        [timezone.localtime(t).hour for t in almaty.values_list("occurred_at", flat=True)],
        minlength=24,
    )
    assert hours[19:22].mean() > 2.5 * hours[3:6].mean()


def test_the_rebuilt_city_process_predicts_the_stored_city_offences() -> None:
    build(seed=11, scale=SCALE, years=YEARS)
    model = next(m for m in city_models(seed=11, scale=SCALE, years=YEARS) if m.iso == "KZ-75")
    stored = Offence.objects.filter(
        region_id=model.region_id, kind__in=["crime", "criminal_misdemeanour"]
    )
    lat, lon = np.array(list(stored.values_list("lat", "lon"))).T
    x, y = model.plane.to_xy(lat, lon)
    grid = Grid(x0=-20_000, y0=-20_000, cell=1000, nx=40, ny=40)
    # The truth for the whole period from an empty history: its total and its map.
    truth = true_intensity(
        model.background, model.trigger, grid, start=0, end=model.background.hours, step=24.0
    )
    observed = grid.counts(x, y)
    assert observed.sum() == pytest.approx(truth.sum(), rel=0.15)
    hottest = np.argsort(truth.ravel())[::-1][:40]
    assert observed.ravel()[hottest].sum() == pytest.approx(truth.ravel()[hottest].sum(), rel=0.25)

    # The truth for 2025 given the stored history before it (how forecasts will be scored).
    rows = list(stored.values_list("lat", "lon", "occurred_at"))
    events = model.events(
        np.array([r[0] for r in rows]), np.array([r[1] for r in rows]), [r[2] for r in rows]
    )
    start = float(model.hours([dt.datetime(2025, 1, 1, tzinfo=LOCAL_ZONE)])[0])
    truth_2025 = true_intensity(
        model.background,
        model.trigger,
        grid,
        start=start,
        end=start + 365 * 24,
        history=events,
        step=24.0,
    )
    in_2025 = grid.counts(events.x[events.t >= start], events.y[events.t >= start])
    assert in_2025.sum() == pytest.approx(truth_2025.sum(), rel=0.2)
