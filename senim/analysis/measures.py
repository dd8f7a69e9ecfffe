"""Evaluation of a measure: a target district against a control district, before and after.

senim.analytics.evaluation does the statistics and returns a Verdict with caveat codes; this
module picks the events, builds the masks and says in words what the codes mean. The ring
for the displacement check is approximated from the data (district boundaries are not
stored): offences outside the target, within `ring_m` metres of any offence recorded in the
target during the history, are "around" it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from scipy.spatial import cKDTree

from senim.analysis.areas import Area, last_day, resolve
from senim.analysis.params import AnalysisError, NoData
from senim.analysis.plane import located
from senim.analytics.evaluation import Circle, Verdict, area_masks, evaluate
from senim.analytics.grid import Projection
from senim.core.models import District, User
from senim.register.services import OffenceEvents, offence_events

HISTORY_YEARS = 3
MAX_RING_M = 5_000.0


@dataclass(frozen=True)
class Evaluation:
    target: Area
    control: Area
    start: dt.date
    end: dt.date  # inclusive
    kinds: tuple[str, ...]
    ring_m: float
    verdict: Verdict
    n_events: int


def verdict_label(code: str) -> str:
    return {
        "effect": _("The problem fell, and the measure is the likeliest explanation"),
        "no_effect": _("No effect of the measure"),
        "inconclusive": _("Inconclusive: the data cannot tell"),
    }[code]


def caveat_text(code: str) -> str:
    return _caveat_texts().get(code, code)


def _caveat_texts() -> dict[str, str]:
    """What each caveat code of senim.analytics.evaluation means, for the analyst."""
    return {
        "too_few_events": _(
            "Too few offences: fewer than 20 in the target or the control, or a period with "
            "none. No conclusion is possible."
        ),
        "short_after_period": _(
            "The after period is shorter than 90 days: early results often fade (novelty)."
        ),
        "short_history": _(
            "Less than three before-periods of history: regression to the mean could not be "
            "checked against the target's own past."
        ),
        "no_trend_baseline": _(
            "Less than 8 weeks of history before the measure: no trend could be fitted."
        ),
        "long_extrapolation": _(
            "The after period is long compared with the history: the trend is extrapolated "
            "far and its baseline is uncertain."
        ),
        "no_same_phase": _(
            "No data for the same dates a year earlier: seasonal cycles could not be checked."
        ),
        "seasonal_change": _(
            "The target changed about as much as it did over the same months last year: the "
            "season may explain the change."
        ),
        "control_also_changed": _(
            "The control area changed significantly too: something besides the measure moved."
        ),
        "targets_changed": _("The number of targets changed by more than a tenth between periods."),
        "methods_disagree": _(
            "The target fell relative to the control, but not below its own trend: the "
            "methods disagree."
        ),
        "adverse_change": _("The target rose relative to the control."),
        "displacement": _(
            "Offences rose around the target while they fell in it: crime may have moved."
        ),
        "regression_to_mean": _(
            "The target was chosen at a peak: counts fall back after a peak on their own "
            "(regression to the mean)."
        ),
    }


CAVEAT_CODES = tuple(
    [
        "too_few_events", "short_after_period", "short_history", "no_trend_baseline",
        "long_extrapolation", "no_same_phase", "seasonal_change", "control_also_changed",
        "targets_changed", "methods_disagree", "adverse_change", "displacement",
        "regression_to_mean",
    ]
)  # fmt: skip


def interpretation_label(code: str) -> str:
    return {
        "diffusion_of_benefits": _("diffusion of benefits to the surroundings"),
        "displacement": _("displacement to the surroundings"),
        "none": _("no significant change around the target"),
        "not_defined": _("not defined: the target did not fall relative to the control"),
    }.get(code, code)


def _district(user: User, code: str, field: str) -> Area:
    if not code.strip():
        raise AnalysisError(field, _("Choose a district."))
    area = resolve(user, code, field=field)
    if area.district is None:
        raise AnalysisError(field, _("Choose a district, not a whole region."))
    return area


def _events(
    user: User, areas: list[Area], date_from: dt.date, date_to: dt.date, kinds: tuple[str, ...]
) -> OffenceEvents:
    """Every offence of the areas' regions (for the ring and the peers), one query a region."""
    parts = []
    for region_id in dict.fromkeys(a.region_id for a in areas):
        parts.append(
            offence_events(
                user=user,
                region_id=region_id,
                date_from=date_from,
                date_to=date_to,
                kinds=list(kinds) or None,
            )
        )
    if len(parts) == 1:
        return parts[0]
    fields = OffenceEvents.__dataclass_fields__
    return OffenceEvents(**{f: np.concatenate([getattr(p, f) for p in parts]) for f in fields})


