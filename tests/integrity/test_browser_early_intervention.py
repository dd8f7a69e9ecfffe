"""A unit commander works early intervention in a real headless Chromium: signs in and lands on
the flagged officers, opens one, reads the reasons beside the peers' figures, tries to record
"no action" without saying why (refused, nothing stored), records a talk; the officer's own
account cannot open any of it.

With SENIM_DOC_SCREENSHOTS=1 the screenshots of docs/integrity.md are written to docs/img/.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from senim.integrity import demo_data
from senim.integrity.models import Intervention, RiskFlag
from tests.integrity.conftest import Staff
from tests.web.test_browser_drilldown import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def _shot(page: Any, tmp_path: Path, name: str) -> None:
    folder = DOCS_IMG if os.environ.get("SENIM_DOC_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"integrity-{name}.png"), full_page=True)


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "secret-pass-1")
    page.click("form.form button[type=submit]")


def test_a_commander_reads_the_reasons_and_records_an_intervention(
    page: Any, live_server: Any, staff: Staff, tmp_path: Path
) -> None:
    demo_data.build(seed=5, years=[], size=400)
    flag = (
        RiskFlag.objects.filter(officer__region=staff.almaty, by_model=True)
        .order_by("-score")
        .first()
    )
    assert flag is not None
    badge = flag.officer.officer.badge_number
    base = live_server.url
    _sign_in(page, base, staff.supervisor.username)
    page.wait_for_url("**/integrity/early/")
    page.wait_for_selector("#flags")
    _shot(page, tmp_path, "flags")
    page.click(f"#flags >> text={badge}")
    page.wait_for_selector("#flag-reasons")
    reasons = page.inner_text("#flag-reasons").lower()
    assert "peers (median)" in reasons and "in the last" in reasons
    _shot(page, tmp_path, "flag")

    # "No action" needs its reason: refused by name, nothing stored.
    page.select_option("#decision-form select[name=kind]", "no_action")
    page.click("#decision-form button[type=submit]")
    page.wait_for_selector(".alert--error[data-field=reason]")
    assert not Intervention.objects.exists()
    page.select_option("#decision-form select[name=kind]", "talk")
    page.fill(
        "#decision-form [name=reason]", "Complaints above the unit's: a talk on de-escalation."
    )
    page.click("#decision-form button[type=submit]")
    page.wait_for_selector("#outcome-form")
    assert Intervention.objects.get().flag_id == flag.pk

    # The model's evaluation and fairness audit, one click away.
    page.click("text=How the ranking is judged")
    page.wait_for_selector("#model-fairness")
    assert "times the rules" in page.inner_text("#model-evaluation")
    _shot(page, tmp_path, "model")

    # The officer's own account: no menu item, and the pages refuse.
    page.click("form[action$='/logout/'] button") if page.locator(
        "form[action$='/logout/'] button"
    ).count() else page.goto(f"{base}/logout/")
    page.context.clear_cookies()
    _sign_in(page, base, staff.inspector.username)
    page.wait_for_load_state()
    assert page.locator("nav >> text=Integrity").count() == 0
    response = page.goto(f"{base}/integrity/early/{flag.pk}/")
    assert response is not None and response.status == 403
    assert badge not in page.content()
