"""The refusals every use case raises; views and the API turn them into a status and a message
next to the field at fault. Apps name the base after themselves (see their errors.py)."""

from __future__ import annotations

from collections.abc import Sequence


class UseCaseError(Exception):
    """A use case refused; `field` names the input at fault ("" for the request as a whole)."""

    status = 400

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Invalid(UseCaseError):
    """The input breaks a rule; nothing was stored (422). `more` carries further problems found,
    so that a form or client can show them all at once."""

    status = 422

    def __init__(self, field: str, message: str, *, more: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(field, message)
        self.all = [(field, message), *more]


class Forbidden(UseCaseError):
    """The caller's role, territory or group does not allow this (403)."""

    status = 403


class NotFound(UseCaseError):
    """No such record within the caller's reach (404): the same whether it exists elsewhere."""

    status = 404


class Conflict(UseCaseError):
    """The key is already used with different content (409)."""

    status = 409


class TooLarge(UseCaseError):
    """An upload over its size limit (413)."""

    status = 413


class TooMany(UseCaseError):
    """Too many requests from one sender in the period (429)."""

    status = 429
