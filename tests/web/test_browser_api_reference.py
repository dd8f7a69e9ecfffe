"""A real headless Chromium: the API reference (/api/docs) draws itself from vendored files only,
for a signed-in user, with no request leaving the server (a closed network shows no white page).

Uses the fixtures of tests/web/test_browser_drilldown.py; skipped only when Chromium is missing.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import pytest

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


def test_a_signed_in_user_reads_the_api_reference_served_from_this_server(
    page: Any,  # noqa: F811
    live_server: Any,
) -> None:
    from senim.core.models import User

    User.objects.create_user("reader", password="a long passphrase 1", role="national_analyst")
    hosts: set[str] = set()
    # Building the whole description and drawing a few hundred operations is slow on a busy CI
    # machine; the page's default 15 s is for ordinary pages.
    page.set_default_timeout(60_000)
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    page.goto(f"{live_server.url}/api/docs")
    assert "/login/" in page.url  # anonymous: sent to sign in first
    page.fill("input[name=username]", "reader")
    page.fill("input[name=password]", "a long passphrase 1")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/api/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Senim API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag-section")
    assert page.locator(".opblock").count() > 20  # the operations are listed
    assert page.locator(".auth-wrapper .authorize").count() == 1  # security schemes declared
    assert hosts == {urlsplit(live_server.url).netloc}, hosts
