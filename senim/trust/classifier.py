"""The tone classifier in use: trained from the shipped corpus plus operators' corrections.

`train` scores the corpus' held-out templates first (the figure docs/trust.md reports), then fits
on everything and stores the model as numbers in ToneModel; `current` loads the newest stored
model once per process (or trains one in memory if none was ever stored).
"""

from __future__ import annotations

import csv
import threading
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from senim.analytics.tone import Evaluation, ToneClassifier, evaluate
from senim.trust.models import MediaItem, ToneModel

CORPUS_CSV = Path(__file__).resolve().parent / "data" / "tone_corpus.csv"
_lock = threading.Lock()
_cache: dict[str, tuple[int | None, ToneClassifier]] = {}
_corpus_model: dict[str, ToneClassifier] = {}


@dataclass(frozen=True)
class CorpusRow:
    id: str
    language: str
    tone: str
    group: str
    text: str


def load_corpus() -> list[CorpusRow]:
    with CORPUS_CSV.open(encoding="utf-8", newline="") as handle:
        return [CorpusRow(**row) for row in csv.DictReader(handle)]


def evaluate_corpus(*, seed: int = 0) -> Evaluation:
    rows = load_corpus()
    return evaluate(
        [r.text for r in rows], [r.tone for r in rows], [r.group for r in rows], seed=seed
    )


def joined(title: str, text: str) -> str:
    """The words the classifier reads: the title, then the text."""
    title, text = title.strip(), text.strip()
    if not text:
        return title
    return f"{title}{' ' if title[-1:] in '.!?…' else '. '}{text}"


def corrections() -> list[tuple[str, str]]:
    """(text, tone) of every item an operator corrected, oldest first."""
    return [
        (joined(title, text), tone)
        for title, text, tone in MediaItem.objects.exclude(corrected_tone="")
        .order_by("corrected_at", "pk")
        .values_list("title", "text", "corrected_tone")
    ]


def train(*, evaluate_first: bool = True) -> ToneModel:
    """Fit on the corpus and every correction; store and return the new model."""
    rows = load_corpus()
    fixes = corrections()
    score = evaluate_corpus().macro_f1 if evaluate_first else None
    model = ToneClassifier().fit(
        [r.text for r in rows] + [t for t, _ in fixes],
        [r.tone for r in rows] + [t for _, t in fixes],
    )
    with transaction.atomic():
        stored = ToneModel.objects.create(
            n_corpus=len(rows),
            n_corrections=len(fixes),
            macro_f1=score,
            payload=model.to_payload(),
        )
    with _lock:
        _cache["current"] = (stored.pk, model)
    return stored


def corpus_model() -> ToneClassifier:
    """The model of the shipped corpus alone, fitted once per process."""
    with _lock:
        model = _corpus_model.get("model")
    if model is None:
        rows = load_corpus()
        model = ToneClassifier().fit([r.text for r in rows], [r.tone for r in rows])
        with _lock:
            _corpus_model["model"] = model
    return model


def current() -> tuple[ToneClassifier, ToneModel | None]:
    newest = ToneModel.objects.order_by("-trained_at", "-pk").values_list("pk", flat=True).first()
    if newest is None:
        return corpus_model(), None
    with _lock:
        cached = _cache.get("current")
        if cached is not None and cached[0] == newest:
            return cached[1], _stored(newest)
    model = ToneClassifier.from_payload(ToneModel.objects.get(pk=newest).payload)
    with _lock:
        _cache["current"] = (newest, model)
    return model, _stored(newest)


def _stored(pk: int | None) -> ToneModel | None:
    return ToneModel.objects.defer("payload").filter(pk=pk).first() if pk else None


def forget() -> None:
    """Drop the process cache (tests, after the model table is emptied)."""
    with _lock:
        _cache.clear()
