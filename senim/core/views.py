"""Pages that belong to no one app: where a user lands after signing in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from senim.core.permissions import landing


def home(request: HttpRequest) -> HttpResponse:
    """Send a signed-in user to their daily work, anyone else to the sign-in page."""
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect(landing(request.user))  # type: ignore[arg-type]
