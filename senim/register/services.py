"""Register use cases behind the API: scoped reads, one-record writes, status changes, file loads.

Writes go through the ingest pipeline (schema cleaners, territory from coordinates,
de-duplication on (source_system, external_id)) so a record sent to the API is held to exactly
the rules of a file load; nothing here restates those rules.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from senim.core import audit
from senim.core.models import Role, User
from senim.core.scope import point_outside_scope, scope_level, scoped
from senim.register.ingest import pipeline, writers
from senim.register.ingest.batch import Clean, RawBatch
from senim.register.ingest.pipeline import LoadSummary, RowCheck
from senim.register.ingest.schema import ALMATY, CLEANERS, Lookups, RowError
from senim.register.models import (
    OFFENCE_TRANSITIONS,
    Appeal,
    Article,
    Offence,
    OffenceParty,
    OffenceStatus,
    PartyRole,
)

# Operational roles record what happens on their ground; analysts, prosecutors and NPM
# monitors read the register but never change it, so their figures cannot be self-made.
WRITE_ROLES = frozenset({Role.DUTY_OFFICER, Role.DISTRICT_INSPECTOR, Role.ADMINISTRATOR})
# A bulk load replaces a source system's export, a data-management task of the regional
# information centre (regional analyst) or of the national administrator, not of the street.
INGEST_ROLES = frozenset({Role.ADMINISTRATOR, Role.REGIONAL_ANALYST})


class RegisterError(Exception):
    """A use case refused; `field` names the input at fault ("" for the request as a whole)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Invalid(RegisterError):
    """The input breaks a validation rule (422)."""


class OutsideScope(RegisterError):
    """The record would land outside the caller's territory (403)."""


class Conflict(RegisterError):
    """The key is already loaded with different content (409)."""


@dataclass(frozen=True)
class Created:
    id: int
    created: bool  # False: an identical record was already there


def can_write(user: User) -> bool:
    return user.is_superuser or user.role in WRITE_ROLES


def can_ingest(user: User) -> bool:
    return user.is_superuser or user.role in INGEST_ROLES


# --- reads -----------------------------------------------------------------------------------


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # Like a file load, a time without an offset is Almaty time.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=ALMATY)
    return value


def _territory_filters(
    qs: QuerySet[Any], *, region: str | None, district: str | None, sector: str | None
) -> QuerySet[Any]:
    if region:
        qs = qs.filter(region__iso=region)
    if district:
        qs = qs.filter(district__code=district)
    if sector:
        qs = qs.filter(sector__code=sector)
    return qs


def appeals(
    *,
    user: User,
    region: str | None = None,
    district: str | None = None,
    sector: str | None = None,
    channel: str | None = None,
    category: str | None = None,
    status: str | None = None,
    received_from: dt.datetime | None = None,
    received_to: dt.datetime | None = None,
) -> QuerySet[Appeal]:
    """The caller's appeals, newest first; the time range is half-open [from, to)."""
    qs = scoped(user, Appeal.objects.select_related("region", "district", "sector"))
    qs = _territory_filters(qs, region=region, district=district, sector=sector)
    exact = {"channel": channel, "category": category, "status": status}
    qs = qs.filter(**{k: v for k, v in exact.items() if v})
    if received_from is not None:
        qs = qs.filter(received_at__gte=_aware(received_from))
    if received_to is not None:
        qs = qs.filter(received_at__lt=_aware(received_to))
    return qs.order_by("-received_at", "-id")


def offences(
    *,
    user: User,
    region: str | None = None,
    district: str | None = None,
    sector: str | None = None,
    kind: str | None = None,
    article: str | None = None,
    place_type: str | None = None,
    status: str | None = None,
    registered_from: dt.datetime | None = None,
    registered_to: dt.datetime | None = None,
) -> QuerySet[Offence]:
    """The caller's offences, newest first; see `with_party_counts` for the parties."""
    qs = scoped(user, Offence.objects.select_related("region", "district", "sector", "article"))
    qs = _territory_filters(qs, region=region, district=district, sector=sector)
    exact = {"kind": kind, "article__code": article, "place_type": place_type, "status": status}
    qs = qs.filter(**{k: v for k, v in exact.items() if v})
    if registered_from is not None:
        qs = qs.filter(registered_at__gte=_aware(registered_from))
    if registered_to is not None:
        qs = qs.filter(registered_at__lt=_aware(registered_to))
    return qs.order_by("-registered_at", "-id")


