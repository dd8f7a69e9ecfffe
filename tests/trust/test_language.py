"""Language identification: Kazakh-specific letters and function words (docs/trust.md)."""

from __future__ import annotations

import pytest

from senim.trust.classifier import load_corpus
from senim.trust.language import identify


def test_every_corpus_sentence_is_identified_as_its_language() -> None:
    wrong = [
        (r.id, identify(r.text).language)
        for r in load_corpus()
        if identify(r.text).language != r.language
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("text", "language", "reason"),
    [
        ("Полиция қызметкері баланы құтқарды", "kk", "kazakh_letters"),
        ("Бұл туралы полиция департаменті хабарлады және тексеріс басталды", "kk", "kazakh_words"),
        ("Полиция задержала подозреваемого", "ru", "cyrillic_without_kazakh_letters"),
        # Kazakh place names in a Russian sentence leave it Russian.
        ("В Өскемене и Қарағанды задержан полицейский", "ru", "russian_words"),
        ("Police in Almaty rescued two children", "other", "not_cyrillic"),
        ("Поліція врятувала дітей у Києві", "other", "foreign_cyrillic"),
        ("Милиция Бишкекте үч кишини кармады", "other", "other_turkic"),
        ("?!", "other", "too_short"),
    ],
)
def test_language_rules(text: str, language: str, reason: str) -> None:
    verdict = identify(text)
    assert (verdict.language, verdict.reason) == (language, reason)


def test_the_kazakh_letter_share_is_reported() -> None:
    verdict = identify("Әкімдік пен полиция")
    assert verdict.kazakh_letter_share == pytest.approx(3 / 17)  # ә, і, і of 17 letters
    assert verdict.as_dict()["kazakh_letter_share"] == round(3 / 17, 3)
