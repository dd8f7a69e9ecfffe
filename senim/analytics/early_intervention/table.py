"""The input of the early-intervention system: one row per (officer, as-of date), validated.

Feature names follow one convention, `<signal>_<window>d` (e.g. `complaints_rudeness_365d`):
the count (or total, for hours and days) of `signal` over the `window` days before the as-of
date. The app computes them from its records; this library only reads the names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# The signals the app counts per officer, and the windows (days before the as-of date).
SIGNALS: tuple[str, ...] = (
    "complaints_all",
    "complaints_rudeness",
    "complaints_inaction",
    "complaints_unlawful_detention",
    "complaints_bribery",
    "complaints_abuse",
    "complaints_ill_treatment",
    "complaints_sustained",
    "discipline",
    "commendations",
    "sick_days",
    "overtime_hours",
    "custody_records",
    "custody_force",
    "custody_incidents",
    "ill_treatment_register",
    "calls_handled",
    "calls_complained",
    "calls_late",
    "media_negative_unit",
)
WINDOWS_DAYS: tuple[int, ...] = (30, 90, 365, 1825)


def feature_name(signal: str, window_days: int) -> str:
    """`feature_name("complaints_all", 365)` → `"complaints_all_365d"`."""
    return f"{signal}_{int(window_days)}d"


def standard_feature_names(
    signals: tuple[str, ...] = SIGNALS, windows: tuple[int, ...] = WINDOWS_DAYS
) -> tuple[str, ...]:
    """Every signal over every window, signal-major (the order the simulator uses)."""
    return tuple(feature_name(s, w) for s in signals for w in windows)


def _vector(name: str, values: Any, n: int) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.shape[0] != n:
        raise ValueError(f"{name} has {array.shape[0]} rows but X has {n}")
    return array


@dataclass(frozen=True)
class FeatureTable:
    """One row per (officer, as-of date); see the package docstring for the meaning of each field.

    - `names`: feature names, one per column of `X` (unique);
    - `X`: float (n, p), finite (no NaN: a missing count is the app's to decide, usually 0);
    - `officer`: int (n,) officer ids; `period`: int (n,) the as-of year (or period index),
      rows of one period share an as-of date;
    - `label`: bool (n,) the adverse outcome in the period after the as-of date, or None when it
      is not known yet (the live period);
    - `peer_group`: (n,) unit × duty group for peer comparison, or None (then peers = the force);
    - `groups`: protected / audit attributes, (n,) each, e.g. "sex", "age_band", "region".
    """

    names: tuple[str, ...]
    X: FloatArray
    officer: IntArray
    period: IntArray
    label: BoolArray | None = None
    peer_group: np.ndarray | None = None
    groups: Mapping[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = tuple(str(name) for name in self.names)
        if len(set(names)) != len(names):
            raise ValueError("feature names must be unique")
        X = np.asarray(self.X, dtype=np.float64)
        if X.ndim != 2:
            raise ValueError(f"X must be two-dimensional (rows × features), got shape {X.shape}")
        n, p = X.shape
        if p != len(names):
            raise ValueError(f"X has {p} columns but {len(names)} feature names were given")
        bad = ~np.isfinite(X)
        if bad.any():
            row, col = np.argwhere(bad)[0]
            raise ValueError(
                f"X has {int(bad.sum())} missing or infinite values "
                f"(first at row {row}, feature {names[col]!r})"
            )
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "X", X)
        officer = _vector("officer", self.officer, n)
        period = _vector("period", self.period, n)
        for label, array in (("officer", officer), ("period", period)):
            if not np.issubdtype(array.dtype, np.integer):
                raise ValueError(f"{label} must hold integers, got dtype {array.dtype}")
        object.__setattr__(self, "officer", officer.astype(np.int64))
        object.__setattr__(self, "period", period.astype(np.int64))
        if self.label is not None:
            label_array = _vector("label", self.label, n)
            if label_array.dtype != np.bool_:
                if not np.isin(label_array, (0, 1)).all():
                    raise ValueError("label must be boolean (or 0 / 1)")
                label_array = label_array.astype(bool)
            object.__setattr__(self, "label", label_array)
        if self.peer_group is not None:
            object.__setattr__(self, "peer_group", _vector("peer_group", self.peer_group, n))
        groups = {
            str(key): _vector(f"groups[{key!r}]", values, n) for key, values in self.groups.items()
        }
        object.__setattr__(self, "groups", MappingProxyType(groups))

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])

    @property
    def periods(self) -> tuple[int, ...]:
        """The distinct periods, in order."""
        return tuple(int(p) for p in np.unique(self.period))

    def column(self, name: str) -> FloatArray:
        """The values of one feature (a ValueError names the unknown feature)."""
        return self.X[:, self.index(name)]

    def index(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise ValueError(f"unknown feature {name!r}: the table has no such column") from None

    def labels(self) -> BoolArray:
        """The labels, or a ValueError when they are not known (the live period)."""
        if self.label is None:
            raise ValueError("this table has no labels (outcomes not known yet)")
        return self.label

    def select(self, rows: Any) -> FeatureTable:
        """The table restricted to `rows` (a boolean mask or indices)."""
        index = np.asarray(rows)
        if index.dtype == np.bool_ and index.shape != (self.n_rows,):
            raise ValueError(f"a row mask must have {self.n_rows} entries, got {index.shape}")
        return FeatureTable(
            names=self.names,
            X=self.X[index],
            officer=self.officer[index],
            period=self.period[index],
            label=None if self.label is None else self.label[index],
            peer_group=None if self.peer_group is None else self.peer_group[index],
            groups={key: values[index] for key, values in self.groups.items()},
        )

    def peer_medians(self, min_peers: int = 5) -> FloatArray:
        """(n, p): each row's median of every feature among its peers at the same as-of date.

        Peers are the rows of the same period and peer group; a peer group with fewer than
        `min_peers` rows in a period (too few to compare with) falls back to the whole period's
        median, and so does every row when the table has no peer groups.
        """
        medians = np.empty_like(self.X)
        for period in np.unique(self.period):
            in_period = np.flatnonzero(self.period == period)
            whole = np.median(self.X[in_period], axis=0)
            medians[in_period] = whole
            if self.peer_group is None:
                continue
            peers = self.peer_group[in_period]
            keys, inverse = np.unique(peers.astype(str), return_inverse=True)
            for key_index in range(keys.size):
                members = in_period[inverse == key_index]
                if members.size >= min_peers:
                    medians[members] = np.median(self.X[members], axis=0)
        return medians
