"""The one NinjaAPI instance; each app contributes a router. OpenAPI at /api/docs.

The reference (/api/docs, /api/openapi.json) is for signed-in users (a session, or a valid
bearer token for the description); anyone else is sent to the sign-in page. Swagger UI is
served from static/vendor/swagger-ui, never from a CDN, so it works on a closed network.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.openapi.docs import DocsBase

from senim.core.api_auth import API_AUTH, BEARER, TokenExpired


class VendoredSwagger(DocsBase):
    """Swagger UI from the project's own static files (ninja's default template uses a CDN
    unless "ninja" is an installed app, and carries ninja's copy, not ours)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings: dict[str, object] = {"url": self.get_openapi_url(api, kwargs)}
        settings |= {"layout": "BaseLayout", "deepLinking": True}
        return render(request, "api_docs.html", {"api": api, "swagger_settings": settings})


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The reference for a signed-in session or a valid bearer token; others go to sign in."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        try:
            if BEARER(request):
                return view(request, *args, **kwargs)
        except TokenExpired as exc:
            return api.create_response(
                request, {"errors": [{"field": "", "message": exc.detail}]}, status=401
            )
        return redirect_to_login(request.get_full_path())

    return wrapper


api = NinjaAPI(
    title="Senim API",
    version="1",
    auth=API_AUTH,
    urls_namespace="api",
    docs=VendoredSwagger(),
    docs_decorator=signed_in,
)


# pydantic's error types for a number outside its bounds.
BOUND_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


@api.exception_handler(ValidationError)
def field_errors(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Validation errors as {"errors": [{"field": "a.b", "message": "..."}]}: 422, or 404 when
    only path numbers outside their bounds are at fault (an id past senim.core.bounds names
    nothing, like any id nothing has); a path value of the wrong type stays a 422."""
    errors = [
        {
            "field": ".".join(
                str(p) for p in e.get("loc", ()) if p not in {"body", "query", "path", "payload"}
            ),
            "message": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    out_of_bounds = all(
        tuple(e.get("loc", ()))[:1] == ("path",) and e.get("type") in BOUND_ERRORS
        for e in exc.errors
    )
    return api.create_response(request, {"errors": errors}, status=404 if out_of_bounds else 422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = exc.detail if isinstance(exc, TokenExpired) else _("Sign in or send a valid token.")
    return api.create_response(request, {"errors": [{"field": "", "message": message}]}, status=401)


def _schema_refs(node: object) -> Iterator[str]:
    """The component schemas a piece of an OpenAPI description refers to."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value.rsplit("/", 1)[-1]
            else:
                yield from _schema_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _schema_refs(item)


def public_description(prefix: str = "/api/open/") -> dict[str, Any]:
    """The OpenAPI description of the public operations alone (under `prefix`), with only the
    schemas they use: published to anyone, while the whole reference is for signed-in users."""
    schema = dict(api.get_openapi_schema())
    paths = {p: ops for p, ops in schema["paths"].items() if p.startswith(prefix)}
    every = schema.get("components", {}).get("schemas", {})
    used: set[str] = set()
    todo = list(_schema_refs(paths))
    while todo:
        name = todo.pop()
        if name not in used and name in every:
            used.add(name)
            todo.extend(_schema_refs(every[name]))
    schema["paths"] = paths
    schema["components"] = {"schemas": {name: every[name] for name in sorted(used)}}
    return schema


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
    api.add_router("/results/", "senim.results.api.router")
    api.add_router("/open/", "senim.portal.api.router")  # public: the router has auth=None


_add_routers()
