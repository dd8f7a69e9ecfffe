"""The pieces behind "no Russian on Kazakh or English pages" (issue 16 item 9), without a browser:
the judge the browser walk uses, the original-language quote marking, and reference data shown
in the page's language (facility names, ranks and posts, Criminal Code chapter titles)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.web.russian_text import Block, _static_vocabulary, russian_blocks


def judged(texts: list[str], language: str, **extra: frozenset[str]) -> list[str]:
    vocabulary = _static_vocabulary() if language == "kk" else frozenset()
    blocks = [Block("td", text, language) for text in texts]
    return [
        v.block.text
        for v in russian_blocks(blocks, language=language, vocabulary=vocabulary, **extra)
    ]


def test_the_judge_finds_russian_sentences_and_labels_on_a_kazakh_page() -> None:
    russian = [
        "Обеспечить доступ к медицинской помощи.",
        "Изолятор временного содержания",
        "Район",
        "Уголовные правонарушения против собственности",
    ]
    assert judged(russian, "kk") == russian


def test_kazakh_labels_without_kazakh_letters_pass_as_the_project_writes_them() -> None:
    kazakh = [
        "Аудан",  # no Kazakh letter, no function word: known from the Kazakh catalogues
        "Мониторлар не тексереді",  # «не» is a Russian function word and a Kazakh one
        "Медициналық көмекке қолжетімділікті қамтамасыз ету.",
        "Меншікке қарсы қылмыстық құқық бұзушылықтар",
        "2026-12-07 · 14",
    ]
    assert judged(kazakh, "kk") == []


def test_on_an_english_page_any_cyrillic_fails_but_proper_names_and_marked_quotes() -> None:
    names = frozenset({"алматы", "айгүл"})
    texts = ["Almaty · Алматы", "Team: Айгүл", "Ішкі істер", "Police of Алматинская область"]
    assert judged(texts, "en", proper_names=names) == [
        "Ішкі істер",
        "Police of Алматинская область",
    ]
    quote = Block("span", "Обеспечить доступ к медицинской помощи.", "ru")
    assert russian_blocks([quote], language="en") == []
    assert russian_blocks([quote], language="kk") == []


@pytest.mark.parametrize(
    ("language", "text", "marked"),
    [
        ("kk", "Обеспечить доступ к медицинской помощи.", "ru"),
        ("kk", "Медициналық көмекке қолжетімділікті қамтамасыз ету.", None),
        ("en", "Медициналық көмекке қолжетімділікті қамтамасыз ету.", "kk"),
        ("ru", "Обеспечить доступ к медицинской помощи.", None),
        ("en", "Move two detainees out of cell 4", None),
    ],
)
def test_free_text_in_another_language_is_shown_as_an_original_language_quote(
    language: str, text: str, marked: str | None
) -> None:
    template = Template("{% load original_language %}<p>{{ text|original }}</p>")
    with translation.override(language):
        html = template.render(Context({"text": text}))
    if marked is None:
        assert html == f"<p>{text}</p>"
    else:
        label = {"kk": "original in Kazakh", "ru": "original in Russian"}[marked]
        assert f'<span lang="{marked}" class="original-text">{text}</span>' in html
        assert 'class="original-label"' in html and (language == "kk" or label in html)


def test_free_text_is_escaped_whether_marked_or_not() -> None:
    template = Template("{% load original_language %}{{ text|original }}")
    for language, text in [("en", "<b>Бұзақылық</b> және"), ("kk", "<b>x</b>")]:
        with translation.override(language):
            assert "<b>" not in template.render(Context({"text": text}))


@pytest.mark.django_db
def test_a_facility_is_named_in_the_page_language_and_found_by_any_of_its_names() -> None:
    from senim.core.models import Facility, FacilityKind, Region

    facility = Facility(
        name="ИВС ДП г. Алматы №1",
        name_kk="Алматы қаласы ПД уақытша ұстау изоляторы №1",
        name_en="Temporary detention isolator No. 1, Almaty City Police Department",
        kind=FacilityKind.objects.get(code="ivs"),
        region=Region.objects.get(iso="KZ-75"),
    )
    for language, expected in [
        ("kk", facility.name_kk),
        ("ru", facility.name),
        ("en", facility.name_en),
    ]:
        with translation.override(language):
            assert facility.display_name == expected == str(facility)
    facility.name_en = ""
    with translation.override("en"):
        assert facility.display_name == facility.name  # the registered name where one is missing


def test_the_demo_names_its_facilities_in_three_languages() -> None:
    from senim.core.models import FacilityKind, Region
    from senim.demo.territory import facility_names

    kind = FacilityKind(name_kk="Уақытша ұстау изоляторы", name_en="Temporary detention isolator")
    region = Region(name_kk="Алматы қаласы", name_ru="Алматы", name_en="Almaty City", kind="city")
    assert facility_names("ИВС", kind, region, 3, police=True) == {
        "name": "ИВС ДП г. Алматы №3",
        "name_kk": "Алматы қаласы ПД уақытша ұстау изоляторы №3",
        "name_en": "Temporary detention isolator No. 3, Almaty City Police Department",
    }


def test_ranks_and_posts_are_shown_in_the_page_language() -> None:
    from senim.core.reference import police_title

    for language, rank, post in [
        ("kk", "полиция капитаны", "учаскелік полиция инспекторы"),
        ("ru", "капитан полиции", "участковый инспектор полиции"),
        ("en", "police captain", "district police inspector"),
    ]:
        with translation.override(language):
            assert police_title("капитан полиции") == rank
            assert police_title("Участковый инспектор полиции") == post
            assert police_title("Dispatcher") == "Dispatcher"  # not listed: shown as stored


@pytest.mark.django_db
def test_criminal_code_chapter_titles_come_in_kazakh_russian_and_english() -> None:
    from senim.register.models import Article
    from senim.trust.language import identify

    articles = Article.objects.exclude(chapter=None)
    assert articles.exists()
    for article in articles:
        assert identify(article.chapter_title_kk).language == "kk", article.code
        # A short Kazakh title may lack the Kazakh letters («Адам саудасы»), which the identifier
        # needs; «Вандализм» is the same word in both languages.
        assert article.title_kk != article.title_ru or article.code == "UK-294", article.code
        assert article.chapter_title_en.isascii() and article.title_en.isascii(), article.code
    theft = Article.objects.get(code="UK-188")
    with translation.override("kk"):
        assert theft.chapter_title == "Меншікке қарсы қылмыстық құқық бұзушылықтар"
    with translation.override("en"):
        assert theft.chapter_title == "Criminal offences against property"