def ring_mask(
    events: OffenceEvents, target: np.ndarray, exclude: np.ndarray, ring_m: float, centre: Area
) -> np.ndarray:
    """Offences outside the target and `exclude`, within `ring_m` of a target offence."""
    ok = located(events.lat, events.lon)
    projection = Projection(lon0=centre.centre[1], lat0=centre.centre[0])
    x, y = projection.forward(events.lon, events.lat)
    anchors = target & ok
    ring = np.zeros(len(events), dtype=bool)
    if not anchors.any():
        return ring
    tree = cKDTree(np.column_stack([x[anchors], y[anchors]]))
    candidates = ok & ~target & ~exclude
    if candidates.any():
        distance, _index = tree.query(
            np.column_stack([x[candidates], y[candidates]]), distance_upper_bound=ring_m
        )
        ring[candidates] = np.isfinite(distance)
    return ring


def _check_period(
    start: dt.date | None, end: dt.date | None, ring_m: float, before_days: int | None
) -> None:
    if start is None:
        raise AnalysisError("start", _("Give the day the measure started."))
    if end is None:
        raise AnalysisError(
            "end", _("Give the last day of the measure (or of the period to judge).")
        )
    if end < start:
        raise AnalysisError("end", _("The period ends before it starts."))
    if not 0 <= ring_m <= MAX_RING_M:
        raise AnalysisError(
            "ring_m", _("Must be between %(low)s and %(high)s.") % {"low": 0, "high": 5000}
        )
    if before_days is not None and not 7 <= before_days <= 3 * 366:
        raise AnalysisError(
            "before_days", _("Must be between %(low)s and %(high)s.") % {"low": 7, "high": 1098}
        )


def judge(
    days: np.ndarray,
    in_target: np.ndarray,
    in_control: np.ndarray,
    ring: np.ndarray | None,
    *,
    start: dt.date,
    end: dt.date,
    before: int,
    history_from: dt.date,
    peers: list[int] | None,
) -> Verdict:
    """The one evaluation of a measure: the masks of the target, the control and the ring over the
    events' local days, whatever the areas are (districts here, circles for a problem case)."""
    history_start = max(history_from, days.min().astype(dt.date))
    before_start = start - dt.timedelta(days=before)
    try:
        return evaluate(
            days,
            target=in_target,
            control=in_control,
            ring=ring,
            start=start,
            end=end,
            before_days=before,
            history_start=min(history_start, before_start),
            peers=peers,
        )
    except ValueError as error:
        raise AnalysisError("start", str(error)) from None


