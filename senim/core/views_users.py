"""The administrator's pages for accounts: the list, a new account, one account's role, scope,
state and password (senim.core.users does the work and writes the audit log).

A refusal comes back as the same form with the message under its field and status 422; a role
without Perm.USERS gets 403. A password made here is shown once, on the answer to the POST that
made it, never in a URL, a redirect or the log.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from senim.core import users
from senim.core.errors import Invalid, UseCaseError
from senim.core.models import District, Region, Role, User
from senim.core.permissions import Perm, can
from senim.core.scope import allowed_region_ids

PAGE = 50


def _actor(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not can(user, Perm.USERS):
        raise PermissionDenied(_("Only administrators manage users."))
    return user


def _errors(error: UseCaseError) -> tuple[dict[str, list[str]], list[str]]:
    found = error.all if isinstance(error, Invalid) else [(error.field, error.message)]
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for name, message in found:
        if name:
            by_field.setdefault(name, []).append(message)
        else:
            general.append(message)
    return by_field, general


def _choices(actor: User) -> dict[str, Any]:
    ids = allowed_region_ids(actor)
    regions = Region.objects.all() if ids is None else Region.objects.filter(pk__in=ids)
    districts = District.objects.select_related("region").filter(region__in=regions)
    return {
        "roles": Role.choices,
        "regions": regions.order_by("iso"),
        "districts": districts.order_by("region__iso", "code"),
    }


def _input(post: Any) -> users.UserInput:
    return users.UserInput(
        role=post.get("role", ""),
        region=post.get("region", ""),
        district=post.get("district", ""),
        sector=post.get("sector", ""),
        officer=post.get("officer", ""),
        email=post.get("email", ""),
    )


def _form_of(user: User) -> dict[str, str]:
    return {
        "role": user.role,
        "region": user.region.iso if user.region_id else "",  # type: ignore[union-attr]
        "district": user.district.code if user.district_id else "",  # type: ignore[union-attr]
        "sector": str(user.sector.number) if user.sector_id else "",  # type: ignore[union-attr]
        "officer": user.officer.badge_number if user.officer_id else "",  # type: ignore[union-attr]
        "email": user.email,
    }


def _shown_once(request: HttpRequest, user: User, password: str) -> HttpResponse:
    response = render(request, "users/password.html", {"account": user, "password": password})
    add_never_cache_headers(response)
    response["Cache-Control"] += ", no-store"
    return response


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters = {
        k: "".join(c for c in request.GET.get(k, "")[:100] if c.isprintable())
        for k in ("q", "role", "region", "active")
    }
    page = Paginator(users.search(actor=actor, **filters), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "users/list.html",
        {
            "page": page,
            "filters": filters,
            "query": urlencode({k: v for k, v in filters.items() if v}),
            **_choices(actor),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form: dict[str, str] = {"password_mode": "generate"}
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    status = 200
    if request.method == "POST":
        form = {
            k: str(v)
            for k, v in request.POST.items()
            if k not in {"password", "csrfmiddlewaretoken"}
        }
        own = request.POST.get("password_mode") == "set"
        try:
            user, generated = users.create(
                actor=actor,
                username=request.POST.get("username", ""),
                data=_input(request.POST),
                password=request.POST.get("password", "") if own else "",
            )
        except UseCaseError as error:
            errors, general = _errors(error)
            if own and not request.POST.get("password") and "password" not in errors:
                errors["password"] = [_("Give the password, or let Senim make one.")]
            status = error.status
        else:
            if generated:
                return _shown_once(request, user, generated)
            return redirect("users-detail", pk=user.pk)
    return render(
        request,
        "users/new.html",
        {"form": form, "errors": errors, "general": general, **_choices(actor)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    account = users.manageable(actor=actor).filter(pk=pk).first()
    if account is None:
        raise Http404(_("No such account in your territory."))
    form = _form_of(account)
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    status = 200
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            if action == "change":
                form = {k: request.POST.get(k, "") for k in form}
                users.change(actor=actor, pk=account.pk, data=_input(request.POST))
            elif action in {"deactivate", "reactivate"}:
                users.set_active(actor=actor, pk=account.pk, active=action == "reactivate")
            elif action == "password":
                own = request.POST.get("password_mode") == "set"
                password = request.POST.get("password", "") if own else ""
                if own and not password:
                    raise Invalid("password", _("Give the password, or let Senim make one."))
                generated = users.reset_password(actor=actor, pk=account.pk, password=password)
                if generated:
                    return _shown_once(request, account, generated)
            else:
                raise Invalid("", _("Unknown action."))
        except UseCaseError as error:
            errors, general = _errors(error)
            status = error.status
        else:
            return redirect(f"{request.path}?done={action}")
    done = {
        "change": _("The role and scope are saved."),
        "deactivate": _("The account is deactivated: it cannot sign in."),
        "reactivate": _("The account is active again."),
        "password": _("The password is changed."),
    }.get(request.GET.get("done", ""), "")
    return render(
        request,
        "users/detail.html",
        {
            "account": account,
            "form": form,
            "errors": errors,
            "general": general,
            "action": action,
            "done": done,
            "is_self": account.pk == actor.pk,
            **_choices(actor),
        },
        status=status,
    )
