"""A prosecutor signs in with a real headless Chromium, opens the custody board and sees the
overdue record of their region (and not the other region's), with the alert that was sent.

Uses the browser fixtures of tests/web via conftest (Debian's /usr/bin/chromium, no download).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from senim.core.models import District, Facility, FacilityKind, Person, Region, User
from senim.safeguards.models import CustodyRecord
from senim.safeguards.services import alerts
from tests.web.test_browser_drilldown import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def _custody(
    region: Region, external_id: str, hours_ago: float, *, minor: bool = False
) -> CustodyRecord:
    district = District.objects.filter(region=region).order_by("code").first()
    facility = Facility.objects.create(
        name=f"IVS {region.iso}",
        kind=FacilityKind.objects.get(code="ivs"),
        region=region,
        district=district,
    )
    detained = timezone.now() - dt.timedelta(hours=hours_ago)
    return CustodyRecord.objects.create(
        source_system="browser",
        external_id=external_id,
        person=Person.objects.create(birth_date=dt.date(2009 if minor else 1990, 1, 1)),
        is_minor=minor,
        facility=facility,
        region=region,
        district=district,
        detained_at=detained,
        recorded_at=detained + dt.timedelta(minutes=20),
        prosecutor_notified_at=detained + dt.timedelta(hours=2),
        prosecutor_notice_in_writing=True,
    )


def test_a_prosecutor_opens_the_custody_board_and_sees_the_overdue_record(
    page: Any, live_server: Any
) -> None:
    almaty, astana = Region.objects.get(iso="KZ-75"), Region.objects.get(iso="KZ-71")
    _custody(almaty, "ALM-OVERDUE", 26, minor=True)  # a minor held past 24 hours
    _custody(almaty, "ALM-FRESH", 2)
    _custody(astana, "AST-OVERDUE", 60)
    alerts.run()
    user = User(
        username="prosecutor-almaty", role="prosecutor", region=almaty, email="p@prokuror.kz"
    )
    user.set_password("secret-pass-1")
    user.save()

    page.goto(f"{live_server.url}/safeguards/")
    assert "/login/" in page.url
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "secret-pass-1")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/safeguards/")

    overdue = page.locator("#custody-open tr[data-record='ALM-OVERDUE']")
    assert overdue.get_attribute("data-state") == "breached"
    assert overdue.is_visible()
    assert (
        page.locator("#custody-open tr[data-record='ALM-FRESH']").get_attribute("data-state")
        == "ok"
    )
    assert page.locator("#custody-open tbody tr").count() == 2
    assert "AST-OVERDUE" not in page.content()
    assert page.locator("#kpi-breached").inner_text() == "1"
    assert "ALM-OVERDUE" in page.locator("#custody-alerts").inner_text()

    # The same board in Russian, by the language switch in the header.
    page.click("button.lang-switch__btn[value=ru]")
    page.wait_for_load_state()
    assert "Табло задержаний" in page.locator("h1").inner_text()
    assert (
        page.locator("#custody-open tr[data-record='ALM-OVERDUE']").get_attribute("data-state")
        == "breached"
    )
