"""A real headless Chromium signs in, reads the national table and map, and drills down twice.

Drives Debian's /usr/bin/chromium through Playwright's sync API against pytest-django's live
server; no browser is downloaded. Skipped only when that Chromium is not installed.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.web.page_walk import legend_classes

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
# (fixtures, assertions) are still synchronous and safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture
def audit_log_flushable(transactional_db: Any) -> Iterator[None]:
    """Let the live server's end-of-test flush empty the append-only audit log and video-evidence
    ledger, then re-arm their guards.

    A live-server test commits for real, so signing in writes audit entries, and the flush that
    follows the test must delete them. The database guard is lifted just before that flush and
    put back by the post_migrate signal the flush sends when it is done.
    """
    from django.apps import apps
    from django.db import connection
    from django.db.models.signals import post_migrate

    from senim.register.models import Offence

    guards = [
        importlib.import_module("senim.core.migrations.0002_audit_append_only"),
        importlib.import_module("senim.safeguards.migrations.0002_ledger_append_only"),
    ]
    postgres = connection.vendor == "postgresql"
    yield
    # The count triggers must see the offences go while the count tables still hold their rows:
    # the flush deletes tables in no fixed order, and an offence deleted after its counts would
    # leave a negative count, with this test's article ids, to the next test.
    Offence.objects.all().delete()
    with connection.cursor() as cursor:
        for guard in guards:
            for statement in guard.POSTGRES_REVERSE if postgres else guard.SQLITE_REVERSE:
                cursor.execute(statement)

    def rearm(**kwargs: Any) -> None:
        post_migrate.disconnect(dispatch_uid="browser-test-audit-guard", sender=core)
        with connection.cursor() as cursor:
            for guard in guards:
                for statement in guard.POSTGRES if postgres else guard.SQLITE:
                    cursor.execute(statement)

    core = apps.get_app_config("core")
    post_migrate.connect(rearm, sender=core, weak=False, dispatch_uid="browser-test-audit-guard")


@pytest.fixture
def static_from_the_project(settings: Any) -> None:
    """Serve senim/static through the live server even if settings do not list it yet."""
    from django.conf import settings as django_settings

    folder = Path(django_settings.BASE_DIR) / "static"
    if folder not in [Path(d) for d in django_settings.STATICFILES_DIRS]:
        settings.STATICFILES_DIRS = [*django_settings.STATICFILES_DIRS, folder]


@pytest.fixture
def page(
    audit_log_flushable: None, live_server: Any, static_from_the_project: None
) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS, headless=True
        )
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # The Content-Security-Policy's refusals (an inline script, an onclick=, eval) reach the
        # console as errors: a page that breaks the policy fails its test.
        page.on(
            "console",
            lambda message: (
                errors.append(message.text)
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        page.set_default_timeout(15_000)
        yield page
        browser.close()
        assert not errors, f"JavaScript errors on the page: {errors}"


def test_sign_in_read_the_national_map_and_drill_down_to_a_district(
    page: Any, live_server: Any
) -> None:
    from tests.register.test_indicators import build_world, make_user

    build_world()
    user = make_user("national_analyst")

    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "secret-pass-1")
    page.click("form.form button[type=submit]")
    # An analyst lands on the indicators, their daily work.
    page.wait_for_url(f"{live_server.url}/indicators/")

    # The national table: every region, each a link one level down.
    page.goto(f"{live_server.url}/indicators/?year=2025")
    links = page.locator("#indicator-table tbody a.drill")
    assert links.count() == 20
    assert page.locator("#indicator-table tfoot").inner_text().count("19") >= 1  # the total

    # The map is drawn from the GeoJSON: an SVG with one path per region at least.
    page.wait_for_selector("#map[data-rendered=true] svg path")
    assert page.locator("#map svg path").count() >= 20
    # Its colour scale shows the numbers of its classes, not colours alone.
    classes = legend_classes(page, "map")
    assert len(classes) == 4 and all(any(ch.isdigit() for ch in c) for c in classes), classes
    for text in classes:
        assert page.locator("#map svg text", has_text=text).count() >= 1, text
    assert page.locator("#chart-kind svg").count() == 1

    # Filters swap the results in place (htmx) and keep the address shareable.
    page.check("input[name=kind][value=administrative]")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**kind=administrative**")
    page.wait_for_function(
        "document.querySelector('#indicator-table tfoot').innerText.includes('5')"
    )
    page.goto(f"{live_server.url}/indicators/?year=2025")

    # Clicking a region on the map opens that region's districts (once the map is drawn again:
    # a click on the empty container before that goes nowhere).
    page.wait_for_selector("#map[data-rendered=true] svg path")
    box = page.locator("#map").bounding_box()
    # ECharts binds its click handler after its first animation; on a loaded machine a click
    # during it goes nowhere, so the click is repeated until it navigates (at most 5 times).
    for attempt in range(5):
        page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
        try:
            page.wait_for_url("**region=KZ-**", timeout=8000)
            break
        except PlaywrightTimeout:
            if attempt == 4:
                raise
    page.goto(f"{live_server.url}/indicators/?year=2025")

    # Drill down by the table: Almaty, then its Almaly district.
    page.click("#indicator-table a.drill[href*='region=KZ-75']")
    page.wait_for_url("**region=KZ-75**")
    assert "KZ-75-ALMALY" in page.locator("#indicator-table").inner_text()
    assert page.locator(".breadcrumb li").count() == 2
    almaly = page.locator("#indicator-table tr[data-code='KZ-75-ALMALY']")
    assert almaly.locator("td.strong").inner_text() == "10"
    almaly.locator("a.drill").click()
    page.wait_for_url("**district=KZ-75-ALMALY**")
    assert page.locator(".breadcrumb li").count() == 3
    assert page.locator("#indicator-table tbody tr").count() == 1
    assert page.locator("#map").count() == 0
