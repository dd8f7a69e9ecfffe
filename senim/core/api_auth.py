"""API authentication: the browser session, or `Authorization: Bearer <token>`.

Tokens are stored as SHA-256 hashes on the user; the clear token is shown once when issued.
A token expires `settings.SENIM_API_TOKEN_DAYS` after it was issued; issuing a new one (on the
API, or `senim api_token USER`) replaces the old one, which stops working at once.

Both schemes are django-ninja security classes, so the OpenAPI description declares them
(`BearerToken`, `SessionCookie`); the API tries them in that order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from senim.core.audit import set_actor
from senim.core.models import User


class TokenExpired(AuthenticationError):
    """A known token past its expiry: 401 with a message saying so (not a bare "unauthorised")."""

    def __init__(self, expired_at: dt.datetime) -> None:
        super().__init__(401, "token expired")
        self.expired_at = expired_at

    @property
    def detail(self) -> str:
        day = timezone.localtime(self.expired_at).strftime("%Y-%m-%d %H:%M")
        return _("The API token expired on %(day)s; ask for a new one.") % {"day": day}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    """A new token for `user`, replacing any previous one; returns the clear token once."""
    token = secrets.token_urlsafe(32)
    user.api_token_hash = hash_token(token)
    user.api_token_expires_at = timezone.now() + dt.timedelta(days=settings.SENIM_API_TOKEN_DAYS)
    user.save(update_fields=["api_token_hash", "api_token_expires_at"])
    return token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token:
            return None
        user = User.objects.filter(api_token_hash=hash_token(token), is_active=True).first()
        if user is None:
            return None
        expires = user.api_token_expires_at
        if expires is None or expires <= timezone.now():
            # A token without an expiry predates expiries: treated as expired, not as eternal.
            raise TokenExpired(expires or timezone.now())
        request.user = user
        # The audit middleware ran before this authentication and saw an anonymous request.
        set_actor(user.get_username())
        return user


class SessionCookie(SessionAuth):
    """ninja's session auth (checks CSRF on unsafe methods), skipped when a bearer token is sent:
    a request that brings a token is judged by the token alone."""

    def __call__(self, request: HttpRequest) -> User | None:
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            return None
        return super().__call__(request)  # type: ignore[no-any-return]


BEARER = BearerToken()
SESSION = SessionCookie(csrf=True)
# The default for every API operation: a token first, then the session.
API_AUTH = [BEARER, SESSION]


class SessionOrToken:
    """One callable trying both (for code outside django-ninja)."""

    def __call__(self, request: HttpRequest) -> User | None:
        for auth in API_AUTH:
            user = auth(request)
            if user:
                return user  # type: ignore[no-any-return]
        return None
