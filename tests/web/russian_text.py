"""Which text blocks of a page are Russian where the page is Kazakh or English (issue 16 item 9).

The judge is the project's own kk / ru identifier from media monitoring
(`senim.trust.language.identify`). A Kazakh UI label of one or two words often has none of the
nine Kazakh letters and no function words ("Аудан", "Карта"), which the identifier, built for
whole news texts, calls Russian: such a block passes when every Cyrillic word of it is a word the
project itself writes in Kazakh (the Kazakh catalogues and the Kazakh reference names) or a
proper name (only "не" is both a Russian function word and a Kazakh word there).

On an English page any Cyrillic block fails unless its Cyrillic words are proper names (persons'
names, place names). A block inside an element whose `lang` differs from the page's is an
original-language quote, marked as such, and is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from senim.trust.language import identify

ROOT = Path(__file__).resolve().parents[2]
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")

# The text blocks of a page, as the browser renders them: the direct text of every element
# (text nodes grouped by their nearest block-level parent), the options of every select, and the
# nearest `lang` attribute of each block. Hidden elements (display: none) are left out.
EXTRACT_BLOCKS_JS = r"""
() => {
  const INLINE = new Set(['A','ABBR','B','BDI','BDO','CODE','DATA','DFN','EM','I','KBD','MARK',
    'Q','S','SAMP','SMALL','SPAN','STRONG','SUB','SUP','TIME','U','VAR','BR','WBR','LABEL']);
  const SKIP = new Set(['SCRIPT','STYLE','NOSCRIPT','TEMPLATE','SVG','CANVAS']);
  const blocks = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    if (!text || !text.trim()) continue;
    let el = node.parentElement, skip = false;
    for (let e = el; e; e = e.parentElement) {
      if (SKIP.has(e.tagName.toUpperCase())) { skip = true; break; }
    }
    if (skip) continue;
    if (el.closest('select') === null && el.getClientRects().length === 0) continue;
    let block = el;
    while (block.parentElement && INLINE.has(block.tagName.toUpperCase())) block = block.parentElement;
    // A quote marked with its own lang inside a block is a block of its own.
    const holder = el.closest('[lang]');
    const lang = holder ? holder.getAttribute('lang') : '';
    if (!blocks.has(block)) blocks.set(block, new Map());
    const parts = blocks.get(block);
    parts.set(lang, (parts.get(lang) || '') + ' ' + text);
  }
  const out = [];
  for (const [el, parts] of blocks) {
    for (const [lang, text] of parts) {
      out.push({tag: el.tagName.toLowerCase(), text: text.replace(/\s+/g, ' ').trim(), lang});
    }
  }
  return out;
}
"""


@dataclass(frozen=True)
class Block:
    tag: str
    text: str
    lang: str = ""


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if _CYRILLIC.search(w)]


def _po_msgstrs(language: str) -> Iterable[str]:
    import polib

    for po in ROOT.glob(f"senim/**/locale/{language}/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po)):
            if entry.msgstr:
                yield entry.msgstr
            yield from (s for s in entry.msgstr_plural.values() if s)


def _stored_kazakh() -> Iterable[str]:
    """The Kazakh names and texts stored in the database: every `*_kk` text column."""
    from django.apps import apps
    from django.db import models

    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if f.name.endswith("_kk") and isinstance(f, models.CharField | models.TextField):
                yield from model._default_manager.values_list(f.name, flat=True).distinct()


def kazakh_vocabulary() -> frozenset[str]:
    """Every word the project writes in Kazakh: its Kazakh catalogues, reference files and the
    Kazakh names stored in the database (read once per call: a test calls it once)."""
    words: set[str] = set(_static_vocabulary())
    for text in _stored_kazakh():
        words.update(_words(text or ""))
    return frozenset(words)


@cache
def _static_vocabulary() -> frozenset[str]:
    words: set[str] = set()
    for text in _po_msgstrs("kk"):
        words.update(_words(text))
    for csv in ROOT.glob("senim/**/data/*.csv"):
        import csv as csvlib

        with csv.open(encoding="utf-8") as handle:
            for row in csvlib.DictReader(handle):
                for key, value in row.items():
                    if key and key.endswith("_kk") and value:
                        words.update(_words(value))
    return frozenset(words)


@dataclass(frozen=True)
class Verdict:
    block: Block
    reason: str


def russian_blocks(
    blocks: Iterable[Block],
    *,
    language: str,
    vocabulary: frozenset[str] = frozenset(),
    proper_names: frozenset[str] = frozenset(),
) -> list[Verdict]:
    """The blocks of a page in `language` ("kk" or "en") that are Russian text; `vocabulary` is
    `kazakh_vocabulary()`, `proper_names` the lower-case words of names that may stay."""
    bad: list[Verdict] = []
    for block in blocks:
        if block.lang and block.lang[:2] != language:
            continue  # marked as an original-language quote
        words = _words(block.text)
        if not words:
            continue
        unknown = [w for w in words if w not in proper_names]
        if not unknown:
            continue
        if language == "en":
            bad.append(Verdict(block, "Cyrillic on an English page: " + " ".join(unknown[:6])))
            continue
        verdict = identify(block.text)
        if verdict.language != "ru":
            continue
        strange = [w for w in unknown if w not in vocabulary]
        if not strange:
            continue  # every word is one the project writes in Kazakh ("не" is Kazakh too)
        if verdict.reason == "russian_words":
            bad.append(Verdict(block, "Russian function words"))
        else:
            bad.append(Verdict(block, "Russian words: " + " ".join(strange[:6])))
    return bad
