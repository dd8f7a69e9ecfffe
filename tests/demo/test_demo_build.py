"""The demo is deterministic, sits inside Kazakhstan's regions, and has hot spots and peak hours."""

from __future__ import annotations

import numpy as np
import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count

from senim.core.demo_flag import DEMO_SOURCE
from senim.core.geo import locator
from senim.core.models import Sector, User
from senim.demo.builder import NATIONAL_CRIMINAL, build
from senim.register.models import Appeal, Offence

pytestmark = pytest.mark.django_db
SCALE = 0.02


def test_the_same_seed_builds_the_same_data_and_rebuilding_replaces_it() -> None:
    first = build(seed=7, scale=SCALE)
    sample = list(
        Offence.objects.order_by("external_id").values_list("external_id", "lat", "article_id")[:50]
    )
    second = build(seed=7, scale=SCALE)
    assert (first.offences, first.appeals) == (second.offences, second.appeals)
    assert Offence.objects.filter(source_system=DEMO_SOURCE).count() == second.offences
    assert (
        list(
            Offence.objects.order_by("external_id").values_list("external_id", "lat", "article_id")[
                :50
            ]
        )
        == sample
    )


def test_volumes_follow_the_calibration_and_the_population() -> None:
    build(seed=1, scale=SCALE)
    for year, volume in NATIONAL_CRIMINAL.items():
        count = Offence.objects.filter(
            occurred_at__year=year, kind__in=["crime", "criminal_misdemeanour"]
        ).count()
        assert count == pytest.approx(volume * SCALE, rel=0.03)
    by_region = dict(Offence.objects.values_list("region__iso").annotate(n=Count("id")))
    assert len(by_region) == 20
    assert by_region["KZ-75"] > by_region["KZ-62"] * 5  # Almaty city vs Ulytau, as the populations


def test_points_lie_in_their_region_and_cities_have_hot_spots_and_peak_hours() -> None:
    # Uniform spread would put 5 % of offences in the top 5 % of cells; hot spots put four times that.

    build(seed=3, scale=SCALE)
    rows = np.array(list(Offence.objects.values_list("lat", "lon", "region_id")))
    where = locator().locate(rows[:, 0], rows[:, 1])
    assert np.mean(where.region_ids == rows[:, 2].astype(int)) > 0.97
    city = np.array(list(Offence.objects.filter(region__iso="KZ-75").values_list("lat", "lon")))
    cells = np.floor(city[:, 0] / 0.0045).astype(int) * 100000 + np.floor(
        city[:, 1] / 0.0062
    ).astype(int)
    counts = np.sort(np.unique(cells, return_counts=True)[1])[::-1]
    top = counts[: max(1, len(counts) // 20)].sum() / counts.sum()
    assert top > 0.20, f"the top 5 % of ~500 m cells hold only {top:.0%} of city offences"
    hours = [
        t.hour
        for t in Offence.objects.filter(region__iso="KZ-75").values_list("occurred_at", flat=True)
    ]
    histogram = np.bincount([(h + 5) % 24 for h in hours], minlength=24)  # Almaty local hours
    assert histogram[19:22].mean() > 3 * histogram[2:5].mean()


def test_demo_users_and_sectors_exist_and_can_sign_in() -> None:
    call_command("demo", "--scale", str(SCALE))
    assert Sector.objects.filter(district__region__iso="KZ-75").count() >= 80
    assert authenticate(username="analyst", password="senim-demo") is not None
    inspector = User.objects.get(username="inspector")
    assert inspector.sector is not None and inspector.region.iso == "KZ-75"
    assert Appeal.objects.filter(source_system=DEMO_SOURCE).exists()
