"""No Russian on Kazakh or English pages (issue 16 item 9), judged in a real browser.

On a small synthetic demo (every app's demo data, as `senim demo` builds it), a headless Chromium
opens the open portal without signing in, then signs in as each main role and walks every menu
entry and, two links down inside each part, its tabs and one record page of each list — in Kazakh
and in English. Every text block the browser renders is judged by tests/web/russian_text.py
(media monitoring's own kk / ru identifier; on English pages any Cyrillic but proper names);
original-language quotes, marked with their own `lang`, are not judged.

One test, so the demo is built once (a live-server test's database is emptied after each test).
Same browser set-up as tests/web/test_browser_drilldown.py (Debian's /usr/bin/chromium).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.utils import timezone

from tests.web.page_walk import Walk, sign_in
from tests.web.russian_text import Block, _words, kazakh_vocabulary, russian_blocks
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

# The demo users of the main roles (senim/demo/users.py), each with their own menu.
ROLES = [
    "analyst",
    "almaty_analyst",
    "inspector",
    "duty",
    "centre",
    "prosecutor",
    "npm",
    "security",
    "commander",
    "psychologist",
    "admin",
]
LANGUAGES = ["kk", "en"]


def proper_names() -> frozenset[str]:
    """Words of the names that may stay as written on an English page: persons' names (NPM
    members; people are otherwise pseudonymised) and place names (regions, districts)."""
    from senim.core.models import District, Region
    from senim.oversight.models import Member

    words: set[str] = set()
    for name in Member.objects.values_list("full_name", flat=True):
        words.update(_words(name))
    for model in (Region, District):
        for names in model.objects.values_list("name_kk", "name_ru", "name_en"):
            for name in names:
                words.update(_words(name))
    return frozenset(words)


def test_no_page_shows_russian_in_kazakh_or_english(
    page: Any,  # noqa: F811
    live_server: Any,
) -> None:
    from senim.demo.builder import PASSWORD, build

    now = timezone.now()
    build(seed=2025, scale=0.01, years=[timezone.localdate(now).year - 1], through=now)
    vocabulary, names = kazakh_vocabulary(), proper_names()

    def judge(blocks: list[Block], language: str) -> list[str]:
        bad = russian_blocks(blocks, language=language, vocabulary=vocabulary, proper_names=names)
        return [f"{v.reason}: «{v.block.text[:160]}»" for v in bad]

    base = live_server.url
    walk = Walk(judge=judge, languages=tuple(LANGUAGES))
    page.set_default_timeout(60_000)
    page.context.clear_cookies()
    walk.run(page, base, "anonymous", start=["/open/"])
    for username in ROLES:
        sign_in(page, base, username, PASSWORD)
        assert page.locator("nav.main-nav").count() == 1, f"{username} did not sign in"
        walk.run(page, base, username)

    # The walk reached every part of the site, and record pages below the lists.
    opened = set(walk.seen)
    for part in (
        "/open",
        "/register",
        "/ops",
        "/analytics",
        "/prevention",
        "/trust",
        "/integrity",
        "/safeguards",
        "/oversight",
        "/users",
    ):
        assert any(p.startswith(part) for p in opened), part
    assert any(p.count("/N") for p in opened)
    assert not walk.problems, f"{len(walk.problems)} Russian text block(s):\n" + "\n".join(
        walk.problems
    )
