"""A district duty officer works a call in a real headless Chromium, start to finish.

The call appears in the open queue without a reload (htmx polling), is graded, a suggested unit
is dispatched, arrives and the call is closed: its clock stops. A second call left alone gets
exactly one warning and one breach alert, and the oblast's and the Centre's queues show it too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from senim.ops import alerts, services
from senim.ops.intake import intake
from senim.ops.models import CallAlert, PatrolUnit
from senim.register.models import Appeal
from tests.ops.conftest import World, make_unit
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
    page.wait_for_url(f"{base}/ops/**")


def test_a_duty_officer_works_a_call_and_a_neglected_call_raises_its_alerts(
    page: Any, live_server: Any, world: World
) -> None:
    base = live_server.url
    make_unit(world.d1, "A-01", dlat=0.002)
    make_unit(world.d1, "A-02", dlat=0.03)
    neglected = intake(
        user=world.centre,
        rows=[
            {
                "source_system": "102",
                "external_id": "LEFT-ALONE",
                "channel": "call_102",
                "category": "public_order",
                "lat": world.d1.lat + 0.01,
                "lon": world.d1.lon,
                "received_at": (timezone.now() - dt.timedelta(minutes=16)).isoformat(),
            }
        ],
    )[0].id
    services.grade_call(user=world.duty, pk=neglected, grade="urgent")  # 20 minutes

    _sign_in(page, base, world.duty.username)
    assert page.url.rstrip("/").endswith("/ops")  # a duty officer lands on the queue
    page.wait_for_selector("#queue-table")
    page.evaluate("window.__notReloaded = true")

    # A call comes in while the officer looks at the queue.
    new_id = intake(
        user=world.centre,
        rows=[
            {
                "source_system": "102",
                "external_id": "NEW-CALL",
                "channel": "call_102",
                "category": "domestic_conflict",
                "lat": world.d1.lat,
                "lon": world.d1.lon,
            }
        ],
    )[0].id
    page.wait_for_selector(f"tr[data-call='{new_id}']", timeout=20_000)
    assert page.evaluate("window.__notReloaded") is True

    page.click(f"tr[data-call='{new_id}'] a")
    page.wait_for_url(f"{base}/ops/calls/{new_id}/")
    page.select_option("#form-grade select[name=grade]", "emergency")
    page.click("#form-grade button[type=submit]")
    page.wait_for_selector("#form-dispatch")
    assert page.locator("#form-dispatch input[name=unit]").count() == 2
    assert "A-01" in page.locator("#form-dispatch label").first.inner_text()  # nearest first
    page.click("#form-dispatch button[type=submit]")
    page.wait_for_selector("#btn-on-scene")
    assert "A-01" in page.inner_text("#call-unit")
    page.click("#btn-on-scene")
    page.wait_for_selector("#form-close")
    page.select_option("#form-close select[name=outcome]", "help_given")
    page.click("#form-close button[type=submit]")
    page.wait_for_selector("#call-status[data-status=closed]")
    assert page.locator("time.clock.clock--met").count() == 1  # the clock stopped within target
    timeline = page.inner_text("#timeline")
    for step in ("received", "graded", "unit dispatched", "unit on scene", "closed"):
        assert step in timeline
    call = Appeal.objects.get(pk=new_id)
    assert call.status == "closed" and call.arrived_at is not None
    assert PatrolUnit.objects.get(call_sign="A-01").status == "available"

    # The neglected call: one warning now, one breach when its 20 minutes are past, never more.
    alerts.run()
    alerts.run(timezone.now() + dt.timedelta(minutes=5))
    alerts.run(timezone.now() + dt.timedelta(minutes=10))
    assert sorted(
        CallAlert.objects.filter(appeal_id=neglected).values_list("stage", flat=True)
    ) == ["breach", "warning"]
    page.goto(f"{base}/ops/")
    items = page.locator(".ops-alert-list li", has_text="LEFT-ALONE")
    assert items.count() == 2

    for level_user in (world.oblast, world.centre):
        page.click("form.logout-form button[type=submit]")
        _sign_in(page, base, level_user.username)
        page.wait_for_selector("#queue-table")
        assert page.locator(f"tr[data-call='{neglected}']").count() == 1
        assert page.locator(f"tr[data-call='{new_id}']").count() == 0  # closed: off the queue