def with_party_counts(qs: QuerySet[Offence]) -> QuerySet[Offence]:
    """Annotate `<role>_count` for every party role: how many, never who.

    Apply it to a page, not to the whole list: the join and GROUP BY would also slow the count.
    """
    counts = {
        f"{role}_count": Count("parties", filter=Q(parties__role=role)) for role in PartyRole.values
    }
    return qs.annotate(**counts)


# --- writes ----------------------------------------------------------------------------------


# One literal per level, so every language can decline the word its own way.
OUTSIDE = {
    "region": gettext_lazy("the record is outside your region"),
    "district": gettext_lazy("the record is outside your district"),
    "sector": gettext_lazy("the record is outside your sector"),
}


def scope_check(user: User) -> RowCheck:
    """A pipeline row check: a user may write exactly where `scoped` lets them read."""
    level = scope_level(user)

    def check(clean: dict[str, Any]) -> None:
        if level == "national":
            return
        if level == "none":
            raise RowError("region", _("your account has no territorial scope"))
        if clean.get(f"{level}_id") != getattr(user, f"{level}_id"):
            raise RowError(level, str(OUTSIDE[level]))

    return check


def load_rows(
    rows: list[tuple[int, dict[str, str]]],
    *,
    kind: str,
    actor: str,
    source_name: str,
    check: RowCheck | None = None,
    lookups: Lookups | None = None,
) -> LoadSummary:
    """Load already-read rows as one batch of the ingest pipeline (one transaction)."""
    started = time.perf_counter()
    summary = LoadSummary(kind=kind)
    # One batch, exactly as `pipeline.ingest` runs each batch of a file.
    pipeline._load_batch(
        RawBatch.from_rows(rows),
        kind=kind,
        lookups=lookups or Lookups.load(),
        summary=summary,
        actor=actor,
        source_name=source_name,
        check=check,
    )
    summary.batches = 1
    summary.seconds = time.perf_counter() - started
    return summary


def _preflight(
    kind: str, row: dict[str, str], check: RowCheck, lookups: Lookups, user: User | None = None
) -> tuple[str, str]:
    """Validate and locate one row so that a refusal can be told apart: 422 or 403; its key as
    stored (normalised)."""
    try:
        clean = CLEANERS[kind](row, lookups)
    except RowError as error:
        raise Invalid(error.field, error.reason) from None
    summary = LoadSummary(kind=kind)
    located = pipeline.locate(Clean.from_dicts(kind, [1], [clean]), summary)
    if not len(located):
        raise Invalid(summary.errors[0].field, summary.errors[0].reason)
    clean = located.record(0)
    try:
        check(clean)
    except RowError as error:
        raise OutsideScope(error.field, error.reason) from None
    if user is not None:
        lat, lon = clean.get("lat"), clean.get("lon")
        level = point_outside_scope(user, lat, lon) if lat == lat and lon == lon else None
        if level is not None:
            raise OutsideScope("lat", str(OUTSIDE[level]))
    return clean["source_system"], clean["external_id"]


