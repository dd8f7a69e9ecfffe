"""What the prevention's models share."""

from __future__ import annotations

from django.utils.translation import get_language


def _lang() -> str:
    return (get_language() or "kk")[:2]
