"""A forecast model's name in words: the library names its candidates by code ("decayed-365d",
"blend-730d+0.1x28d-150m"); a commander reads what the model does, in the page's language."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"naive-(?P<days>\d+)d"), "naive"),
    (re.compile(r"decayed-(?P<half>\d+)d-(?P<metres>\d+)m"), "decayed_smoothed"),
    (re.compile(r"decayed-(?P<half>\d+)d"), "decayed"),
    (
        re.compile(r"blend-(?P<long>\d+)d\+(?P<weight>[\d.]+)x(?P<short>\d+)d-(?P<metres>\d+)m"),
        "blend",
    ),
    (re.compile(r"retrospective-(?P<metres>\d+)m-(?P<days>\d+)d"), "retrospective"),
    (re.compile(r"prospective-(?P<metres>\d+)m-(?P<weeks>\d+)w"), "prospective"),
]


def describe(name: str) -> str:
    """What the named model does, in words; an unknown name is returned as it is."""
    fixed = {
        "yearly-count": _("last year's count in each cell"),
        "all-history-count": _("the count over all the history in each cell"),
        "seppgrid": _("a self-exciting model: recent offences raise the risk nearby for a while"),
        "typed-decayed": _("fading counts of each kind of offence from its own history"),
        "learned-gbm": _(
            "a learned model (gradient boosting) over the past counts of each cell, its "
            "neighbours and the same weeks of earlier years"
        ),
    }
    if name in fixed:
        return fixed[name]
    for pattern, kind in _PATTERNS:
        match = pattern.fullmatch(name)
        if match is None:
            continue
        g = match.groupdict()
        if kind == "naive":
            return _("the count of the last %(days)s days") % g
        if kind == "decayed":
            return _("a count in which older offences fade, halving every %(half)s days") % g
        if kind == "decayed_smoothed":
            return (
                _(
                    "a count in which older offences fade, halving every %(half)s days, "
                    "smoothed over %(metres)s m"
                )
                % g
            )
        if kind == "blend":
            return _(
                "a long-term fading count (halving every %(long)s days) with %(pct)s %% added "
                "from the last %(short)s days, smoothed over %(metres)s m"
            ) % {**g, "pct": round(float(g["weight"]) * 100)}
        if kind == "retrospective":
            return _("the density of the last %(days)s days' offences, within %(metres)s m") % g
        return _("a prospective hot-spot map (%(metres)s m, the last %(weeks)s weeks)") % g
    return name
