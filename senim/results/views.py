"""Thematic results pages: the yearly summary with the change against the previous year, a
paginated, searchable list per kind, a record page, and the analyst's upload form.

Thin: parse, call a selector or service, render. A refusal is shown on the page with its status;
a refused file lists every error with its row and column.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core.demo_flag import demo_data_present
from senim.core.models import Region, User
from senim.core.permissions import Perm, can
from senim.core.scope import allowed_region_ids
from senim.results import models as m
from senim.results import selectors, services
from senim.results.errors import FileRejected, Forbidden, Invalid, NotFound, ResultsError
from senim.results.ingest import COLUMN_LABELS, INPUTS, SCHEMAS

Build = Callable[[User], dict[str, Any]]
PAGE_SIZE = 50


def _page(request: HttpRequest, template: str, build: Build, tab: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    context: dict[str, Any] = {
        "tab": tab,
        "kinds": [(k, s.label) for k, s in SCHEMAS.items()],
        "can_load": can(user, Perm.RESULTS_LOAD),
        "synthetic": demo_data_present(),
    }
    status = 200
    try:
        selectors.require_view(user)
        context |= build(user)
        status = context.pop("status", 200)
    except FileRejected as error:
        context |= {"file_errors": error.errors, "error": error}
        status = error.status
    except ResultsError as error:
        context["error"] = error
        status = error.status
    return render(request, template, context, status=status)


def year_param(raw: str | None, default: int) -> int:
    if not raw:
        return default
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise Invalid("year", _("The year is out of range (2000–2100)."))
    return int(raw)


def region_param(user: User, raw: str | None) -> Region | None:
    if not raw:
        return None
    region = Region.objects.filter(iso=raw.strip().upper()).first()
    if region is None:
        raise Invalid("region", _("Unknown region."))
    return region


def _visible_regions(user: User) -> list[Region]:
    allowed = allowed_region_ids(user)
    qs = Region.objects.all()
    return list(qs if allowed is None else qs.filter(pk__in=allowed))


def _default_year() -> int:
    # The last full year: the board reports a year once it is over.
    return timezone.localdate().year - 1


@login_required
def summary_page(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        year = year_param(request.GET.get("year"), _default_year())
        region = region_param(user, request.GET.get("region"))
        figures = selectors.year_figures(user=user, year=year, region=region)
        return {
            "year": year,
            "previous": year - 1,
            "region": region,
            "regions": _visible_regions(user),
            "figures": figures,
            "rows": selectors.by_region(user=user, year=year) if region is None else [],
        }

    return _page(request, "results/summary.html", build, "summary")


def _entry_fields(user: User, kind: str, posted: dict[str, str]) -> list[dict[str, Any]]:
    """The record form's fields: the kind's file columns, labelled, with their choices."""
    choices: dict[str, list[tuple[str, str]]] = {
        "region": [(r.iso, r.name) for r in _visible_regions(user)],
        "drug_kinds": [(k.code, k.name) for k in m.DrugKind.objects.all()],
        "weapon_kinds": [(k.code, k.name) for k in m.WeaponKind.objects.all()],
        "livestock_kinds": [(k.code, k.name) for k in m.LivestockKind.objects.all()],
        "operators": [(o.code, o.name) for o in m.TelecomOperator.objects.all()],
    }
    schema = SCHEMAS[kind]
    return [
        {
            "name": column,
            "label": COLUMN_LABELS.get(column, column),
            "input": INPUTS.get(column, "text"),
            "choices": choices.get(INPUTS.get(column, ""), []),
            "required": column in schema.columns,
            "value": posted.get(column, ""),
        }
        for column in schema.all_columns
    ]


def _enter(request: HttpRequest, user: User, kind: str) -> dict[str, Any]:
    values = {k: str(request.POST.get(k, "")) for k in request.POST if k != "csrfmiddlewaretoken"}
    try:
        result = services.result_enter(
            user=user,
            kind=kind,
            values=values,
            source_system=request.POST.get("source_system", ""),
        )
    except ResultsError as error:
        return {"error": error, "status": error.status, "posted": values}
    message = _("Saved.") if result.created or result.updated else _("Already recorded as is.")
    return {"message": message}


@login_required
def list_page(request: HttpRequest, kind: str) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        if kind not in SCHEMAS:
            raise NotFound("kind", _("No such list."))
        context: dict[str, Any] = {}
        if request.method == "POST":
            if not can(user, Perm.RESULTS_LOAD):
                raise Forbidden("", _("Your role may not load results."))
            context = _enter(request, user, kind)
        q = request.GET.get("q", "").strip()[:100]
        raw_year = request.GET.get("year", "")
        year = year_param(raw_year, 0) if raw_year else None
        region = region_param(user, request.GET.get("region"))
        qs = selectors.records(user=user, kind=kind, q=q, year=year, region=region)
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        filters = {"q": q, "year": raw_year, "region": region.iso if region else ""}
        query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
        posted = context.pop("posted", {})
        return context | {
            "fields": _entry_fields(user, kind, posted) if can(user, Perm.RESULTS_LOAD) else [],
            "source_system": posted.get("source_system", ""),
            "kind": kind,
            "label": SCHEMAS[kind].label,
            "page": page,
            "filters": filters,
            "query": query,
            "regions": _visible_regions(user),
        }

    return _page(request, "results/list.html", build, kind)


@login_required
def record_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        return {
            "kind": kind,
            "label": SCHEMAS[kind].label if kind in SCHEMAS else "",
            "record": selectors.record(user=user, kind=kind, pk=pk),
        }

    return _page(request, "results/record.html", build, kind)


@login_required
def load_page(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        if not can(user, Perm.RESULTS_LOAD):
            raise Forbidden("", _("Your role may not load results."))
        context: dict[str, Any] = {"schemas": SCHEMAS.values()}
        if request.method != "POST":
            return context
        kind = request.POST.get("kind", "")
        upload = request.FILES.get("file")
        if upload is None:
            error = Invalid("file", _("Choose a file to load."))
            return context | {"error": error, "status": error.status}
        try:
            result = services.results_load(
                user=user,
                kind=kind,
                handle=upload,
                filename=upload.name or "",
                source_system=request.POST.get("source_system", ""),
            )
        except FileRejected as error:
            return context | {"error": error, "file_errors": error.errors, "status": error.status}
        except ResultsError as error:
            return context | {"error": error, "status": error.status}
        message = _(
            "Loaded %(rows)d rows: %(created)d new, %(updated)d updated, %(unchanged)d unchanged."
        ) % {
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        }
        return context | {"message": message, "loaded_kind": kind}

    return _page(request, "results/load.html", build, "load")
