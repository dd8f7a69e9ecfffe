"""The refusals of the NPM use cases (the shared ones of senim.core.errors)."""

from __future__ import annotations

from senim.core.errors import Forbidden, Invalid, NotFound, TooLarge
from senim.core.errors import UseCaseError as OversightError

__all__ = ["Forbidden", "Invalid", "NotFound", "OversightError", "TooLarge"]
