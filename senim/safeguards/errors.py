"""Refusals of the safeguards use cases (the shared ones of senim.core.errors)."""

from __future__ import annotations

from senim.core.errors import Conflict, Forbidden, Invalid, NotFound
from senim.core.errors import UseCaseError as SafeguardsError

__all__ = ["Conflict", "Forbidden", "Invalid", "NotFound", "SafeguardsError"]