def create_record(*, user: User, kind: str, row: dict[str, str]) -> Created:
    """Create one appeal or offence, or recognise it as already loaded unchanged."""
    check = scope_check(user)
    # Scope is decided before de-duplication, so the answer never tells whether a key
    # exists in someone else's territory with the same content.
    lookups = Lookups.load()
    system, external_id = _preflight(kind, row, check, lookups, user)
    for attempt in range(2):
        try:
            summary = load_rows(
                [(1, row)],
                kind=kind,
                actor=user.get_username(),
                source_name="api",
                check=check,
                lookups=lookups,
            )
            break
        except IntegrityError:
            # A concurrent request inserted the same key between our check and our insert;
            # the second attempt sees it and answers 200 or 409 like any duplicate.
            if attempt:
                raise
    if summary.errors:
        error = summary.errors[0]
        if error.field == "external_id":
            raise Conflict("external_id", error.reason)
        raise Invalid(error.field, error.reason)
    model = writers.MODELS[kind]
    pk = (
        model._default_manager.filter(source_system=system, external_id=external_id)
        .values_list("pk", flat=True)
        .get()
    )
    return Created(id=pk, created=summary.loaded == 1)


def change_offence_status(*, user: User, pk: int, status: str, reason: str) -> Offence | None:
    """Move an offence along its lifecycle; None when it is not in the caller's scope."""
    reason = reason.strip()
    if not reason:
        raise Invalid("reason", _("is required"))
    if status not in OffenceStatus.values:
        raise Invalid(
            "status",
            _("'%(value)s' is not one of: %(allowed)s")
            % {"value": status[:40], "allowed": ", ".join(OffenceStatus.values)},
        )
    status = OffenceStatus(status).value  # a plain string for the audit log
    with transaction.atomic():
        offence = scoped(user, Offence.objects.select_for_update()).filter(pk=pk).first()
        if offence is None:
            return None
        old = offence.status
        allowed = OFFENCE_TRANSITIONS[OffenceStatus(old)]
        if status not in allowed:
            raise Invalid(
                "status",
                _("an offence cannot go from %(old)s to %(new)s; allowed: %(allowed)s")
                % {
                    "old": old,
                    "new": status,
                    "allowed": ", ".join(sorted(allowed)) or _("none (it is closed)"),
                },
            )
        # One explicit entry that says from, to and why, instead of the generic "update" the
        # save signal would write; the row hash keeps describing the record as loaded.
        Offence.objects.filter(pk=pk).update(status=status)
        audit.record(
            action="status",
            model=Offence._meta.label,
            object_pk=pk,
            actor=user.get_username(),
            details={"from": old, "to": status, "reason": reason},
        )
    return with_party_counts(offences(user=user)).get(pk=pk)


def load_file(
    *, user: User, kind: str, handle: IO[bytes], fmt: str, source_name: str
) -> LoadSummary:
    """Load an uploaded file; rows outside the caller's scope are refused one by one."""
    from senim.register.ingest import outcomes as outcome_files  # it builds on this module

    if kind in outcome_files.KINDS:
        return _load_outcomes(user=user, kind=kind, handle=handle, fmt=fmt, source_name=source_name)
    summary = pipeline.ingest(
        handle=handle,
        kind=kind,
        fmt=fmt,
        actor=user.get_username(),
        source_name=source_name,
        check=scope_check(user),
    )
    # The pipeline logs each batch that wrote rows; this entry also records loads that wrote
    # nothing, so every upload can be accounted for.
    audit.record(
        action="upload",
        model=writers.MODELS[kind]._meta.label,
        actor=user.get_username(),
        details={
            "source": source_name,
            "read": summary.read,
            "loaded": summary.loaded,
            "unchanged": summary.unchanged,
            "rejected": summary.rejected,
        },
    )
    return summary


def _load_outcomes(
    *, user: User, kind: str, handle: IO[bytes], fmt: str, source_name: str
) -> LoadSummary:
    """Case steps or damage (senim.register.ingest.outcomes), inside the caller's territory."""
    from senim.register.ingest import outcomes as outcome_files

    summary = outcome_files.ingest(
        handle=handle,
        kind=kind,
        fmt=fmt,
        user=user,
        actor=user.get_username(),
        source_name=source_name,
    )
    audit.record(
        action="upload",
        model=f"register.{kind}",
        actor=user.get_username(),
        details={
            "source": source_name,
            "read": summary.read,
            "loaded": summary.loaded,
            "unchanged": summary.unchanged,
            "rejected": summary.rejected,
        },
    )
    return summary


