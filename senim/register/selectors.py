"""Reads of the register for the workbench pages and the API: filters, keyset pages, search.

Lists are newest first and paged by keyset on (time, id) — the indexes `appeal_newest` and
`offence_newest` — never by OFFSET and never with a COUNT(*) of the table: a national register
holds tens of millions of rows, and "next page" costs the same on page 1 and page 10 000.
A cursor is opaque to its reader (urlsafe base64 of "time|id|direction"); a damaged one is a
clear refusal on the field `cursor`, never a server error.

The source-number search uses the unique index (source_system, external_id): the distinct
source systems are found by a "loose index scan" (one index probe per system) and the query asks
for `source_system IN (…) AND external_id = …`, a handful of index look-ups.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import OperationalError, connection, transaction
from django.db.models import Count, Model, QuerySet
from django.utils.translation import gettext as _

from senim.core.errors import Forbidden, Invalid
from senim.core.models import District, Region, Sector, User
from senim.core.scope import scoped
from senim.core.text import clean_text
from senim.register.ingest.schema import ALMATY, canonical_key
from senim.register.models import (
    Appeal,
    AppealCategory,
    AppealStatus,
    Article,
    Channel,
    Grade,
    Offence,
    OffenceKind,
    OffenceParty,
    OffenceStatus,
    PartyRole,
    PlaceType,
)

Kind = Literal["appeals", "offences"]
PAGE_SIZE = 50
EXPORT_CAP = 100_000
_MAX_PK = 2**63 - 1
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)

COMMON_FILTERS = ("region", "district", "sector", "date_from", "date_to", "status")
SEARCH_FILTERS = ("external_id", "source_system")
FILTERS: dict[str, tuple[str, ...]] = {
    "appeals": (*COMMON_FILTERS, "channel", "category", "grade", *SEARCH_FILTERS),
    "offences": (*COMMON_FILTERS, "kind", "article", "place_type", *SEARCH_FILTERS),
}
# Filters whose value must be one of a fixed set of choices.
CHOICES: dict[Kind, dict[str, Any]] = {
    "appeals": {"channel": Channel, "category": AppealCategory, "status": AppealStatus},
    "offences": {"kind": OffenceKind, "place_type": PlaceType, "status": OffenceStatus},
}
# Free-text filters and their longest sensible value (the columns' lengths).
TEXT_LENGTH = {"region": 8, "grade": 24, "article": 20, "external_id": 64}  # others: 40
MODELS: dict[Kind, type[Appeal] | type[Offence]] = {"appeals": Appeal, "offences": Offence}
TIME_FIELD: dict[Kind, str] = {"appeals": "received_at", "offences": "registered_at"}


# --- the query ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListQuery:
    """What a list asks for, checked for form but not yet against the database or a scope."""

    kind: Kind
    values: dict[str, str] = field(default_factory=dict)  # text filters, trimmed, non-empty
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive, as people read dates
    # Extra half-open bounds in absolute time (the API's received_from / registered_to …).
    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def params(self) -> dict[str, str]:
        """The query string that asks for this list again (dates as the page's inputs)."""
        params = dict(self.values)
        if self.date_from:
            params["date_from"] = self.date_from.isoformat()
        if self.date_to:
            params["date_to"] = self.date_to.isoformat()
        return params

    def bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """[start, end) in absolute time: the local dates and any explicit bounds, all applied."""
        starts = [self.start] if self.start else []
        ends = [self.end] if self.end else []
        if self.date_from:
            starts.append(dt.datetime.combine(self.date_from, dt.time.min, ALMATY))
        if self.date_to:
            ends.append(
                dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min, ALMATY)
            )
        return (max(starts) if starts else None, min(ends) if ends else None)


def _in_range(day: dt.date, name: str) -> None:
    # Far dates are typing slips, and year 1 or 9999 would overflow the time arithmetic.
    if not EARLIEST <= day <= LATEST:
        raise Invalid(name, _("the date is out of range"))


