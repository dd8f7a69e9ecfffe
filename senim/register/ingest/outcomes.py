"""Loading case outcomes from files: case steps, and damage with its repayments.

Outcomes are their own kinds, keyed by the offence's source number (offence_source_system,
offence_external_id), so the offence files and their fast pipeline stay as they are. Each row
goes through the same writer as the record page's form and the API (senim.register.outcomes):
the same rules, the same field names in the errors. Rows are written one by one inside a
transaction per batch, each row under its own savepoint, so a refused row leaves nothing
behind and the rows of one file may build on each other (a case suspended, then solved).
Loading a file again finds every row already there ("already present") and changes nothing; a
row that says something else about a stored step or repayment is refused, never overwritten.
Outcome files are small beside offence files (one row per decision), so this is plain ORM.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.errors import Invalid
from senim.core.models import User
from senim.core.scope import scoped
from senim.register import outcomes as writer
from senim.register.ingest.pipeline import FileRejected, LoadSummary, RejectedRow
from senim.register.ingest.readers import UnreadableFile, read_rows
from senim.register.models import CaseStep, Damage, Offence, Repayment

KEY = ("offence_source_system", "offence_external_id")


@dataclass(frozen=True)
class Schema:
    required: tuple[str, ...]
    optional: tuple[str, ...]


SCHEMAS = {
    "case_steps": Schema((*KEY, "step", "on"), ("unit", "district")),
    "damage": Schema((*KEY, "damage", "assessed_on"), ("repaid", "repaid_on")),
}
KINDS = tuple(SCHEMAS)
BATCH = 1_000


class Unchanged(Exception):
    """The row is stored already, exactly as it says."""


def _check_header(kind: str, columns: set[str]) -> None:
    schema = SCHEMAS[kind]
    missing = [c for c in schema.required if c not in columns]
    if missing:
        raise FileRejected(_("missing required columns: %(cols)s") % {"cols": ", ".join(missing)})
    unknown = sorted(columns - set(schema.required) - set(schema.optional))
    if unknown:
        raise FileRejected(_("unknown columns: %(cols)s") % {"cols": ", ".join(unknown)})


def _offence(row: dict[str, str], user: User | None) -> Offence:
    system, number = (row.get(k, "").strip() for k in KEY)
    for name, value in zip(KEY, (system, number), strict=True):
        if not value:
            raise Invalid(name, _("is required"))
    qs = Offence.objects.select_for_update().filter(source_system=system, external_id=number)
    offence = (scoped(user, qs) if user is not None else qs).first()
    if offence is None:
        # The same answer whether the offence is missing or outside the caller's territory.
        raise Invalid(
            "offence_external_id",
            _("no offence %(id)s from %(system)s in your territory")
            % {"id": number[:64], "system": system[:40]},
        )
    return offence


def _step_row(row: dict[str, str], user: User | None, actor: str, source: str) -> None:
    offence = _offence(row, user)
    step, day = row.get("step", "").strip(), writer.parse_day(row.get("on"), "on")
    stored = CaseStep.objects.filter(offence=offence, step=step).first()
    if stored is not None:
        unit, district = (row.get("unit") or "").strip(), (row.get("district") or "").strip()
        same = (
            stored.on == day
            and str(stored.unit_id or "") == unit
            and (not district or (stored.district is not None and stored.district.code == district))
        )
        if same:
            raise Unchanged
        raise Invalid(
            "step",
            _("this case's step %(step)s is stored already with other details (%(on)s)")
            % {"step": step, "on": stored.on.isoformat()},
        )
    writer.apply_step(
        offence,
        step=step,
        on=day,
        unit=row.get("unit") or None,
        district=row.get("district") or None,
        user=user,
        actor=actor,
        source_system=source,
    )


def _damage_row(row: dict[str, str], user: User | None, actor: str, source: str) -> None:
    offence = _offence(row, user)
    amount = writer.parse_amount(row.get("damage"), "damage")
    day = writer.parse_day(row.get("assessed_on"), "assessed_on")
    repaid_text = (row.get("repaid") or "").strip()
    repaid_on_text = (row.get("repaid_on") or "").strip()
    if bool(repaid_text) != bool(repaid_on_text):
        raise Invalid(
            "repaid_on" if repaid_text else "repaid", _("repaid and repaid_on come together")
        )
    repaid: tuple[Decimal, dt.date] | None = None
    if repaid_text:
        repaid = (
            writer.parse_amount(repaid_text, "repaid", positive=True),
            writer.parse_day(repaid_on_text, "repaid_on"),
        )
    changed = False
    stored = Damage.objects.filter(offence=offence).first()
    if stored is None:
        writer.apply_damage(offence, amount=amount, on=day, actor=actor, source_system=source)
        changed = True
    elif (stored.amount, stored.assessed_on) != (amount, day):
        raise Invalid(
            "damage",
            _("the damage of this case is stored already as %(amount)s ₸ (%(on)s)")
            % {"amount": stored.amount, "on": stored.assessed_on.isoformat()},
        )
    if repaid is not None:
        paid = Repayment.objects.filter(offence=offence, on=repaid[1]).first()
        if paid is None:
            writer.apply_repayment(
                offence, amount=repaid[0], on=repaid[1], actor=actor, source_system=source
            )
            changed = True
        elif paid.amount != repaid[0]:
            raise Invalid(
                "repaid",
                _("the repayment of %(on)s is stored already as %(amount)s ₸")
                % {"on": repaid[1].isoformat(), "amount": paid.amount},
            )
    if not changed:
        raise Unchanged


ROWS = {"case_steps": _step_row, "damage": _damage_row}


def ingest(
    *,
    handle: IO[bytes],
    kind: str,
    fmt: str,
    user: User | None = None,
    actor: str = "",
    source_name: str = "",
) -> LoadSummary:
    """Load one file of outcomes. `user` (the API) keeps every row inside their territory;
    the command line (user None) loads for the whole country."""
    if kind not in SCHEMAS:
        raise FileRejected(_("Unknown kind %(kind)s.") % {"kind": kind})
    started = time.perf_counter()
    summary = LoadSummary(kind=kind)
    source = (source_name or "file")[:40]
    load_row = ROWS[kind]
    try:
        # Read whole before anything is written: an unreadable file loads nothing at all.
        rows = list(read_rows(handle, fmt))
    except UnreadableFile as error:
        raise FileRejected(str(error)) from error
    batch: list[tuple[int, dict[str, str]]] = []
    header_checked = False

    def flush() -> None:
        if not batch:
            return
        loaded = 0
        with transaction.atomic():
            for number, row in batch:
                try:
                    with transaction.atomic():
                        load_row(row, user, actor, source)
                    loaded += 1
                except Unchanged:
                    summary.unchanged += 1
                except Invalid as error:
                    summary.rejected += 1
                    summary.errors.append(RejectedRow(number, error.field, error.message))
            if loaded:
                audit.record(
                    action="ingest",
                    model=f"register.{kind}",
                    actor=actor,
                    details={"source": source_name, "rows": loaded},
                )
        summary.loaded += loaded
        summary.batches += 1
        batch.clear()

    for number, row in rows:
        if "__error__" in row:  # a row the reader could not split into the header's columns
            summary.read += 1
            summary.rejected += 1
            summary.errors.append(RejectedRow(number, "", row["__error__"]))
            continue
        if not header_checked:
            _check_header(kind, {k.strip().lower() for k in row})
            header_checked = True
        summary.read += 1
        batch.append((number, {k.strip().lower(): (v or "") for k, v in row.items()}))
        if len(batch) >= BATCH:
            flush()
    if not header_checked:
        raise FileRejected(_("The file has no data rows."))
    flush()
    summary.seconds = time.perf_counter() - started
    return summary
