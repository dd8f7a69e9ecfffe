from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def senim_context(request: HttpRequest) -> dict[str, object]:
    from senim.core.demo_flag import demo_data_present

    return {"demo_banner": settings.SENIM_DEMO_BANNER and demo_data_present()}
