"""The psychologist works staff welfare in a real headless Chromium: lands on the reminders,
opens an officer due for screening, enters a score out of range (refused by its field, nothing
stored), then a high one, which is flagged for follow-up; a unit commander sees rest and
rotation only and cannot open the welfare record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from senim.integrity.models import Screening
from tests.integrity.conftest import Staff
from tests.web.test_browser_drilldown import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "secret-pass-1")
    page.click("form.form button[type=submit]")


def test_the_psychologist_records_a_screening_and_the_commander_cannot_see_it(
    page: Any, live_server: Any, staff: Staff, tmp_path: Path
) -> None:
    base = live_server.url
    _sign_in(page, base, staff.psychologist.username)
    page.wait_for_url("**/integrity/welfare/")
    assert "no screening in the last twelve months" in page.inner_text("#reminders")
    page.click("#reminders >> text=T-00001")
    page.wait_for_selector("#screening-form")
    page.fill("#screening-form [name=score]", "95")
    page.click("#screening-form button[type=submit]")
    page.wait_for_selector(".alert--error[data-field=score]")
    assert not Screening.objects.exists()
    page.fill("#screening-form [name=score]", "44")
    page.click("#screening-form button[type=submit]")
    page.wait_for_selector("#screenings >> text=44")
    assert "follow-up" in page.inner_text("#screenings")
    assert Screening.objects.get().score == 44

    page.context.clear_cookies()
    _sign_in(page, base, staff.supervisor.username)
    page.wait_for_url("**/integrity/early/")
    page.goto(f"{base}/integrity/welfare/")
    page.wait_for_selector("#welfare-thresholds")
    assert "PCL-5" not in page.content() and "screening" not in page.inner_text("#welfare-filters")
    response = page.goto(f"{base}/integrity/welfare/T-00001/")
    assert response is not None and response.status == 403
    assert "44" not in page.inner_text("body")
