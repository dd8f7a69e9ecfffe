"""The public complaint against police officers: a form with no sign-in, and its progress.

The record and its rules belong to the integrity app (`senim.integrity.intake`); this page only
collects the form, shows the receipt once, and answers the reference-and-code lookup.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from senim.core.errors import UseCaseError
from senim.core.models import District, Region
from senim.core.signin import client_address
from senim.integrity import intake
from senim.integrity.models import ComplaintKind


def _form_context(form: Any) -> dict[str, Any]:
    return {
        "tab": "complaint",
        "form": form,
        "kinds": ComplaintKind.choices,
        "regions": Region.objects.order_by("iso"),
        "districts": District.objects.select_related("region").order_by("region__iso", "code"),
    }


def _error(error: UseCaseError) -> dict[str, Any]:
    return {
        "field": error.field,
        "message": error.message,
        "more": [{"field": f, "message": m} for f, m in getattr(error, "all", [])[1:]],
    }


@require_http_methods(["GET", "POST"])
def complaint(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "portal/complaint.html", _form_context({}))
    try:
        receipt = intake.submit(
            form=request.POST,
            address=client_address(request),
            language=translation.get_language() or "kk",
        )
    except UseCaseError as error:
        context = _form_context(request.POST) | {"error": _error(error)}
        return render(request, "portal/complaint.html", context, status=error.status)
    # Shown once, never in a URL: the code is stored only as a keyed hash.
    response = render(
        request, "portal/complaint_sent.html", {"tab": "complaint", "receipt": receipt}
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def complaint_status(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"tab": "complaint", "form": {}}
    if request.method == "POST":
        context["form"] = {"reference": str(request.POST.get("reference", ""))[:20]}
        try:
            context["progress"] = intake.status(
                reference=str(request.POST.get("reference", "")),
                code=str(request.POST.get("code", "")),
            )
        except UseCaseError as error:
            context["error"] = _error(error)
            return render(request, "portal/complaint_status.html", context, status=error.status)
    response = render(request, "portal/complaint_status.html", context)
    response["Cache-Control"] = "no-store"
    return response
