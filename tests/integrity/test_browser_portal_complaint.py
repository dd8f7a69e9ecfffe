"""A citizen whose browser asks for Kazakh complains about an officer on the portal in a real
headless Chromium: a bad contact is refused by its field, the complaint is then received with a
reference and code, and following it shows its stage; internal security finds it in the queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from senim.integrity.models import PortalComplaint
from tests.integrity.conftest import Staff
from tests.web.test_browser_drilldown import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_a_citizen_complains_in_kazakh_and_follows_the_complaint(
    page: Any, live_server: Any, staff: Staff
) -> None:
    page.set_extra_http_headers({"Accept-Language": "kk-KZ,kk;q=0.9"})
    page.goto(f"{live_server.url}/open/complaint/")
    assert page.locator("h1").inner_text() == "Полиция қызметкеріне шағым беру"
    form = "#complaint-form"
    page.select_option(f"{form} [name=kind]", "rudeness")
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    page.fill(f"{form} [name=happened_on]", day)
    page.select_option(f"{form} [name=region]", str(staff.almaty.pk))
    page.select_option(f"{form} [name=district]", str(staff.d1.pk))
    page.fill(
        f"{form} [name=summary]",
        "Учаскелік инспектор менімен дөрекі сөйлесті, өтінішімді қабылдамады.",
    )
    page.fill(f"{form} [name=complainant_name]", "Айгерім С.")
    page.fill(f"{form} [name=complainant_contact]", "жоқ")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector(".alert--error[data-field=complainant_contact]")
    assert "телефон нөмірін" in page.inner_text("#complaint-error")
    assert not PortalComplaint.objects.exists()

    page.fill(f"{form} [name=complainant_contact]", "+7 701 555 12 34")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("#complaint-receipt")
    reference = page.inner_text("#receipt-reference").strip()
    code = page.inner_text("#receipt-code").strip()
    assert PortalComplaint.objects.get().reference == reference

    page.click("#complaint-receipt a")
    page.fill("#status-form [name=reference]", reference)
    page.fill("#status-form [name=code]", code)
    page.click("#status-form button[type=submit]")
    page.wait_for_selector("#complaint-progress")
    assert page.inner_text("#progress-stage") == "тіркеуді күтуде"

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", staff.security.username)
    page.fill("input[name=password]", "secret-pass-1")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/integrity/complaints/portal/")
    assert reference in page.inner_text("#portal-queue")
