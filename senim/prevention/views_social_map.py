"""Pages of the sector's social map: residents and households (history and a form), the places
that matter (list, record page with its edit form, a form to add one). Thin, like views.py: a
broken rule comes back on the same page with the field named (422/403/404)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from senim.core.errors import UseCaseError
from senim.core.models import Sector
from senim.core.permissions import Perm, can
from senim.prevention import juveniles, selectors, social_map
from senim.prevention.models import PlaceKind, PopulationSource
from senim.prevention.models.social_map import SCHOOL
from senim.prevention.views import PAGE, _error, _own_sector, _refuse, _sector_choices, _user
from senim.prevention.views_partnership import _page


def _sector(request: HttpRequest, code: str) -> Sector:
    sector = selectors.sectors_in_scope(_user(request)).filter(code=code).first()
    if sector is None:
        raise Http404(_("No such sector in your territory."))
    return sector


@login_required
@require_http_methods(["GET", "POST"])
def sector_population(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    sector = _sector(request, code)
    history = social_map.populations(user).filter(sector=sector)
    return _page(
        request,
        "prevention/population.html",
        {
            "tab": "sector",
            "sector": sector,
            "page": Paginator(history, PAGE).get_page(request.GET.get("page")),
            "sources": PopulationSource.choices,
            "today": timezone.localdate(),
        },
        lambda: social_map.population_record(
            user=user, form=request.POST.dict() | {"sector": sector.code}
        ),
        lambda _r: reverse("prevention-sector", args=[sector.code]) + "#social-map",
    )


@login_required
def place_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "").strip()[:40]
    sector = request.GET.get("sector", "").strip()[:40]
    qs = social_map.places(user)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(address__icontains=q)
    if kind:
        qs = qs.filter(kind__code=kind)
    if sector:
        qs = qs.filter(sector__code=sector)
    return render(
        request,
        "prevention/places.html",
        {
            "tab": "places",
            "page": Paginator(
                qs.order_by("sector__code", "kind__position", "name", "pk"), PAGE
            ).get_page(request.GET.get("page")),
            "kinds": PlaceKind.objects.filter(active=True),
            "filters": {"q": q, "kind": kind, "sector": sector},
            "query": urlencode({"q": q, "kind": kind, "sector": sector}),
        },
    )


def _place_context(user: Any) -> dict[str, Any]:
    return {
        "tab": "places",
        "kinds": PlaceKind.objects.filter(active=True),
        "sectors": _sector_choices(user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def place_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    form: dict[str, Any] = request.POST.dict() if request.method == "POST" else {}
    for name in ("sector", "kind", "lat", "lon"):
        if name not in form and request.GET.get(name):
            form[name] = request.GET[name][:40]
    form.setdefault("sector", _own_sector(user))
    error = None
    if request.method == "POST":
        try:
            place = social_map.place_save(user=user, form=request.POST)
        except UseCaseError as exc:
            error = _error(exc)
        else:
            return redirect("prevention-place", pk=place.pk)
    return render(
        request,
        "prevention/place_form.html",
        _place_context(user) | {"form": form, "error": error, "new": True},
        status=error["status"] if error else 200,
    )


PLACE_ACTIONS = {
    "edit": lambda user, pk, post: social_map.place_save(user=user, form=post, pk=pk),
    "assign": lambda user, pk, post: juveniles.assignment_add(user=user, pk=pk, form=post),
    "assign_end": lambda user, pk, post: juveniles.assignment_end(user=user, pk=pk, form=post),
}


@login_required
@require_http_methods(["GET", "POST"])
def place_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    error, status = None, 200
    if request.method == "POST":
        action = PLACE_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            raise Http404
        try:
            action(user, pk, request.POST)
        except UseCaseError as exc:
            error, status = _error(exc), exc.status
        else:
            return redirect(reverse("prevention-place", args=[pk]) + "#" + request.POST["action"])
    place = social_map.places(user).filter(pk=pk).first()
    if place is None:
        raise Http404(_("No such place in your territory."))
    is_school = place.kind.code == SCHOOL
    post = request.POST if error else {}
    form = (
        post
        if post.get("action") == "edit"
        else {
            "kind": place.kind.code,
            "name": place.name,
            "address": place.address,
            "lat": f"{place.lat:.6f}",
            "lon": f"{place.lon:.6f}",
            "contact": place.contact,
            "notes": place.notes,
        }
    )
    return render(
        request,
        "prevention/place.html",
        _place_context(user)
        | {
            "p": place,
            "form": form,
            "post": post,
            "error": error,
            "is_school": is_school,
            "assignments": list(place.assignments.select_related("officer")) if is_school else [],
            "programmes": list(place.programmes.select_related("kind")) if is_school else [],
            "today": timezone.localdate(),
            "map": {
                "geojson": static("geo/kz_regions.geojson"),
                "region": place.district.region.iso,
                "centre": [place.lon, place.lat],
                "centre_label": place.name,
                "points": [],
            },
        },
        status=status,
    )
