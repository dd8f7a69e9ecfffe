"""Refusals of the results use cases: the shared ones of senim.core.errors; a file refused as a
whole with its row errors is the same refusal the trust app's file loads raise (one reader)."""

from __future__ import annotations

from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.errors import UseCaseError as ResultsError
from senim.trust.errors import FileRejected, RowError

__all__ = ["FileRejected", "Forbidden", "Invalid", "NotFound", "ResultsError", "RowError"]
