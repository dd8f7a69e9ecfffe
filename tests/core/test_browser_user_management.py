# ruff: noqa: F811 (pytest fixtures imported from the browser tests and named as arguments)
"""An administrator, in a real headless Chromium, opens Users from the menu, tries to create a
district inspector without a sector (refused by the field, nothing stored), gives the sector,
reads the one-time password once, and the new inspector signs in with it.

Uses the browser fixtures of tests/web (Debian's /usr/bin/chromium, no download).
"""

from __future__ import annotations

from typing import Any

import pytest

from senim.core.models import District, Region, Sector, User
from tests.web.test_browser_drilldown import (  # noqa: F401 (the browser tests' fixtures)
    CHROMIUM,
    audit_log_flushable,
    page,
    static_from_the_project,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def _sign_in(page: Any, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")


def test_an_administrator_creates_an_inspector_after_the_sector_is_given(
    page: Any, live_server: Any
) -> None:
    almaty = Region.objects.get(iso="KZ-75")
    district = District.objects.filter(region=almaty).order_by("code").first()
    assert district is not None
    sector = Sector.objects.create(
        district=district, code=f"{district.code}-B01", number=901, lat=43.2, lon=76.9
    )
    admin = User(username="admin-browser", role="administrator")
    admin.set_password("Admin-Pass-4821")
    admin.save()

    _sign_in(page, live_server.url, admin.username, "Admin-Pass-4821")
    page.wait_for_load_state()
    page.click("a[href='/users/']")
    page.wait_for_url("**/users/")
    page.click("a[href='/users/new/']")
    page.wait_for_url("**/users/new/")
    page.fill("#f-username", "inspector-browser")
    page.select_option("#f-role", "district_inspector")
    page.select_option("#f-district", district.code)
    page.click("#user-form button[type=submit]")

    message = page.locator(".users-field[data-field='sector'] .users-field__error")
    message.wait_for()
    assert message.is_visible()
    assert not User.objects.filter(username="inspector-browser").exists()
    assert page.input_value("#f-username") == "inspector-browser"

    page.fill("#f-sector", "901")
    page.click("#user-form button[type=submit]")
    shown = page.locator("#one-time-password")
    shown.wait_for()
    password = shown.inner_text().strip()
    created = User.objects.get(username="inspector-browser")
    assert created.sector == sector and created.region == almaty
    assert created.check_password(password)

    page.context.clear_cookies()
    _sign_in(page, live_server.url, "inspector-browser", password)
    page.wait_for_url("**/prevention/**")
