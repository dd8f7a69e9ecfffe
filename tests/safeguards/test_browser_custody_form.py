"""A duty officer records a detention in a real headless Chromium: from the custody board's
"New detention record" button, a record drawn up before the detention is refused with the
message under the field and nothing stored; corrected, it is saved and shows on the board.

Uses the browser fixtures of tests/web via conftest (Debian's /usr/bin/chromium, no download).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from senim.core.models import District, Facility, FacilityKind, Region, User
from senim.safeguards.models import CustodyRecord
from tests.web.test_browser_drilldown import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_a_duty_officer_records_a_detention_after_fixing_the_refused_time(
    page: Any, live_server: Any
) -> None:
    almaty = Region.objects.get(iso="KZ-75")
    district = District.objects.filter(region=almaty).order_by("code").first()
    facility = Facility.objects.create(
        name="IVS Almaty browser",
        kind=FacilityKind.objects.get(code="ivs"),
        region=almaty,
        district=district,
    )
    user = User(username="duty-almaty", role="duty_officer", region=almaty, district=district)
    user.set_password("secret-pass-1")
    user.save()

    page.goto(f"{live_server.url}/login/?next=/safeguards/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "secret-pass-1")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/safeguards/")
    page.click("a[href='/safeguards/custody/new/']")
    page.wait_for_url("**/safeguards/custody/new/")

    detained = timezone.now() - dt.timedelta(hours=2)
    page.fill("#f-external_id", "ALM-IVS-0917")
    page.select_option("#f-facility_id", str(facility.pk))
    page.fill("#f-birth_date", "1990-05-01")
    page.fill("#f-detained_at", _local(detained))
    page.fill("#f-recorded_at", _local(detained - dt.timedelta(hours=1)))  # before the detention
    page.check("#f-lawyer_present")
    page.click("#safeguards-form button[type=submit]")

    message = page.locator(".sg-field[data-field='detained_at'] .sg-field__error")
    message.wait_for()
    assert message.is_visible()
    assert page.locator("#f-detained_at").get_attribute("aria-invalid") == "true"
    assert not CustodyRecord.objects.exists()
    # What was typed is still there.
    assert page.input_value("#f-external_id") == "ALM-IVS-0917"
    assert page.is_checked("#f-lawyer_present")

    page.fill("#f-recorded_at", _local(detained + dt.timedelta(minutes=30)))
    page.click("#safeguards-form button[type=submit]")
    page.wait_for_url("**/safeguards/?*")
    row = page.locator("#custody-open tr[data-record='ALM-IVS-0917']")
    assert row.is_visible()
    assert row.get_attribute("data-state") == "ok"
    assert page.locator("#sg-notice").is_visible()
    record = CustodyRecord.objects.get()
    assert record.lawyer_present and record.facility == facility
