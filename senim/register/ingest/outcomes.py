"""Loading case outcomes from files: case steps, damage with its repayments, and searches for
missing and wanted people with their outcome (found / caught, when).

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
from senim.core.models import District, Region, User
from senim.core.scope import scope_level, scoped
from senim.register import outcomes as writer
from senim.register.ingest.pipeline import FileRejected, LoadSummary, RejectedRow
from senim.register.ingest.readers import UnreadableFile, read_rows
from senim.register.models import Appeal, CaseStep, Damage, Offence, PersonSearch, Repayment
from senim.register.outcome_models import SearchKind

KEY = ("offence_source_system", "offence_external_id")


@dataclass(frozen=True)
class Schema:
    required: tuple[str, ...]
    optional: tuple[str, ...]


SCHEMAS = {
    "case_steps": Schema((*KEY, "step", "on"), ("unit", "district")),
    "damage": Schema((*KEY, "damage", "assessed_on"), ("repaid", "repaid_on")),
    # A search is keyed by its own source number; a missing person's may name the appeal.
    "searches": Schema(
        ("search_source_system", "search_external_id", "kind", "region", "opened_on"),
        ("district", "outcome_on", "appeal_source_system", "appeal_external_id"),
    ),
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


def _search_territory(row: dict[str, str], user: User | None) -> tuple[Region, District | None]:
    region = Region.objects.filter(iso=row.get("region", "").strip().upper()).first()
    if region is None:
        raise Invalid("region", _("unknown region code"))
    district = None
    if (row.get("district") or "").strip():
        district = District.objects.filter(code=row["district"].strip(), region=region).first()
        if district is None:
            raise Invalid("district", _("this district is not in the region given"))
    level = scope_level(user) if user is not None else "national"
    allowed = (
        level == "national"
        or (level == "region" and region.pk == user.region_id)  # type: ignore[union-attr]
        or (
            level in ("district", "sector")
            and district is not None
            and district.pk == user.district_id  # type: ignore[union-attr]
        )
    )
    if not allowed:
        raise Invalid("region", _("outside your territory"))
    return region, district


def _search_row(row: dict[str, str], user: User | None, actor: str, source: str) -> None:
    system = row.get("search_source_system", "").strip()[:40]
    number = row.get("search_external_id", "").strip()
    for name, value in (("search_source_system", system), ("search_external_id", number)):
        if not value:
            raise Invalid(name, _("is required"))
    if len(number) > 64:
        raise Invalid("search_external_id", _("is longer than %(n)d characters") % {"n": 64})
    kind = row.get("kind", "").strip()
    if kind not in SearchKind.values:
        raise Invalid("kind", _("is not one of: %(values)s") % {"values": "missing, wanted"})
    region, district = _search_territory(row, user)
    opened = writer.parse_day(row.get("opened_on"), "opened_on")
    writer.not_future(opened, "opened_on")
    outcome_on = None
    if (row.get("outcome_on") or "").strip():
        outcome_on = writer.parse_day(row.get("outcome_on"), "outcome_on")
        writer.not_future(outcome_on, "outcome_on")
        if outcome_on < opened:
            raise Invalid("outcome_on", _("is before the search was opened"))
    appeal = None
    appeal_keys = (row.get("appeal_source_system") or "", row.get("appeal_external_id") or "")
    if any(k.strip() for k in appeal_keys):
        qs = Appeal.objects.filter(
            source_system=appeal_keys[0].strip(), external_id=appeal_keys[1].strip()
        )
        appeal = (scoped(user, qs) if user is not None else qs).first()
        if appeal is None or kind != SearchKind.MISSING or appeal.category != "missing_person":
            raise Invalid(
                "appeal_external_id",
                _("no appeal about a missing person with this number in your territory"),
            )
    outcome = writer.OUTCOME_OF[kind] if outcome_on else ""
    stored = (
        PersonSearch.objects.select_for_update()
        .filter(source_system=system, external_id=number)
        .first()
    )
    if stored is not None:
        if (stored.kind, stored.region_id, stored.opened_on) != (kind, region.pk, opened):
            raise Invalid(
                "search_external_id",
                _("this search is stored already with other details (opened %(on)s)")
                % {"on": stored.opened_on.isoformat()},
            )
        if (stored.outcome, stored.outcome_on) == (outcome, outcome_on) or not outcome_on:
            raise Unchanged
        if stored.outcome:
            raise Invalid("outcome_on", _("the search is already closed"))
        stored.outcome, stored.outcome_on = outcome, outcome_on
        stored.save(update_fields=["outcome", "outcome_on"])
        return
    PersonSearch.objects.create(
        kind=kind,
        region=region,
        district=district,
        opened_on=opened,
        outcome=outcome,
        outcome_on=outcome_on,
        appeal=appeal,
        source_system=system,
        external_id=number,
    )


ROWS = {"case_steps": _step_row, "damage": _damage_row, "searches": _search_row}


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
