"""The one NinjaAPI instance; each app contributes a router. OpenAPI at /api/docs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from senim.core.api_auth import SessionOrToken

api = NinjaAPI(title="Senim API", version="1", auth=SessionOrToken(), urls_namespace="api")


@api.exception_handler(ValidationError)
def field_errors(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Validation errors as {"errors": [{"field": "a.b", "message": "..."}]}."""
    errors = [
        {
            "field": ".".join(
                str(p) for p in e.get("loc", ()) if p not in {"body", "query", "path", "payload"}
            ),
            "message": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    return api.create_response(request, {"errors": errors}, status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"errors": [{"field": "", "message": "Sign in or send a valid token."}]},
        status=401,
    )


def _add_routers() -> None:
    from senim.analysis.api import router as analytics_router
    from senim.analysis.api_repeats import router as repeats_router
    from senim.register.api import router as register_router
    from senim.register.indicators_api import router as indicators_router

    api.add_router("/register/", register_router)
    api.add_router("/indicators/", indicators_router)
    api.add_router("/oversight/", "senim.oversight.api.router")
    api.add_router("/analytics/", analytics_router)
    api.add_router("/analytics/repeats/", repeats_router)
    api.add_router("/ops/", "senim.ops.api.router")
    api.add_router("/safeguards/", "senim.safeguards.api.router")
    api.add_router("/trust/", "senim.trust.api.router")
    api.add_router("/open/", "senim.portal.api.router")  # public: the router has auth=None


_add_routers()
