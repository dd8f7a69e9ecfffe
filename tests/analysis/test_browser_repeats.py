"""A real headless Chromium: an analyst opens the repeats page from the analytics centre's tabs,
sees the repeat places and the Knox table, downloads the Knox CSV, and opens a repeat place's
records. Same set-up as tests/analysis/test_browser_analytics.py; skipped only when Debian's
Chromium is not installed. SENIM_SCREENSHOTS=<folder> keeps a screenshot of each page.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import pytest

from senim.core.models import User
from tests.analysis.repeats_fixture import lay_repeats
from tests.register.conftest import Territory
from tests.web.test_browser_drilldown import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("SENIM_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_an_analyst_sees_repeat_places_and_the_knox_table_and_downloads_the_csv(
    page: Any, live_server: Any, territory: Territory
) -> None:
    repeats = lay_repeats(territory)
    user = User(username="browser-repeats", role="national_analyst")
    user.set_password("secret-pass-1")
    user.save()

    page.goto(f"{live_server.url}/analytics/?area=KZ-TA-D1")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "secret-pass-1")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/analytics/?area=KZ-TA-D1")
    page.click(".analysis-tabs a:has-text('Repeats')")
    page.wait_for_url("**/analytics/repeats/?area=KZ-TA-D1")
    assert page.locator(".analysis-tabs__link.is-active").inner_text() == "Repeats"

    # The default period is the year up to the last offence: the whole of March 2025.
    places = page.locator("#repeat-places-table tbody tr")
    assert places.count() == 2
    assert places.nth(0).locator("td").nth(0).inner_text() == "4"
    assert page.locator("#kpi-places").inner_text() == "2"
    knox = page.locator("#knox-table")
    assert knox.locator("tbody tr").count() == 4 and knox.locator("thead th").count() == 5
    assert "0–7" in knox.locator("thead").inner_text()
    assert "Who they are is shown only to roles" in page.locator("#repeat-victims").inner_text()
    _shot(page, "repeats")

    # Narrower bands through the form: the table is redrawn in place and the address kept.
    page.fill("input[name=space_m]", "0, 50, 500")
    page.fill("input[name=time_days]", "0, 7, 14")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**space_m=**")
    page.wait_for_function("document.querySelectorAll('#knox-table tbody tr').length === 2")
    first_cell = page.locator("#knox-table tbody tr").nth(0).locator("td").nth(0)
    assert "4 / " in first_cell.inner_text()  # place A: four pairs under a week apart

    with page.expect_download() as download_info:
        page.click("#knox-csv")
    download = download_info.value
    assert download.suggested_filename.startswith("senim-repeats-knox-KZ-TA-D1-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Distance from, m" and len(rows) == 1 + 2 * 2
    assert rows[1][:5] == ["0", "50", "0", "7", "4"]

    # A repeat place opens with its records, each linked to the register's record page.
    page.click("#repeat-places-table tbody tr:first-child a")
    page.wait_for_url(f"**/analytics/repeats/places/{repeats.place_a_key}/**")
    assert page.locator("h1").inner_text() == "Repeat place No. 1"
    links = page.locator("#repeat-offences-table tbody a")
    assert links.count() == 4
    _shot(page, "repeat-place")
    links.first.click()
    page.wait_for_url("**/register/offences/*/")
    assert repeats.place_a[-1].external_id in page.locator("h1").inner_text()
