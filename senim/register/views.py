"""The crime indicators page and its CSV / XLSX exports: parse filters, call the service, render.

The same URL with `?format=csv` or `?format=xlsx` downloads exactly the table on the page, so an
export can never disagree with what the analyst was looking at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from senim.analytics.indicators import UNKNOWN, OffenderStructure
from senim.core.models import Sex, User
from senim.core.scope import scope_level
from senim.register import exports, views_outcomes
from senim.register.indicators import (
    IndicatorTable,
    UnknownTerritory,
    chapter_label,
    data_years,
    default_period,
    home,
    indicators,
    kind_label,
    locate,
    offenders,
    severity_label,
)
from senim.register.models import OffenceKind


@dataclass(frozen=True)
class Filters:
    """The page's query string, validated. `date_to` is inclusive here, as people read dates."""

    region: str
    district: str
    mode: str  # "year" | "range"
    year: int | None
    date_from: dt.date | None
    date_to: dt.date | None
    kinds: tuple[str, ...]

    @classmethod
    def parse(cls, params: QueryDict) -> Filters:
        kinds = tuple(k for k in params.getlist("kind") if k)
        unknown = set(kinds) - set(OffenceKind.values)
        if unknown:
            raise ValueError(
                _("Unknown offence kind: %(kind)s") % {"kind": ", ".join(sorted(unknown))}
            )
        mode = "range" if params.get("period") == "range" else "year"
        year = date_from = date_to = None
        try:
            if mode == "range":
                date_from = dt.date.fromisoformat(params.get("from", ""))
                date_to = dt.date.fromisoformat(params.get("to", ""))
            elif params.get("year"):
                year = int(str(params["year"]))
        except ValueError:
            raise ValueError(
                _("Dates are written as YYYY-MM-DD and the year as four digits.")
            ) from None
        if date_from and date_to and date_to < date_from:
            raise ValueError(_("The period ends before it starts."))
        if year is not None and not 1990 <= year <= 2100:
            raise ValueError(_("The year is out of range."))
        return cls(
            region=params.get("region", "").strip(),
            district=params.get("district", "").strip(),
            mode=mode,
            year=year,
            date_from=date_from,
            date_to=date_to,
            kinds=kinds,
        )

    def query(self, **territory: str) -> dict[str, Any]:
        """Query parameters for a link that keeps these filters on another territory."""
        params: dict[str, Any] = {k: v for k, v in territory.items() if v}
        if self.mode == "range" and self.date_from and self.date_to:
            params |= {
                "period": "range",
                "from": self.date_from.isoformat(),
                "to": self.date_to.isoformat(),
            }
        elif self.year:
            params["year"] = self.year
        if self.kinds:
            params["kind"] = list(self.kinds)
        return params


def build_table(user: User, filters: Filters) -> IndicatorTable:
    """The table the filters ask for; Http404 for unknown codes, PermissionDenied out of scope."""
    try:
        if filters.region or filters.district:
            level, region_id, district_id = locate(
                region_iso=filters.region or None, district_code=filters.district or None
            )
        else:
            level, region_id, district_id = home(user)
    except UnknownTerritory:
        raise Http404(_("No such territory.")) from None
    if filters.date_from and filters.date_to:
        start, end = filters.date_from, filters.date_to + dt.timedelta(days=1)
    elif filters.year:
        start, end = dt.date(filters.year, 1, 1), dt.date(filters.year + 1, 1, 1)
    else:
        period = default_period(user)
        start, end = period.start, period.end
    return indicators(
        user=user,
        level=level,
        region_id=region_id,
        district_id=district_id,
        date_from=start,
        date_to=end,
        kinds=list(filters.kinds) or None,
    )


def offenders_of(user: User, table: IndicatorTable) -> OffenderStructure:
    """The structure of the offenders of exactly the table's territory, period and kinds."""
    return offenders(
        user=user,
        level=table.level,
        region_id=table.region.id if table.region else None,
        district_id=table.district.id if table.district else None,
        date_from=table.period.start,
        date_to=table.period.end,
        kinds=list(table.kinds) or None,
    )


def sex_label(key: str) -> str:
    return str(Sex(key).label) if key in Sex.values else _("not recorded")


