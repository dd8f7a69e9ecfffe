"""Checks shared by the apps' language tests: every message of an app's catalogue and every
choice label comes back translated in Kazakh and Russian, without Latin words, and the Kazakh
without Russian text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polib
from django.utils import translation

LANGUAGES = ["kk", "ru"]
# Placeholders and the literal percent sign are not words.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|%[sd]")
LATIN_WORD = re.compile(r"[A-Za-z]+")
# ё, ъ and э occur in Kazakh only inside Russian loanwords; in this interface they mean Russian
# text was left on a Kazakh page. (ы is not among them: it is a native Kazakh letter, as in
# "Қазақстан Республикасы".)
RUSSIAN_ONLY = re.compile(r"[ёЁъЪэЭ]")

Texts = list[tuple[str, dict[str, list[str]]]]


def messages(po: Path, *, at_least: int) -> list[polib.POEntry]:
    entries = [e for e in polib.pofile(str(po)) if not e.obsolete]
    assert len(entries) >= at_least, f"{po} looks truncated"
    return entries


def _translations(entry: polib.POEntry, language: str) -> list[str]:
    """What the user reads: the message (every plural form, in its context) as Django resolves it."""
    with translation.override(language):
        if entry.msgid_plural:
            if entry.msgctxt:
                return [
                    translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                    for n in (1, 2, 5)
                ]
            return [translation.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2, 5)]
        if entry.msgctxt:
            return [translation.pgettext(entry.msgctxt, entry.msgid)]
        return [translation.gettext(entry.msgid)]


def texts(entries: Iterable[polib.POEntry], choices: Iterable[Any]) -> Texts:
    """(label for the report, {language: the texts in it}) for every message and choice label."""
    out = [
        (entry.msgid, {lang: _translations(entry, lang) for lang in ["en", *LANGUAGES]})
        for entry in entries
    ]
    for enum in choices:
        for value, label in enum.choices:
            by_language = {}
            for lang in ["en", *LANGUAGES]:
                with translation.override(lang):
                    by_language[lang] = [str(label)]
            out.append((f"{enum.__name__}.{value}", by_language))
    return out


def latin(text: str, allowed: set[str]) -> set[str]:
    return set(LATIN_WORD.findall(PLACEHOLDER.sub(" ", text))) - allowed


def assert_translated(
    all_texts: Texts, language: str, *, allowed_latin: set[str], same_as_english: set[str]
) -> None:
    untranslated, found = [], []
    for name, by_language in all_texts:
        for english, text in zip(by_language["en"], by_language[language], strict=True):
            if not text.strip() or (text == english and name not in same_as_english):
                untranslated.append(name)
            if latin(text, allowed_latin):
                found.append((name, text))
    assert not untranslated, f"{len(untranslated)} left in English in {language}: {untranslated}"
    assert not found, f"Latin words in {language}: {found}"


def assert_kazakh_not_russian(all_texts: Texts, *, same_in_kk_and_ru: set[str]) -> None:
    russian, same = [], []
    for name, by_language in all_texts:
        for kk, ru in zip(by_language["kk"], by_language["ru"], strict=True):
            if RUSSIAN_ONLY.search(kk):
                russian.append((name, kk))
            if kk == ru and kk not in same_in_kk_and_ru:
                same.append((name, kk))
    assert not russian, f"Russian letters in the Kazakh: {russian}"
    assert not same, f"the Kazakh is the Russian text: {same}"
