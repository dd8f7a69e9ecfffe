"""A real headless Chromium: on the visit form, typing in the search box narrows the institution
picker to the matching places (issue 16 item 11). Browser fixtures of tests/web."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.oversight.conftest import World, institution
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


def test_typing_narrows_the_institution_picker(
    page: Any,  # noqa: F811
    live_server: Any,
    world: World,
) -> None:
    for _ in range(30):
        institution("ivs", world.group_a.region)
    wanted = institution("colony", world.group_a.region)
    world.monitor_a.set_password("secret-pass-1")
    world.monitor_a.save()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", world.monitor_a.username)
    page.fill("input[name=password]", "secret-pass-1")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/oversight/visits/new/?group={world.group_a.pk}")
    visible = "s => Array.from(s.options).filter(o => o.value && !o.hidden).map(o => o.value)"
    assert len(page.eval_on_selector("#institution-picker", visible)) >= 32
    page.fill("#institution-search", wanted.code.lower())
    assert page.eval_on_selector("#institution-picker", visible) == [str(wanted.pk)]
    assert page.inner_text("#institution-count") == "1"
    page.fill("#institution-search", "")
    assert len(page.eval_on_selector("#institution-picker", visible)) >= 32
