"""Tone toward the police (positive / negative / neutral): TF-IDF character n-grams + logistic
regression, with the words behind each verdict.

Character n-grams inside word boundaries (`char_wb`) suit Kazakh, whose words carry long chains
of suffixes, and Russian inflection alike: «пара алған», «пара алды», «парақор» share «пара».
The words behind a verdict come from the linear model itself: every n-gram's contribution
(its TF-IDF value × its coefficient for the verdict, centred over the classes) is split evenly
over its occurrences, and a word's score is the sum over the n-grams inside it, so the scores
add up to the verdict's margin over the average class. No Django; the model is stored as plain
numbers (`to_payload` / `from_payload`), never pickled.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from threadpoolctl import threadpool_limits

LABELS = ("negative", "neutral", "positive")
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$")


@dataclass(frozen=True)
class Evidence:
    word: str
    weight: float  # > 0 pushes toward the verdict


@dataclass(frozen=True)
class Verdict:
    label: str
    probability: float
    probabilities: dict[str, float]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Evaluation:
    macro_f1: float
    per_class_f1: dict[str, float]
    n_train: int
    n_test: int
    confusion: list[list[int]]  # rows: true label, columns: predicted, both in LABELS order


class ToneClassifier:
    """fit(texts, labels) → self; predict(texts) → verdicts. Parameters in __init__ only."""

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (2, 5),
        min_df: int = 2,
        C: float = 10.0,
        evidence_words: int = 6,
    ) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.C = C
        self.evidence_words = evidence_words
        self._vectorizer: TfidfVectorizer | None = None
        self._model: LogisticRegression | None = None

    def _new_vectorizer(self, **extra: Any) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.ngram_range,
            lowercase=True,
            sublinear_tf=True,
            min_df=self.min_df,
            **extra,
        )

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> ToneClassifier:
        unknown = set(labels) - set(LABELS)
        if unknown:
            raise ValueError(f"unknown tone labels: {sorted(unknown)}")
        if len(set(labels)) < 2:
            raise ValueError("training needs at least two tones")
        self._vectorizer = self._new_vectorizer()
        x = self._vectorizer.fit_transform(list(texts))
        self._model = LogisticRegression(C=self.C, max_iter=2000)
        # One BLAS thread: on a small problem, threads fighting over busy cores cost 10×.
        with threadpool_limits(limits=1):
            self._model.fit(x, list(labels))
        return self

    @property
    def fitted(self) -> bool:
        return self._vectorizer is not None and self._model is not None

    def _parts(self) -> tuple[TfidfVectorizer, LogisticRegression]:
        if self._vectorizer is None or self._model is None:
            raise RuntimeError("the classifier is not fitted")
        return self._vectorizer, self._model

    def predict(self, texts: Sequence[str]) -> list[Verdict]:
        vectorizer, model = self._parts()
        if not texts:
            return []
        x = vectorizer.transform(list(texts))
        probabilities = model.predict_proba(x)
        classes = [str(c) for c in model.classes_]
        coef = np.asarray(model.coef_)
        if coef.shape[0] == 1:  # two classes: sklearn keeps one row, for classes_[1]
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        centred = coef - coef.mean(axis=0)
        verdicts = []
        for i, text in enumerate(texts):
            k = int(np.argmax(probabilities[i]))
            verdicts.append(
                Verdict(
                    label=classes[k],
                    probability=float(probabilities[i, k]),
                    probabilities={
                        c: float(p) for c, p in zip(classes, probabilities[i], strict=False)
                    },
                    evidence=self._evidence(text, x.getrow(i), centred[k]),
                )
            )
        return verdicts

    def _evidence(self, text: str, row: Any, direction: np.ndarray) -> tuple[Evidence, ...]:
        vectorizer, _ = self._parts()
        vocabulary = vectorizer.vocabulary_
        low, high = self.ngram_range
        preprocess = vectorizer.build_preprocessor()
        words = preprocess(text).split()
        # The same n-grams char_wb makes: each word padded with one space on either side.
        grams_of = []
        counts: Counter[str] = Counter()
        for word in words:
            padded = f" {word} "
            grams = [
                padded[i : i + n]
                for n in range(low, high + 1)
                for i in range(len(padded) - n + 1)
                if n <= len(padded)
            ]
            grams_of.append(grams)
            counts.update(grams)
        value = dict(zip(row.indices, row.data, strict=False))
        scores: dict[str, float] = {}
        for word, grams in zip(words, grams_of, strict=False):
            score = 0.0
            for gram in grams:
                j = vocabulary.get(gram)
                if j is not None and j in value:
                    score += value[j] * direction[j] / counts[gram]
            label = _EDGE_PUNCT.sub("", word)
            if label:
                scores[label] = scores.get(label, 0.0) + score
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        return tuple(
            Evidence(word=w, weight=round(s, 4)) for w, s in ranked[: self.evidence_words] if s > 0
        )

    # --- storage as plain numbers ------------------------------------------------------------

    def to_payload(self) -> dict[str, Any]:
        vectorizer, model = self._parts()
        vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        return {
            "kind": "tfidf_char_wb_logreg",
            "params": {
                "ngram_range": list(self.ngram_range),
                "min_df": self.min_df,
                "C": self.C,
                "evidence_words": self.evidence_words,
            },
            "vocabulary": vocabulary,
            "idf": np.round(vectorizer.idf_, 6).tolist(),
            "classes": [str(c) for c in model.classes_],
            "coef": np.round(model.coef_, 6).tolist(),
            "intercept": np.round(model.intercept_, 6).tolist(),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> ToneClassifier:
        params = payload["params"]
        self = cls(
            ngram_range=(int(params["ngram_range"][0]), int(params["ngram_range"][1])),
            min_df=int(params["min_df"]),
            C=float(params["C"]),
            evidence_words=int(params["evidence_words"]),
        )
        vocabulary = {gram: i for i, gram in enumerate(payload["vocabulary"])}
        vectorizer = self._new_vectorizer(vocabulary=vocabulary)
        vectorizer.idf_ = np.asarray(payload["idf"], dtype=float)
        model = LogisticRegression(C=self.C)
        model.classes_ = np.asarray(payload["classes"], dtype=object)
        model.coef_ = np.asarray(payload["coef"], dtype=float)
        model.intercept_ = np.asarray(payload["intercept"], dtype=float)
        self._vectorizer, self._model = vectorizer, model
        return self


def held_out_split(
    labels: Sequence[str], groups: Sequence[str], *, share: float = 0.25, seed: int = 0
) -> np.ndarray:
    """True for the test rows: `share` of each label's groups, so a template's sentences
    (and its translation, which shares the group) never sit on both sides."""
    rng = np.random.default_rng(seed)
    labels_a, groups_a = np.asarray(labels), np.asarray(groups)
    test = np.zeros(len(labels_a), dtype=bool)
    for label in sorted(set(labels_a.tolist())):
        names = sorted(set(groups_a[labels_a == label].tolist()))
        k = max(1, round(len(names) * share))
        chosen = set(rng.choice(names, size=k, replace=False).tolist())
        test |= (labels_a == label) & np.isin(groups_a, list(chosen))
    return test


def evaluate(
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str],
    *,
    share: float = 0.25,
    seed: int = 0,
    classifier: ToneClassifier | None = None,
) -> Evaluation:
    """Train on the rest, score macro-F1 on the held-out groups."""
    test = held_out_split(labels, groups, share=share, seed=seed)
    texts_a, labels_a = np.asarray(texts, dtype=object), np.asarray(labels, dtype=object)
    model = (classifier or ToneClassifier()).fit(list(texts_a[~test]), list(labels_a[~test]))
    predicted = [v.label for v in model.predict(list(texts_a[test]))]
    truth = list(labels_a[test])
    per_class = f1_score(truth, predicted, labels=list(LABELS), average=None, zero_division=0)
    index = {label: i for i, label in enumerate(LABELS)}
    confusion = [[0] * len(LABELS) for _ in LABELS]
    for t, p in zip(truth, predicted, strict=False):
        confusion[index[t]][index[p]] += 1
    return Evaluation(
        macro_f1=float(np.mean(per_class)),
        per_class_f1={label: float(f) for label, f in zip(LABELS, per_class, strict=False)},
        n_train=int((~test).sum()),
        n_test=int(test.sum()),
        confusion=confusion,
    )
