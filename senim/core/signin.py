"""Sign-in throttling: failed sign-ins lock the account and the client address for a while.

Thresholds (settings, see docs/operations.md): 5 failures within 15 minutes lock an account,
20 failures within 15 minutes lock a client address, each for 15 minutes. A locked sign-in is
refused before the password is checked, so guessing cannot go on behind the lock. Counts and
locks live in the database (core.SignInThrottle), so every gunicorn worker sees the same ones.
Every failure, refusal, lock and unlock is written to the audit log: usernames and addresses,
never passwords. The message a locked-out user sees does not say whether the account or the
address tripped the lock, and locks apply alike to usernames that do not exist, so the lock
tells nothing about which accounts there are.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from senim.core import audit
from senim.core.models import SignInThrottle

Kind = SignInThrottle.Kind
AUDIT_MODEL = "core.SignInThrottle"


def account_key(username: str) -> str:
    """Count `Admin` and `admin ` as one account: the lock must not be side-stepped by case."""
    return username.strip().casefold()[:150]


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return "unknown"
    header = settings.SENIM_SIGNIN_ADDRESS_HEADER
    raw = request.META.get(header, "") if header else ""
    # A proxy may append a chain "client, proxy1, ..."; the first is the client it saw.
    raw = (raw.split(",")[0] if raw else request.META.get("REMOTE_ADDR", "")).strip()
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return "unknown"


def _thresholds(kind: str) -> int:
    if kind == Kind.ACCOUNT:
        return int(settings.SENIM_SIGNIN_ACCOUNT_FAILURES)
    return int(settings.SENIM_SIGNIN_ADDRESS_FAILURES)


def locked_until(*, username: str, address: str) -> dt.datetime | None:
    """When the later of the account's and the address's locks ends; None if neither holds."""
    found = SignInThrottle.objects.filter(
        Q(kind=Kind.ACCOUNT, key=account_key(username)) | Q(kind=Kind.ADDRESS, key=address),
        locked_until__gt=timezone.now(),
    ).aggregate(until=Max("locked_until"))
    return found["until"]


def _count(kind: str, key: str, now: dt.datetime) -> bool:
    """Count one failure; True when it is the one that locks."""
    window = dt.timedelta(minutes=settings.SENIM_SIGNIN_WINDOW_MINUTES)
    row, _created = SignInThrottle.objects.select_for_update().get_or_create(
        kind=kind, key=key, defaults={"window_start": now}
    )
    if row.locked_until is not None and row.locked_until <= now:
        row.locked_until, row.failures, row.window_start = None, 0, now  # a lock that ran out
    if row.window_start <= now - window:
        row.failures, row.window_start = 0, now
    row.failures += 1
    locks = row.locked_until is None and row.failures >= _thresholds(kind)
    until = now + dt.timedelta(minutes=settings.SENIM_SIGNIN_LOCK_MINUTES)
    if locks:
        row.locked_until = until
    row.save()
    if locks:
        audit.record(
            action="sign_in_locked",
            model=AUDIT_MODEL,
            object_pk=f"{kind}:{key}",
            details={"failures": row.failures, "until": until.isoformat()},
        )
    return locks


def register_failure(*, username: str, address: str) -> dt.datetime | None:
    """Count a failed sign-in against the account and the address; the lock's end if one holds."""
    now = timezone.now()
    with transaction.atomic():
        audit.record(
            action="sign_in_failed",
            model=AUDIT_MODEL,
            object_pk=account_key(username),
            details={"address": address},
        )
        _count(Kind.ACCOUNT, account_key(username), now)
        _count(Kind.ADDRESS, address, now)
        # Counts of names tried once and never again would pile up: drop those past the window.
        window = dt.timedelta(minutes=settings.SENIM_SIGNIN_WINDOW_MINUTES)
        SignInThrottle.objects.filter(window_start__lt=now - window).filter(
            Q(locked_until__isnull=True) | Q(locked_until__lte=now)
        ).delete()
    return locked_until(username=username, address=address)


def register_refusal(*, username: str, address: str) -> None:
    audit.record(
        action="sign_in_refused",
        model=AUDIT_MODEL,
        object_pk=account_key(username),
        details={"address": address, "reason": "locked"},
    )


def register_success(*, username: str) -> None:
    """A correct password clears the account's count (not the address's: others share it)."""
    SignInThrottle.objects.filter(kind=Kind.ACCOUNT, key=account_key(username)).delete()


def unlock(*, username: str = "", address: str = "", actor: str) -> int:
    """Lift the locks and clear the counts of an account and/or an address; how many were held."""
    now = timezone.now()
    lifted = 0
    with transaction.atomic():
        for kind, key in ((Kind.ACCOUNT, account_key(username)), (Kind.ADDRESS, address)):
            if not key:
                continue
            rows = SignInThrottle.objects.filter(kind=kind, key=key)
            held = rows.filter(locked_until__gt=now).count()
            rows.delete()
            lifted += held
            audit.record(
                action="sign_in_unlocked",
                model=AUDIT_MODEL,
                object_pk=f"{kind}:{key}",
                details={"was_locked": bool(held)},
                actor=actor,
            )
    return lifted


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing locked accounts and addresses before the password."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed sign-in attempts. Sign-in is paused for %(minutes)s min; try again "
            "later or ask an administrator to lift the lock."
        ),
    }

    def _locked(self, until: dt.datetime) -> forms.ValidationError:
        minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
        self.locked = True
        return forms.ValidationError(
            self.error_messages["locked"], code="locked", params={"minutes": minutes}
        )

    def clean(self) -> dict[str, Any]:
        self.locked = False
        username = self.cleaned_data.get("username")
        if not username or not self.cleaned_data.get("password"):
            return super().clean()
        address = client_address(self.request)
        until = locked_until(username=username, address=address)
        if until is not None:
            register_refusal(username=username, address=address)
            raise self._locked(until)
        try:
            cleaned = super().clean()
        except forms.ValidationError as exc:
            if exc.code == "invalid_login":
                until = register_failure(username=username, address=address)
                if until is not None:
                    raise self._locked(until) from exc
            raise
        register_success(username=username)
        return cleaned
