"""Pages of the juveniles' work: programmes (list with filters and search, a record page with
the children reached and a form to record them, a form to open one), the schools with the
officer assigned to each, and the children reached in a year by region for analysts and
commanders. Thin: a broken rule comes back on the same page with the field named."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from senim.core.errors import UseCaseError
from senim.core.models import District, User
from senim.core.permissions import Perm, can
from senim.core.scope import scope_level
from senim.prevention import juveniles, partnership
from senim.prevention.models import AgeBand, ProgrammeKind, ReachSex, SchoolAssignment
from senim.prevention.views import PAGE, _error, _refuse, _user
from senim.prevention.views_partnership import _page

STATUSES = ("running", "ended")


def _districts(user: User) -> Any:
    level = scope_level(user)
    qs = District.objects.select_related("region").order_by("region__iso", "code")
    if level == "national":
        return qs
    if level == "region":
        return qs.filter(region_id=user.region_id or 0)
    return qs.filter(pk=user.district_id or 0)


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    today = timezone.localdate()
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "").strip()[:40]
    district = request.GET.get("district", "").strip()[:40]
    status = request.GET.get("status", "").strip()[:10]
    qs = (
        juveniles.programmes(user)
        .annotate(children=Sum("reach__children"))
        .order_by("-starts_on", "name", "pk")
    )
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(partner__name__icontains=q) | Q(school__name__icontains=q)
        )
    if kind:
        qs = qs.filter(kind__code=kind)
    if district:
        qs = qs.filter(district__code=district)
    if status == "running":
        qs = qs.filter(starts_on__lte=today).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    elif status == "ended":
        qs = qs.filter(ends_on__lt=today)
    filters = {"q": q, "kind": kind, "district": district, "status": status}
    return render(
        request,
        "prevention/programmes.html",
        {
            "tab": "juveniles",
            "page": Paginator(qs, PAGE).get_page(request.GET.get("page")),
            "kinds": ProgrammeKind.objects.filter(active=True),
            "districts": _districts(user),
            "filters": filters,
            "query": urlencode(filters),
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    form: dict[str, Any] = request.POST.dict() if request.method == "POST" else {}
    if "school" not in form and request.GET.get("school"):
        form["school"] = request.GET["school"][:20]
    form.setdefault("district", user.district.code if user.district_id and user.district else "")
    error = None
    if request.method == "POST":
        try:
            programme = juveniles.programme_open(user=user, form=request.POST)
        except UseCaseError as exc:
            error = _error(exc)
        else:
            return redirect("prevention-programme", pk=programme.pk)
    return render(
        request,
        "prevention/programme_form.html",
        {
            "tab": "juveniles",
            "form": form,
            "error": error,
            "kinds": ProgrammeKind.objects.filter(active=True),
            "districts": _districts(user),
            "partners": partnership.partners(user)[:500],
            "schools": juveniles.schools(user).order_by("sector__code", "name")[:500],
            "today": timezone.localdate(),
        },
        status=error["status"] if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    programme = juveniles.programmes(user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    return _page(
        request,
        "prevention/programme.html",
        {
            "tab": "juveniles",
            "p": programme,
            "reach": Paginator(programme.reach.all(), PAGE).get_page(request.GET.get("page")),
            "totals": juveniles.programme_reach(programme),
            "bands": AgeBand.choices,
            "sexes": ReachSex.choices,
            "today": timezone.localdate(),
        },
        lambda: juveniles.reach_record(user=user, pk=pk, form=request.POST),
        lambda _r: reverse("prevention-programme", args=[pk]) + "#reach",
    )


@login_required
def school_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    today = timezone.localdate()
    q = request.GET.get("q", "").strip()[:100]
    qs = juveniles.schools(user).order_by("sector__code", "name", "pk")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    in_force = {
        a.place_id: a
        for a in SchoolAssignment.objects.filter(
            place__in=[p.pk for p in page], starts_on__lte=today
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("officer")
    }
    return render(
        request,
        "prevention/schools.html",
        {
            "tab": "juveniles",
            "rows": [(p, in_force.get(p.pk)) for p in page],
            "page": page,
            "q": q,
            "query": urlencode({"q": q}),
        },
    )


@login_required
def reach_summary(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not juveniles.may_see_summary(user):
        return _refuse(request)
    today = timezone.localdate()
    raw = request.GET.get("year", "").strip()
    status = 200
    year = today.year
    bad_year = False
    if raw:
        if raw.isascii() and raw.isdigit() and len(raw) == 4 and 2000 <= int(raw) <= today.year:
            year = int(raw)
        else:
            bad_year, status = True, 422
    summary = juveniles.children_reached(user, year)
    prevention = can(user, Perm.PREVENTION)
    rows = [
        {
            "region": r.region,
            "programmes": r.programmes,
            "kinds": [r.by_kind.get(k.code, 0) for k in summary.kinds],
            "sexes": [r.by_sex.get(v, 0) for v in ReachSex.values],
            "children": r.children,
        }
        for r in summary.regions
    ]
    return render(
        request,
        "prevention/reach_summary.html" if prevention else "prevention/reach_summary_plain.html",
        {
            "tab": "juveniles",
            "summary": summary,
            "rows": rows,
            "years": list(range(today.year, max(2000, today.year - 10) - 1, -1)),
            "bad_year": bad_year,
            "sexes": ReachSex.choices,
            "prevention": prevention,
        },
        status=status,
    )
