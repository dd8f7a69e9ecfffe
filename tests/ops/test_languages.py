"""The operational centres speak Kazakh and Russian: no English is left on a kk/ru page.

Every msgid extracted from senim/ops (its English catalogue is the full list) and every choice
label of a call's and a unit's lifecycle must come back translated, different from the English,
without Latin words, and the Kazakh without Russian text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polib
import pytest
from django.utils import translation

from senim.ops.models import AlertStage, AreaKind, UnitKind, UnitStatus
from senim.register.models import AppealStatus, EventKind, Outcome, ReasonCode

OPS_EN = Path(__file__).resolve().parents[2] / "senim/ops/locale/en/LC_MESSAGES/django.po"
CHOICES = [AppealStatus, EventKind, ReasonCode, Outcome, UnitStatus, UnitKind, AlertStage, AreaKind]
LANGUAGES = ["kk", "ru"]

# Placeholders and the literal percent sign are not words.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|%[sd]")
LATIN_WORD = re.compile(r"[A-Za-z]+")
# Latin that belongs in a kk/ru text: the system's proper name, a standard's name, and the
# API's own query-parameter names (the caller must send them as they are).
LATIN_ALLOWED = {"Senim", "ISO", "region", "district"}
# Messages that may read the same in English (none today: numbers and symbols only would qualify).
SAME_AS_ENGLISH: set[str] = set()
# ё, ъ and э occur in Kazakh only inside Russian loanwords; in this interface they mean Russian
# text was left on a Kazakh page. (ы is not among them: it is a native Kazakh letter, as in
# "Қазақстан Республикасы".)
RUSSIAN_ONLY = re.compile(r"[ёЁъЪэЭ]")
# International words that read the same in Kazakh and Russian.
SAME_IN_KK_AND_RU = {"Медиана", "Медиана, мин", "норматив, минут", "Хронология", "Норматив"}


def _ops_messages() -> list[polib.POEntry]:
    entries = [e for e in polib.pofile(str(OPS_EN)) if not e.obsolete]
    assert len(entries) > 100, "the ops catalogue looks truncated"
    return entries


def _translations(entry: polib.POEntry, language: str) -> list[str]:
    """What the user reads: the message (every plural form) as Django resolves it."""
    with translation.override(language):
        if entry.msgid_plural:
            return [translation.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2, 5)]
        return [translation.gettext(entry.msgid)]


def _texts() -> list[tuple[str, dict[str, list[str]]]]:
    """(label for the report, {language: the texts in it}) for every message and choice label."""
    out = []
    for entry in _ops_messages():
        out.append((entry.msgid, {lang: _translations(entry, lang) for lang in ["en", *LANGUAGES]}))
    for choices in CHOICES:
        for value, label in choices.choices:
            texts = {}
            for lang in ["en", *LANGUAGES]:
                with translation.override(lang):
                    texts[lang] = [str(label)]
            out.append((f"{choices.__name__}.{value}", texts))
    return out


@pytest.fixture(scope="module")
def texts() -> list[tuple[str, dict[str, list[str]]]]:
    return _texts()


def _latin(text: str) -> set[str]:
    return set(LATIN_WORD.findall(PLACEHOLDER.sub(" ", text))) - LATIN_ALLOWED


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_ops_message_and_lifecycle_label_is_translated(
    language: str, texts: list[tuple[str, dict[str, list[str]]]]
) -> None:
    untranslated, latin = [], []
    for name, by_language in texts:
        for english, text in zip(by_language["en"], by_language[language], strict=True):
            if not text.strip() or (text == english and name not in SAME_AS_ENGLISH):
                untranslated.append(name)
            if _latin(text):
                latin.append((name, text))
    assert not untranslated, f"{len(untranslated)} left in English in {language}: {untranslated}"
    assert not latin, f"Latin words in {language}: {latin}"


def test_the_kazakh_is_not_russian(texts: list[tuple[str, dict[str, list[str]]]]) -> None:
    russian, same = [], []
    for name, by_language in texts:
        for kk, ru in zip(by_language["kk"], by_language["ru"], strict=True):
            if RUSSIAN_ONLY.search(kk):
                russian.append((name, kk))
            if kk == ru and kk not in SAME_IN_KK_AND_RU:
                same.append((name, kk))
    assert not russian, f"Russian letters in the Kazakh: {russian}"
    assert not same, f"the Kazakh is the Russian text: {same}"


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