def age_label(key: str) -> str:
    labels = {
        "under_14": _("under 14"),
        "50_plus": _("50 and over"),
        UNKNOWN: _("not recorded"),
    }
    # The other bands are numbers, the same in every language: "14_17" reads "14–17".
    return labels.get(key) or key.replace("_", "–")


def _pct(share: float | None) -> float | None:
    return None if share is None else share * 100.0


def _slices(shares: Any, label: Any) -> list[tuple[str, int, float]]:
    return [(label(s.key), s.count, s.share * 100.0) for s in shares]


def _link(params: dict[str, Any]) -> str:
    return reverse("indicators") + ("?" + urlencode(params, doseq=True) if params else "")


def _charts(table: IndicatorTable, filters: Filters) -> dict[str, Any]:
    """Everything the charts and the map draw, as JSON-ready data (see static/js/indicators.js)."""

    def slices(shares: Any, label: Any) -> list[dict[str, Any]]:
        return [
            {"name": label(s.key), "value": s.count, "share": round(s.share * 100, 1)}
            for s in shares
        ]

    data: dict[str, Any] = {
        "kind": slices(table.by_kind, kind_label),
        "severity": slices(table.by_severity, severity_label),
        "chapter": slices(table.by_chapter, lambda k: chapter_label(table, k)),
        "labels": {"volume": _("Offences"), "rate": _("Rate per 100 000"), "noData": _("no data")},
    }
    if table.level == "national":
        data["map"] = {
            "geojson": static("geo/kz_regions.geojson"),
            "regions": [
                {
                    "name": r.place.code,
                    "title": r.place.name,
                    "value": None if r.rate is None else round(r.rate, 1),
                    "volume": r.dynamics.volume,
                    "url": _link(filters.query(**(r.drill or {}))),
                }
                for r in table.rows
            ],
        }
    return data


def _breadcrumb(
    user: User, table: IndicatorTable, filters: Filters
) -> list[tuple[str, str | None]]:
    """(label, link or None): a link only where the user's scope lets them open that table."""
    scope = scope_level(user)
    crumbs: list[tuple[str, str | None]] = [
        (table.country.name, _link(filters.query()) if scope == "national" else None)
    ]
    if table.region:
        can_open = scope in {"national", "region"} and table.level != "region"
        crumbs.append(
            (
                table.region.name,
                _link(filters.query(region=table.region.code)) if can_open else None,
            )
        )
    if table.district:
        crumbs.append((table.district.name, None))
    crumbs[-1] = (crumbs[-1][0], None)
    return crumbs


@login_required
def indicators_page(request: HttpRequest) -> HttpResponse:
    try:
        filters = Filters.parse(request.GET)
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    user: User = request.user  # type: ignore[assignment]
    table = build_table(user, filters)
    fmt = request.GET.get("format")
    if fmt == "csv":
        return exports.csv_response(table)
    if fmt == "xlsx":
        return exports.xlsx_response(table)
    if fmt:
        return HttpResponseBadRequest(_("Unknown export format."))

    structure = offenders_of(user, table)
    here = filters.query(region=filters.region, district=filters.district)
    rows = [(row, _link(filters.query(**row.drill)) if row.drill else None) for row in table.rows]
    context = {
        "table": table,
        "rows": rows,
        "filters": filters,
        "years": sorted(set(data_years(user)) | {table.period.start.year}, reverse=True),
        "kinds": [(k, label, k in filters.kinds) for k, label in OffenceKind.choices],
        "date_to_inclusive": table.period.last_day,
        "kind_labels": [kind_label(k) for k in table.kinds],
        "breadcrumb": _breadcrumb(user, table, filters),
        "charts": _charts(table, filters),
        "offenders": structure,
        "offender_tables": [
            (_("By sex"), _slices(structure.by_sex, sex_label), "offenders-by-sex"),
            (_("By age"), _slices(structure.by_age, age_label), "offenders-by-age"),
        ],
        "pct": {
            "juvenile": _pct(structure.juvenile_share),
            "repeat": _pct(structure.repeat_share),
            "group": _pct(structure.group_share),
        },
        "csv_url": _link(here | {"format": "csv"}),
        "xlsx_url": _link(here | {"format": "xlsx"}),
        "child_heading": {
            "region": _("Region"),
            "district": _("District"),
            "sector": _("Sector"),
            "self": _("District"),
        }[table.child_level],
        **views_outcomes.indicators_context(user, table),
    }
    return render(request, "indicators/page.html", context)
