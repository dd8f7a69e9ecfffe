"""CompStat brief of a region or district: 7-day, 28-day, year-to-date and 365-day counts.

Each period is compared with the equal period just before it and with the same dates last
year; the arithmetic and the Poisson alert are senim.analytics.compstat. Rows are the area's
districts (for a region) and the offence kinds, with the total. Days are local (Almaty) days.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from senim.analysis.areas import Area
from senim.analysis.params import KINDS, AnalysisError, kind_label
from senim.analytics.compstat import PERIODS, CompStat, PeriodStats, compstat
from senim.analytics.indicators import Period, shift_years
from senim.core.models import District, User
from senim.register.services import OffenceEvents, offence_events

Z_ALERT = 2.0


def period_label(name: str) -> str:
    return {
        "7d": _("7 days"),
        "28d": _("28 days"),
        "ytd": _("year to date"),
        "365d": _("365 days"),
    }[name]


@dataclass(frozen=True)
class Versus:
    base: int
    change_pct: float | None  # None when the base is 0
    z: float
    alert: int  # +1 significant rise, −1 significant fall, 0 within noise


@dataclass(frozen=True)
class Cell:
    current: int
    prior: Versus
    last_year: Versus


@dataclass(frozen=True)
class BriefRow:
    key: str
    label: str
    cells: tuple[Cell, ...]  # in PERIODS order
    total: bool = False


@dataclass(frozen=True)
class Alert:
    row: str
    period: str
    against: str
    current: int
    base: int
    change_pct: float | None
    z: float


@dataclass(frozen=True)
class CompStatBrief:
    area: Area
    reference: dt.date
    kinds: tuple[str, ...]
    z_alert: float
    periods: tuple[tuple[str, Period], ...]  # (label, current period) in PERIODS order
    by_district: tuple[BriefRow, ...]
    by_kind: tuple[BriefRow, ...]
    total: BriefRow
    alerts: tuple[Alert, ...]
    n_events: int


def _versus(stats: PeriodStats, which: str, row: int) -> Versus:
    comparison = stats.prior if which == "prior" else stats.last_year
    pct = float(comparison.change_pct[row])
    return Versus(
        base=int(comparison.base[row]),
        change_pct=None if math.isnan(pct) else pct,
        z=float(comparison.z[row]),
        alert=int(comparison.alert[row]),
    )


def _rows(result: CompStat, labels: list[tuple[str, str]]) -> tuple[BriefRow, ...]:
    rows = []
    for i, (key, label) in enumerate(labels):
        cells = tuple(
            Cell(int(s.current[i]), _versus(s, "prior", i), _versus(s, "last_year", i))
            for s in (result[name] for name in PERIODS)
        )
        rows.append(BriefRow(key, label, cells, total=key == "total"))
    return tuple(rows)


def _days(events: OffenceEvents) -> np.ndarray:
    return events.t_local.astype("datetime64[D]")


def compstat_brief(
    *,
    user: User,
    area: Area,
    reference: dt.date,
    kinds: tuple[str, ...] = (),
    z_alert: float = Z_ALERT,
) -> CompStatBrief:
    # Far enough back for the 365-day period's prior year and last year's year-to-date.
    start = min(reference - dt.timedelta(days=731), dt.date(reference.year - 1, 1, 1))
    start = min(start, shift_years(reference, -1) - dt.timedelta(days=366))
    events = offence_events(
        user=user,
        region_id=area.region_id,
        district_id=area.district_id,
        date_from=start,
        date_to=reference + dt.timedelta(days=1),
        kinds=list(kinds) or None,
    )
    days = _days(events)
    try:
        total = compstat(days, reference, z_alert=z_alert)
    except ValueError as error:
        raise AnalysisError("reference", str(error)) from None
    kind_keys = np.array(
        [KINDS.index(k) if k in KINDS else -1 for k in events.kind], dtype=np.int64
    )
    shown_kinds = kinds or KINDS
    by_kind = compstat(
        days,
        reference,
        keys=kind_keys,
        groups=[KINDS.index(k) for k in shown_kinds],
        z_alert=z_alert,
    )
    kind_rows = _rows(by_kind, [(k, kind_label(k)) for k in shown_kinds])
    district_rows: tuple[BriefRow, ...] = ()
    if area.district is None:
        districts = list(District.objects.filter(region_id=area.region_id).order_by("code"))
        groups = [int(d.pk) for d in districts]
        labels = [(d.code, d.name) for d in districts]
        if bool((events.district_id == -1).any()):
            groups.append(-1)
            labels.append(("", _("not assigned to a district")))
        by_district = compstat(
            days, reference, keys=events.district_id, groups=groups, z_alert=z_alert
        )
        district_rows = _rows(by_district, labels)
    total_row = _rows(total, [("total", _("Total"))])[0]
    return CompStatBrief(
        area=area,
        reference=reference,
        kinds=kinds,
        z_alert=z_alert,
        periods=tuple((period_label(s.name), s.period) for s in total.periods),
        by_district=district_rows,
        by_kind=kind_rows,
        total=total_row,
        alerts=_alerts((*district_rows, *kind_rows, total_row)),
        n_events=len(events),
    )


def _alerts(rows: tuple[BriefRow, ...]) -> tuple[Alert, ...]:
    """Every significant change, strongest first (by |z|)."""
    found = []
    for row in rows:
        for name, cell in zip(PERIODS, row.cells, strict=True):
            for against, versus in (
                (_("previous period"), cell.prior),
                (_("same period last year"), cell.last_year),
            ):
                if versus.alert:
                    found.append(
                        Alert(
                            row.label,
                            period_label(name),
                            against,
                            cell.current,
                            versus.base,
                            versus.change_pct,
                            versus.z,
                        )
                    )
    return tuple(sorted(found, key=lambda a: -abs(a.z)))
