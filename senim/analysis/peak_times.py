"""Peak times of an area: hour × weekday, hour, weekday and month profiles with their peaks.

The counting and the test are senim.analytics.peaks (observed against a constant rate over the
same period, exact Poisson tail, false discovery rate across slots). Times are wall-clock
Almaty time, as the register service hands them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from senim.analysis.areas import Area
from senim.analysis.params import NoData
from senim.analytics.indicators import Period
from senim.analytics.peaks import Profile, TemporalProfile, temporal_profile
from senim.core.models import User
from senim.register.services import offence_events


def weekday_names() -> list[str]:
    return [
        pgettext("weekday", "Mon"),
        pgettext("weekday", "Tue"),
        pgettext("weekday", "Wed"),
        pgettext("weekday", "Thu"),
        pgettext("weekday", "Fri"),
        pgettext("weekday", "Sat"),
        pgettext("weekday", "Sun"),
    ]


def month_names() -> list[str]:
    return [
        pgettext("month", "Jan"),
        pgettext("month", "Feb"),
        pgettext("month", "Mar"),
        pgettext("month", "Apr"),
        pgettext("month", "May"),
        pgettext("month", "Jun"),
        pgettext("month", "Jul"),
        pgettext("month", "Aug"),
        pgettext("month", "Sep"),
        pgettext("month", "Oct"),
        pgettext("month", "Nov"),
        pgettext("month", "Dec"),
    ]


@dataclass(frozen=True)
class Peak:
    label: str
    count: int
    expected: float
    ratio: float
    z: float


@dataclass(frozen=True)
class PeakTimes:
    area: Area
    period: Period
    kinds: tuple[str, ...]
    alpha: float
    profile: TemporalProfile
    hour_weekday_peaks: tuple[Peak, ...]
    month_peaks: tuple[Peak, ...]
    hour_peaks: tuple[Peak, ...]

    @property
    def n_events(self) -> int:
        return self.profile.n_events

    def chart(self) -> dict[str, object]:
        hw = self.profile.hour_weekday
        return {
            "weekdays": weekday_names(),
            "hours": list(hw.labels),
            # [hour, weekday, count, expected, z], weekday rows Mon … Sun
            "matrix": [
                [
                    h,
                    d,
                    int(hw.counts[d, h]),
                    round(float(hw.expected[d, h]), 2),
                    round(float(hw.z[d, h]), 2),
                    int(hw.peak[d, h]),
                ]
                for d in range(7)
                for h in range(24)
            ],
            "hour": _series(self.profile.hour, list(hw.labels)),
            "weekday": _series(self.profile.weekday, weekday_names()),
            "month": _series(self.profile.month, month_names()),
        }


def _series(profile: Profile, labels: list[str]) -> dict[str, object]:
    return {
        "labels": labels,
        "counts": [int(c) for c in profile.counts],
        "expected": [round(float(e), 2) for e in profile.expected],
        "peak": [bool(p) for p in profile.peak],
        "exposure": [int(e) for e in profile.exposure],
    }


def _peaks(profile: Profile, label: object, limit: int = 12) -> tuple[Peak, ...]:
    out = []
    for index in profile.peaks()[:limit]:
        out.append(
            Peak(
                label=label(index),  # type: ignore[operator]
                count=int(profile.counts[index]),
                expected=float(profile.expected[index]),
                ratio=float(profile.ratio[index]),
                z=float(profile.z[index]),
            )
        )
    return tuple(out)


def _local_seconds(day: dt.date) -> int:
    return int(np.datetime64(day, "s").astype(np.int64))


def peak_times(
    *, user: User, area: Area, period: Period, kinds: tuple[str, ...] = (), alpha: float = 0.05
) -> PeakTimes:
    events = offence_events(
        user=user,
        region_id=area.region_id,
        district_id=area.district_id,
        date_from=period.start,
        date_to=period.end,
        kinds=list(kinds) or None,
    )
    if len(events) == 0:
        raise NoData("area", _("No offences in this area and period."))
    profile = temporal_profile(
        events.t_local,
        start=_local_seconds(period.start),
        end=_local_seconds(period.end),
        alpha=alpha,
    )
    days, months = weekday_names(), month_names()
    return PeakTimes(
        area=area,
        period=period,
        kinds=kinds,
        alpha=alpha,
        profile=profile,
        hour_weekday_peaks=_peaks(
            profile.hour_weekday, lambda i: f"{days[i[0]]} {i[1]:02d}:00–{i[1]:02d}:59"
        ),
        month_peaks=_peaks(profile.month, lambda i: months[i[0]]),
        hour_peaks=_peaks(profile.hour, lambda i: f"{i[0]:02d}:00–{i[0]:02d}:59"),
    )
