"""Seed 003's figure on juveniles (line 9: more than 9,000 children and teenagers covered by
mentoring, sport and prevention programmes in 2025, the year the report of line 2 sums up),
recomputed from the demo's records by the code the summary page uses
(`senim.prevention.juveniles.children_reached`); and the demo's social map and school officers
as the pages show them: every sector counted, places inside their sector, every school with an
officer of its district assigned, all of it synthetic and removable."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from senim.core.geo import locator
from senim.core.models import Sector
from senim.demo.common import DEMO_CITY
from senim.demo.territory import build_officers, build_sectors, build_units
from senim.prevention import demo_social_map, juveniles
from senim.prevention.models import (
    Partner,
    Place,
    Programme,
    Reach,
    SchoolAssignment,
    SectorPopulation,
)
from tests.ops.conftest import make_user
from tests.seed_figures import SeedFigure, assert_cited

pytestmark = pytest.mark.django_db
SEED = 3
CHILDREN = SeedFigure("children and teenagers covered by programmes, 2025", "003", 9, 9)
REPORT_YEAR = SeedFigure("the year the report sums up", "003", 2, 2025)


@pytest.fixture
def demo(db: Any) -> dict[str, Any]:
    sectors = build_sectors()
    build_officers(build_units(), sectors)
    sectors = list(
        Sector.objects.filter(district__region__iso=DEMO_CITY).select_related("district")
    )
    today = timezone.localdate()
    return {
        "counts": demo_social_map.build(SEED, sectors, today),
        "sectors": sectors,
        "today": today,
    }


def test_the_figures_cite_lines_that_say_them() -> None:
    assert_cited(CHILDREN)
    assert_cited(REPORT_YEAR)
    assert REPORT_YEAR.value == demo_social_map.REPORT_YEAR


def test_more_than_9000_children_were_reached_in_2025_nationally(demo: dict[str, Any]) -> None:
    analyst = make_user("analyst", "national_analyst")
    summary = juveniles.children_reached(analyst, REPORT_YEAR.value)
    thousands = int(CHILDREN.value) * 1000
    # "More than 9 thousand": above 9,000 and below the next thousand.
    assert thousands < summary.total < thousands + 1000
    assert summary.total == demo_social_map.CHILDREN_2025
    # Every region has programmes and children; kinds are the seed's three.
    assert len(summary.regions) == 20 and all(r.children > 0 for r in summary.regions)
    assert set().union(*(r.by_kind for r in summary.regions)) == {
        "mentoring",
        "sport",
        "prevention",
    }
    page = Client()
    page.force_login(analyst)
    shown = page.get(reverse("prevention-reached"), {"year": REPORT_YEAR.value})
    assert f'id="kpi-total">{summary.total}<' in shown.content.decode()
    # No period in the future, none spanning two years, each count within its bound.
    today = demo["today"]
    assert not Reach.objects.filter(period_end__gte=today).exists()
    for start, end in Reach.objects.values_list("period_start", "period_end"):
        assert start.year == end.year and start <= end


def test_the_social_map_covers_every_sector_with_places_inside_it(demo: dict[str, Any]) -> None:
    sectors = demo["sectors"]
    assert SectorPopulation.objects.values("sector").distinct().count() == len(sectors)
    for row in SectorPopulation.objects.all():
        assert 1 <= row.households <= row.residents and row.is_demo
    places = list(Place.objects.all())
    assert places and all(p.is_demo for p in places)
    where = locator().locate(np.array([p.lat for p in places]), np.array([p.lon for p in places]))
    assert list(where.district_ids) == [p.district_id for p in places]
    assert {p.kind.code for p in places} >= {"school", "licensed_premises", "transport_stop"}


def test_every_demo_school_has_an_officer_of_its_district_one_at_a_time(
    demo: dict[str, Any],
) -> None:
    today = demo["today"]
    schools = Place.objects.filter(kind__code="school")
    for school in schools:
        rows = list(school.assignments.select_related("officer__unit").order_by("starts_on"))
        open_rows = [a for a in rows if a.ends_on is None]
        assert len(open_rows) == 1 and open_rows[0].starts_on <= today
        for a in rows:
            assert a.officer.unit.district_id == school.district_id
        for before, after in itertools.pairwise(rows):
            assert before.ends_on is not None and before.ends_on < after.starts_on
    assert Programme.objects.filter(school__isnull=False).exists()


def test_the_demo_rebuilds_the_same_and_is_removed(demo: dict[str, Any]) -> None:
    first = sorted(
        Reach.objects.values_list("programme__name", "period_start", "age_band", "sex", "children")
    )
    demo_social_map.delete()
    for model in (Place, SectorPopulation, SchoolAssignment, Programme, Reach):
        assert not model.objects.exists(), model
    assert not Partner.objects.filter(name__startswith="Демо:").exists()
    demo_social_map.build(SEED, demo["sectors"], demo["today"])
    again = sorted(
        Reach.objects.values_list("programme__name", "period_start", "age_band", "sex", "children")
    )
    assert again == first
