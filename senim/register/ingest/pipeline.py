"""The ingest pipeline: read → validate → locate → de-duplicate → write, one transaction a batch.

A batch is all-or-nothing, so a load killed half-way leaves whole batches only, and loading
the same file again finds every row already there and changes nothing.
"""

from __future__ import annotations

import csv
import queue
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import IO, Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.geo import locator
from senim.core.models import Person
from senim.register.ingest import readers, text, writers
from senim.register.ingest.batch import FIELDS, Clean, RawBatch
from senim.register.ingest.bulk import BulkWindow
from senim.register.ingest.fast import FAST_CLEANERS
from senim.register.ingest.schema import CLEANERS, COLUMNS, Lookups, RowError, check_header
from senim.register.ingest.text import TERRITORY
from senim.register.models import Appeal, OffenceParty

KINDS = tuple(CLEANERS)
# Rows of a bulk load's first batch (it alone decides whether a bulk window opens).
BULK_HEAD_ROWS = 5_000
# Called with a cleaned, located row; raises RowError to refuse it (see `ingest`). It decides
# on the row's territory (region_id, district_id, sector_id) alone: it is also asked about a
# linked appeal's territory, and a batch asks it once per distinct territory.
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
    bulk_rows: int = 0  # loaded inside a bulk window (indexes rebuilt once at the end)
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
            "bulk_rows": self.bulk_rows,
            "seconds": round(self.seconds, 3),
            "errors": [e.__dict__ for e in self.errors[:max_errors]],
            "errors_truncated": len(self.errors) > max_errors,
        }


class FileRejected(ValueError):
    """The file as a whole cannot be loaded; nothing was written."""


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
    bulk: bool = False,
) -> LoadSummary:
    """Load one file. `on_batch(summary)` runs after every written batch (progress, tests).

    `check(clean)` sees every valid, located row and raises RowError to refuse it; the API
    uses it to keep a user's load inside their territorial scope.

    Reading and validating (pure CPU) run in a second thread, one batch ahead, while this
    thread writes the previous batch; the database works in its own process meanwhile, so
    both cores are busy. Only this thread touches the database, inside the caller's
    connection and transaction.

    `bulk` (PostgreSQL): if no key of the first batch is stored yet, the file loads in one
    bulk window (senim.register.ingest.bulk) — the table locked, its secondary indexes built
    once at the end; a reload, whose first rows are stored already, goes batch by batch.
    """
    if kind not in CLEANERS:
        raise FileRejected(_("Unknown kind %(kind)s: use appeals or offences.") % {"kind": kind})
    started = time.perf_counter()
    summary = LoadSummary(kind=kind)
    lookups = Lookups.load()
    locator()  # built here: it reads the territory from the database
    try:
        batches = readers.read_batches(
            handle, fmt, batch_size or settings.INGEST_BATCH_SIZE, frozenset(COLUMNS[kind])
        )
        first = next(batches, None)
    except readers.UnreadableFile as error:
        raise FileRejected(str(error)) from error
    if first is None or not (len(first) or first.errors):
        raise FileRejected(_("The file has no data rows."))
    problems = check_header(kind, set(first.columns)) if len(first) else []
    if problems:
        raise FileRejected("; ".join(problems))
    bar = _progress_bar(progress)
    head = [first]
    if bulk and len(first) > BULK_HEAD_ROWS:
        # A short first batch: the server starts COPYing while the rest is being prepared.
        head = list(first.split(BULK_HEAD_ROWS))
    prepared = _prepare_ahead(chain(head, batches), kind=kind, lookups=lookups, check=check)
    window = BulkWindow(writers.MODELS[kind]._meta.db_table) if bulk else None
    failure: BaseException | None = None
    last_row = 1  # the last row of the last batch written
    try:
        for batch in prepared:
            if window is not None and not summary.batches and _all_new(batch.clean):
                window.open(empty_columns=_empty_references(batch.clean))
            loaded = summary.loaded
            _write_batch(
                batch,
                lookups=lookups,
                summary=summary,
                actor=actor,
                source=source_name,
                window=window,
            )
            summary.batches += 1
            last_row = max(last_row, batch.last_row)
            if window is not None and window.opened:
                summary.bulk_rows += summary.loaded - loaded
            if bar is not None:
                bar.update(batch.read)
            if on_batch is not None:
                on_batch(summary)
    except readers.UnreadableFile as error:
        # Whole batches before the break stay loaded; say where reading stopped and what of
        # the file was written (the batches already written, nothing of any later row).
        reason = _(
            "%(error)s Reading stopped here: rows up to %(last)d were loaded (but for the rows "
            "listed as rejected), none after."
        ) % {"error": error, "last": last_row}
        summary.errors.append(RejectedRow(row=last_row + 1, field="", reason=reason))
        summary.rejected += 1
    except BaseException as error:
        failure = error
        raise
    finally:
        prepared.close()
        if window is not None:
            window.close(failure)
        if bar is not None:
            bar.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _all_new(clean: Clean) -> bool:
    return not writers.lookup(writers.MODELS[clean.kind], clean.keys(), "id")


