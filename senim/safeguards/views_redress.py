"""Redress pages: compensation decisions for torture victims (indicator, list, record, form),
the book of information records (indicator, form), and who considered the complaints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from ninja import Field as SchemaField
from ninja import Schema

from senim.core.models import User
from senim.safeguards import reference
from senim.safeguards.access import REDRESS_WRITE
from senim.safeguards.forms import Field
from senim.safeguards.models import ComplaintHandler, DecisionBody
from senim.safeguards.services import redress
from senim.safeguards.views import _action, _id, _page, _year
from senim.safeguards.views_forms import WEB, _choices, _form, _regions, _with

PER_PAGE = 50
SERIES_YEARS = [2023, 2024, 2025]


@login_required
def redress_page(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        year = _year(request, 2025)
        qs = redress.compensations(user=user)
        query = request.GET.get("q", "").strip()[:40]
        if query:
            qs = qs.filter(Q(decision_number__icontains=query) | Q(external_id__icontains=query))
        chosen = request.GET.get("decided", "")
        if chosen.isdigit() and len(chosen) == 4:
            qs = qs.filter(decided_on__year=int(chosen))
        years = sorted({*SERIES_YEARS, year})
        handled = redress.handled_by(user=user, year=year)
        return {
            "year": year,
            "years": list(range(2021, timezone.localdate().year + 1)),
            "series": redress.compensation_series(user=user, years=years),
            "book": redress.book_series(user=user, years=years),
            "handled": [(c.value, c.label, handled[c.value]) for c in ComplaintHandler],
            "handled_total": sum(handled.values()),
            "published_handled": reference.HANDLED_BY_REPRESENTATIVES_2025
            if year == 2025
            else None,
            "rows_page": Paginator(qs.order_by("-decided_on", "-id"), PER_PAGE).get_page(
                request.GET.get("p")
            ),
            "q": query,
            "decided": chosen,
            "notice": _notice(user, _id(request, "recorded")),
            "actions": _action(
                user, REDRESS_WRITE, "safeguards-compensation-new", _("New compensation decision")
            )
            + _action(user, REDRESS_WRITE, "safeguards-book-new", _("New book entry")),
        }

    return _page(request, "safeguards/redress.html", build)


def _notice(user: User, pk: int | None) -> str:
    found = redress.compensations(user=user).filter(pk=pk).first() if pk else None
    if found is None:
        return ""
    return _("The compensation decision of %(day)s is recorded.") % {
        "day": found.decided_on.strftime("%d.%m.%Y")
    }


@login_required
def compensation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        found = redress.compensations(user=user).filter(pk=pk).first()
        if found is None:
            raise Http404(_("No such compensation decision."))
        return {"item": found}

    return _page(request, "safeguards/compensation.html", build)


class CompensationForm(Schema):
    source_system: str = SchemaField(..., min_length=1, max_length=40)
    external_id: str = SchemaField(..., min_length=1, max_length=64)
    decision_number: str = SchemaField("", max_length=40)
    decided_on: dt.date
    decision_body: str = SchemaField(..., max_length=16)
    amount: str = SchemaField(..., max_length=30)  # checked by the service, named by its field
    region: str = SchemaField("", max_length=8)
    complaint_id: int | None = SchemaField(None, ge=1, le=2**63 - 1)
    case_id: int | None = SchemaField(None, ge=1, le=2**63 - 1)
    note: str = SchemaField("", max_length=500)


def _compensation_fields(user: User) -> list[Field]:
    return [
        Field("source_system", "", "hidden"),
        Field("external_id", gettext_lazy("Record number"), required=True, max_length=64),
        Field("decision_number", gettext_lazy("Decision number"), max_length=40),
        Field("decided_on", gettext_lazy("Date of the decision"), "date", True),
        Field(
            "decision_body",
            gettext_lazy("Decision body"),
            "select",
            True,
            _choices(DecisionBody.choices),
        ),
        Field(
            "amount",
            gettext_lazy("Amount, tenge"),
            required=True,
            max_length=30,
            help=gettext_lazy("Greater than zero; tiyn after a point."),
        ),
        Field("region", gettext_lazy("Region"), "select", choices=_regions(user)),
        Field("complaint_id", gettext_lazy("Complaint (record id), if any"), "number"),
        Field("case_id", gettext_lazy("Art. 146 case (record id), if any"), "number"),
        Field("note", gettext_lazy("Note"), "textarea", max_length=500, wide=True),
    ]


def _save_compensation(user: User, payload: CompensationForm) -> str:
    made = redress.record_compensation(user=user, **payload.model_dump())
    return _with("safeguards-redress", recorded=made.pk)


@login_required
@require_http_methods(["GET", "POST"])
def compensation_new(request: HttpRequest) -> HttpResponse:
    return _form(
        request,
        page="redress",
        title=gettext_lazy("New compensation decision"),
        roles=REDRESS_WRITE,
        refusal=_("Only prosecutors and administrators enter compensation."),
        fields=_compensation_fields,
        schema=CompensationForm,
        save=_save_compensation,
        initial={"decision_body": DecisionBody.FUND, "source_system": WEB},
        intro=gettext_lazy(
            "A decision to compensate one victim of torture. No name is entered: link the "
            "complaint or the case where one is on record."
        ),
    )


class BookEntryForm(Schema):
    source_system: str = SchemaField(..., min_length=1, max_length=40)
    external_id: str = SchemaField(..., min_length=1, max_length=64)
    number: str = SchemaField("", max_length=30)
    entered_on: dt.date
    region: str = SchemaField(..., max_length=8)
    complaint_id: int | None = SchemaField(None, ge=1, le=2**63 - 1)


def _book_fields(user: User) -> list[Field]:
    return [
        Field("source_system", "", "hidden"),
        Field("external_id", gettext_lazy("Record number"), required=True, max_length=64),
        Field("number", gettext_lazy("Entry number in the book"), max_length=30),
        Field("entered_on", gettext_lazy("Entered on"), "date", True),
        Field("region", gettext_lazy("Region"), "select", True, _regions(user)),
        Field("complaint_id", gettext_lazy("Complaint (record id), if any"), "number"),
    ]


def _save_book(user: User, payload: BookEntryForm) -> str:
    redress.record_book_entry(user=user, **payload.model_dump())
    return reverse("safeguards-redress") + "#book"


@login_required
@require_http_methods(["GET", "POST"])
def book_entry_new(request: HttpRequest) -> HttpResponse:
    return _form(
        request,
        page="redress",
        title=gettext_lazy("New entry of the book of information records"),
        roles=REDRESS_WRITE,
        refusal=_("Only prosecutors and administrators keep the book."),
        fields=_book_fields,
        schema=BookEntryForm,
        save=_save_book,
        initial={"source_system": WEB},
        intro=gettext_lazy("A report of torture entered in the book of information records."),
    )
