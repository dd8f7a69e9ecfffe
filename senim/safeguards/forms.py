"""Entry forms of the safeguards: the same request shapes as the API, read from a posted form.

A form is parsed with the API's own schema (senim.safeguards.schemas) and handed to the same
service function the API calls, so a value the API refuses is refused here with the same field
and message. Pydantic's own messages are English; the few kinds of type error a form can cause
are named here in the page's language instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ValidationError

from senim.safeguards.errors import Invalid, SafeguardsError

Problems = list[tuple[str, str]]
# C0 and C1 control characters but tab and line ends (a multi-line text keeps them; \r is
# how a browser ends a line of a textarea).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Field:
    """One input of a form: its name is the API field's name."""

    name: str
    label: str | Promise
    kind: str = "text"  # text, datetime, date, number, checkbox, select, textarea, hidden
    required: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)
    help: str | Promise = ""
    max_length: int | None = None
    wide: bool = False


def _type_message(kind: str, context: dict[str, Any]) -> str:
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("datetime"):
        return _("Enter a date and time (day, month, year, hours and minutes).")
    if kind.startswith("date"):
        return _("Enter a date (day, month, year).")
    if kind.startswith("int"):
        return _("Enter a whole number.")
    if kind.startswith("bool"):
        return _("Choose yes or no.")
    if kind == "string_too_long":
        return _("At most %(n)s characters.") % {"n": context.get("max_length", "")}
    if kind == "string_too_short":
        return _("This field is required.")
    if kind in {"literal_error", "enum"}:
        return _("Choose one of the offered values.")
    if kind in {"greater_than_equal", "less_than_equal"}:
        return _("The number is out of range.")
    return _("This value is not valid.")


def parse(schema: type[Schema], post: QueryDict, fields: list[Field]) -> Schema:
    """The schema's instance from the posted form, or Invalid naming every field at fault.

    Empty inputs are left out, so that an optional field takes the API's default; a checkbox
    that is not ticked is false. A control character is refused here, before the API's rules,
    because the lookups those rules make would fail on it in PostgreSQL.
    """
    data: dict[str, Any] = {}
    controls: Problems = []
    for f in fields:
        if f.kind == "checkbox":
            data[f.name] = f.name in post
            continue
        raw = post.get(f.name, "")
        # Refused before any lookup: PostgreSQL cannot even compare a text holding a NUL.
        if CONTROL.search(raw) or (f.kind != "textarea" and ("\n" in raw or "\t" in raw)):
            controls.append((f.name, _("contains a control character")))
            continue
        if raw.strip() != "":
            data[f.name] = raw
    try:
        parsed = schema.model_validate(data)
    except ValidationError as error:
        problems: Problems = list(controls)
        refused = {name for name, _message in controls}
        for e in error.errors():
            name = str(e["loc"][0]) if e["loc"] else ""
            if name in refused:
                continue
            problems.append((name, _type_message(e["type"], e.get("ctx") or {})))
        raise Invalid(*problems[0], more=problems[1:]) from None
    if controls:
        raise Invalid(*controls[0], more=controls[1:])
    return parsed


@dataclass
class Outcome:
    """What a refused form shows: messages by field, the rest above the form, and the status."""

    status: int = 200
    by_field: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, error: SafeguardsError, fields: list[Field]) -> Outcome:
        found = error.all if isinstance(error, Invalid) else [(error.field, error.message)]
        names = {f.name for f in fields if f.kind != "hidden"}
        out = cls(status=error.status)
        for name, message in found:
            if name in names:
                out.by_field.setdefault(name, []).append(message)
            else:
                out.general.append(message)
        return out


def rows(fields: list[Field], values: dict[str, Any], outcome: Outcome) -> list[dict[str, Any]]:
    """What the template draws for each input: the field, its value and its messages."""
    return [
        {"f": f, "value": values.get(f.name, ""), "errors": outcome.by_field.get(f.name, [])}
        for f in fields
    ]
