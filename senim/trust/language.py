"""Which language a media item is written in: Kazakh, Russian or other (docs/trust.md).

A transparent rule, not a model: both languages use Cyrillic, and nine letters exist in Kazakh
but not in Russian (ә ғ қ ң ө ұ ү һ і), so their share among the Cyrillic letters is a strong
signal; counts of frequent function words of each language settle short or mixed texts (a
Russian sentence naming «Өскемен» has Kazakh letters but Russian grammar words). Pure Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KAZAKH_LETTERS = frozenset("әғқңөұүһі")
# Kyrgyz and Tatar also write ң ө ү (and Tatar ә һ); these four are Kazakh's alone among them.
KAZAKH_ONLY = frozenset("ғқұі")
# Letters of Ukrainian, Belarusian, Tatar or Serbian Cyrillic that Kazakh and Russian never use.
FOREIGN_CYRILLIC = frozenset("їєґўјљњћџђҗ")
KAZAKH_WORDS = frozenset(
    [
        "және",
        "мен",
        "бен",
        "пен",
        "үшін",
        "деп",
        "бұл",
        "осы",
        "туралы",
        "бойынша",
        "кезде",
        "жылы",
        "бір",
        "болды",
        "ретінде",
        "арқылы",
        "екенін",
        "дейін",
        "сияқты",
        "ол",
        "оның",
        "олар",
        "қаласында",
        "жатқан",
        "алды",
        "берді",
        "келді",
        "емес",
        "ғана",
        "тиіс",
    ]
)
RUSSIAN_WORDS = frozenset(
    [
        "и",
        "в",
        "во",
        "не",
        "на",
        "что",
        "по",
        "с",
        "со",
        "за",
        "из",
        "от",
        "для",
        "это",
        "как",
        "был",
        "была",
        "были",
        "при",
        "его",
        "её",
        "к",
        "о",
        "об",
        "у",
        "же",
        "но",
        "а",
        "или",
        "после",
        "который",
        "которая",
        "также",
        "чтобы",
        "уже",
        "только",
    ]
)
# Below this share of Kazakh letters a Cyrillic text with no deciding function words is Russian.
KAZAKH_LETTER_THRESHOLD = 0.01
# A Russian sentence naming Kazakh places stays Russian unless this share is reached (or it has
# at least twice as many Russian function words as Kazakh ones, plus one).
KAZAKH_LETTER_STRONG = 0.05
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@dataclass(frozen=True)
class LanguageVerdict:
    language: str  # "kk", "ru" or "other"
    reason: str  # a short code saying which rule decided (shown to operators)
    cyrillic_share: float  # Cyrillic letters among all letters
    kazakh_letter_share: float  # ә ғ қ ң ө ұ ү һ і among the Cyrillic letters
    kazakh_words: int
    russian_words: int

    def as_dict(self) -> dict[str, object]:
        return {
            "reason": self.reason,
            "cyrillic_share": round(self.cyrillic_share, 3),
            "kazakh_letter_share": round(self.kazakh_letter_share, 3),
            "kazakh_words": self.kazakh_words,
            "russian_words": self.russian_words,
        }


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff" or "\u0500" <= ch <= "\u052f"


def identify(text: str) -> LanguageVerdict:
    lowered = text.lower()
    letters = [ch for ch in lowered if ch.isalpha()]
    cyrillic = [ch for ch in letters if _is_cyrillic(ch)]
    kazakh = [ch for ch in cyrillic if ch in KAZAKH_LETTERS]
    words = _WORD.findall(lowered)
    kk_words = sum(w in KAZAKH_WORDS for w in words)
    ru_words = sum(w in RUSSIAN_WORDS for w in words)
    cyr_share = len(cyrillic) / len(letters) if letters else 0.0
    kk_share = len(kazakh) / len(cyrillic) if cyrillic else 0.0

    def verdict(language: str, reason: str) -> LanguageVerdict:
        return LanguageVerdict(language, reason, cyr_share, kk_share, kk_words, ru_words)

    if len(letters) < 3:
        return verdict("other", "too_short")
    if cyr_share < 0.5:
        return verdict("other", "not_cyrillic")
    if any(ch in FOREIGN_CYRILLIC for ch in cyrillic):
        return verdict("other", "foreign_cyrillic")
    if ru_words > kk_words and (kk_share < KAZAKH_LETTER_STRONG or ru_words >= 2 * (kk_words + 1)):
        return verdict("ru", "russian_words")
    if kazakh and not any(ch in KAZAKH_ONLY for ch in kazakh) and kk_words == 0:
        # ң ө ү alone, without Kazakh grammar words: Kyrgyz or another Turkic Cyrillic.
        return verdict("other", "other_turkic")
    if kk_words > ru_words and kazakh:
        return verdict("kk", "kazakh_words")
    if kk_share >= KAZAKH_LETTER_THRESHOLD:
        return verdict("kk", "kazakh_letters")
    return verdict("ru", "cyrillic_without_kazakh_letters")
