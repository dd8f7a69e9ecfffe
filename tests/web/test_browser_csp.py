"""The Content-Security-Policy holds in a real browser, and the pages pass it.

The shared `page` fixture fails any test whose page breaks the policy (the browser reports each
refusal as a console error), so every browser test of the suite checks its pages against it. Here:
the browser really enforces the policy Senim sends (an injected inline script does not run), and
the selects that used to carry inline `onchange=` handlers still work through static/js/senim.js.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.portal.conftest import open_dir  # noqa: F401 - the portal's fixture
from tests.web.test_browser_drilldown import (  # noqa: F401 - the shared browser fixtures
    ARGS,
    CHROMIUM,
    audit_log_flushable,
    page,
    static_from_the_project,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_the_browser_refuses_an_inline_script_on_a_senim_page(
    audit_log_flushable: None,  # noqa: F811 - the live server's flush on PostgreSQL
    live_server: Any,
    static_from_the_project: None,  # noqa: F811
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS, headless=True
        )
        try:
            tab = browser.new_page()
            refusals: list[str] = []
            tab.on(
                "console",
                lambda m: refusals.append(m.text) if "Content Security Policy" in m.text else None,
            )
            response = tab.goto(f"{live_server.url}/login/")
            assert response is not None
            assert "script-src 'self'" in response.headers["content-security-policy"]
            tab.evaluate(
                """() => {
                  const s = document.createElement('script');
                  s.textContent = 'window.__inline_ran = true';
                  document.body.appendChild(s);
                  const b = document.createElement('button');
                  b.setAttribute('onclick', 'window.__handler_ran = true');
                  document.body.appendChild(b);
                  b.click();
                }"""
            )
            assert tab.evaluate("window.__inline_ran === undefined")
            assert tab.evaluate("window.__handler_ran === undefined")
            assert len(refusals) >= 2
        finally:
            browser.close()


def test_the_portals_selects_work_without_inline_handlers(
    page: Any,  # noqa: F811
    live_server: Any,
    open_dir: Path,  # noqa: F811
) -> None:
    from senim.portal import open_data
    from tests.portal.conftest import lay, small_world

    lay(small_world())
    open_data.build()

    page.goto(f"{live_server.url}/open/")
    years = page.locator("select[name=year] option").evaluate_all("os => os.map(o => o.value)")
    chosen = page.locator("select[name=year]").input_value()
    other = next(y for y in years if y != chosen)
    page.select_option("select[name=year]", other)  # data-autosubmit
    page.wait_for_url(f"**/open/?year={other}")

    page.goto(f"{live_server.url}/open/data/")
    page.select_option("select[name=region]", "KZ-75")
    page.wait_for_url("**/open/data/?region=KZ-75")

    page.goto(f"{live_server.url}/open/reports/KZ-75-ALMALY/")
    months = page.locator("select[name=month] option").evaluate_all("os => os.map(o => o.value)")
    current = page.locator("select[name=month]").input_value()
    earlier = next(m for m in months if m != current)
    page.select_option("select[name=month]", earlier)  # data-navigate="../{}/"
    page.wait_for_url(f"**/open/reports/KZ-75-ALMALY/{earlier}/")
