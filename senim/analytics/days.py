"""Calendar days as integers (days since 1970-01-01), the unit the period arithmetic uses."""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

from senim.analytics.grid import IntArray

DateLike = dt.date | np.datetime64 | str


def to_day(value: DateLike) -> dt.date:
    """One date from a date, a datetime (its date), a numpy datetime64 or an ISO string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        day = np.datetime64(value).astype("datetime64[D]")
    except ValueError as exc:
        raise ValueError(f"not a date: {value!r}") from exc
    if np.isnat(day):
        raise ValueError(f"not a date: {value!r}")
    result = day.astype(object)
    assert isinstance(result, dt.date)
    return result


def to_days(values: npt.ArrayLike) -> IntArray:
    """Day numbers of an array of dates or datetime64 values (no missing dates allowed)."""
    arr = np.asarray(values)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    try:
        days = arr.astype("datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"dates must be dates or datetime64, got dtype {arr.dtype}") from exc
    if bool(np.any(np.isnat(days))):
        raise ValueError("dates contain NaT (missing dates)")
    return days.astype(np.int64).ravel()


def ordinal(day: dt.date) -> int:
    """The day number of one date."""
    return int(np.datetime64(day, "D").astype(np.int64))
