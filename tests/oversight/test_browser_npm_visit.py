"""A real headless Chromium: an NPM monitor records a visit with a finding and a recommendation,
sees it counted in the region × agency matrix, records it implemented and sees that counted too.

Drives Debian's /usr/bin/chromium through Playwright against pytest-django's live server, with
the fixtures of tests/web/test_browser_drilldown.py; skipped only when that Chromium is missing.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.utils import timezone

from tests.oversight.conftest import World
from tests.web.test_browser_drilldown import (  # noqa: F401 (fixtures)
    CHROMIUM,
    audit_log_flushable,
    page,
    static_from_the_project,
)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_a_monitor_records_a_visit_and_sees_it_counted_in_the_matrix(
    page: Any,  # noqa: F811
    live_server: Any,
    world: World,
) -> None:
    world.monitor_a.set_password("secret-pass-1")
    world.monitor_a.save()
    today = timezone.localdate()

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", world.monitor_a.username)
    page.fill("input[name=password]", "secret-pass-1")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/oversight/visits/new/")
    page.select_option("select[name=institution]", str(world.ivs_a.pk))
    assert page.is_checked(
        f"input[name=team][value='{world.member_a.pk}']"
    )  # the monitor's own term
    page.check(f"input[name=team][value='{world.member_a2.pk}']")
    page.fill("input[name=value_living_space]", "2.1")
    page.select_option("select[name=result_food]", "compliant")
    page.fill("textarea[name=finding_0_text]", "Cell 4: 2.1 m² per person")
    page.select_option("select[name=finding_0_item]", "living_space")
    page.fill("textarea[name=rec_0_text]", "Move two detainees out of cell 4")
    page.fill("input[name=rec_0_due_on]", (today + dt.timedelta(days=30)).isoformat())
    page.click("#visit-form button[type=submit]")
    page.wait_for_url("**/oversight/visits/*/")

    checklist = page.locator("#checklist").inner_text()
    assert "Violation" in checklist or "violation" in checklist
    assert "Cell 4: 2.1 m² per person" in page.locator("#findings").inner_text()
    assert "Move two detainees out of cell 4" in page.locator("#recommendations").inner_text()

    page.goto(f"{live_server.url}/oversight/matrix/?year={today.year}")
    total = page.locator("#matrix-total")
    assert (total.get_attribute("data-sent"), total.get_attribute("data-implemented")) == ("1", "0")
    row = page.locator("#matrix tr[data-region='KZ-TA']")
    assert "1 / 0" in row.inner_text()

    # The agency reports back: the monitor records the recommendation implemented.
    page.goto(f"{live_server.url}/oversight/")
    page.click("#visits a")
    page.select_option("#recommendations select[name=status]", "implemented")
    page.click("#recommendations form.npm-inline button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/oversight/matrix/?year={today.year}")
    assert page.locator("#matrix-total").get_attribute("data-implemented") == "1"
    assert "100%" in page.locator("#matrix tr[data-region='KZ-TA']").inner_text()
