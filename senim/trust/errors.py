"""Refusals of the trust use cases; views and the API turn them into a status and a message."""

from __future__ import annotations

from dataclasses import dataclass


class TrustError(Exception):
    """`field` names the input at fault ("" for the request as a whole)."""

    status = 400

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Invalid(TrustError):
    status = 422


class Forbidden(TrustError):
    status = 403


class NotFound(TrustError):
    status = 404


class Conflict(TrustError):
    status = 409


@dataclass(frozen=True)
class RowError:
    row: int  # as a person counts: the header is row 1; in a feed, the n-th item
    field: str
    message: str


class FileRejected(TrustError):
    """The file was refused as a whole; nothing of it was stored."""

    status = 422

    def __init__(self, errors: list[RowError]) -> None:
        first = errors[0]
        super().__init__(first.field, first.message)
        self.errors = errors
