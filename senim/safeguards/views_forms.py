"""Entry forms of the safeguards: custody, complaints, Art. 146 cases and their steps, terminal
reports — what officials could until now only send through the API.

Each form is parsed with the API's schema and handed to the service function the API calls, so
the rules and the messages are the same; a refusal comes back as the same form with the message
next to the field, status 422 (403 for a role or territory that may not write it), nothing stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from ninja import Field as SchemaField
from ninja import Schema

from senim.core.models import Facility, Region, Sex, User
from senim.core.scope import allowed_region_ids
from senim.safeguards import schemas as s
from senim.safeguards.access import (
    CASE_WRITE,
    COMPLAINT_WRITE,
    CUSTODY_WRITE,
    TERMINAL_REPORT,
    allowed,
)
from senim.safeguards.errors import Forbidden, SafeguardsError
from senim.safeguards.forms import Field, Outcome, parse, rows
from senim.safeguards.models import (
    CaseEventKind,
    CaseStage,
    ComplaintChannel,
    ComplaintHandler,
    ComplaintStage,
    Terminal,
)
from senim.safeguards.services import cases, complaints, custody, terminals
from senim.safeguards.services.common import in_scope

WEB = "senim-web"  # the source system of records entered through these forms
CHOICES = 1000  # at most this many records in a drop-down


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _choices(items: list[tuple[Any, Any]], *, blank: bool = True) -> list[tuple[str, str]]:
    out = [("", "—")] if blank else []
    return out + [(str(k), str(v)) for k, v in items]


def _facilities(user: User) -> list[tuple[str, str]]:
    qs: QuerySet[Facility] = in_scope(user, Facility.objects.select_related("region"))
    return _choices(
        [
            (f.pk, f"{f.name} · {f.region.name}")
            for f in qs.order_by("region__iso", "name")[:CHOICES]
        ]
    )


def _regions(user: User) -> list[tuple[str, str]]:
    ids = allowed_region_ids(user)
    qs = Region.objects.all() if ids is None else Region.objects.filter(pk__in=ids)
    return _choices([(r.iso, r.name) for r in qs.order_by("iso")])


def _form(
    request: HttpRequest,
    *,
    page: str,
    title: str | Promise,
    roles: frozenset[str],
    refusal: str | Promise,
    fields: Callable[[User], list[Field]],
    schema: type[Schema],
    save: Callable[[User, Any], str],
    initial: dict[str, Any] | None = None,
    intro: str | Promise = "",
) -> HttpResponse:
    """GET draws the empty form; POST parses it with `schema` and calls `save`, which returns
    where to go next; a refusal draws the form again with the messages by their fields."""
    user = _user(request)
    context: dict[str, Any] = {"page": page, "title": title, "intro": intro}
    if not allowed(user, roles):
        context["error"] = Forbidden("", str(refusal))
        return render(request, "safeguards/form.html", context, status=403)
    inputs = fields(user)
    values: dict[str, Any] = {"source_system": WEB, **(initial or {})}
    outcome = Outcome()
    if request.method == "POST":
        values = {f.name: request.POST.get(f.name, "") for f in inputs}
        values |= {f.name: f.name in request.POST for f in inputs if f.kind == "checkbox"}
        try:
            payload = parse(schema, request.POST, inputs)
            return redirect(save(user, payload))
        except SafeguardsError as error:
            outcome = Outcome.of(error, inputs)
    context |= {"rows": rows(inputs, values, outcome), "general": outcome.general}
    return render(request, "safeguards/form.html", context, status=outcome.status)


def _with(url_name: str, **query: Any) -> str:
    return f"{reverse(url_name)}?{urlencode(query)}"


# --- custody ---------------------------------------------------------------------------------


def _custody_fields(user: User) -> list[Field]:
    return [
        Field("source_system", gettext_lazy("Source"), "hidden"),
        Field("external_id", gettext_lazy("Detention record number"), required=True, max_length=64),
        Field("facility_id", gettext_lazy("Where held"), "select", True, _facilities(user)),
        Field(
            "iin",
            gettext_lazy("IIN"),
            help=gettext_lazy("Only a keyed hash of the IIN is stored."),
            max_length=12,
        ),
        Field("birth_date", gettext_lazy("Birth date (without an IIN)"), "date"),
        Field("sex", gettext_lazy("Sex"), "select", choices=_choices(Sex.choices)),
        Field(
            "grounds",
            gettext_lazy("Grounds for detention"),
            "textarea",
            max_length=500,
            wide=True,
        ),
        Field("detained_at", gettext_lazy("Actual detention time"), "datetime", True),
        Field("recorded_at", gettext_lazy("Record drawn up"), "datetime", True),
        Field("rights_explained_at", gettext_lazy("Rights explained"), "datetime"),
        Field("lawyer_present", gettext_lazy("Lawyer present"), "checkbox"),
        Field("prosecutor_notified_at", gettext_lazy("Prosecutor notified"), "datetime"),
        Field("prosecutor_notice_in_writing", gettext_lazy("Notified in writing"), "checkbox"),
        Field("family_notified_at", gettext_lazy("Family notified"), "datetime"),
        Field("medical_exam_at", gettext_lazy("Admission medical examination"), "datetime"),
        Field("injuries_recorded", gettext_lazy("Injuries recorded"), "checkbox"),
        Field("injuries_note", gettext_lazy("Injuries"), "textarea", max_length=2000, wide=True),
        Field(
            "officer_badge",
            gettext_lazy("Detaining officer's badge number"),
            help=gettext_lazy("An officer serving in the region of the place of detention."),
            max_length=20,
        ),
        Field("force_used", gettext_lazy("Physical force or special means used"), "checkbox"),
        Field("court_order_at", gettext_lazy("Court order"), "datetime"),
        Field("released_at", gettext_lazy("Released"), "datetime"),
    ]


def _save_custody(user: User, payload: s.CustodyIn) -> str:
    record, _created = custody.create(user=user, data=payload.as_input())
    return _with("safeguards-custody", region=record.region.iso, recorded=record.external_id)


@login_required
@require_http_methods(["GET", "POST"])
def custody_new(request: HttpRequest) -> HttpResponse:
    return _form(
        request,
        page="custody",
        title=gettext_lazy("Record a detention"),
        roles=CUSTODY_WRITE,
        refusal=_("Only duty officers and administrators record custody."),
        fields=_custody_fields,
        schema=s.CustodyIn,
        save=_save_custody,
        intro=gettext_lazy(
            "Times are Almaty time. The custody clocks start from the actual detention time "
            "and the time the record was drawn up."
        ),
    )


# --- complaints ------------------------------------------------------------------------------


def _complaint_fields(user: User) -> list[Field]:
    return [
        Field("source_system", gettext_lazy("Source"), "hidden"),
        Field("external_id", gettext_lazy("Registration number"), required=True, max_length=64),
        Field("received_at", gettext_lazy("Received"), "datetime", True),
        Field(
            "channel", gettext_lazy("Channel"), "select", True, _choices(ComplaintChannel.choices)
        ),
        Field("stage", gettext_lazy("Stage"), "select", True, _choices(ComplaintStage.choices)),
        Field("facility_id", gettext_lazy("Facility"), "select", choices=_facilities(user)),
        Field(
            "region",
            gettext_lazy("Region"),
            "select",
            choices=_regions(user),
            help=gettext_lazy("If no facility is named."),
        ),
        Field("event_date", gettext_lazy("Date of the events"), "date"),
        Field("iin", gettext_lazy("Complainant's IIN"), max_length=12),
        Field("complainant_name", gettext_lazy("Complainant's name"), max_length=200),
        Field("complainant_contact", gettext_lazy("Complainant's contact"), max_length=200),
        Field("summary", gettext_lazy("Summary"), "textarea", max_length=4000, wide=True),
        Field(
            "handled_by",
            gettext_lazy("Considered by"),
            "select",
            choices=_choices([c for c in ComplaintHandler.choices if c[0]]),
        ),
    ]


def _save_complaint(user: User, payload: s.ComplaintIn) -> str:
    complaint, _created = complaints.create(
        user=user, data=complaints.ComplaintInput(**payload.model_dump())
    )
    return _with("safeguards-complaints", registered=complaint.pk)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    return _form(
        request,
        page="complaints",
        title=gettext_lazy("Register an ill-treatment complaint"),
        roles=COMPLAINT_WRITE,
        refusal=_("Only prosecutors and the Ombudsman's office register complaints."),
        fields=_complaint_fields,
        schema=s.ComplaintIn,
        save=_save_complaint,
        intro=gettext_lazy(
            "The complainant's identity is shown only to the complaint's handlers; "
            "you become one by registering it."
        ),
    )


# --- Art. 146 cases --------------------------------------------------------------------------


def _case_label(case: Model) -> str:
    number = getattr(case, "erdr_number", "") or getattr(case, "external_id", "")
    return f"{number} · {case.region.name} · {case.get_stage_display()}"  # type: ignore[attr-defined]


def _case_fields(user: User) -> list[Field]:
    return [
        Field("source_system", gettext_lazy("Source"), "hidden"),
        Field("external_id", gettext_lazy("Case number"), required=True, max_length=64),
        Field("region", gettext_lazy("Region"), "select", True, _regions(user)),
        Field("registered_on", gettext_lazy("Registered"), "date", True),
        Field("article", gettext_lazy("Qualification"), required=True, max_length=20),
        Field("erdr_number", gettext_lazy("Pre-trial register number"), max_length=30),
    ]


def _save_case(user: User, payload: s.CaseIn) -> str:
    case, _created = cases.create(user=user, data=cases.CaseInput(**payload.model_dump()))
    return _with("safeguards-cases", case=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    return _form(
        request,
        page="cases",
        title=gettext_lazy("Register an Art. 146 case"),
        roles=CASE_WRITE,
        refusal=_("Only prosecutors investigate torture cases."),
        fields=_case_fields,
        schema=s.CaseIn,
        save=_save_case,
        initial={"article": "146-1"},
    )


class CaseStepIn(s.CaseEventIn):
    """The API's step of a case, with the case chosen on the form rather than in the path."""

    case_id: int = SchemaField(..., ge=1, le=2**63 - 1)


