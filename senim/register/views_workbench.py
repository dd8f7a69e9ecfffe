"""The register workbench: find and open any appeal or offence in the user's territory.

Lists take their filters from the query string (the same names as the API), show 50 rows newest
first with "newer" / "older" links (keyset cursors, no totals), and the same URL with
`?format=csv` or `?format=xlsx` downloads exactly the filtered list, without person-level data.
Record pages show every field, the appeal's timeline and the offence's status history; an
offence's parties only to roles with Perm.PERSONS, and every such view is audit-logged.
A bad filter re-renders the page with the message next to the form (400), a territory outside
the scope is 403, a record outside it 404 exactly like a missing one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from senim.core import audit
from senim.core.errors import Invalid, UseCaseError
from senim.core.models import District, Region, Sector, User
from senim.core.permissions import Perm, can
from senim.core.scope import scope_level
from senim.register import records, selectors, views_outcomes
from senim.register.ingest.schema import ALMATY
from senim.register.models import (
    Appeal,
    AppealCategory,
    AppealStatus,
    Channel,
    Grade,
    Offence,
    OffenceKind,
    OffenceStatus,
    PartyRole,
    PlaceType,
    Severity,
)
from senim.register.selectors import Kind, ListQuery

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_PARAMS = frozenset({"cursor", "format"})
# What a field is called next to its error message.
FIELD_LABELS = {
    "region": gettext_lazy("Region"),
    "district": gettext_lazy("District"),
    "sector": gettext_lazy("Sector"),
    "date_from": gettext_lazy("From"),
    "date_to": gettext_lazy("To (inclusive)"),
    "status": gettext_lazy("Status"),
    "channel": gettext_lazy("Channel"),
    "category": gettext_lazy("Category"),
    "grade": gettext_lazy("Grade"),
    "kind": gettext_lazy("Kind"),
    "article": gettext_lazy("Article"),
    "place_type": gettext_lazy("Place type"),
    "external_id": gettext_lazy("Source number"),
    "source_system": gettext_lazy("Source system"),
    "cursor": gettext_lazy("Page"),
    "format": gettext_lazy("Download"),
}


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "register/forbidden.html", status=403)


def _link(name: str, params: dict[str, str]) -> str:
    return reverse(name) + ("?" + urlencode(params) if params else "")


# --- the filter form ---------------------------------------------------------------------------


def _territory_choices(user: User, form: dict[str, str]) -> dict[str, Any]:
    """The regions, districts and sectors the user may pick (their scope, nothing else)."""
    level = scope_level(user)
    if level == "none":
        return {"regions": [], "district_groups": [], "sectors": []}
    mine = {"region": user.region_id, "district": user.district_id, "sector": user.sector_id}
    within = {f"{k}_id": v for k, v in mine.items() if v is not None}
    regions = Region.objects.order_by("iso")
    districts = District.objects.select_related("region").order_by("region__iso", "code")
    sectors = Sector.objects.select_related("district").order_by("number")
    if "region_id" in within:
        regions = regions.filter(pk=within["region_id"])
        districts = districts.filter(region_id=within["region_id"])
        sectors = sectors.filter(district__region_id=within["region_id"])
    if "district_id" in within:
        districts = districts.filter(pk=within["district_id"])
        sectors = sectors.filter(district_id=within["district_id"])
    if "sector_id" in within:
        sectors = sectors.filter(pk=within["sector_id"])
    if form.get("region"):
        districts = districts.filter(region__iso=form["region"])
    if form.get("district"):
        sectors = sectors.filter(district__code=form["district"])
    elif level not in {"district", "sector"}:
        sectors = sectors.none()  # sectors are offered once a district is chosen
    groups: dict[str, list[District]] = {}
    for district in districts:
        groups.setdefault(district.region.name, []).append(district)
    return {
        "regions": list(regions),
        "district_groups": list(groups.items()),
        "sectors": list(sectors),
    }


def _form_context(user: User, kind: Kind, form: dict[str, str]) -> dict[str, Any]:
    model = selectors.MODELS[kind]
    context = _territory_choices(user, form) | {"source_systems": selectors.source_systems(model)}
    if kind == "appeals":
        context |= {
            "channels": Channel.choices,
            "categories": AppealCategory.choices,
            "statuses": AppealStatus.choices,
            "grades": [(g.code, g.name) for g in Grade.objects.all()],
        }
    else:
        context |= {
            "kinds": OffenceKind.choices,
            "place_types": PlaceType.choices,
            "statuses": OffenceStatus.choices,
        }
    return context


def _refuse_unknown(params: QueryDict, kind: Kind) -> None:
    known = set(selectors.FILTERS[kind]) | PAGE_PARAMS
    unknown = sorted(set(params) - known)
    if unknown:
        raise Invalid(
            unknown[0][:40],
            _("unknown filter; known: %(known)s") % {"known": ", ".join(sorted(known))},
        )


# --- lists -------------------------------------------------------------------------------------


@login_required
def appeal_list(request: HttpRequest) -> HttpResponseBase:
    return _list(request, "appeals")


@login_required
def offence_list(request: HttpRequest) -> HttpResponseBase:
    return _list(request, "offences")


def _list(request: HttpRequest, kind: Kind) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    if not can(user, Perm.REGISTER):
        return _forbidden(request)
    names = selectors.FILTERS[kind]
    form = {name: request.GET.get(name, "") for name in names}
    url_name = f"register-{kind}"
    context: dict[str, Any] = {"kind": kind, "form": form, "url_name": url_name}
    status = 200
    checked: dict[str, str] = {}  # only values that passed the checks reach the form's queries
    try:
        _refuse_unknown(request.GET, kind)
        query = selectors.parse_query(kind, request.GET)
        checked = query.values
        qs = selectors.filtered(user, query)
        fmt = request.GET.get("format", "")
        if fmt:
            return _export(qs, query, fmt)
        text = request.GET.get("cursor", "")
        cursor = selectors.Cursor.decode(text) if text else None
        page = selectors.page(qs, kind, cursor, selectors.PAGE_SIZE)
    except UseCaseError as error:
        status = 403 if error.status == 403 else 400
        context["error"] = {
            "field": error.field,
            "label": FIELD_LABELS.get(error.field) or error.field,
            "message": error.message,
        }
        kept = {name: value for name, value in form.items() if value and name != error.field}
        context["first_url"] = _link(url_name, kept)
    else:
        here = query.params()
        rows = page.rows
        if kind == "offences":
            rows = selectors.with_party_counts(rows)
        context |= {
            "rows": rows,
            "page": page,
            "next_url": page.next_cursor and _link(url_name, here | {"cursor": page.next_cursor}),
            "previous_url": page.previous_cursor
            and _link(url_name, here | {"cursor": page.previous_cursor}),
            "first_url": None if page.first else _link(url_name, here),
            "csv_url": _link(url_name, here | {"format": "csv"}),
            "xlsx_url": _link(url_name, here | {"format": "xlsx"}),
            "filtered": bool(here),
        }
    context |= _form_context(user, kind, checked)
    return render(request, f"register/{kind}.html", context, status=status)


# --- exports -----------------------------------------------------------------------------------


def _local(value: dt.datetime | None) -> dt.datetime | None:
    # Spreadsheets have no time zones: local Almaty time, as the page shows it.
    return value.astimezone(ALMATY).replace(tzinfo=None, second=0, microsecond=0) if value else None


def _territory(row: Any) -> list[str]:
    return [
        row.region.name,
        row.district.name if row.district_id else "",
        str(row.sector) if row.sector_id else "",
    ]


def _columns(kind: Kind) -> list[str]:
    where = [_("Region"), _("District"), _("Sector")]
    if kind == "appeals":
        return [
            _("Source system"),
            _("Source number"),
            _("Received"),
            *where,
            _("Channel"),
            _("Category"),
            _("Grade"),
            _("Status"),
            _("Answered"),
            _("Dispatched"),
            _("Arrived"),
            _("Closed"),
        ]
    return [
        _("Source system"),
        _("Source number"),
        _("Registered"),
        _("Occurred"),
        *where,
        _("Kind"),
        _("Article"),
        _("Article title"),
        _("Severity"),
        _("Place type"),
        _("Status"),
    ]


def _cells(kind: Kind, row: Any) -> list[Any]:
    """One exported row: labels, never codes; no summary, address, caller or parties."""
    if kind == "appeals":
        a: Appeal = row
        return [
            a.source_system,
            a.external_id,
            _local(a.received_at),
            *_territory(a),
            _label(Channel, a.channel),
            _label(AppealCategory, a.category),
            a.grade.name if a.grade_id else "",  # type: ignore[union-attr]
            _label(AppealStatus, a.status),
            _local(a.answered_at),
            _local(a.dispatched_at),
            _local(a.arrived_at),
            _local(a.closed_at),
        ]
    o: Offence = row
    return [
        o.source_system,
        o.external_id,
        _local(o.registered_at),
        _local(o.occurred_at),
        *_territory(o),
        _label(OffenceKind, o.kind),
        o.article.code,
        o.article.title,
        _label(Severity, o.article.severity) if o.article.severity else "",
        _label(PlaceType, o.place_type),
        _label(OffenceStatus, o.status),
    ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _export(qs: Any, query: ListQuery, fmt: str) -> HttpResponseBase:
    if fmt not in {"csv", "xlsx"}:
        raise Invalid("format", _("Choose CSV or XLSX."))
    if selectors.over_cap(qs, query.kind):
        raise Invalid(
            "format",
            _("The list has more than %(cap)s rows; narrow the filters (a period, a territory).")
            % {"cap": f"{selectors.EXPORT_CAP:,}".replace(",", "\u00a0")},
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"senim-{query.kind}-{stamp}.{fmt}"
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            _csv_lines(qs, query.kind), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(_xlsx(qs, query.kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _csv_lines(qs: Any, kind: Kind) -> Iterator[bytes]:
    # Streamed after the view returns: keep the request's language for the labels.
    language = translation.get_language()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    with translation.override(language):
        # The byte-order mark makes spreadsheet programs read Cyrillic as UTF-8.
        writer.writerow(_columns(kind))
        yield b"\xef\xbb\xbf" + flush()
        for n, row in enumerate(selectors.iterate(qs, kind), start=1):
            writer.writerow([_text(v) for v in _cells(kind, row)])
            if n % 500 == 0:
                yield flush()
        yield flush()


def _xlsx(qs: Any, kind: Kind) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_("Appeals") if kind == "appeals" else _("Offences"))[:31])
    sheet.freeze_panes = "A2"
    sheet.append(_columns(kind))
    for row in selectors.iterate(qs, kind):
        sheet.append(_cells(kind, row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- record pages ------------------------------------------------------------------------------


def _map(record: Appeal | Offence) -> dict[str, Any]:
    point = [record.lon, record.lat] if record.lat is not None and record.lon is not None else None
    return {
        "geojson": static("geo/kz_regions.geojson"),
        "region": record.region.iso,
        "point": point,
        "label": _("Place"),
    }


@login_required
def appeal_page(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not can(user, Perm.REGISTER):
        return _forbidden(request)
    appeal = selectors.appeal(user, pk)
    if appeal is None:
        raise Http404(_("No such appeal in your territory."))
    original = appeal.duplicate_of if appeal.duplicate_of_id else None
    warnings = appeal.warnings if isinstance(appeal.warnings, dict) else None
    context = {
        "kind": "appeals",
        "appeal": appeal,
        "labels": {
            "channel": _label(Channel, appeal.channel),
            "category": _label(AppealCategory, appeal.category),
            "status": _label(AppealStatus, appeal.status),
        },
        "timeline": records.timeline(appeal),
        "synthesized": not appeal.events.exists(),
        "offences": selectors.linked_offences(user, appeal),
        "original": original,
        "original_visible": original is not None
        and selectors.appeal(user, original.pk) is not None,
        "warnings": warnings,
        "map": _map(appeal),
        **views_outcomes.appeal_context(request, user, appeal),
    }
    return render(request, "register/appeal.html", context)


@login_required
def offence_page(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not can(user, Perm.REGISTER):
        return _forbidden(request)
    offence = selectors.offence(user, pk)
    if offence is None:
        raise Http404(_("No such offence in your territory."))
    counts = selectors.party_counts([offence.pk])[offence.pk]
    parties = None
    if can(user, Perm.PERSONS) and any(counts.values()):
        parties = records.parties(offence)
        # Who looked at which people, and why: one entry per page view.
        audit.record_read(
            offence, actor=user.get_username(), purpose=f"parties of offence {offence.pk}"
        )
    appeal = offence.appeal if offence.appeal_id else None
    context = {
        "kind": "offences",
        "offence": offence,
        "labels": {
            "kind": _label(OffenceKind, offence.kind),
            "status": _label(OffenceStatus, offence.status),
            "place_type": _label(PlaceType, offence.place_type),
            "severity": _label(Severity, offence.article.severity)
            if offence.article.severity
            else "",
        },
        "role_counts": [(_label(PartyRole, role), n) for role, n in counts.items()],
        "parties": parties,
        "history": records.status_history(offence),
        "appeal": appeal,
        "appeal_visible": appeal is not None and selectors.appeal(user, appeal.pk) is not None,
        "map": _map(offence),
        **views_outcomes.record_context(request, user, offence),
    }
    return render(request, "register/offence.html", context)
