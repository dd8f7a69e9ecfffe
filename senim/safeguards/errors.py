"""Refusals of the safeguards use cases; `field` names the input at fault ("" for the whole)."""

from __future__ import annotations


class SafeguardsError(Exception):
    status = 400

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Invalid(SafeguardsError):
    """The input breaks a rule; nothing was stored (422)."""

    status = 422

    def __init__(self, field: str, message: str, *, more: list[tuple[str, str]] = ()) -> None:  # type: ignore[assignment]
        super().__init__(field, message)
        # Every problem found, so that a form or client can show them all at once.
        self.all = [(field, message), *more]


class Forbidden(SafeguardsError):
    """The caller's role or territory does not allow this (403)."""

    status = 403


class NotFound(SafeguardsError):
    """No such record in the caller's scope (404): the same answer whether it exists or not."""

    status = 404


class Conflict(SafeguardsError):
    """The external id is already used with different content (409)."""

    status = 409
