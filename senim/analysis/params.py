"""Parameters of the analytics pages and API, checked once, with an error that names the field.

Pages read a query string (`from_query`), the API gets typed values from django-ninja; both
end in the same checks (`check_*`), so a bad value gets the same message in either place.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from senim.analytics.indicators import Period

KINDS = ("crime", "criminal_misdemeanour", "administrative")
# A forecast or a map is not worth its memory beyond this many cells (a 500 × 500 grid).
MAX_CELLS = 250_000
MIN_CELL_M = 25.0
MAX_CELL_M = 5_000.0
MAX_BANDWIDTH_M = 20_000.0
ALPHAS = (0.01, 0.05, 0.1)
MAX_PERIOD_DAYS = 3 * 366


class AnalysisError(Exception):
    """A request the analytics centre cannot answer; `field` names the input at fault."""

    status = 400

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class AreaNotFound(AnalysisError):
    status = 404


class NoData(AnalysisError):
    """Nothing to analyse in the area and period: not the caller's mistake. Pages say so
    calmly (200); the API answers 404, as for any request that finds nothing."""

    status = 404


@dataclass(frozen=True)
class Common:
    """The filters every page shares: area code, dates (inclusive, optional) and kinds."""

    area: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    kinds: tuple[str, ...] = ()


def check_kinds(kinds: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(k for k in kinds if k)
    unknown = sorted(set(chosen) - set(KINDS))
    if unknown:
        raise AnalysisError(
            "kind", _("Unknown offence kind: %(kind)s") % {"kind": ", ".join(unknown)[:80]}
        )
    return chosen


def check_period(date_from: dt.date | None, date_to: dt.date | None, default: Period) -> Period:
    """The period asked for (both days included), or the default when no dates are given."""
    if date_from is None and date_to is None:
        return default
    if date_from is None or date_to is None:
        field = "date_from" if date_from is None else "date_to"
        raise AnalysisError(field, _("Give both dates of the period, or neither."))
    if date_to < date_from:
        raise AnalysisError("date_to", _("The period ends before it starts."))
    period = Period(date_from, date_to + dt.timedelta(days=1))
    if period.days > MAX_PERIOD_DAYS:
        raise AnalysisError(
            "date_from",
            _("The period is too long: at most %(days)s days.") % {"days": MAX_PERIOD_DAYS},
        )
    return period


def check_number(field: str, value: float | None, low: float, high: float) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value) or not low <= value <= high:
        raise AnalysisError(
            field,
            _("Must be between %(low)s and %(high)s.") % {"low": f"{low:g}", "high": f"{high:g}"},
        )
    return float(value)


def check_alpha(value: float | None) -> float:
    if value is None:
        return 0.05
    if not any(math.isclose(value, a) for a in ALPHAS):
        raise AnalysisError(
            "alpha",
            _("The significance level must be one of: %(values)s")
            % {"values": ", ".join(f"{a:g}" for a in ALPHAS)},
        )
    return float(value)


# --- query strings (pages) --------------------------------------------------------------------


def _date(params: Mapping[str, Any], name: str) -> dt.date | None:
    raw = str(params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise AnalysisError(name, _("Write the date as YYYY-MM-DD.")) from None


def number(params: Mapping[str, Any], name: str) -> float | None:
    raw = str(params.get(name) or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise AnalysisError(name, _("Enter a number.")) from None


def from_query(params: Any) -> Common:
    """The shared filters of a page's query string (a Django QueryDict)."""
    kinds = params.getlist("kind") if hasattr(params, "getlist") else params.get("kind", [])
    return Common(
        area=str(params.get("area") or "").strip(),
        date_from=_date(params, "date_from"),
        date_to=_date(params, "date_to"),
        kinds=check_kinds(kinds),
    )


def date_param(params: Mapping[str, Any], name: str) -> dt.date | None:
    return _date(params, name)


def kind_label(kind: str) -> str:
    """The register's own wording of an offence kind (the same catalogue entries)."""
    labels = {
        "crime": _("crime"),
        "criminal_misdemeanour": _("criminal misdemeanour"),
        "administrative": _("administrative offence"),
    }
    return labels.get(kind, kind)