# --- offence events for the analytics centre (senim.analysis) ----------------------------------------


@dataclass(frozen=True)
class OffenceEvents:
    """Offences as parallel numpy arrays, one element per offence, ordered by registration time.

    Handed to the analytics centre so that it never touches register models. Coordinates are
    NaN where a record has none; `district_id` is -1 where it has no district. No person-level
    field is included: the analytics pages count events, not people.
    """

    t_utc: np.ndarray  # int64 epoch seconds of registered_at
    t_local: np.ndarray  # datetime64[s], wall-clock time in TIME_ZONE (Asia/Almaty)
    lat: np.ndarray  # float64
    lon: np.ndarray  # float64
    kind: np.ndarray  # str (OffenceKind values)
    place_type: np.ndarray  # str (PlaceType values)
    article: np.ndarray  # str article code, e.g. "UK-188"
    district_id: np.ndarray  # int64
    place_key: np.ndarray  # int64: same value = same point to ~10 m (repeat places); -1 unknown
    offence_id: np.ndarray  # int64 primary keys: a listed event links to its record page

    def __len__(self) -> int:
        return int(self.t_utc.size)

    def select(self, mask: np.ndarray) -> OffenceEvents:
        return OffenceEvents(**{f: getattr(self, f)[mask] for f in self.__dataclass_fields__})


