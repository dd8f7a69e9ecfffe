"""A real headless Chromium: an analyst signs in, reads the trust index chart, switches to
Russian, opens a critical media item and sees the words behind its tone, then verifies it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.test_browser_drilldown import (  # noqa: F401 - fixtures shared with the register's browser test
    CHROMIUM,
    audit_log_flushable,
    page,
    static_from_the_project,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_an_analyst_reads_the_index_in_russian_and_verifies_a_critical_item(
    page: Any,  # noqa: F811 - the shared fixture imported above
    live_server: Any,
) -> None:
    from django.utils import timezone

    from senim.core.models import User
    from senim.trust import demo_data
    from senim.trust.models import MediaItem, MediaResponse

    demo_data.build_sized(seed=3, years=[2023, 2024], respondents=400, media_share=0.03)
    user = User(username="trust-analyst", role="national_analyst")
    user.set_password("secret-pass-1")
    user.save()

    page.goto(f"{live_server.url}/trust/")
    assert "/login/" in page.url
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "secret-pass-1")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/trust/")

    # In Kazakh; the chart is drawn from the page's data, one line per region and the country.
    page.click("button.lang-switch__btn[value=kk]")
    page.wait_for_function("document.querySelector('h1').innerText.includes('сенім')")
    assert page.locator("h1").inner_text() == "Полицияға деген сенім өңірлер бойынша"
    page.wait_for_selector("#trust-chart[data-rendered=true] svg path", state="attached")
    assert page.locator("#trust-chart svg path").count() > 20
    assert page.locator("#trust-table tbody tr").count() == 20

    page.click("button.lang-switch__btn[value=ru]")
    page.wait_for_function("document.querySelector('h1').innerText.includes('Доверие к полиции')")
    assert page.locator(".tr-tabs").inner_text().count("Мониторинг СМИ") == 1

    item = MediaItem.objects.filter(final_tone="negative", language="ru").first()
    # Demo cases of past years are mostly closed; this one arrives now, still to be verified.
    MediaResponse.objects.filter(item=item).delete()
    MediaResponse.objects.create(item=item, state="to_verify", opened_at=timezone.now())
    page.goto(f"{live_server.url}/trust/media/{item.pk}/")
    assert page.locator("#tone .tr-tone--negative").count() == 1
    assert page.locator("#evidence mark").count() >= 1
    assert page.locator("#response").get_attribute("data-state") == "to_verify"

    page.check("input[name=confirmed][value=yes]")
    page.fill("textarea[name=note]", "Видео подлинное, сотрудник установлен.")
    page.click("#response-form button[value=verify]")
    page.wait_for_selector("#response[data-state=verified]")
    assert page.locator("#response-form button[value=answer]").count() == 1
    assert page.locator("#response-form button[value=refute]").count() == 0
