"""API authentication: the browser session, or `Authorization: Bearer <token>`.

Tokens are stored as SHA-256 hashes on the user; the clear token is shown once when issued.
"""

from __future__ import annotations

import hashlib
import secrets

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from senim.core.audit import set_actor
from senim.core.models import User


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    token = secrets.token_urlsafe(32)
    user.api_token_hash = hash_token(token)
    user.save(update_fields=["api_token_hash"])
    return token


class _Bearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token:
            return None
        user = User.objects.filter(api_token_hash=hash_token(token), is_active=True).first()
        if user is not None:
            request.user = user
            # The audit middleware ran before this authentication and saw an anonymous request.
            set_actor(user.get_username())
        return user


class SessionOrToken:
    """Callable auth for django-ninja: a bearer token first, then the session."""

    def __init__(self) -> None:
        self.bearer = _Bearer()
        self.session = SessionAuth(csrf=True)  # ninja's own: checks CSRF on unsafe methods

    def __call__(self, request: HttpRequest) -> User | None:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            return self.bearer.authenticate(request, header[7:].strip())
        return self.session(request)
