"""The learned ranking: who, among officers at one as-of date, most needs a supervisor's look.

By default a standardised logistic regression with L2 and balanced classes, so every score
decomposes into per-feature contributions (the reasons). The inputs are, by default, each
feature's deviation from the officer's peers (same period, same unit × duty): a patrol officer
who answers hundreds of calls is compared with other patrol officers of the unit, not with
investigators. Gradient boosting is available (`kind="boosting"`); its reasons come from
replacing one feature at a time by the peer median and measuring the change of the score.
A fitted logistic model is stored as plain numbers (`to_payload` / `from_payload`), never
pickled, so the app can keep the audited model it activated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from senim.analytics.early_intervention.table import FeatureTable, FloatArray

# Supervisor feedback on a row (an officer at an as-of date), as the app records it.
FEEDBACK_NONE = 0  # no review recorded
FEEDBACK_WRONG_FLAG = 1  # reviewed: "no action needed, the flag was wrong"
FEEDBACK_INTERVENED = 2  # reviewed, intervention made (talk, training, psychologist, rotation)

Kind = Literal["logistic", "boosting"]


@dataclass(frozen=True)
class Reason:
    """One feature behind a score: its value, the median of the officer's peers (same unit and
    duty at the same as-of date) and its contribution to the score in log-odds (> 0 raises it)."""

    feature: str
    value: float
    peer_median: float
    contribution: float


def feedback_weights(
    label: np.ndarray,
    feedback: Any,
    *,
    wrong_flag_weight: float = 2.0,
    intervened_weight: float = 0.5,
) -> FloatArray:
    """Training weights from supervisor feedback (codes FEEDBACK_*), one per row.

    The observed outcome always stays the label: an opinion never overrides what happened.
    - "flag was wrong" and no adverse outcome followed: a confirmed false alarm, weighted
      `wrong_flag_weight` (> 1) so the model learns to rank such profiles lower;
      "flag was wrong" and an adverse outcome followed anyway: weight 1, label kept.
    - an intervention was made: its outcome is no longer the untreated one (a clean year may be
      the intervention working, not a false alarm), so the row is down-weighted to
      `intervened_weight` rather than read as a plain negative or dropped.
    """
    codes = np.asarray(feedback)
    if codes.shape != np.shape(label):
        raise ValueError(f"feedback has shape {codes.shape}, expected {np.shape(label)}")
    known = (FEEDBACK_NONE, FEEDBACK_WRONG_FLAG, FEEDBACK_INTERVENED)
    if not np.isin(codes, known).all():
        raise ValueError(f"feedback codes must be among {known}")
    if wrong_flag_weight < 0 or intervened_weight < 0:
        raise ValueError("feedback weights must not be negative")
    weights = np.ones(codes.shape, dtype=np.float64)
    label = np.asarray(label, dtype=bool)
    weights[(codes == FEEDBACK_WRONG_FLAG) & ~label] = wrong_flag_weight
    weights[codes == FEEDBACK_INTERVENED] = intervened_weight
    return weights


class RankingModel:
    """fit(table) → self; score(table) → risk scores in [0, 1]; reasons(table, row) → Reasons.

    Parameters (in __init__ only): `kind` "logistic" (transparent, the default) or "boosting";
    `C` the inverse L2 strength of the logistic regression — 0.001 by default, strong shrinkage
    chosen on simulated rosters of seeds 100–102 (never the benchmark's seeds 0–4, never a test
    year): with outcomes this rare, many weak signals are best weighted nearly alike (0.1 gave
    1.15× the rules judged by the true risk, 0.001 gave 1.23×; benchmarks/README.md); `peer_relative` compares each
    feature with the peer median before learning; `min_peers` the smallest peer group compared
    with (smaller ones use the whole period); the feedback weights (see `feedback_weights`).
    """

    def __init__(
        self,
        *,
        kind: Kind = "logistic",
        C: float = 0.001,
        peer_relative: bool = True,
        log_counts: bool = True,
        min_peers: int = 5,
        wrong_flag_weight: float = 2.0,
        intervened_weight: float = 0.5,
        random_state: int = 0,
    ) -> None:
        if kind not in ("logistic", "boosting"):
            raise ValueError(f"kind must be 'logistic' or 'boosting', got {kind!r}")
        if C <= 0:
            raise ValueError(f"C must be positive, got {C}")
        self.kind = kind
        self.C = C
        self.peer_relative = peer_relative
        self.log_counts = log_counts
        self.min_peers = min_peers
        self.wrong_flag_weight = wrong_flag_weight
        self.intervened_weight = intervened_weight
        self.random_state = random_state
        self.names_: tuple[str, ...] = ()
        self.mean_: FloatArray | None = None
        self.scale_: FloatArray | None = None
        self._model: LogisticRegression | HistGradientBoostingClassifier | None = None

    # -- fitting and scoring -------------------------------------------------------------

    def _transform(self, values: FloatArray) -> FloatArray:
        # Counts are skewed and risk acts on them multiplicatively: log(1 + x) makes a linear
        # model see "twice the peers' count" alike at every level. Negative totals stay linear.
        if not self.log_counts:
            return values
        return np.sign(values) * np.log1p(np.abs(values))

    def _inputs(self, table: FeatureTable) -> FloatArray:
        inputs = self._transform(table.X)
        if self.peer_relative:
            return inputs - self._transform(table.peer_medians(self.min_peers))
        return inputs

    def fit(self, table: FeatureTable, *, feedback: Any = None) -> RankingModel:
        """Learn from every row of `table` (its labels must be known; both outcomes present).

        `feedback`: optional FEEDBACK_* code per row, turned into weights by `feedback_weights`.
        """
        y = table.labels()
        if y.all() or not y.any():
            raise ValueError("cannot learn a ranking: the training rows hold only one outcome")
        weights = None
        if feedback is not None:
            weights = feedback_weights(
                y,
                feedback,
                wrong_flag_weight=self.wrong_flag_weight,
                intervened_weight=self.intervened_weight,
            )
        inputs = self._inputs(table)
        # One thread: the machine is shared, and the fits are small.
        with threadpool_limits(limits=1):
            if self.kind == "logistic":
                self.mean_ = inputs.mean(axis=0)
                scale = inputs.std(axis=0)
                self.scale_ = np.where(scale > 0, scale, 1.0)
                model: Any = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000)
                model.fit((inputs - self.mean_) / self.scale_, y, sample_weight=weights)
            else:
                model = HistGradientBoostingClassifier(
                    class_weight="balanced",
                    learning_rate=0.05,
                    max_iter=200,
                    max_leaf_nodes=15,
                    l2_regularization=1.0,
                    random_state=self.random_state,
                )
                model.fit(inputs, y, sample_weight=weights)
        self.names_ = table.names
        self._model = model
        return self

    def _fitted(self, table: FeatureTable) -> Any:
        if self._model is None:
            raise ValueError("the ranking model is not fitted yet: call fit() first")
        if table.names != self.names_:
            raise ValueError("the table's features differ from the ones the model was fitted on")
        return self._model

    def _logit(self, model: Any, inputs: FloatArray) -> FloatArray:
        if self.kind == "logistic":
            assert self.mean_ is not None and self.scale_ is not None
            inputs = (inputs - self.mean_) / self.scale_
        return np.asarray(model.decision_function(inputs), dtype=np.float64)

    def score(self, table: FeatureTable) -> FloatArray:
        """The risk score of every row, in [0, 1] (higher = review first).

        Score a whole period at once: the peers an officer is compared with are found in the
        table passed (a table of one officer has no peers but the officer).
        """
        model = self._fitted(table)
        return 1.0 / (1.0 + np.exp(-self._logit(model, self._inputs(table))))

    @property
    def coefficients(self) -> dict[str, float]:
        """Logistic only: log-odds per standard deviation of each (peer-relative) feature."""
        if self.kind != "logistic" or self._model is None:
            raise ValueError("coefficients exist for a fitted logistic model only")
        coef = np.ravel(self._model.coef_)  # type: ignore[union-attr]
        return {name: float(c) for name, c in zip(self.names_, coef, strict=True)}

    # -- storage as plain numbers -------------------------------------------------------

    def to_payload(self) -> dict[str, Any]:
        """A fitted logistic model as JSON-ready numbers (boosting is refitted, not stored)."""
        if self.kind != "logistic" or self._model is None:
            raise ValueError("only a fitted logistic model can be stored as a payload")
        assert self.mean_ is not None and self.scale_ is not None
        model: Any = self._model
        return {
            "kind": "early_intervention_logistic",
            "params": {
                "C": self.C,
                "peer_relative": self.peer_relative,
                "log_counts": self.log_counts,
                "min_peers": self.min_peers,
                "wrong_flag_weight": self.wrong_flag_weight,
                "intervened_weight": self.intervened_weight,
            },
            "names": list(self.names_),
            "mean": self.mean_.tolist(),
            "scale": self.scale_.tolist(),
            "coef": np.ravel(model.coef_).tolist(),
            "intercept": float(np.ravel(model.intercept_)[0]),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> RankingModel:
        """The model `to_payload` stored; it scores and explains exactly as the original."""
        if payload.get("kind") != "early_intervention_logistic":
            raise ValueError("not an early-intervention logistic payload")
        params = payload["params"]
        self = cls(
            C=float(params["C"]),
            peer_relative=bool(params["peer_relative"]),
            log_counts=bool(params["log_counts"]),
            min_peers=int(params["min_peers"]),
            wrong_flag_weight=float(params["wrong_flag_weight"]),
            intervened_weight=float(params["intervened_weight"]),
        )
        names = tuple(str(name) for name in payload["names"])
        coef = np.asarray(payload["coef"], dtype=np.float64)
        if coef.shape != (len(names),):
            raise ValueError("the payload's coefficients do not match its feature names")
        model = LogisticRegression(C=self.C)
        model.classes_ = np.array([False, True])
        model.coef_ = coef[None, :]
        model.intercept_ = np.array([float(payload["intercept"])])
        self.names_ = names
        self.mean_ = np.asarray(payload["mean"], dtype=np.float64)
        self.scale_ = np.asarray(payload["scale"], dtype=np.float64)
        self._model = model
        return self

    # -- reasons -------------------------------------------------------------------------

    def _row_peers(self, table: FeatureTable, row: int) -> FloatArray:
        """The median of every feature among `row`'s peers (as `FeatureTable.peer_medians`)."""
        same_period = table.period == table.period[row]
        if table.peer_group is not None:
            peers = same_period & (table.peer_group == table.peer_group[row])
            if peers.sum() >= self.min_peers:
                return np.median(table.X[peers], axis=0)
        return np.median(table.X[same_period], axis=0)

    def reasons(self, table: FeatureTable, row: int, top: int = 3) -> tuple[Reason, ...]:
        """Up to `top` features that raise `row`'s score most, largest first.

        A feature's contribution is the change of the log-odds if the officer's value were the
        peer median: for the logistic model exactly coefficient × (value − peer median) ÷ the
        feature's standard deviation. Only features that raise the score are reasons.
        """
        model = self._fitted(table)
        if not 0 <= row < table.n_rows:
            raise ValueError(f"row {row} is outside the table (0 … {table.n_rows - 1})")
        if top < 1:
            raise ValueError(f"top must be at least 1, got {top}")
        value = table.X[row]
        median = self._row_peers(table, row)
        if self.kind == "logistic":
            assert self.scale_ is not None
            coef = np.ravel(model.coef_)
            deviation = self._transform(value) - self._transform(median)
            contribution = coef * deviation / self.scale_
        else:
            inputs = self._inputs(table)[row]
            shifted = np.tile(inputs, (value.size + 1, 1))
            # Row j + 1 has feature j at the peer median (a deviation of 0 when peer-relative).
            replaced = 0.0 if self.peer_relative else self._transform(median)
            shifted[np.arange(1, value.size + 1), np.arange(value.size)] = replaced
            logits = self._logit(model, shifted)
            contribution = logits[0] - logits[1:]
        order = np.argsort(-contribution, kind="stable")
        return tuple(
            Reason(
                feature=self.names_[j],
                value=float(value[j]),
                peer_median=float(median[j]),
                contribution=float(contribution[j]),
            )
            for j in order[:top]
            if contribution[j] > 0
        )
