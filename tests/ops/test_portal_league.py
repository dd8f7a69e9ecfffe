"""The portal publishes the Centre's 102 league table: the same figures as the operational
centre's page, for the last 30 whole days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from senim.ops import centre, services
from senim.ops.selectors import Level
from senim.portal import kpis
from senim.portal.open_data import build
from tests.ops.conftest import World, make_unit


def test_the_portal_shows_the_same_league_as_the_centre(world: World, send_call: Any) -> None:
    unit = make_unit(world.d1, "A-01")
    t0 = timezone.now() - dt.timedelta(days=2)
    call = send_call(received_at=t0)
    services.grade_call(user=world.duty, pk=call.pk, grade="emergency", now=t0)
    services.dispatch(
        user=world.duty, pk=call.pk, unit_id=unit.pk, now=t0 + dt.timedelta(minutes=1)
    )
    services.on_scene(user=world.duty, pk=call.pk, now=t0 + dt.timedelta(minutes=7))
    today = timezone.localdate()
    league = kpis.response_league(today)
    almaty = next(r for r in league["rows"] if r["iso"] == "KZ-75")
    assert (almaty["n"], almaty["within"], almaty["share"], almaty["median_min"]) == (
        1,
        1,
        100.0,
        7.0,
    )
    period = centre.Period(
        centre.local_midnight(today - dt.timedelta(days=30)), centre.local_midnight(today)
    )
    same = {r.code: r.attendance.n for r in centre.league(Level("national"), period)}
    assert same["KZ-75"] == almaty["n"] and league["rows"][0]["iso"] == "KZ-75"

    build()  # into the test's open-data folder (tests/conftest.py)
    page = Client().get("/open/").content.decode()
    assert 'id="league-table"' in page and '<tr data-region="KZ-75">' in page
