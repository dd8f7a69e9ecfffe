from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
