"""The Content-Security-Policy header on every response (Django 5.2 has none built in).

Scripts come only from our own static files (`script-src 'self'`): no inline `<script>`, no
`onclick=` attributes, no `eval`. Styles allow 'unsafe-inline' because ECharts draws its tooltips
and htmx its indicators with inline `style` attributes; CSS cannot run code, and everything else
is 'self'. The policy is `settings.SENIM_CSP` (environment `SENIM_CSP`, docs/operations.md).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Add the policy unless a view set its own (an empty setting turns the header off)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "SENIM_CSP", DEFAULT_POLICY)
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
