"""A real headless Chromium opens the hot-spot map and the forecast and sees them drawn.

Same set-up as tests/web/test_browser_drilldown.py (Debian's /usr/bin/chromium through
Playwright, pytest-django's live server); skipped only when that Chromium is not installed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from senim.core.models import User
from tests.analysis.conftest import LayOffences, Spot, local
from tests.web.test_browser_drilldown import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_an_analyst_sees_the_hot_spot_map_and_the_forecast_drawn(
    page: Any, live_server: Any, lay_offences: LayOffences
) -> None:
    rng = np.random.default_rng(5)
    spots: list[Spot] = []
    for week in range(16):
        monday = dt.date(2025, 2, 3) + dt.timedelta(weeks=week)
        for k in range(6):
            day = monday + dt.timedelta(days=k)
            spots.append((43.25, 76.92, local(day.year, day.month, day.day, 21), {}))
            lat, lon = 43.25 + rng.uniform(-0.02, 0.02), 76.92 + rng.uniform(-0.03, 0.03)
            spots.append((lat, lon, local(day.year, day.month, day.day, 9), {}))
    lay_offences(spots)
    user = User(username="browser-analyst", role="national_analyst")
    user.set_password("secret-pass-1")
    user.save()

    page.goto(f"{live_server.url}/analytics/?area=KZ-TA-D1")
    assert "/login/" in page.url
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "secret-pass-1")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/analytics/?area=KZ-TA-D1")
    assert page.locator("nav.main-nav a[href='/analytics/'].is-active").count() == 1
    page.wait_for_selector("#hotspot-map[data-rendered=true] canvas")
    assert page.locator("#hot-spot-table tbody tr").count() >= 1
    # The default period is the 90 days up to the last offence: 13 weeks of 12 offences.
    assert "156 of 156 offences" in page.locator(".results__period").inner_text()

    # Changing a setting redraws the map in place (htmx) and keeps the address shareable.
    page.fill("input[name=cell_m]", "200")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**cell_m=200**")
    page.wait_for_selector("#hotspot-map[data-rendered=true] canvas")
    assert "Cells of 200 m" in page.locator("#results").inner_text()

    page.click(".analysis-tabs a:has-text('Forecast')")
    page.wait_for_url("**/analytics/forecast/**")
    page.wait_for_selector("#forecast-map[data-rendered=true] canvas")
    page.wait_for_selector("#chart-backtest[data-rendered=true] svg")
    assert page.locator("#model-chosen").inner_text().strip()
    accuracy = page.locator("#forecast-accuracy").inner_text()
    assert "PAI" in accuracy and "%" in accuracy