def _empty_references(clean: Clean) -> set[str]:
    """Reference columns (ids) no record of the batch fills, as they will be written."""
    empty = {
        name
        for name, form in FIELDS[clean.kind].items()
        if form == "id" and not clean.values[name].any()
    }
    keys = clean.values.get("appeal_key")
    if keys is not None and any(keys.tolist()):
        empty.discard("appeal_id")  # linked when the batch is written
    return empty


def _progress_bar(enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(unit=" rows", unit_scale=True, mininterval=0.5)


@dataclass
class Prepared:
    """A batch validated, hashed and located, ready to write; its rejections so far."""

    clean: Clean
    read: int
    errors: list[RejectedRow]
    check: RowCheck | None = None  # the writer's scope, for what only the database knows
    last_row: int = 0  # the number of the batch's last row as read (rejected or not)


_DONE = object()


def _prepare_ahead(
    batches: Iterator[RawBatch], *, kind: str, lookups: Lookups, check: RowCheck | None
) -> Generator[Prepared, None, None]:
    """Prepare batches in a worker thread, at most two ahead; errors surface in order."""
    ready: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()
    language = translation.get_language()

    def work() -> None:
        # Messages are translated per thread: use the caller's language.
        with translation.override(language):
            try:
                for batch in batches:
                    item: Any = prepare(batch, kind=kind, lookups=lookups, check=check)
                    while not stop.is_set():
                        try:
                            ready.put(item, timeout=0.1)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
                item = _DONE
            except BaseException as error:  # handed to the writing thread, raised there
                item = error
            while not stop.is_set():
                try:
                    ready.put(item, timeout=0.1)
                    return
                except queue.Full:
                    continue

    worker = threading.Thread(target=work, name="ingest-prepare", daemon=True)
    worker.start()
    try:
        while (item := ready.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def prepare(
    batch: RawBatch, *, kind: str, lookups: Lookups, check: RowCheck | None = None
) -> Prepared:
    """Everything about a batch that needs no database: validate, hash, locate, check, encode."""
    report = LoadSummary(kind=kind)
    clean = clean_batch(batch, kind, lookups, report)
    clean.values["row_hash"] = text.row_hashes(clean)
    clean = locate(clean, report)
    if check is not None:
        # Before de-duplication, so a refused row is not reported as "already loaded".
        clean = _checked(clean, check, report)
    writers.encode(clean)
    last_row = max([*batch.numbers[-1:], *batch.errors], default=0)
    return Prepared(
        clean=clean, read=report.read, errors=report.errors, check=check, last_row=last_row
    )


def clean_batch(batch: RawBatch, kind: str, lookups: Lookups, summary: LoadSummary) -> Clean:
    """Validate a batch: whole columns first, the row validator for whatever they did not accept."""
    summary.read += len(batch) + len(batch.errors)
    for number, error in batch.errors.items():
        field_name, reason = error if isinstance(error, tuple) else ("", error)
        _reject(summary, number, field_name, reason)
    n = len(batch)
    numbers = np.array(batch.numbers, dtype=np.int64)
    fast = FAST_CLEANERS.get(kind)
    if fast is not None and n:
        result = fast(batch.columns, n, lookups)
        accepted = Clean.from_arrays(kind, numbers[result.accepted], result.values)
        rest = np.flatnonzero(~result.accepted)
    else:
        accepted, rest = Clean.empty(kind), np.arange(n)
    cleaner = CLEANERS[kind]
    slow_numbers: list[int] = []
    slow: list[dict[str, Any]] = []
    for i, row in zip(rest.tolist(), batch.rows(rest.tolist()), strict=True):
        try:
            slow.append(cleaner(row, lookups))
            slow_numbers.append(batch.numbers[i])
        except RowError as error:
            _reject(summary, batch.numbers[i], error.field, error.reason)
    clean = accepted.concat(Clean.from_dicts(kind, slow_numbers, slow)) if slow else accepted
    return _first_of_each_key(clean, summary)


def _first_of_each_key(clean: Clean, summary: LoadSummary) -> Clean:
    """A key repeated inside the batch: the first row stands, later ones are refused. Keys are
    compared as (system, id) pairs, never joined by a separator a key might hold."""
    if not len(clean):
        return clean
    first: dict[tuple[str, str], int] = {}
    repeated: list[int] = []
    for i, key in enumerate(clean.keys()):
        earlier = first.setdefault(key, i)
        if earlier != i:
            repeated.append(i)
            _reject(
                summary,
                int(clean.numbers[i]),
                "external_id",
                _("repeats row %(row)d") % {"row": int(clean.numbers[earlier])},
            )
    if not repeated:
        return clean
    keep = np.ones(len(clean), dtype=bool)
    keep[repeated] = False
    return clean.take(keep)


def _load_batch(
    batch: RawBatch,
    *,
    kind: str,
    lookups: Lookups,
    summary: LoadSummary,
    actor: str,
    source_name: str,
    check: RowCheck | None = None,
) -> None:
    """Prepare and write one batch in this thread (the API's single records)."""
    prepared = prepare(batch, kind=kind, lookups=lookups, check=check)
    _write_batch(prepared, lookups=lookups, summary=summary, actor=actor, source=source_name)


def _write_batch(
    prepared: Prepared,
    *,
    lookups: Lookups,
    summary: LoadSummary,
    actor: str,
    source: str,
    window: BulkWindow | None = None,
) -> None:
    """The batch's one transaction: skip what is stored, link appeals, insert, audit."""
    summary.read += prepared.read
    summary.rejected += len(prepared.errors)
    summary.errors.extend(prepared.errors)
    clean = prepared.clean
    kind = clean.kind
    with transaction.atomic():
        # Most batches of a bulk load are wholly new: COPY them without looking their keys up
        # first; if any key is stored already, that COPY is undone and the batch goes the
        # careful way (what is stored, what changed, which appeals exist).
        ids = None
        if _no_links(clean):
            reserved = window.reserve_ids(len(clean)) if window is not None else None
            ids = writers.insert_if_new(clean, now=lookups.now, ids=reserved)
        if ids is None:
            clean = _skip_loaded(clean, summary)
            if kind == "offences":
                clean = _link_appeals(clean, summary, prepared.check)
            ids = writers.insert(clean, now=lookups.now)
        if kind == "offences":
            _write_parties(clean, ids)
        summary.loaded += ids.inserted
        summary.unchanged += len(clean) - ids.inserted  # loaded by a concurrent load meanwhile
        if ids.inserted:
            audit.record(
                action="ingest",
                model=writers.MODELS[kind]._meta.label,
                actor=actor,
                details={
                    "source": source,
                    "rows": ids.inserted,
                    "first_row": int(clean.numbers[0]),
                    "last_row": int(clean.numbers[-1]),
                },
            )


def _no_links(clean: Clean) -> bool:
    keys = clean.values.get("appeal_key")
    return keys is None or not any(keys.tolist())  # each is None or a (system, id) pair


def _reject(summary: LoadSummary, row: int, field_name: str, reason: str) -> None:
    summary.rejected += 1
    summary.errors.append(RejectedRow(row=row, field=field_name, reason=reason))


def _refuse(clean: Clean, refused: dict[int, RowError], summary: LoadSummary) -> Clean:
    """Drop records by index, reporting each one's error."""
    if not refused:
        return clean
    for i, error in refused.items():
        _reject(summary, int(clean.numbers[i]), error.field, error.reason)
    keep = np.ones(len(clean), dtype=bool)
    keep[list(refused)] = False
    return clean.take(keep)


def _checked(clean: Clean, check: RowCheck, summary: LoadSummary) -> Clean:
    """Ask the check once per distinct territory of the batch; refuse each row of a refused one."""
    if not len(clean):
        return clean
    territory = np.stack([clean.values[name] for name in TERRITORY], axis=1)
    places, place_of_row = np.unique(territory, axis=0, return_inverse=True)
    refused_places: dict[int, RowError] = {}
    for j, place in enumerate(places.tolist()):
        try:
            check({name: value or None for name, value in zip(TERRITORY, place, strict=True)})
        except RowError as error:
            refused_places[j] = error
    if not refused_places:
        return clean
    rows = np.flatnonzero(np.isin(place_of_row, list(refused_places)))
    refused = {int(i): refused_places[int(place_of_row[i])] for i in rows}
    return _refuse(clean, refused, summary)


def locate(clean: Clean, summary: LoadSummary) -> Clean:
    """Fill region / district / sector from the coordinates where the row did not give them;
    refuse a point inside no region when none is given, or inside another region than the
    one given (by its code, or by a district's or sector's)."""
    v = clean.values
    region, district, sector = v["region_id"], v["district_id"], v["sector_id"]
    pending = np.flatnonzero(~np.isnan(v["lat"]))
    if not pending.size:
        return clean
    where = locator().locate(v["lat"][pending], v["lon"][pending])
    found_region, found_district = where.region_ids, where.district_ids
    given = region[pending]
    outside = (given == 0) & (found_region == 0)
    # Boundaries exist for regions only (districts and sectors are nearest centres); a point
    # inside no boundary but inside the country's box keeps the region it was given.
    elsewhere = (given != 0) & (found_region != 0) & (found_region != given)
    new_region = np.where(given == 0, found_region, given)
    same_region = found_region == new_region
    new_district = np.where(
        (district[pending] == 0) & same_region, found_district, district[pending]
    )
    same_district = new_district == found_district
    new_sector = np.where((sector[pending] == 0) & same_district, where.sector_ids, sector[pending])
    region[pending], district[pending], sector[pending] = new_region, new_district, new_sector
    outside_reason = _("the point is not inside any region of Kazakhstan")
    elsewhere_reason = _("the point is not inside the region given (by region, district or sector)")
    refused = {int(i): RowError("lat", outside_reason) for i in pending[outside]}
    refused |= {int(i): RowError("lat", elsewhere_reason) for i in pending[elsewhere]}
    return _refuse(clean, refused, summary)


def _skip_loaded(clean: Clean, summary: LoadSummary) -> Clean:
    """Drop rows already loaded unchanged; refuse rows that would silently change a record."""
    existing = writers.lookup(writers.MODELS[clean.kind], clean.keys(), "row_hash")
    if not existing:
        return clean
    fresh = np.ones(len(clean), dtype=bool)
    refused: dict[int, RowError] = {}
    reason = _("already loaded with different content; change a stored record through the API")
    for i, (key, digest) in enumerate(zip(clean.keys(), clean.values["row_hash"], strict=True)):
        stored = existing.get(key)
        if stored is None:
            continue
        fresh[i] = False
        if stored == digest:
            summary.unchanged += 1
        else:
            refused[i] = RowError("external_id", reason)
    for i, error in refused.items():
        _reject(summary, int(clean.numbers[i]), error.field, error.reason)
    return clean.take(fresh)


def _link_appeals(clean: Clean, summary: LoadSummary, check: RowCheck | None) -> Clean:
    """Resolve appeal links; an appeal outside the writer's scope is answered exactly like a
    missing one, so a load cannot probe what exists elsewhere."""
    keys = clean.values["appeal_key"]
    linked = np.flatnonzero(np.array([k is not None for k in keys], dtype=bool))
    appeal_ids = np.zeros(len(clean), dtype=np.int64)
    clean.values["appeal_id"] = appeal_ids
    if not linked.size:
        return clean
    territory = ("id", "region_id", "district_id", "sector_id")
    found = writers.lookup(Appeal, list({keys[i] for i in linked}), territory)
    refused: dict[int, RowError] = {}
    for i in linked.tolist():
        key = keys[i]
        appeal = found.get(key)
        if appeal is not None and check is not None:
            try:
                check(dict(zip(territory[1:], appeal[1:], strict=True)))
            except RowError:
                appeal = None
        if appeal is not None:
            appeal_ids[i] = appeal[0]
        else:
            refused[i] = RowError(
                "appeal_external_id",
                _("no appeal %(id)s from %(system)s") % {"id": key[1], "system": key[0]},
            )
    return _refuse(clean, refused, summary)


def _write_parties(clean: Clean, ids: writers.Inserted) -> None:
    with_parties = [i for i, p in enumerate(clean.values["parties"]) if p]
    if not with_parties:
        return
    keys = clean.keys()
    offence_ids = ids.ids_of([keys[i] for i in with_parties])
    parties = [
        (offence_ids[keys[i]], p)
        for i in with_parties
        if keys[i] in offence_ids
        for p in clean.values["parties"][i]
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
