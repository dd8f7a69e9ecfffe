"""The refusals of the NPM use cases; views and the API turn them into a message next to a field."""

from __future__ import annotations


class OversightError(Exception):
    """A use case refused; `field` names the input at fault ("" for the request as a whole)."""

    status = 400

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Invalid(OversightError):
    """The input breaks a rule (422)."""

    status = 422


class Forbidden(OversightError):
    """The caller's role or group does not allow this (403)."""

    status = 403


class NotFound(OversightError):
    """No such record within the caller's groups (404): the same whether it exists elsewhere or not."""

    status = 404


class TooLarge(OversightError):
    """An upload over its size limit (413)."""

    status = 413
