"""The ingest pipeline: read → validate → locate → de-duplicate → write, one transaction a batch.

A batch is all-or-nothing, so a load killed half-way leaves whole batches only, and loading
the same file again finds every row already there and changes nothing.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.geo import locator
from senim.core.models import Person
from senim.register.ingest import readers, writers
from senim.register.ingest.schema import CLEANERS, Lookups, RowError, check_header
from senim.register.models import Appeal, OffenceParty

KINDS = tuple(CLEANERS)
# Called with a cleaned, located row; raises RowError to refuse it (see `ingest`).
RowCheck = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class RejectedRow:
    row: int
    field: str
    reason: str


@dataclass
class LoadSummary:
    kind: str
    read: int = 0
    loaded: int = 0
    unchanged: int = 0
    rejected: int = 0
    batches: int = 0
    seconds: float = 0.0
    errors: list[RejectedRow] = field(default_factory=list)

    @property
    def rows_per_second(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0

    def as_dict(self, *, max_errors: int = 1000) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "read": self.read,
            "loaded": self.loaded,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "batches": self.batches,
            "seconds": round(self.seconds, 3),
            "errors": [e.__dict__ for e in self.errors[:max_errors]],
            "errors_truncated": len(self.errors) > max_errors,
        }


class FileRejected(ValueError):
    """The file as a whole cannot be loaded; nothing was written."""


def _batches(
    rows: Iterator[tuple[int, dict[str, str]]], size: int
) -> Iterator[list[tuple[int, dict[str, str]]]]:
    while batch := list(islice(rows, size)):
        yield batch


def ingest(
    *,
    handle: IO[bytes],
    kind: str,
    fmt: str,
    actor: str = "",
    source_name: str = "",
    batch_size: int | None = None,
    progress: bool = False,
    on_batch: Any = None,
    check: RowCheck | None = None,
) -> LoadSummary:
    """Load one file. `on_batch(summary)` runs after every committed batch (progress, tests).

    `check(clean)` sees every valid, located row and raises RowError to refuse it; the API
    uses it to keep a user's load inside their territorial scope.
    """
    if kind not in CLEANERS:
        raise FileRejected(_("Unknown kind %(kind)s: use appeals or offences.") % {"kind": kind})
    started = time.perf_counter()
    summary = LoadSummary(kind=kind)
    lookups = Lookups.load()
    try:
        rows = readers.read_rows(handle, fmt)
        first = next(rows, None)
    except readers.UnreadableFile as error:
        raise FileRejected(str(error)) from error
    if first is None:
        raise FileRejected(_("The file has no data rows."))
    problems = (
        check_header(kind, set(first[1]) - {"__error__"}) if "__error__" not in first[1] else []
    )
    if problems:
        raise FileRejected("; ".join(problems))
    all_rows = _chain(first, rows)
    bar = _progress_bar(progress)
    try:
        for batch in _batches(all_rows, batch_size or settings.INGEST_BATCH_SIZE):
            _load_batch(
                batch,
                kind=kind,
                lookups=lookups,
                summary=summary,
                actor=actor,
                source_name=source_name,
                check=check,
            )
            summary.batches += 1
            if bar is not None:
                bar.update(len(batch))
            if on_batch is not None:
                on_batch(summary)
    except readers.UnreadableFile as error:
        # Whole batches before the break stay loaded; say where reading stopped.
        summary.errors.append(RejectedRow(row=0, field="", reason=str(error)))
        summary.rejected += 1
    finally:
        if bar is not None:
            bar.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _chain(
    first: tuple[int, dict[str, str]], rest: Iterator[tuple[int, dict[str, str]]]
) -> Iterator[tuple[int, dict[str, str]]]:
    yield first
    yield from rest


def _progress_bar(enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(unit=" rows", unit_scale=True, mininterval=0.5)


def _load_batch(
    batch: list[tuple[int, dict[str, str]]],
    *,
    kind: str,
    lookups: Lookups,
    summary: LoadSummary,
    actor: str,
    source_name: str,
    check: RowCheck | None = None,
) -> None:
    summary.read += len(batch)
    cleaner = CLEANERS[kind]
    valid: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in batch:
        try:
            if "__error__" in row:
                raise RowError("", row["__error__"])
            clean = cleaner(row, lookups)
            key = (clean["source_system"], clean["external_id"])
            if key in seen:
                raise RowError("external_id", _("repeats row %(row)d") % {"row": seen[key]})
            seen[key] = number
            valid.append((number, clean))
        except RowError as error:
            _reject(summary, number, error.field, error.reason)
    valid = _locate(valid, summary)
    if check is not None:
        # Before de-duplication, so a refused row is not reported as "already loaded".
        valid = _checked(valid, check, summary)
    with transaction.atomic():
        valid = _skip_loaded(kind, valid, summary)
        if kind == "offences":
            valid = _link_appeals(valid, summary)
        rows = [clean for _, clean in valid]
        ids = writers.insert(kind, rows, now=lookups.now)
        if kind == "offences":
            _write_parties(rows, ids)
        summary.loaded += len(ids)
        summary.unchanged += len(rows) - len(ids)  # loaded by a concurrent load meanwhile
        if ids:
            audit.record(
                action="ingest",
                model=writers.MODELS[kind]._meta.label,
                actor=actor,
                details={
                    "source": source_name,
                    "rows": len(ids),
                    "first_row": valid[0][0],
                    "last_row": valid[-1][0],
                },
            )


def _reject(summary: LoadSummary, row: int, field_name: str, reason: str) -> None:
    summary.rejected += 1
    summary.errors.append(RejectedRow(row=row, field=field_name, reason=reason))


def _checked(
    valid: list[tuple[int, dict[str, Any]]], check: RowCheck, summary: LoadSummary
) -> list[tuple[int, dict[str, Any]]]:
    kept = []
    for number, clean in valid:
        try:
            check(clean)
        except RowError as error:
            _reject(summary, number, error.field, error.reason)
            continue
        kept.append((number, clean))
    return kept


def _locate(
    valid: list[tuple[int, dict[str, Any]]], summary: LoadSummary
) -> list[tuple[int, dict[str, Any]]]:
    """Fill region / district / sector from the coordinates where the row did not give them."""
    pending = [
        (n, c)
        for n, c in valid
        if c["lat"] is not None
        and (c["region_id"] is None or c["district_id"] is None or c["sector_id"] is None)
    ]
    if not pending:
        return valid
    lat = np.array([c["lat"] for _, c in pending])
    lon = np.array([c["lon"] for _, c in pending])
    where = locator().locate(lat, lon)
    rejected: set[int] = set()
    for i, (number, clean) in enumerate(pending):
        region = int(where.region_ids[i]) or None
        if clean["region_id"] is None:
            if region is None:
                _reject(
                    summary, number, "lat", _("the point is not inside any region of Kazakhstan")
                )
                rejected.add(number)
                continue
            clean["region_id"] = region
        if clean["district_id"] is None and region == clean["region_id"]:
            clean["district_id"] = int(where.district_ids[i]) or None
        if clean["sector_id"] is None and clean["district_id"] == (
            int(where.district_ids[i]) or None
        ):
            clean["sector_id"] = int(where.sector_ids[i]) or None
    return [(n, c) for n, c in valid if n not in rejected]


def _skip_loaded(
    kind: str, valid: list[tuple[int, dict[str, Any]]], summary: LoadSummary
) -> list[tuple[int, dict[str, Any]]]:
    """Drop rows already loaded unchanged; refuse rows that would silently change a record."""
    keys = [(clean["source_system"], clean["external_id"]) for _number, clean in valid]
    existing = writers.lookup(writers.MODELS[kind], keys, "row_hash")
    fresh = []
    for number, clean in valid:
        stored = existing.get((clean["source_system"], clean["external_id"]))
        if stored is None:
            fresh.append((number, clean))
        elif stored == clean["row_hash"]:
            summary.unchanged += 1
        else:
            _reject(
                summary,
                number,
                "external_id",
                _("already loaded with different content; change a stored record through the API"),
            )
    return fresh


def _link_appeals(
    valid: list[tuple[int, dict[str, Any]]], summary: LoadSummary
) -> list[tuple[int, dict[str, Any]]]:
    keys = list({c["appeal_key"] for _, c in valid if c["appeal_key"]})
    found = writers.lookup(Appeal, keys, "id") if keys else {}
    kept = []
    for number, clean in valid:
        key = clean["appeal_key"]
        if key and key not in found:
            _reject(
                summary,
                number,
                "appeal_external_id",
                _("no appeal %(id)s from %(system)s") % {"id": key[1], "system": key[0]},
            )
            continue
        clean["appeal_id"] = found.get(key) if key else None
        kept.append((number, clean))
    return kept


def _write_parties(rows: list[dict[str, Any]], ids: dict[tuple[str, str], int]) -> None:
    parties = [
        (ids[(r["source_system"], r["external_id"])], p)
        for r in rows
        if r["parties"]
        for p in r["parties"]
        if (r["source_system"], r["external_id"]) in ids
    ]
    if not parties:
        return
    hashes = {p[1]: p for _, p in parties}
    known = dict(Person.objects.filter(iin_hash__in=list(hashes)).values_list("iin_hash", "pk"))
    missing = [
        Person(iin_hash=h, birth_date=p[2], sex=p[3]) for h, p in hashes.items() if h not in known
    ]
    Person.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:
        known = dict(Person.objects.filter(iin_hash__in=list(hashes)).values_list("iin_hash", "pk"))
    OffenceParty.objects.bulk_create(
        [
            OffenceParty(offence_id=offence_id, person_id=known[p[1]], role=p[0])
            for offence_id, p in parties
        ],
        ignore_conflicts=True,
    )


def write_errors(errors: Iterable[RejectedRow], handle: IO[str]) -> None:
    writer = csv.writer(handle)
    writer.writerow(["row", "field", "reason"])
    for error in errors:
        writer.writerow([error.row, error.field, error.reason])