def _step_fields(user: User) -> list[Field]:
    # A terminated case takes no further step; the rest are offered, newest first.
    ended = [CaseStage.TERMINATED_EXONERATING, CaseStage.TERMINATED_OTHER]
    open_cases = (
        cases.cases(user=user).exclude(stage__in=ended).order_by("-registered_on", "-id")[:CHOICES]
    )
    kinds = [(k, label) for k, label in CaseEventKind.choices if k in cases.TRANSITIONS]
    return [
        Field(
            "case_id",
            gettext_lazy("Case"),
            "select",
            True,
            _choices([(c.pk, _case_label(c)) for c in open_cases]),
        ),
        Field("kind", gettext_lazy("Step"), "select", True, _choices(kinds)),
        Field("on", gettext_lazy("Date"), "date", True),
        Field("persons", gettext_lazy("Persons (convicted or acquitted)"), "number"),
        Field("to_article", gettext_lazy("New qualification"), max_length=20),
        Field("note", gettext_lazy("Note"), "textarea", max_length=500, wide=True),
    ]


def _save_step(user: User, payload: CaseStepIn) -> str:
    data = payload.model_dump()
    case = cases.add_event(user=user, pk=data.pop("case_id"), **data)
    return _with("safeguards-cases", case=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_step(request: HttpRequest) -> HttpResponse:
    initial = {"case_id": request.GET.get("case", "")[:20]}
    return _form(
        request,
        page="cases",
        title=gettext_lazy("Record a step of an Art. 146 case"),
        roles=CASE_WRITE,
        refusal=_("Only prosecutors investigate torture cases."),
        fields=_step_fields,
        schema=CaseStepIn,
        save=_save_step,
        initial=initial,
    )


# --- terminals -------------------------------------------------------------------------------


def _terminal_fields(user: User) -> list[Field]:
    devices = (
        in_scope(
            user, Terminal.objects.select_related("facility"), district="facility__district_id"
        )
        .filter(active=True)
        .order_by("serial")[:CHOICES]
    )
    kinds = [
        ("outage", gettext_lazy("out of order since")),
        ("restored", gettext_lazy("back in order at")),
    ]
    return [
        Field(
            "terminal_id",
            gettext_lazy("Terminal or payphone"),
            "select",
            True,
            _choices([(d.pk, f"{d.serial} · {d.facility.display_name}") for d in devices]),
        ),
        Field("kind", gettext_lazy("Report"), "select", True, _choices(kinds)),
        Field("at", gettext_lazy("Time"), "datetime", True),
    ]


def _save_report(user: User, payload: s.TerminalReportIn) -> str:
    outage = terminals.report(user=user, **payload.model_dump())
    return _with("safeguards-terminals", reported=outage.terminal_id)


@login_required
@require_http_methods(["GET", "POST"])
def terminal_report(request: HttpRequest) -> HttpResponse:
    return _form(
        request,
        page="terminals",
        title=gettext_lazy("Report a terminal out of order or back in order"),
        roles=TERMINAL_REPORT,
        refusal=_("Your role may not report on terminals."),
        fields=_terminal_fields,
        schema=s.TerminalReportIn,
        save=_save_report,
    )
