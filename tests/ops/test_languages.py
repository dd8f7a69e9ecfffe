"""The operational centres speak Kazakh and Russian: no English is left on a kk/ru page.

Every msgid extracted from senim/ops (its English catalogue is the full list) and every choice
label of a call's and a unit's lifecycle must come back translated, different from the English,
without Latin words, and the Kazakh without Russian text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from senim.ops.models import AlertStage, AreaKind, UnitKind, UnitStatus
from senim.register.models import AppealStatus, EventKind, Outcome, ReasonCode
from tests import catalogues

OPS_EN = Path(__file__).resolve().parents[2] / "senim/ops/locale/en/LC_MESSAGES/django.po"
CHOICES = [AppealStatus, EventKind, ReasonCode, Outcome, UnitStatus, UnitKind, AlertStage, AreaKind]
LANGUAGES = catalogues.LANGUAGES
RUSSIAN_ONLY = catalogues.RUSSIAN_ONLY

LATIN_ALLOWED = {"Senim", "ISO", "region", "district"}
SAME_AS_ENGLISH: set[str] = set()
SAME_IN_KK_AND_RU = {"Медиана", "Медиана, мин", "норматив, минут", "Хронология", "Норматив"}


@pytest.fixture(scope="module")
def texts() -> catalogues.Texts:
    return catalogues.texts(catalogues.messages(OPS_EN, at_least=100), CHOICES)


def _latin(text: str) -> set[str]:
    return catalogues.latin(text, LATIN_ALLOWED)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_ops_message_and_lifecycle_label_is_translated(
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
        assert translation.gettext("Units") != "Units"
        assert translation.gettext("A message nobody translated") == "A message nobody translated"
    assert _latin("A message nobody translated")
    assert not _latin("%(n)s қоңырау, 90 %% (Senim)")
    assert RUSSIAN_ONLY.search("Объект") and not RUSSIAN_ONLY.search("Қазақстан Республикасы")


# --- a page -------------------------------------------------------------------------------------

HEADINGS = {
    "kk": ["Ағымдағы кезек", "Нарядтар", "Ашық қоңыраулар", "Аудандық жедел басқару орталығы"],
    "ru": [
        "Текущая очередь",
        "Наряды",
        "Открытые вызовы",
        "Районный центр оперативного управления",
    ],
}
ENGLISH = ["Live queue", "Open calls", "Units", "District centre", "Alerts to answer"]


@pytest.mark.kazakh_default
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_live_queue_of_a_district_is_in_the_chosen_language(
    language: str, world: Any, send_call: Any, client_of: Any, settings: Any
) -> None:
    send_call(world.d1)  # one call in the queue: its status and clock are on the page too
    assert world.duty.role == "duty_officer" and world.duty.region.iso == "KZ-75"
    assert world.duty.district.region_id == world.almaty.pk
    client = client_of(world.duty)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    answer = client.get("/ops/", HTTP_ACCEPT_LANGUAGE=language)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert f'<html lang="{language}">' in html
    for heading in HEADINGS[language]:
        assert heading in html, heading
    status = {"kk": "қабылданды", "ru": "принято"}[language]
    assert status in html
    for english in ENGLISH:
        assert english not in html, english
