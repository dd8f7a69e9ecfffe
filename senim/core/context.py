from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def senim_context(request: HttpRequest) -> dict[str, object]:
    from senim.core.demo_flag import demo_data_present
    from senim.core.permissions import menu, perms_for

    user = getattr(request, "user", None)
    context: dict[str, object] = {"demo_banner": settings.SENIM_DEMO_BANNER and demo_data_present()}
    if user is not None and user.is_authenticated:
        match = getattr(request, "resolver_match", None)
        context["main_menu"] = menu(user, match.url_name if match else None)  # type: ignore[arg-type]
        context["can"] = perms_for(user)  # type: ignore[arg-type]
    return context
