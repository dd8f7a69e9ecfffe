"""Small helpers shared by the NPM pages: the caller's access, reading form values into the
types the services take, and turning a refusal into a message on the page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core.models import User
from senim.oversight import access as scope
from senim.oversight.errors import Invalid, OversightError


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def access(request: HttpRequest) -> scope.Access:
    return scope.access_for(user_of(request))


def date(params: QueryDict, name: str, *, required: bool = True) -> dt.date | None:
    text = params.get(name, "").strip()
    if not text:
        if required:
            raise Invalid(name, _("Enter a date."))
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(name, _("Dates are written as YYYY-MM-DD.")) from None


def integer(params: QueryDict, name: str, *, default: int | None = None) -> int | None:
    text = params.get(name, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise Invalid(name, _("Enter a whole number.")) from None


def decimal(params: QueryDict, name: str) -> Decimal | None:
    text = params.get(name, "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Invalid(name, _("Enter a number.")) from None
    if not value.is_finite():
        raise Invalid(name, _("Enter a number."))
    return value


def latest_year(acc: scope.Access) -> int:
    """The year of the caller's latest visit, so a page opens on data; this year if none."""
    last = scope.visits(acc).aggregate(last=Max("visited_on"))["last"]
    return last.year if last else timezone.localdate().year


def year(params: QueryDict, default: int | None = None) -> int:
    value = integer(params, "year", default=default or timezone.localdate().year)
    assert value is not None
    if not 2000 <= value <= 2100:
        raise Invalid("year", _("The year is out of range."))
    return value


def fail(request: HttpRequest, error: OversightError, back: str) -> HttpResponse:
    """Show the refusal (naming its field) on the page the form came from."""
    if error.status == 403:
        raise PermissionDenied(error.message)
    label = f"{error.field}: " if error.field else ""
    messages.error(request, f"{label}{error.message}")
    return HttpResponseRedirect(back)


def nav(page: str, acc: scope.Access) -> dict[str, Any]:
    return {"npm_page": page, "npm_access": acc}
