from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from senim.core.audit import acting_as


class AuditActorMiddleware:
    """Every write during a request is logged under the signed-in user's name."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        actor = user.get_username() if user is not None and user.is_authenticated else "anonymous"
        with acting_as(actor):
            return self.get_response(request)


# Control characters an API field may not hold: C0 except tab, line feed and carriage return
# (text from Windows keeps its line ends), DEL and C1.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_characters(value: Any, path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The path of the first string in a parsed JSON value holding a control character (a NUL
    among them, which PostgreSQL cannot store in text), or None."""
    if isinstance(value, str):
        return path if CONTROL.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and CONTROL.search(key):
                return path  # the key itself: named by where it stands
            found = control_characters(item, (*path, str(key)))
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = control_characters(item, (*path, str(index)))
            if found is not None:
                return found
    return None


class ApiControlCharactersMiddleware:
    """An API request whose query or JSON body holds a control character is refused with 422
    naming the field, before any endpoint runs: every endpoint alike, both databases alike
    (SQLite would store a NUL that PostgreSQL refuses with an error)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            field = self._field(request)
            if field is not None:
                body = {"errors": [{"field": field, "message": _("contains a control character")}]}
                return JsonResponse(body, status=422)
        return self.get_response(request)

    @staticmethod
    def _field(request: HttpRequest) -> str | None:
        for key, values in request.GET.lists():
            if CONTROL.search(key) or any(CONTROL.search(v) for v in values):
                return key
        if request.content_type != "application/json" or not request.body:
            return None
        try:
            data = json.loads(request.body)
        except ValueError:
            return None  # not JSON: the endpoint says so
        found = control_characters(data)
        return None if found is None else ".".join(found)
