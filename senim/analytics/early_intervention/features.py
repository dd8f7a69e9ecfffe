"""Counting events per officer over windows before an as-of date, without looking ahead.

The app turns its records (complaints, measures, sick leave, duty hours …) into features with
`window_counts`: for each officer, the number of events — or the sum of a weight such as hours —
in the `w` days before the as-of day, for every window `w`. An event on the as-of day or after
it never counts: temporal validation cannot catch a feature computed from the future, so the
guard sits where features are made.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from senim.analytics.early_intervention.table import WINDOWS_DAYS, FloatArray


def window_counts(
    event_officer: Any,
    event_day: Any,
    officers: Any,
    as_of_day: int,
    windows: Sequence[int] = WINDOWS_DAYS,
    *,
    weight: Any = None,
) -> FloatArray:
    """(len(officers), len(windows)): events with `as_of_day − w ≤ day < as_of_day` per officer.

    Days are integers (e.g. `date.toordinal()`); `weight` (one per event, e.g. overtime hours)
    turns counts into sums. Officers without events get 0; events of officers not listed are
    ignored.
    """
    who = np.asarray(event_officer)
    day = np.asarray(event_day)
    roster = np.asarray(officers)
    if who.ndim != 1 or day.shape != who.shape:
        raise ValueError(
            f"event_officer and event_day must be one-dimensional and of equal length, "
            f"got {who.shape} and {day.shape}"
        )
    if not np.issubdtype(day.dtype, np.integer) and day.size:
        raise ValueError(f"event_day must hold integer day numbers, got dtype {day.dtype}")
    values = np.ones(who.size) if weight is None else np.asarray(weight, dtype=np.float64)
    if values.shape != who.shape:
        raise ValueError(f"weight has shape {values.shape}, expected {who.shape}")
    if not np.isfinite(values).all():
        raise ValueError("weight has missing or infinite values")
    spans = [int(w) for w in windows]
    if not spans or min(spans) <= 0:
        raise ValueError(f"windows must be positive numbers of days, got {tuple(windows)!r}")
    if len(np.unique(roster)) != roster.size:
        raise ValueError("officers must be unique")
    order = np.argsort(roster, kind="stable")
    sorted_roster = roster[order]
    position = np.searchsorted(sorted_roster, who)
    position = np.minimum(position, max(sorted_roster.size - 1, 0))
    known = sorted_roster.size > 0
    listed = (sorted_roster[position] == who) if known else np.zeros(who.size, dtype=bool)
    result = np.zeros((roster.size, len(spans)))
    for j, span in enumerate(spans):
        inside = listed & (day >= as_of_day - span) & (day < as_of_day)
        sums = np.bincount(position[inside], weights=values[inside], minlength=roster.size)
        result[order, j] = sums[: roster.size]
    return result
