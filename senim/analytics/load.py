"""An operational centre's load and response times: pure functions on arrays.

`expected_hourly` says how many calls each hour of a day usually brings: the mean count of that
hour on the same weekday of the previous weeks (weekday and hour are the two strongest cycles of
police calls), with a Poisson interval around the mean so that an hour is flagged as unusual
only beyond chance. `components` splits response times into their stages; `attended_within`
is the share of calls attended within their target.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class ExpectedLoad:
    hours: npt.NDArray[np.int64]  # 0..23
    observed: npt.NDArray[np.int64]  # calls per hour of the day asked about (so far)
    expected: FloatArray  # mean per hour over the reference days
    low: FloatArray  # Poisson interval of a single day's count around the mean
    high: FloatArray
    reference_days: int  # how many earlier same-weekday days the mean is over

    @property
    def unusual(self) -> npt.NDArray[np.bool_]:
        """Hours whose count so far lies above the interval."""
        return self.observed > self.high


def expected_hourly(
    day_seconds: npt.NDArray[np.int64],
    history_seconds: npt.NDArray[np.int64],
    *,
    day_start: int,
    weeks: int = 8,
    level: float = 0.9,
) -> ExpectedLoad:
    """Observed calls per hour of one day against the same weekday of the `weeks` weeks before.

    Times are local wall-clock epoch seconds; `day_start` is the local midnight of the day.
    Reference days with no calls at all are left out (no data, not a quiet day), so a history
    that stops early gives a mean over the days it has, and `reference_days` says how many.
    """
    hours = np.arange(24, dtype=np.int64)
    day = np.asarray(day_seconds, dtype=np.int64)
    in_day = (day >= day_start) & (day < day_start + SECONDS_PER_DAY)
    observed = np.bincount((day[in_day] - day_start) // 3600, minlength=24)[:24].astype(np.int64)
    history = np.asarray(history_seconds, dtype=np.int64)
    per_day: list[npt.NDArray[np.int64]] = []
    for k in range(1, weeks + 1):
        start = day_start - k * 7 * SECONDS_PER_DAY
        mask = (history >= start) & (history < start + SECONDS_PER_DAY)
        if mask.any():
            per_day.append(np.bincount((history[mask] - start) // 3600, minlength=24)[:24])
    if per_day:
        expected = np.mean(np.vstack(per_day), axis=0).astype(np.float64)
    else:
        expected = np.zeros(24, dtype=np.float64)
    tail = (1.0 - level) / 2.0
    low = np.where(expected > 0, stats.poisson.ppf(tail, expected), 0.0)
    high = np.where(expected > 0, stats.poisson.ppf(1.0 - tail, expected), 0.0)
    return ExpectedLoad(
        hours, observed, expected, low.astype(float), high.astype(float), len(per_day)
    )


@dataclass(frozen=True)
class Component:
    name: str
    n: int
    median_s: float | None
    p90_s: float | None


def _summary(name: str, seconds: FloatArray) -> Component:
    values = seconds[np.isfinite(seconds) & (seconds >= 0)]
    if not values.size:
        return Component(name, 0, None, None)
    return Component(
        name, int(values.size), float(np.median(values)), float(np.percentile(values, 90))
    )


def components(
    received: FloatArray,
    answered: FloatArray,
    dispatched: FloatArray,
    arrived: FloatArray,
    closed: FloatArray,
) -> list[Component]:
    """Stages of the response, in seconds (NaN where a stage did not happen):

    answer = answered − received; dispatch = dispatched − answered (− received when the answer
    time is unknown); travel = arrived − dispatched; on scene = closed − arrived; and the whole
    response = arrived − received.
    """
    answered_or_received = np.where(np.isfinite(answered), answered, received)
    return [
        _summary("answer", answered - received),
        _summary("dispatch", dispatched - answered_or_received),
        _summary("travel", arrived - dispatched),
        _summary("on_scene", closed - arrived),
        _summary("response", arrived - received),
    ]


@dataclass(frozen=True)
class Attendance:
    n: int  # calls with a target that were attended
    within: int  # attended by their deadline
    median_s: float | None
    p90_s: float | None

    @property
    def share(self) -> float | None:
        return self.within / self.n if self.n else None


def attended_within(received: FloatArray, arrived: FloatArray, due: FloatArray) -> Attendance:
    """Share of attended calls whose unit arrived by the deadline, with response-time quantiles."""
    ok = np.isfinite(received) & np.isfinite(arrived) & np.isfinite(due)
    if not ok.any():
        return Attendance(0, 0, None, None)
    response = arrived[ok] - received[ok]
    return Attendance(
        n=int(ok.sum()),
        within=int((arrived[ok] <= due[ok]).sum()),
        median_s=float(np.median(response)),
        p90_s=float(np.percentile(response, 90)),
    )
