"""Hot-spot predictors: fit on past events, rank the cells for the coming horizon.

Every predictor follows `Predictor` (see base.py): parameters in `__init__`, `fit(events,
grid) → self`, `predict(at, horizon_days) → RiskGrid`. `PREDICTORS` maps a stable name to a
factory taking the predictor's keyword parameters, so jobs and pages can name a model in
settings or a request without importing its class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from senim.analytics.predict.auto import AutoChoice, AutoPredictor, CandidateScore, WalkForward
from senim.analytics.predict.base import Events, Predictor, RiskGrid
from senim.analytics.predict.counts import (
    AllHistoryCountPredictor,
    BlendPredictor,
    DecayedCountPredictor,
    YearlyCountPredictor,
)
from senim.analytics.predict.learned import LearnedPredictor, TypedDecayedPredictor
from senim.analytics.predict.mohler import MohlerFit, MohlerPredictor
from senim.analytics.predict.naive import NaivePredictor
from senim.analytics.predict.prospective import ProspectivePredictor
from senim.analytics.predict.retrospective import RetrospectivePredictor
from senim.analytics.predict.seppgrid import SeppGridFit, SeppGridPredictor

PREDICTORS: dict[str, Callable[..., Predictor]] = {
    "yearly-count": YearlyCountPredictor,
    "all-history-count": AllHistoryCountPredictor,
    "decayed": DecayedCountPredictor,
    "blend": BlendPredictor,
    "naive": NaivePredictor,
    "retrospective": RetrospectivePredictor,
    "prospective": ProspectivePredictor,
    "seppgrid": SeppGridPredictor,
    "typed-decayed": TypedDecayedPredictor,
    "learned-gbm": LearnedPredictor,
    "mohler2011": MohlerPredictor,
    "auto": AutoPredictor,
}


def make(name: str, **params: Any) -> Predictor:
    """A predictor by its registry name, e.g. make("retrospective", bandwidth_m=300)."""
    try:
        factory = PREDICTORS[name]
    except KeyError:
        known = ", ".join(sorted(PREDICTORS))
        raise ValueError(f"unknown predictor {name!r}; known: {known}") from None
    return factory(**params)


__all__ = [
    "PREDICTORS",
    "AllHistoryCountPredictor",
    "AutoChoice",
    "AutoPredictor",
    "BlendPredictor",
    "CandidateScore",
    "DecayedCountPredictor",
    "Events",
    "LearnedPredictor",
    "MohlerFit",
    "MohlerPredictor",
    "NaivePredictor",
    "Predictor",
    "ProspectivePredictor",
    "RetrospectivePredictor",
    "RiskGrid",
    "SeppGridFit",
    "SeppGridPredictor",
    "TypedDecayedPredictor",
    "WalkForward",
    "YearlyCountPredictor",
    "make",
]
