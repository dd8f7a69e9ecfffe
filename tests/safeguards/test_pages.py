"""Every safeguards page signs in, speaks Kazakh, Russian and English, and says when data is synthetic."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db
PAGES = [
    "/safeguards/",
    "/safeguards/complaints/",
    "/safeguards/cases/",
    "/safeguards/terminals/",
    "/safeguards/ledger/",
]
HEADINGS = {
    "kk": ["Ұсталғандар тақтасы", "Қатыгез қарым-қатынас туралы шағымдар", "Азаптау істері", "Шағым беру терминалдары", "Бейнедәлелдер тізілімі"],
    "ru": ["Табло задержаний", "Жалобы на жестокое обращение", "Дела о пытках", "Терминалы для жалоб", "Реестр видеодоказательств"],
    "en": ["Custody board", "Ill-treatment complaints", "Torture cases", "Complaint terminals", "Video-evidence ledger"],
}  # fmt: skip


def test_pages_need_a_sign_in(client: Any) -> None:
    for url in PAGES:
        answer = client.get(url)
        assert answer.status_code == 302 and "/login/" in answer["Location"]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_page_is_in_the_chosen_language_with_the_demo_banner(
    language: str, users: Any, session_client: Any, make_offence: Any, settings: Any
) -> None:
    make_offence(source_system="demo")  # the database holds synthetic data
    client = session_client(users["administrator"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    banner = {"kk": "синтетикалық", "ru": "синтетические", "en": "synthetic"}[language]
    for url, heading in zip(PAGES, HEADINGS[language], strict=True):
        html = client.get(url).content.decode()
        assert f'<html lang="{language}">' in html, url
        assert heading in html, (url, heading)
        assert banner in html.lower(), url
        if language != "en":
            assert HEADINGS["en"][PAGES.index(url)] not in html, url


def test_a_bad_year_is_a_clear_400(users: Any, session_client: Any) -> None:
    answer = session_client(users["administrator"]).get("/safeguards/complaints/?year=abc")
    assert answer.status_code == 400 and "The year is out of range." in answer.content.decode()
