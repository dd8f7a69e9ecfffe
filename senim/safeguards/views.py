"""Safeguards pages: the custody board, complaints (Table 2), Art. 146 series, terminals, ledger.

Each view parses the query string, calls a service and renders; a role or territory that may
not see a page gets 403 with the reason, a bad year 400.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from senim.core.models import Region, User
from senim.core.scope import require_region, scope_level
from senim.safeguards import reference
from senim.safeguards.access import (
    CASE_WRITE,
    COMPLAINT_WRITE,
    CUSTODY_WRITE,
    LEDGER_READ,
    TERMINAL_REPORT,
    allowed,
)
from senim.safeguards.errors import Forbidden, SafeguardsError
from senim.safeguards.models import (
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintStage,
    ConvictPopulation,
)
from senim.safeguards.services import cases, complaints, custody, ledger, terminals
from senim.safeguards.services.common import require
from senim.safeguards.services.overview import ledger_overview

Build = Callable[[User], dict[str, Any]]


class BadRequest(SafeguardsError):
    status = 400


def _page(request: HttpRequest, template: str, build: Build) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    context: dict[str, Any] = {"page": template.removeprefix("safeguards/").removesuffix(".html")}
    try:
        context |= build(user)
        status = 200
    except SafeguardsError as error:
        context["error"] = error
        status = error.status
    return render(request, template, context, status=status)


def _action(user: User, roles: frozenset[str], url_name: str, text: str) -> list[tuple[str, str]]:
    """A "New …" button, for the roles that may write what it opens."""
    return [(reverse(url_name), text)] if allowed(user, roles) else []


def _id(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _year(request: HttpRequest, default: int) -> int:
    raw = request.GET.get("year", "")
    if not raw:
        return default
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise BadRequest("year", _("The year is out of range."))
    return int(raw)


def _years(default: int) -> list[int]:
    return list(range(default - 3, timezone.localdate().year + 1))


@login_required
def custody_board(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        region = None
        if code := request.GET.get("region", "").strip():
            region = Region.objects.filter(iso=code).first()
            if region is None:
                raise BadRequest("region", _("Unknown region code %(code)s.") % {"code": code[:8]})
            try:
                require_region(user, region.pk)
            except PermissionDenied as error:
                raise Forbidden("region", str(error)) from None
        elif scope_level(user) != "national" and user.region_id:
            region = user.region
        recorded = request.GET.get("recorded", "")[:64]
        notice = ""
        if recorded:
            notice = _("Detention record %(number)s is recorded; its clocks are running.") % {
                "number": recorded
            }
        return {
            "board": custody.board(user=user, region=region),
            "region": region,
            "recorded": recorded,
            "notice": notice,
            "actions": _action(
                user, CUSTODY_WRITE, "safeguards-custody-new", _("New detention record")
            ),
        }

    return _page(request, "safeguards/custody.html", build)


def _registered(user: User, pk: int | None) -> str:
    found = complaints.complaints(user=user).filter(pk=pk).first() if pk else None
    if found is None:
        return ""
    return _("Complaint %(number)s is registered (received %(time)s).") % {
        "number": found.external_id,
        "time": timezone.localtime(found.received_at).strftime("%d.%m.%Y %H:%M"),
    }


@login_required
def complaints_page(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        latest = (
            ConvictPopulation.objects.aggregate(y=Max("year"))["y"] or timezone.localdate().year
        )
        year = _year(request, latest)
        lines = complaints.per_thousand_convicts(user=user, year=year)
        summary = complaints.summary(user=user, year=year)
        totals = {
            "convicts": sum(line.convicts or 0 for line in lines),
            "complaints": sum(line.complaints for line in lines),
            "published": sum(line.published_complaints or 0 for line in lines),
        }
        return {
            "year": year,
            "years": _years(latest),
            "lines": lines,
            "totals": totals,
            "summary": summary,
            "published_total": reference.COMPLAINTS.get(year),
            "published_repeated": reference.COMPLAINTS_REPEATED_2025 if year == 2025 else None,
            "stages": [(c.label, summary["by_stage"].get(c.value, 0)) for c in ComplaintStage],
            "channels": [
                (c.label, summary["by_channel"].get(c.value, 0)) for c in ComplaintChannel
            ],
            "outcomes": [
                (c.label, summary["by_outcome"].get(c.value, 0)) for c in ComplaintOutcome
            ],
            "recent": complaints.latest(user=user),
            "scope_national": scope_level(user) == "national",
            "notice": _registered(user, _id(request, "registered")),
            "registered": _id(request, "registered"),
            "actions": _action(
                user, COMPLAINT_WRITE, "safeguards-complaint-new", _("New complaint")
            ),
        }

    return _page(request, "safeguards/complaints.html", build)


SERIES_LABELS = {
    "registered": gettext_lazy("Registered torture offences"),
    "suspended": gettext_lazy("Investigations suspended"),
    "terminated_exonerating": gettext_lazy("Terminated on exonerating grounds"),
    "sent_to_court": gettext_lazy("Cases sent to court"),
    "convicted_persons": gettext_lazy("People convicted"),
}


@login_required
def cases_page(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        years = reference.SERIES_YEARS
        computed = cases.series(user=user, years=years)
        labels = {k: str(v) for k, v in SERIES_LABELS.items()}
        return {
            "years": years,
            "rows": [
                (labels[name], [values[y] for y in years]) for name, values in computed.items()
            ],
            "comparisons": [
                (labels[c.series], c) for c in cases.comparisons(user=user, computed=computed)
            ],
            "open_cases": cases.cases(user=user)
            .filter(stage__in=["investigating", "suspended", "in_court"])
            .count(),
            "scope_national": scope_level(user) == "national",
            "notice": _case_notice(user, _id(request, "case")),
            "actions": _action(user, CASE_WRITE, "safeguards-case-new", _("New case"))
            + _action(user, CASE_WRITE, "safeguards-case-step", _("Record a case step")),
        }

    return _page(request, "safeguards/cases.html", build)


def _case_notice(user: User, pk: int | None) -> str:
    case = cases.cases(user=user).filter(pk=pk).first() if pk else None
    if case is None:
        return ""
    return _("Case %(number)s (%(article)s) is at the stage: %(stage)s.") % {
        "number": case.erdr_number or case.external_id,
        "article": case.article,
        "stage": case.get_stage_display(),
    }


@login_required
def terminals_page(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        year = _year(request, 2025)
        lines = terminals.failures(user=user, year=year)
        keys = (
            "terminals",
            "payphones",
            "failed_terminals",
            "failed_payphones",
            "found_terminals",
            "found_payphones",
            "down_now",
        )
        totals = {k: sum(getattr(line, k) for line in lines) for k in keys}
        if year == 2025:
            totals["published_terminals"] = sum(line.published_terminals or 0 for line in lines)
            totals["published_payphones"] = sum(line.published_payphones or 0 for line in lines)
        down = terminals.open_outages().filter(terminal__in=terminals.inventory(user=user))
        return {
            "year": year,
            "years": _years(2025),
            "lines": lines,
            "found_on_visits": terminals.found_on_visits(user=user, year=year),
            "published_found": reference.TERMINALS_FOUND_ON_VISITS_2025 if year == 2025 else None,
            "totals": totals,
            "down": list(down[:50]),
            "notice": _terminal_notice(user, _id(request, "reported")),
            "actions": _action(
                user, TERMINAL_REPORT, "safeguards-terminal-report", _("Report an outage")
            ),
        }

    return _page(request, "safeguards/terminals.html", build)


def _terminal_notice(user: User, pk: int | None) -> str:
    if pk is None or not allowed(user, TERMINAL_REPORT):
        return ""
    device = terminals.inventory(user=user).filter(pk=pk).first()
    if device is None:
        return ""
    outage = terminals.open_outages().filter(terminal=device).first()
    if outage is not None:
        return _("%(serial)s is out of order since %(time)s.") % {
            "serial": device.serial,
            "time": timezone.localtime(outage.started_at).strftime("%d.%m.%Y %H:%M"),
        }
    return _("%(serial)s is in order.") % {"serial": device.serial}


@login_required
def ledger_page(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        require(user, LEDGER_READ, _("Your role may not inspect the video ledger."))
        return ledger_overview(user=user) | {"verify": ledger.verify()}

    return _page(request, "safeguards/ledger.html", build)
