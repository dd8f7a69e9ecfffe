"""A real headless Chromium: a citizen whose browser asks for Kazakh opens the portal, switches to
Russian, opens Almaty and downloads its open data, without ever signing in.

Same set-up as tests/web/test_browser_drilldown.py (Debian's /usr/bin/chromium through
Playwright, pytest-django's live server); skipped only when that Chromium is not installed.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.web.page_walk import AXIS_START_JS, legend_classes
from tests.web.test_browser_drilldown import (  # noqa: F401 - fixtures shared with the register's browser test
    CHROMIUM,
    audit_log_flushable,
    page,
    static_from_the_project,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.kazakh_default,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def citizen(page: Any) -> Any:  # noqa: F811
    """A browser that asks for Kazakh, as a citizen's in Kazakhstan would (downloads accepted)."""
    page.set_extra_http_headers({"Accept-Language": "kk-KZ,kk;q=0.9"})
    return page


def test_a_citizen_reads_the_portal_in_kazakh_then_russian_and_downloads_a_regions_data(
    citizen: Any, live_server: Any, open_dir: Path
) -> None:
    from senim.portal import open_data
    from tests.portal.conftest import lay, small_world

    lay(small_world())
    open_data.build()
    tab = citizen

    tab.goto(f"{live_server.url}/open/")
    assert "/login/" not in tab.url
    assert tab.locator("h1").inner_text() == "Полиция жұмысының ашық көрсеткіштері"
    tab.wait_for_selector("#portal-map[data-rendered=true] svg path", state="attached")
    # The map's colour scale shows the numbers of its classes, not colours alone.
    classes = legend_classes(tab, "portal-map")
    assert len(classes) == 4 and all(any(ch.isdigit() for ch in c) for c in classes), classes
    for text in classes:
        assert tab.locator("#portal-map svg text", has_text=text).count() >= 1, text
    assert tab.locator("#kpi-table tbody tr").count() == 20

    tab.click("button.lang-switch__btn[value=ru]")
    tab.wait_for_function("document.querySelector('h1').innerText.includes('Открытые показатели')")
    assert tab.locator("h1").inner_text() == "Открытые показатели работы полиции"

    tab.click("#kpi-table a[href='/open/regions/KZ-75/']")
    tab.wait_for_url("**/open/regions/KZ-75/")
    assert tab.locator("h1").inner_text() == "Алматы"
    tab.wait_for_selector("#trend-crime[data-rendered=true] svg path", state="attached")
    # A share's trend starts its axis at zero; a rate's may start nearer its values.
    assert tab.evaluate(AXIS_START_JS, "trend-solved") == 0
    assert tab.evaluate(AXIS_START_JS, "trend-npm") == 0
    assert "Уголовные правонарушения на 100 000 жителей" in tab.locator("#kpi-cards").inner_text()

    link = tab.locator("#open-data a[data-format=csv][href$='offences-KZ-75-2025.csv']")
    with tab.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "offences-KZ-75-2025.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0] == [
        "month",
        "region",
        "district",
        "cell_id",
        "cell_lat",
        "cell_lon",
        "category",
        "count",
    ]
    assert len(rows) >= 2 and all(row[1] == "KZ-75" and int(row[7]) >= 3 for row in rows[1:])