def _local_seconds(t_utc: np.ndarray) -> np.ndarray:
    """Wall-clock seconds in TIME_ZONE; the offset is looked up once per distinct UTC hour.

    Zone offsets change only on whole hours, so this is exact, and Almaty's move from UTC+6 to
    UTC+5 on 1 March 2024 is respected (a fixed offset would shift two years of peak hours).
    """
    if t_utc.size == 0:
        return t_utc.copy()
    zone = timezone.get_default_timezone()
    hours, inverse = np.unique(t_utc // 3600, return_inverse=True)
    offsets = np.fromiter(
        (
            dt.datetime.fromtimestamp(int(h) * 3600, dt.UTC)
            .astimezone(zone)
            .utcoffset()
            .total_seconds()  # type: ignore[union-attr]
            for h in hours
        ),
        dtype=np.int64,
        count=hours.size,
    )
    return t_utc + offsets[inverse.ravel()]


def _local_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _offences_in(
    *,
    user: User,
    region_id: int | None,
    district_id: int | None,
    date_from: dt.date,
    date_to: dt.date,
    kinds: list[str] | None,
) -> QuerySet[Offence]:
    qs = scoped(user, Offence.objects.all()).filter(
        registered_at__gte=_local_start(date_from), registered_at__lt=_local_start(date_to)
    )
    if region_id is not None:
        qs = qs.filter(region_id=region_id)
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs


def offence_events(
    *,
    user: User,
    region_id: int | None = None,
    district_id: int | None = None,
    date_from: dt.date,
    date_to: dt.date,
    kinds: list[str] | None = None,
) -> OffenceEvents:
    """The caller's offences registered in local days [date_from, date_to), as arrays.

    Scoped like every read (`scoped`): whatever the arguments, nothing outside the user's
    territory is returned. One query over `values_list`, no model instances.
    """
    qs = _offences_in(
        user=user,
        region_id=region_id,
        district_id=district_id,
        date_from=date_from,
        date_to=date_to,
        kinds=kinds,
    )
    rows = list(
        qs.order_by("registered_at", "id").values_list(
            "registered_at", "lat", "lon", "kind", "place_type", "article_id", "district_id", "id"
        )
    )
    n = len(rows)
    articles = dict(Article.objects.values_list("id", "code"))
    columns = list(zip(*rows, strict=True)) if rows else [()] * 8
    t_utc = np.fromiter((int(r.timestamp()) for r in columns[0]), dtype=np.int64, count=n)
    lat = np.array([np.nan if v is None else v for v in columns[1]], dtype=np.float64)
    lon = np.array([np.nan if v is None else v for v in columns[2]], dtype=np.float64)
    # ~1e-4° is 11 m north-south and 8 m east-west here: one address, give or take GPS noise.
    known = np.isfinite(lat) & np.isfinite(lon)
    place_key = np.full(n, -1, dtype=np.int64)
    place_key[known] = np.round(lat[known] * 1e4).astype(np.int64) * 4_000_000 + np.round(
        (lon[known] + 180.0) * 1e4
    ).astype(np.int64)
    return OffenceEvents(
        t_utc=t_utc,
        t_local=_local_seconds(t_utc).astype("datetime64[s]"),
        lat=lat,
        lon=lon,
        kind=np.array(columns[3], dtype=str).reshape(n),
        place_type=np.array(columns[4], dtype=str).reshape(n),
        article=np.array([articles.get(a, "") for a in columns[5]], dtype=str).reshape(n),
        district_id=np.array([-1 if d is None else d for d in columns[6]], dtype=np.int64),
        place_key=place_key,
        offence_id=np.array(columns[7], dtype=np.int64).reshape(n),
    )


@dataclass(frozen=True)
class PartyLinks:
    """(offence, person) links as parallel int64 arrays, ordered by offence then person."""

    offence_id: np.ndarray
    person_id: np.ndarray

    def __len__(self) -> int:
        return int(self.offence_id.size)


def offence_parties(
    *,
    user: User,
    roles: list[str],
    region_id: int | None = None,
    district_id: int | None = None,
    date_from: dt.date,
    date_to: dt.date,
    kinds: list[str] | None = None,
    person_id: int | None = None,
) -> PartyLinks:
    """Who took part, in one of `roles`, in the caller's offences registered in local days
    [date_from, date_to): pseudonymous person ids only, a person in two of the roles of one
    offence (suspect, then offender) once. Scoped like `offence_events`; the analytics centre
    counts repeat victims and offenders with it and must audit-log any list of people it shows.
    """
    unknown = sorted(set(roles) - set(PartyRole.values))
    if unknown:
        raise ValueError(f"unknown party roles: {unknown}")
    offences = _offences_in(
        user=user,
        region_id=region_id,
        district_id=district_id,
        date_from=date_from,
        date_to=date_to,
        kinds=kinds,
    )
    qs = OffenceParty.objects.filter(offence__in=offences.values("id"), role__in=roles)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    rows = list(
        qs.values_list("offence_id", "person_id").distinct().order_by("offence_id", "person_id")
    )
    pairs = np.array(rows, dtype=np.int64).reshape(len(rows), 2)
    return PartyLinks(offence_id=pairs[:, 0].copy(), person_id=pairs[:, 1].copy())


def offences_by_id(*, user: User, ids: list[int]) -> list[Offence]:
    """The caller's offences among `ids` (others are silently left out), newest first, with
    what a list shows (territory, article): for pages that link to the register's records."""
    qs = scoped(user, Offence.objects.select_related("region", "district", "article"))
    return list(qs.filter(id__in=ids).order_by("-registered_at", "-id"))


def last_offence_day(
    *, user: User, region_id: int | None = None, district_id: int | None = None
) -> dt.date | None:
    """The local day of the caller's latest registered offence in the territory, or None."""
    qs = scoped(user, Offence.objects.all())
    if region_id is not None:
        qs = qs.filter(region_id=region_id)
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    latest = qs.aggregate(latest=Max("registered_at"))["latest"]
    return None if latest is None else timezone.localtime(latest).date()


def appeal_facts(*, pk: int) -> dict[str, Any] | None:
    """An appeal's category, receipt and territory, for another app that links it (a complaint
    against officers registered from an appeal): never the caller or the text."""
    row = (
        Appeal.objects.filter(pk=pk)
        .values("pk", "category", "received_at", "region_id", "district_id")
        .first()
    )
    return dict(row) if row else None
