"""The tone classifier: its corpus, its held-out macro-F1 (guarded), its words, its storage."""

from __future__ import annotations

from collections import Counter

import pytest

from senim.analytics.tone import ToneClassifier, held_out_split
from senim.trust.classifier import evaluate_corpus, load_corpus

# docs/trust.md reports this figure: macro-F1 on the held-out templates (seed 0).
REPORTED_MACRO_F1 = 0.831
MARGIN = 0.03


def test_the_corpus_is_large_balanced_and_bilingual() -> None:
    rows = load_corpus()
    assert len(rows) >= 600
    cells = Counter((r.language, r.tone) for r in rows)
    assert set(cells) == {
        (lang, tone) for lang in ("kk", "ru") for tone in ("negative", "neutral", "positive")
    }
    assert max(cells.values()) == min(cells.values())
    assert len({r.text for r in rows}) == len(rows)


def test_the_held_out_split_keeps_each_template_on_one_side() -> None:
    rows = load_corpus()
    test = held_out_split([r.tone for r in rows], [r.group for r in rows])
    train_groups = {r.group for r, t in zip(rows, test, strict=False) if not t}
    test_groups = {r.group for r, t in zip(rows, test, strict=False) if t}
    assert not train_groups & test_groups
    assert 0.2 < test.mean() < 0.3


def test_macro_f1_on_held_out_templates_does_not_fall_below_the_reported_figure() -> None:
    result = evaluate_corpus(seed=0)
    assert result.macro_f1 >= REPORTED_MACRO_F1 - MARGIN, result
    assert result.macro_f1 == pytest.approx(REPORTED_MACRO_F1, abs=0.005), "update docs/trust.md"


@pytest.fixture(scope="module")
def model() -> ToneClassifier:
    rows = load_corpus()
    return ToneClassifier().fit([r.text for r in rows], [r.tone for r in rows])


def test_the_words_behind_a_verdict_are_the_telling_ones(model: ToneClassifier) -> None:
    (bribe,) = model.predict(["Павлодар қаласында полицей кәсіпкерден пара алған кезде ұсталды."])
    assert bribe.label == "negative"
    assert "пара" in [e.word for e in bribe.evidence]
    (rescue,) = model.predict(["Сотрудник полиции спас ребёнка из горящего дома в Таразе."])
    assert rescue.label == "positive"
    assert any(e.word.startswith("спас") for e in rescue.evidence)
    assert all(e.weight > 0 for e in rescue.evidence)


def test_a_stored_model_predicts_exactly_like_the_fitted_one(model: ToneClassifier) -> None:
    again = ToneClassifier.from_payload(model.to_payload())
    texts = ["Полиция раскрыла кражу", "Полицей дөрекі сөйледі", "МВД опубликовало статистику"]
    for a, b in zip(model.predict(texts), again.predict(texts), strict=False):
        assert a.label == b.label
        assert a.probability == pytest.approx(b.probability, abs=1e-4)
        assert [e.word for e in a.evidence] == [e.word for e in b.evidence]