def _date(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise Invalid(name, _("write the date as YYYY-MM-DD")) from None
    _in_range(day, name)
    return day


def parse_query(
    kind: Kind,
    params: Mapping[str, Any],
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    bound_names: tuple[str, str] = ("start", "end"),
) -> ListQuery:
    """Check the filters' form: choices, dates, text without control characters (Invalid).

    `start` / `end` are extra half-open bounds in time; `bound_names` name them in errors.
    """
    for bound, name in zip((start, end), bound_names, strict=True):
        if bound is not None:
            _in_range(bound.date(), name)
    values: dict[str, str] = {}
    for name in FILTERS[kind]:
        if name in {"date_from", "date_to"}:
            continue
        raw = params.get(name)
        if raw is None:
            continue
        text = clean_text(raw, field=name, max_length=TEXT_LENGTH.get(name, 40))
        if not text:
            continue
        choices = CHOICES[kind].get(name)
        if choices is not None and text not in choices.values:
            raise Invalid(name, _("'%(value)s' is not one of the choices") % {"value": text})
        values[name] = text
    date_from = _date(params.get("date_from"), "date_from")
    date_to = _date(params.get("date_to"), "date_to")
    if date_from and date_to and date_to < date_from:
        raise Invalid("date_to", _("The period ends before it starts."))
    return ListQuery(kind, values, date_from, date_to, _aware(start), _aware(end))


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # Like a file load, a time without an offset is Almaty time.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=ALMATY)
    return value


# --- territory within scope --------------------------------------------------------------------


def _overlaps(user: User, path: tuple[int | None, int | None, int | None]) -> bool:
    """A territory may be asked for when it contains the user's scope or lies inside it."""
    mine = (user.region_id, user.district_id, user.sector_id)
    return all(a is None or b is None or a == b for a, b in zip(mine, path, strict=True))


def territory_ids(user: User, query: ListQuery) -> dict[str, int]:
    """The territory filters as ids; Invalid for unknown codes, Forbidden outside the scope."""
    ids: dict[str, int] = {}
    path: dict[str, tuple[int | None, int | None, int | None]] = {}
    if code := query.get("region"):
        region = Region.objects.filter(iso=code).first()
        if region is None:
            raise Invalid("region", _("No region has the code %(code)s.") % {"code": code})
        ids["region_id"] = region.pk
        path["region"] = (region.pk, None, None)
    if code := query.get("district"):
        district = District.objects.filter(code=code).first()
        if district is None:
            raise Invalid("district", _("No district has the code %(code)s.") % {"code": code})
        if ids.get("region_id", district.region_id) != district.region_id:
            raise Invalid("district", _("The district is not in the chosen region."))
        ids["district_id"] = district.pk
        path["district"] = (district.region_id, district.pk, None)
    if code := query.get("sector"):
        sector = Sector.objects.select_related("district").filter(code=code).first()
        if sector is None:
            raise Invalid("sector", _("No sector has the code %(code)s.") % {"code": code})
        region_id = sector.district.region_id
        if ids.get("district_id", sector.district_id) != sector.district_id or (
            ids.get("region_id", region_id) != region_id
        ):
            raise Invalid("sector", _("The sector is not in the chosen district."))
        ids["sector_id"] = sector.pk
        path["sector"] = (region_id, sector.district_id, sector.pk)
    outside = {
        "region": _("This region is outside your scope."),
        "district": _("This district is outside your scope."),
        "sector": _("This sector is outside your scope."),
    }
    for level, place in path.items():
        if not _overlaps(user, place):
            raise Forbidden(level, outside[level])
    return ids


# --- the filtered queryset ---------------------------------------------------------------------


def source_systems(model: type[Model]) -> list[str]:
    """The distinct source systems of a table, one index probe each (a loose index scan).

    Runs on the unique index (source_system, external_id) on PostgreSQL and SQLite alike:
    each step asks for the smallest value above the previous one.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    sql = (
        f"WITH RECURSIVE s(v) AS (SELECT MIN(source_system) FROM {table} "
        f"UNION ALL SELECT (SELECT MIN(source_system) FROM {table} WHERE source_system > s.v) "
        "FROM s WHERE s.v IS NOT NULL) SELECT v FROM s WHERE v IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def _lookup_id(model: type[Grade] | type[Article], code: str, name: str) -> int:
    pk = model.objects.filter(code=code).values_list("pk", flat=True).first()
    if pk is None:
        raise Invalid(name, _("'%(value)s' is not one of the choices") % {"value": code})
    return pk


def filtered(user: User, query: ListQuery) -> QuerySet[Any]:
    """The user's records that match the query, unordered (see `page` and `iterate`)."""
    model = MODELS[query.kind]
    related = ["region", "district", "sector"]
    related += ["grade"] if query.kind == "appeals" else ["article"]
    qs: QuerySet[Any] = scoped(user, model.objects.select_related(*related))
    qs = qs.filter(**territory_ids(user, query))
    exact = {name: query.get(name) for name in CHOICES[query.kind] if query.get(name)}
    qs = qs.filter(**exact)
    if code := query.get("grade"):
        qs = qs.filter(grade_id=_lookup_id(Grade, code, "grade"))
    if code := query.get("article"):
        qs = qs.filter(article_id=_lookup_id(Article, code, "article"))
    start, end = query.bounds()
    time_field = TIME_FIELD[query.kind]
    if start is not None:
        qs = qs.filter(**{f"{time_field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{time_field}__lt": end})
    system, number = _as_key(query.get("source_system")), _as_key(query.get("external_id"))
    if number:
        systems = [system] if system else source_systems(model)
        qs = qs.filter(source_system__in=systems, external_id=number)
    elif system:
        qs = qs.filter(source_system=system)
    return qs


def _as_key(value: str) -> str:
    """A searched number as keys are stored (look-alike letters in one script, see
    `canonical_key`); a value no key can hold is searched as typed and finds nothing."""
    try:
        return canonical_key(value) if value else value
    except ValueError:
        return value


# --- keyset pages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """A place in a newest-first list: rows older than (at, pk) forward, newer backward."""

    at: dt.datetime
    pk: int
    forward: bool

    def encode(self) -> str:
        at = self.at.astimezone(dt.UTC).isoformat()
        raw = f"{at}|{self.pk}|{'n' if self.forward else 'p'}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        damaged = Invalid(
            "cursor",
            _("The page link is damaged or out of date; start again from the first page."),
        )
        text = text.strip()
        if not text or len(text) > 120:
            raise damaged
        try:
            padded = text + "=" * (-len(text) % 4)
            raw = base64.b64decode(padded, altchars=b"-_", validate=True).decode("ascii")
            at_text, pk_text, direction = raw.split("|")
            at, pk = dt.datetime.fromisoformat(at_text), int(pk_text)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise damaged from None
        if at.tzinfo is None or not EARLIEST <= at.date() <= LATEST:
            raise damaged
        if not 0 < pk <= _MAX_PK or direction not in {"n", "p"}:
            raise damaged
        return cls(at, pk, direction == "n")


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    next_cursor: str | None  # older rows
    previous_cursor: str | None  # newer rows
    first: bool  # this is the newest page


