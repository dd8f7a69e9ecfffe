"""Every user-facing string exists in Kazakh, Russian and English, with its placeholders intact."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "senim" / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_message_is_translated_with_its_placeholders(language: str) -> None:
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    entries = [e for e in catalogue if not e.obsolete]
    assert entries, "the catalogue is empty"
    untranslated = [e.msgid for e in entries if not e.translated()]
    assert not untranslated, f"{len(untranslated)} untranslated in {language}: {untranslated[:5]}"
    for entry in entries:
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(entry.msgid)), (
                entry.msgid
            )


@pytest.mark.kazakh_default
def test_kazakh_is_the_default_language() -> None:
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "kk"
    assert [code for code, _ in settings.LANGUAGES] == ["kk", "ru", "en"]
