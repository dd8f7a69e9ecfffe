"""Every user-facing string exists in Kazakh, Russian and English, with its placeholders intact."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

SENIM = Path(__file__).resolve().parents[2] / "senim"
# The project catalogue and every app's own catalogue (senim/<app>/locale).
CATALOGUES = sorted(SENIM.glob("**/locale/*/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def test_every_catalogue_exists_in_every_language() -> None:
    by_dir: dict[Path, set[str]] = {}
    for path in CATALOGUES:
        by_dir.setdefault(path.parents[2], set()).add(path.parents[1].name)
    assert by_dir, "no catalogues found"
    for directory, languages in by_dir.items():
        assert {"kk", "ru", "en"} <= languages, directory


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(SENIM)))
def test_every_message_is_translated_with_its_placeholders(path: Path) -> None:
    language = path.parents[1].name
    catalogue = polib.pofile(str(path))
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
