"""Recommendations by region for the public portal: sent in a year and implemented of them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from senim.oversight import services, tables
from senim.oversight.models import Recommendation
from tests.oversight.conftest import RecordVisit, World

pytestmark = pytest.mark.django_db


def test_recommendations_by_region_counts_the_year_sent_and_implemented(
    world: World, record_visit: RecordVisit
) -> None:
    today = timezone.localdate()
    visit = record_visit(
        recommendations=[
            services.RecommendationIn("Hot water", today + dt.timedelta(days=5)),
            services.RecommendationIn("Terminal", today + dt.timedelta(days=9)),
            services.RecommendationIn("Doctor", today + dt.timedelta(days=9), agency="health"),
        ]
    )
    first, _second, third = visit.recommendations.order_by("pk")
    services.change_status(user=world.monitor_a, recommendation_id=first.pk, status="implemented")
    # Sent on fixed days, so the test does not depend on the day it runs.
    Recommendation.objects.update(sent_on=dt.date(2025, 3, 1))
    Recommendation.objects.filter(pk=third.pk).update(sent_on=dt.date(2024, 12, 31))
    got = tables.recommendations_by_region(year=2025)
    assert got == {world.ivs_a.facility.region_id: tables.Cell(sent=2, implemented=1)}
    assert tables.recommendations_by_region(year=2024) == {
        world.ivs_a.facility.region_id: tables.Cell(sent=1, implemented=0)
    }
    matrix = tables.recommendation_matrix(user=world.council_user, year=2025)
    assert (
        next(r for r in matrix.rows if r.region.iso == "KZ-TA").total
        == got[world.ivs_a.facility.region_id]
    )
