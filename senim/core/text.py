"""Free text from people: trimmed, bounded, and free of control characters."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from senim.core.errors import Invalid

# C0 and C1 control characters except tab and newline (kept in multi-line comments).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(value: object, *, field: str, max_length: int, required: bool = False) -> str:
    """`value` as stored text, or Invalid naming the field and what is wrong with it."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise Invalid(field, _("is required"))
    if _CONTROL.search(text):
        raise Invalid(field, _("contains a control character"))
    if len(text) > max_length:
        raise Invalid(field, _("is longer than %(n)d characters") % {"n": max_length})
    return text
