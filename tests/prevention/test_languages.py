"""The inspector's pages speak Kazakh and Russian: no English is left on a kk/ru page.

Every msgid extracted from senim/prevention (its English catalogue is the full list) and every
choice label of a supervision and a contact must come back translated, different from the
English, without Latin words, and the Kazakh without Russian text. The reference data shipped in
senim/prevention/data/*.csv (categories, risk items, risk levels) is stored in all three
languages.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from senim.prevention.models import (
    ContactKind,
    ContactOutcome,
    DvRiskItem,
    DvRiskLevel,
    EndReason,
    PreventiveCategory,
    SupervisionStatus,
)
from senim.prevention.services import supervision_open
from tests import catalogues
from tests.prevention.conftest import Place, person_form

PREVENTION = Path(__file__).resolve().parents[2] / "senim/prevention"
PREVENTION_EN = PREVENTION / "locale/en/LC_MESSAGES/django.po"
CHOICES = [SupervisionStatus, EndReason, ContactKind, ContactOutcome]
LANGUAGES = catalogues.LANGUAGES
RUSSIAN_ONLY = catalogues.RUSSIAN_ONLY

LATIN_ALLOWED = {"Senim"}
SAME_AS_ENGLISH: set[str] = set()
SAME_IN_KK_AND_RU = {"Профилактика"}


@pytest.fixture(scope="module")
def texts() -> catalogues.Texts:
    return catalogues.texts(catalogues.messages(PREVENTION_EN, at_least=150), CHOICES)


def _latin(text: str) -> set[str]:
    return catalogues.latin(text, LATIN_ALLOWED)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_prevention_message_and_choice_label_is_translated(
    language: str, texts: catalogues.Texts
) -> None:
    catalogues.assert_translated(
        texts, language, allowed_latin=LATIN_ALLOWED, same_as_english=SAME_AS_ENGLISH
    )


def test_the_kazakh_is_not_russian(texts: catalogues.Texts) -> None:
    catalogues.assert_kazakh_not_russian(texts, same_in_kk_and_ru=SAME_IN_KK_AND_RU)


def test_the_checks_would_catch_a_missing_translation() -> None:
    """The test is not vacuous: an unknown message comes back in English, and the checks see it."""
    with translation.override("kk"):
        assert translation.gettext("Preventive register") != "Preventive register"
        assert translation.gettext("A message nobody translated") == "A message nobody translated"
    assert _latin("A message nobody translated")
    assert not _latin("%(n)s қоңырау, 90 %% (Senim)")
    assert RUSSIAN_ONLY.search("Объект") and not RUSSIAN_ONLY.search("Қазақстан Республикасы")


# --- the reference data -------------------------------------------------------------------------

# (model, the CSV it is loaded from, the localised fields without their language suffix)
REFERENCE = [
    (PreventiveCategory, "categories.csv", ["name", "basis"]),
    (DvRiskItem, "dv_items.csv", ["text"]),
    (DvRiskLevel, "dv_levels.csv", ["name"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "source", "fields"), REFERENCE)
def test_the_reference_data_is_stored_in_every_language(
    model: Any, source: str, fields: list[str]
) -> None:
    with open(PREVENTION / "data" / source, encoding="utf-8", newline="") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    rows = list(model.objects.all())
    # Loaded on migrate (post_migrate), every shipped row is there.
    assert codes and codes <= {row.code for row in rows}, f"{model.__name__}: rows missing"
    empty, russian, latin, english = [], [], [], []
    for row in rows:
        for field in fields:
            by_language = {lang: getattr(row, f"{field}_{lang}").strip() for lang in LANGUAGES}
            en = getattr(row, f"{field}_en").strip()
            for lang, text in [("en", en), *by_language.items()]:
                if not text:
                    empty.append((row.code, f"{field}_{lang}"))
            for lang, text in by_language.items():
                if _latin(text):
                    latin.append((row.code, f"{field}_{lang}", text))
                if text and text == en:
                    english.append((row.code, f"{field}_{lang}"))
            if RUSSIAN_ONLY.search(by_language["kk"]):
                russian.append((row.code, f"{field}_kk", by_language["kk"]))
    assert not empty, f"{model.__name__}: empty texts {empty}"
    assert not english, f"{model.__name__}: English left in {english}"
    assert not latin, f"{model.__name__}: Latin words in {latin}"
    assert not russian, f"{model.__name__}: Russian letters in the Kazakh: {russian}"


# --- a page -------------------------------------------------------------------------------------

HEADINGS = {
    "kk": [
        "Профилактикалық есептегі адамдар",
        "Мекенжайлардағы тұрмыстық зорлық-зомбылық тәуекелі",
        "Учаске картасы",
        "Профилактикалық есеп",
    ],
    "ru": [
        "Лица на профилактическом учёте",
        "Риск бытового насилия по адресам",
        "Карта участка",
        "Профилактический учёт",
    ],
}
ENGLISH = [
    "Persons on the preventive register",
    "Domestic-violence risk",
    "Map of the sector",
    "Preventive register",
    "Contacts overdue",
]


@pytest.mark.kazakh_default
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sector_page_is_in_the_chosen_language(
    language: str, place: Place, settings: Any
) -> None:
    supervision = supervision_open(user=place.inspector, form=person_form(place))
    client = Client()
    client.force_login(place.inspector)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    answer = client.get(
        reverse("prevention-sector", args=[place.s1.code]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert f'<html lang="{language}">' in html
    for heading in HEADINGS[language]:
        assert heading in html, heading
    with translation.override(language):
        assert supervision.category.name in html  # the category in the page's language
    for english in ENGLISH:
        assert english not in html, english