def _key(row: Any, time_field: str, forward: bool) -> str:
    return Cursor(getattr(row, time_field), row.pk, forward).encode()


# A page that must walk most of the newest-first index (filters that match almost nothing over
# the whole register) is stopped rather than left to run: measured 0.74 s on the demo's 760,000
# offences, it grows with the table (benchmarks/README.md).
LIST_TIMEOUT_MS = 5000


def _fetch(qs: QuerySet[Any]) -> list[Any]:
    """The rows of one page; on PostgreSQL a clear refusal instead of a query without end."""
    if connection.vendor != "postgresql":
        return list(qs)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {int(LIST_TIMEOUT_MS)}")
            return list(qs)
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", "") != "57014":  # query_canceled
            raise
        raise Invalid(
            "date_from",
            _("This search is too broad to answer quickly: choose a period or a territory."),
        ) from None


def page(qs: QuerySet[Any], kind: Kind, cursor: Cursor | None, limit: int) -> Page:
    """One page of `limit` rows, newest first, after or before the cursor."""
    tf = TIME_FIELD[kind]
    if cursor is not None and not cursor.forward:
        newer = qs.filter(**{f"{tf}__gte": cursor.at}).exclude(
            **{tf: cursor.at, "id__lte": cursor.pk}
        )
        rows = _fetch(newer.order_by(tf, "id")[: limit + 1])
        if len(rows) < limit:
            # The top of the list: show the first page, full, rather than a short one.
            return page(qs, kind, None, limit)
        more = len(rows) > limit
        rows = rows[:limit][::-1]
        return Page(
            rows,
            _key(rows[-1], tf, True),
            _key(rows[0], tf, False) if more else None,
            first=not more,
        )
    if cursor is not None:
        # (time, id) < (at, pk): the range condition walks the index, the exclusion drops the
        # few rows of the same instant already shown.
        qs = qs.filter(**{f"{tf}__lte": cursor.at}).exclude(**{tf: cursor.at, "id__gte": cursor.pk})
    rows = _fetch(qs.order_by(f"-{tf}", "-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(
        rows,
        _key(rows[-1], tf, True) if more else None,
        _key(rows[0], tf, False) if cursor is not None and rows else None,
        first=cursor is None,
    )


def iterate(qs: QuerySet[Any], kind: Kind, *, chunk: int = 2000) -> Iterator[Any]:
    """Every row of the list in page order, fetched a keyset chunk at a time (exports)."""
    cursor: Cursor | None = None
    while True:
        batch = page(qs, kind, cursor, chunk)
        yield from batch.rows
        if batch.next_cursor is None:
            return
        cursor = Cursor.decode(batch.next_cursor)


def over_cap(qs: QuerySet[Any], kind: Kind, cap: int | None = None) -> bool:
    """True when the list holds more than `cap` rows (one index walk, no COUNT of the table)."""
    cap = EXPORT_CAP if cap is None else cap
    tf = TIME_FIELD[kind]
    return qs.order_by(f"-{tf}", "-id").values_list("id", flat=True)[cap : cap + 1].exists()


# --- counts for one page -----------------------------------------------------------------------


def party_counts(offence_ids: list[int]) -> dict[int, dict[str, int]]:
    """{offence id: {role: n}} for the given offences only: one grouped query on their ids."""
    counts = {pk: dict.fromkeys(PartyRole.values, 0) for pk in offence_ids}
    rows = (
        OffenceParty.objects.filter(offence_id__in=offence_ids)
        .values("offence_id", "role")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["offence_id"]][row["role"]] = row["n"]
    return counts


def with_party_counts(offences: list[Offence]) -> list[Offence]:
    """Set `<role>_count` on each offence of a page (the API's shape), one query for all."""
    counts = party_counts([o.pk for o in offences])
    for offence in offences:
        for role, n in counts[offence.pk].items():
            setattr(offence, f"{role}_count", n)
    return offences


def appeal(user: User, pk: int) -> Appeal | None:
    """One appeal in the user's scope, or None (the same whether it exists elsewhere or not)."""
    qs = Appeal.objects.select_related("region", "district", "sector", "grade", "duplicate_of")
    return scoped(user, qs).filter(pk=pk).first()


def offence(user: User, pk: int) -> Offence | None:
    qs = Offence.objects.select_related("region", "district", "sector", "article", "appeal")
    return scoped(user, qs).filter(pk=pk).first()


def linked_offences(user: User, appeal: Appeal) -> list[Offence]:
    """The offences registered from this appeal that the user may open (partial index)."""
    qs = scoped(user, Offence.objects.select_related("article").filter(appeal_id=appeal.pk))
    return list(qs.order_by("registered_at", "id"))
