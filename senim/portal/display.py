"""KPI figures (as kpis.json stores them) turned into what a page cell or a chart shows.

One function per KPI says which number is the headline and what goes beside it, so the home
table, the region cards and the trend charts cannot disagree. None means "no data".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from senim.portal.methodology import NOTES, Note


@dataclass(frozen=True)
class Shown:
    value: str | None  # the headline, None: no data
    detail: str = ""
    placeholder: bool = False  # the population behind a rate is a placeholder figure
    change: float | None = None  # % against the year before, where the KPI has one


def _n(value: float, digits: int = 1) -> str:
    return number_format(value, digits, force_grouping=True)


def headline(key: str, figures: dict[str, Any] | None) -> float | None:
    """The number a chart plots for a KPI."""
    if not figures:
        return None
    field = {
        "crime": "rate",
        "solved": "share",
        "response_102": "median_min",
        "complaints": "per_1000",
        "trust": "index",
        "npm": "share",
    }[key]
    value = figures.get(field)
    return None if value is None else float(value)


def shown(key: str, f: dict[str, Any] | None) -> Shown:
    if not f:
        return Shown(None)
    if key == "crime":
        detail = _("offences: %(count)s") % {"count": _n(f["count"], 0)}
        if f["rate"] is None:
            return Shown(None, detail)
        return Shown(_n(f["rate"]), detail, f["population_is_placeholder"], f["change_pct"])
    if key == "solved":
        # The cohort definition, said on the figure itself (methodology.py gives the formula):
        # of the year's registered criminal offences, those solved so far.
        return Shown(
            f"{_n(f['share'])} %",
            _("%(solved)s of %(registered)s registered in the year, solved so far")
            % {"solved": _n(f["solved"], 0), "registered": _n(f["registered"], 0)},
        )
    if key == "response_102":
        return Shown(
            _n(f["median_min"]),
            _("90%% within %(p90)s min · calls: %(n)s")
            % {"p90": _n(f["p90_min"]), "n": _n(f["n"], 0)},
        )
    if key == "complaints":
        return Shown(
            _n(f["per_1000"]),
            _("complaints: %(complaints)s · convicts: %(convicts)s")
            % {"complaints": _n(f["complaints"], 0), "convicts": _n(f["convicts"], 0)},
        )
    if key == "trust":
        return Shown(
            _n(f["index"]),
            _("95%% CI %(low)s–%(high)s · n = %(n)s")
            % {"low": _n(f["low"]), "high": _n(f["high"]), "n": _n(f["n"], 0)},
        )
    if key == "npm":
        return Shown(
            f"{_n(f['share'])} %",
            _("%(implemented)s of %(sent)s")
            % {"implemented": _n(f["implemented"], 0), "sent": _n(f["sent"], 0)},
        )
    raise KeyError(key)


def row(figures: dict[str, Any] | None) -> list[tuple[Note, Shown]]:
    """Every KPI of one territory and year, in the methodology's order."""
    figures = figures or {}
    return [(note, shown(note.key, figures.get(note.key))) for note in NOTES]
