"""A district inspector fills their sector's social map and a programme for juveniles in a real
headless Chromium: records residents and households, adds a school (a point in the next
district first: the error, nothing stored), sees it on the passport and its map, opens a
programme at the school and records the children it reached."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from senim.prevention.models import Place as MapPlace
from senim.prevention.models import Programme, Reach, SectorPopulation
from tests.prevention.conftest import Place
from tests.prevention.test_browser_inspector import _shot, _sign_in
from tests.web.test_browser_drilldown import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_an_inspector_maps_the_sector_and_records_a_programmes_reach(
    page: Any, live_server: Any, place: Place, tmp_path: Any
) -> None:
    base = live_server.url
    _sign_in(page, base, place.inspector.username)
    page.wait_for_url(f"**/prevention/sectors/{place.s1.code}/")
    page.wait_for_selector("#prevention-map[data-rendered=true]")

    page.click("text=Record residents and households")
    page.fill("[name=residents]", "8200")
    page.fill("[name=households]", "2900")
    page.fill("[name=as_of]", (timezone.localdate() - dt.timedelta(days=3)).isoformat())
    page.select_option("select[name=source]", "round")
    page.click("#population-form button[type=submit]")
    page.wait_for_selector("#kpi-residents")
    assert page.inner_text("#kpi-residents") == "8200"
    assert SectorPopulation.objects.get().source == "round"

    page.click("#social-map >> text=Add a place")
    page.select_option("select[name=kind]", "school")
    page.fill("[name=name]", "School No. 7")
    page.fill("[name=address]", "1 Abai avenue")
    page.fill("[name=lat]", f"{place.d2.lat:.6f}")
    page.fill("[name=lon]", f"{place.d2.lon:.6f}")
    page.click("#place-form button[type=submit]")
    page.wait_for_selector(".alert--error[data-field=lat]")
    assert not MapPlace.objects.exists()
    assert page.input_value("[name=name]") == "School No. 7"
    page.fill("[name=lat]", f"{place.d1.lat + 0.001:.6f}")
    page.fill("[name=lon]", f"{place.d1.lon:.6f}")
    page.click("#place-form button[type=submit]")
    page.wait_for_selector("#assign-form")
    school = MapPlace.objects.get()

    page.goto(f"{base}/prevention/sectors/{place.s1.code}/")
    page.wait_for_selector("#prevention-map[data-rendered=true]")
    assert "School No. 7" in page.inner_text("#sector-places")
    assert page.inner_text("#kpi-places") == "1"
    _shot(page, tmp_path, "social-map")

    page.goto(f"{base}/prevention/juveniles/new/?school={school.pk}")
    page.fill("[name=name]", "Young inspectors' club")
    page.select_option("select[name=kind]", "mentoring")
    page.fill("[name=starts_on]", f"{timezone.localdate().year - 1}-09-01")
    page.click("#programme-form button[type=submit]")
    page.wait_for_selector("#reach-form")
    programme = Programme.objects.get()
    assert programme.school_id == school.pk
    year = timezone.localdate().year - 1
    page.fill("[name=period_start]", f"{year}-09-01")
    page.fill("[name=period_end]", f"{year}-12-25")
    page.select_option("select[name=age_band]", "11_14")
    page.fill("[name=children]", "35")
    page.click("#reach-form button[type=submit]")
    page.wait_for_selector("#kpi-reached")
    assert page.inner_text("#kpi-reached") == "35"
    _shot(page, tmp_path, "programme")
    assert Reach.objects.get().sex == "u"
