"""A real headless Chromium: an analyst finds an offence by its source number and opens it.

Same launch pattern as tests/web/test_browser_drilldown.py: Debian's /usr/bin/chromium through
Playwright's sync API against pytest-django's live server; skipped only without that Chromium.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.web.test_browser_drilldown import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def _offences() -> Any:
    """Three offences in Almaty's Almaly district; the one to find is neither first nor last."""
    from senim.core.models import District
    from senim.register.models import Article, Offence

    almaly = District.objects.select_related("region").get(code="KZ-75-ALMALY")
    theft = Article.objects.get(code="UK-188")
    when = dt.datetime(2025, 5, 10, 6, 30, tzinfo=dt.UTC)
    made = [
        Offence.objects.create(
            source_system="erdr",
            external_id=f"25-7500-{n:04d}",
            kind="crime",
            article=theft,
            occurred_at=when - dt.timedelta(hours=n + 2),
            registered_at=when - dt.timedelta(hours=n),
            place_type="street",
            status="registered",
            region=almaly.region,
            district=almaly,
            lat=43.2567,
            lon=76.9286,
        )
        for n in range(3)
    ]
    return made[1]


def test_an_analyst_finds_an_offence_by_its_source_number_and_opens_it(
    page: Any, live_server: Any
) -> None:
    from tests.register.test_indicators import make_user

    wanted = _offences()
    user = make_user("national_analyst")

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "secret-pass-1")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/indicators/")

    # The Register is the first entry of the menu; it opens on appeals.
    page.click(".main-nav a.main-nav__link >> nth=0")
    page.wait_for_url(f"{live_server.url}/register/appeals/")
    page.click(".register-tabs a[href='/register/offences/']")
    page.wait_for_url(f"{live_server.url}/register/offences/")
    assert page.locator("#register-table tbody tr").count() == 3

    # The search swaps the results in place and keeps the address shareable.
    page.fill("input[name=external_id]", f"  {wanted.external_id} ")
    page.click(".filters button[type=submit]")
    page.wait_for_url(f"**/register/offences/?external_id=*{wanted.external_id}*")
    page.wait_for_function("document.querySelectorAll('#register-table tbody tr').length === 1")
    row = page.locator("#register-table tbody tr")
    assert row.get_attribute("data-id") == str(wanted.pk)
    assert "UK-188" in row.inner_text()

    row.locator("a.record").click()
    page.wait_for_url(f"{live_server.url}/register/offences/{wanted.pk}/")
    assert "UK-188" in page.locator("#record-article").inner_text()
    # The map is drawn from the GeoJSON: the region's outline and the point, as SVG.
    page.wait_for_selector("#record-map[data-rendered=true] svg path")
    assert page.locator("#record-map svg path").count() >= 2
    assert "43.25670" in page.locator("#record-coordinates").inner_text()