def evaluate_measure(
    *,
    user: User,
    target: str,
    control: str,
    start: dt.date | None,
    end: dt.date | None,
    kinds: tuple[str, ...] = (),
    ring_m: float = 500.0,
    before_days: int | None = None,
) -> Evaluation:
    target_area = _district(user, target, "target")
    control_area = _district(user, control, "control")
    if target_area.district == control_area.district:
        raise AnalysisError("control", _("The control must be another district than the target."))
    _check_period(start, end, ring_m, before_days)
    assert start is not None and end is not None
    data_end = min(last_day(user, target_area), last_day(user, control_area))
    if end > data_end:
        raise AnalysisError(
            "end",
            _("The data end on %(day)s: the after period cannot go beyond it.")
            % {"day": data_end.isoformat()},
        )
    before = before_days or (end - start).days + 1
    history_from = start - dt.timedelta(days=before + HISTORY_YEARS * 365)
    events = _events(
        user, [target_area, control_area], history_from, end + dt.timedelta(days=1), kinds
    )
    if len(events) == 0:
        raise NoData("target", _("No offences in these districts and period."))
    days = events.t_local.astype("datetime64[D]")
    in_target = events.district_id == target_area.district_id
    in_control = events.district_id == control_area.district_id
    ring = ring_mask(events, in_target, in_control, ring_m, target_area) if ring_m > 0 else None
    before_start = start - dt.timedelta(days=before)
    # Peers for the regression-to-the-mean check: the other districts of the target's region.
    in_before = (days >= np.datetime64(before_start)) & (days < np.datetime64(start))
    peers = [
        int(np.count_nonzero(in_before & (events.district_id == pk)))
        for pk in District.objects.filter(region_id=target_area.region_id)
        .exclude(id=target_area.district_id or 0)
        .values_list("pk", flat=True)
    ]
    verdict = judge(
        days,
        in_target,
        in_control,
        ring,
        start=start,
        end=end,
        before=before,
        history_from=history_from,
        peers=peers,
    )
    return Evaluation(
        target=target_area,
        control=control_area,
        start=start,
        end=end,
        kinds=kinds,
        ring_m=ring_m,
        verdict=verdict,
        n_events=int(in_target.sum() + in_control.sum()),
    )


@dataclass(frozen=True)
class Place:
    """A circle on the ground: (lat, lon) and a radius in metres."""

    lat: float
    lon: float
    radius_m: float


def evaluate_places(
    *,
    user: User,
    region_id: int,
    district_id: int,
    target: Place,
    control: Place,
    start: dt.date | None,
    end: dt.date | None,
    kinds: tuple[str, ...] = (),
    ring_m: float = 200.0,
    before_days: int | None = None,
) -> tuple[Verdict, int]:
    """The same evaluation for a circular target (a problem case's place) against a circular
    control of the same district, with the ring `ring_m` around the target; the user's scope
    bounds the events (an inspector's are their sector's). Returns the verdict and the events."""
    _check_period(start, end, ring_m, before_days)
    assert start is not None and end is not None
    district = District.objects.select_related("region").get(pk=district_id)
    data_end = last_day(user, Area(region=district.region, district=district))
    if end > data_end:
        raise AnalysisError(
            "end",
            _("The data end on %(day)s: the after period cannot go beyond it.")
            % {"day": data_end.isoformat()},
        )
    before = before_days or (end - start).days + 1
    history_from = start - dt.timedelta(days=before + HISTORY_YEARS * 365)
    events = offence_events(
        user=user,
        region_id=region_id,
        district_id=district_id,
        date_from=history_from,
        date_to=end + dt.timedelta(days=1),
        kinds=list(kinds) or None,
    )
    ok = located(events.lat, events.lon)
    if not ok.any():
        raise NoData("target", _("No offences in these districts and period."))
    projection = Projection(lon0=target.lon, lat0=target.lat)
    x, y = projection.forward(
        np.where(ok, events.lon, target.lon), np.where(ok, events.lat, target.lat)
    )
    far = 1e9  # events without coordinates lie in no area
    x, y = np.where(ok, x, far), np.where(ok, y, far)
    cx, cy = projection.forward(np.array([control.lon]), np.array([control.lat]))
    try:
        masks = area_masks(
            x,
            y,
            target=Circle(0.0, 0.0, target.radius_m),
            control=Circle(float(cx[0]), float(cy[0]), control.radius_m),
            ring_m=ring_m if ring_m > 0 else None,
        )
    except ValueError:
        raise AnalysisError(
            "control", _("The control area overlaps the target or the ring around it.")
        ) from None
    verdict = judge(
        events.t_local.astype("datetime64[D]"),
        masks.target,
        masks.control,
        masks.ring,
        start=start,
        end=end,
        before=before,
        history_from=history_from,
        peers=None,
    )
    return verdict, int(masks.target.sum() + masks.control.sum())
