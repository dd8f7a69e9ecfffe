"""Pages that belong to no one app: where a user lands after signing in; sign-in locks."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import signin
from senim.core.models import SignInThrottle
from senim.core.permissions import Perm, can, landing


def home(request: HttpRequest) -> HttpResponse:
    """Send a signed-in user to their daily work, anyone else to the sign-in page."""
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect(landing(request.user))  # type: ignore[arg-type]


def sign_in_locks(request: HttpRequest) -> HttpResponse:
    """The accounts and addresses locked after failed sign-ins; an administrator lifts a lock."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, Perm.SIGN_IN_LOCKS):  # type: ignore[arg-type]
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        raw = request.POST.get("lock", "")
        lock_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None
        row = SignInThrottle.objects.filter(pk=lock_id).first() if lock_id else None
        if row is None or row.locked_until is None or row.locked_until <= timezone.now():
            error = _("This lock no longer holds: it ran out or was lifted already.")
        else:
            account = row.key if row.kind == SignInThrottle.Kind.ACCOUNT else ""
            address = row.key if row.kind == SignInThrottle.Kind.ADDRESS else ""
            signin.unlock(username=account, address=address, actor=request.user.get_username())
            return redirect(reverse("sign-in-locks") + "?lifted=1")
    locks = SignInThrottle.objects.filter(locked_until__gt=timezone.now()).order_by("locked_until")
    context = {"locks": locks, "error": error, "lifted": request.GET.get("lifted") == "1"}
    return render(request, "core/sign_in_locks.html", context, status=400 if error else 200)
