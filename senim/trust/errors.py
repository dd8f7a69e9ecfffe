"""Refusals of the trust use cases: the shared ones of senim.core.errors, and a whole file refused."""

from __future__ import annotations

from dataclasses import dataclass

from senim.core.errors import Conflict, Forbidden, Invalid, NotFound
from senim.core.errors import UseCaseError as TrustError

__all__ = ["Conflict", "FileRejected", "Forbidden", "Invalid", "NotFound", "RowError", "TrustError"]


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
