"""Calls coming in from the channels: the 102 system, the 102 app, the Telegram bot, SOS buttons,
complaint terminals, E-Otinish, and the duty officer's own form.

One call or a batch; every call is checked on its own (field-level errors with its index), the
good ones are stored in one transaction, idempotent on (source_system, external_id): the same
call sent again answers with its id, the same key with other content is a conflict. A call gets
its territory from its coordinates (or a district code), must lie in the sender's scope, and is
stamped with what history says about its place, its caller and the caller as a victim.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.calendar import legal_deadline
from senim.core.errors import Invalid
from senim.core.geo import locator, place_key
from senim.core.iin import iin_hash, is_valid_iin
from senim.core.models import District, Person, Region, User
from senim.core.scope import point_outside_scope, scope_level
from senim.core.text import clean_text
from senim.prevention.selectors import dv_warnings
from senim.register import events
from senim.register.ingest.schema import canonical_key
from senim.register.models import (
    WRITTEN_PRIORITY,
    AnswerTerm,
    Appeal,
    AppealCategory,
    Channel,
    OffenceParty,
    PartyRole,
)

MAX_BATCH = 500
HISTORY = dt.timedelta(days=365)
FUTURE_SKEW = dt.timedelta(minutes=5)
FIELDS = (
    "source_system",
    "external_id",
    "channel",
    "category",
    "received_at",
    "lat",
    "lon",
    "region",
    "district",
    "caller_phone",
    "caller_iin",
    "summary",
    "address",
)
_PHONE = re.compile(r"^\+?\d{10,15}$")


@dataclass
class Outcome:
    index: int
    status: int  # 201 created, 200 already stored, 403 outside scope, 409 conflict, 422 invalid
    id: int | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Clean:
    index: int
    values: dict[str, Any]
    row_hash: str
    victim_hash: str | None


def _choice(value: Any, name: str, choices: Any) -> str:
    text = clean_text(value, field=name, max_length=40, required=True)
    if text not in choices.values:
        raise Invalid(
            name,
            _("'%(value)s' is not one of: %(allowed)s")
            % {"value": text, "allowed": ", ".join(choices.values)},
        )
    return text


def _number(value: Any, name: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Invalid(name, _("is not a number")) from None
    if not math.isfinite(number):
        raise Invalid(name, _("is not a number"))
    return number


def _time(value: Any, now: dt.datetime) -> dt.datetime:
    if value is None or value == "":
        return now
    if isinstance(value, dt.datetime):
        parsed: dt.datetime | None = value
    else:
        text = clean_text(value, field="received_at", max_length=40)
        try:
            parsed = parse_datetime(text)
        except ValueError:
            parsed = None
        if parsed is None:
            raise Invalid("received_at", _("is not an ISO 8601 date and time"))
    assert parsed is not None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)  # Almaty time, as in file loads
    if parsed > now + FUTURE_SKEW:
        raise Invalid("received_at", _("is in the future"))
    return parsed


def _territory(
    values: dict[str, Any], lat: float | None, lon: float | None, region: str, district: str
) -> None:
    if (lat is None) != (lon is None):
        raise Invalid("lon" if lon is None else "lat", _("latitude and longitude come together"))
    if lat is not None and lon is not None:
        where = locator().locate(np.array([lat]), np.array([lon]))
        region_id = int(where.region_ids[0])
        if not region_id:
            raise Invalid(
                "lat",
                _("the point (%(lat)s, %(lon)s) is outside Kazakhstan") % {"lat": lat, "lon": lon},
            )
        values.update(
            lat=lat,
            lon=lon,
            region_id=region_id,
            district_id=int(where.district_ids[0]) or None,
            sector_id=int(where.sector_ids[0]) or None,
        )
        if district:
            known = District.objects.filter(code=district).values_list("id", flat=True).first()
            if known is None:
                raise Invalid("district", _("unknown district '%(value)s'") % {"value": district})
            # The caller's district wins over the nearest-centre guess from the coordinates.
            if known != values["district_id"]:
                values.update(district_id=known, sector_id=None)
        return
    if district:
        row = District.objects.filter(code=district).values_list("id", "region_id").first()
        if row is None:
            raise Invalid("district", _("unknown district '%(value)s'") % {"value": district})
        values.update(district_id=row[0], region_id=row[1], sector_id=None)
        return
    if region:
        found = Region.objects.filter(iso=region).values_list("id", flat=True).first()
        if found is None:
            raise Invalid("region", _("unknown region '%(value)s'") % {"value": region})
        values.update(region_id=found, district_id=None, sector_id=None)
        return
    raise Invalid("lat", _("give the coordinates, or a district or region code"))


def _check_scope(user: User, values: dict[str, Any]) -> None:
    level = scope_level(user)
    if level == "national":
        return
    if level == "none" or values.get(f"{level}_id") != getattr(user, f"{level}_id"):
        raise PermissionError(_("the call is outside your territory"))
    # The stated district wins over the point when storing, but not when judging scope: a call
    # under one's own code with a point in another district is not one's own to send.
    if point_outside_scope(user, values.get("lat"), values.get("lon")):
        raise PermissionError(_("the call is outside your territory"))


def _key(value: object, name: str, max_length: int) -> str:
    """A key as the register stores it from a file too (look-alike letters in one script)."""
    text = clean_text(value, field=name, max_length=max_length, required=True)
    try:
        return clean_text(canonical_key(text), field=name, max_length=max_length)
    except ValueError as error:
        raise Invalid(name, str(error)) from None


def clean(row: dict[str, Any], *, index: int, now: dt.datetime) -> _Clean:
    """One call as stored values, or Invalid for its first problem (with the field)."""
    unknown = sorted(set(row) - set(FIELDS))
    if unknown:
        raise Invalid(unknown[0], _("unknown field"))
    values: dict[str, Any] = {
        "source_system": _key(row.get("source_system"), "source_system", 40),
        "external_id": _key(row.get("external_id"), "external_id", 64),
        "channel": _choice(row.get("channel"), "channel", Channel),
        "category": _choice(row.get("category"), "category", AppealCategory),
        "received_at": _time(row.get("received_at"), now),
        "summary": clean_text(row.get("summary"), field="summary", max_length=500) or None,
        "address": clean_text(row.get("address"), field="address", max_length=200) or None,
    }
    _territory(
        values,
        _number(row.get("lat"), "lat"),
        _number(row.get("lon"), "lon"),
        clean_text(row.get("region"), field="region", max_length=8),
        clean_text(row.get("district"), field="district", max_length=40),
    )
    phone = re.sub(
        r"[\s()-]", "", clean_text(row.get("caller_phone"), field="caller_phone", max_length=30)
    )
    if phone and not _PHONE.match(phone):
        raise Invalid("caller_phone", _("is not a phone number (10 to 15 digits)"))
    iin = clean_text(row.get("caller_iin"), field="caller_iin", max_length=12)
    if iin and not is_valid_iin(iin):
        raise Invalid("caller_iin", _("is not a valid IIN (12 digits with a correct check digit)"))
    victim_hash = iin_hash(iin) if iin else None
    # The caller is linked by IIN where known (the 102 app signs in with it), else by phone.
    values["caller_hash"] = victim_hash or (iin_hash("tel:" + phone[-10:]) if phone else None)
    values["place_key"] = place_key(values.get("lat"), values.get("lon"))
    digest = hashlib.blake2b(
        json.dumps(
            # As sent: a call re-sent without its time is the same call, not a new one.
            [row.get(k) for k in FIELDS],
            default=str,
            ensure_ascii=False,
        ).encode(),
        digest_size=16,
    ).hexdigest()
    return _Clean(index=index, values=values, row_hash=digest, victim_hash=victim_hash)


def _warnings(calls: list[_Clean]) -> dict[int, dict[str, int]]:
    """What history says about each call of a batch ({index: counts}): one query per linking key
    for the whole batch, not two COUNT queries per call. The stored times of the batch's places
    and callers over the batch's window are read once and counted per call: appeals in the 12
    months before it."""
    out = {c.index: {"place": 0, "caller": 0, "victim": 0} for c in calls}
    if not calls:
        return out
    since = min(c.values["received_at"] for c in calls) - HISTORY
    until = max(c.values["received_at"] for c in calls)
    for name, column in (("place", "place_key"), ("caller", "caller_hash")):
        keys = {c.values[column] for c in calls if c.values.get(column) is not None}
        if not keys:
            continue
        times: dict[Any, list[dt.datetime]] = {}
        for key, at in Appeal.objects.filter(
            **{f"{column}__in": keys}, received_at__gte=since, received_at__lt=until
        ).values_list(column, "received_at"):
            times.setdefault(key, []).append(at)
        for series in times.values():
            series.sort()
        for c in calls:
            series = times.get(c.values.get(column), [])
            before = c.values["received_at"]
            out[c.index][name] = bisect_left(series, before) - bisect_left(series, before - HISTORY)
    for c in calls:
        if c.victim_hash:
            out[c.index]["victim"] = _victim(c)
    # A high domestic-violence risk assessed at the address (the inspector's, senim.prevention).
    risks = dv_warnings((c.values.get("place_key") for c in calls), at=until)
    for c in calls:
        if risk := risks.get(c.values.get("place_key") or 0):
            out[c.index]["dv"] = risk["assessment"]
    return out


def _victim(c: _Clean) -> int:
    """Offences in the 12 months before the call in which the caller (by IIN) was a victim."""
    person = Person.objects.filter(iin_hash=c.victim_hash).values_list("id", flat=True).first()
    if person is None:
        return 0
    return OffenceParty.objects.filter(
        person_id=person,
        role=PartyRole.VICTIM,
        offence__registered_at__gte=c.values["received_at"] - HISTORY,
        offence__registered_at__lt=c.values["received_at"],
    ).aggregate(n=Count("offence_id", distinct=True))["n"]


def _terms() -> dict[str, int]:
    return dict(AnswerTerm.objects.values_list("channel", "working_days"))


def intake(
    *, user: User, rows: list[dict[str, Any]], now: dt.datetime | None = None
) -> list[Outcome]:
    """Store the good calls of a batch (one transaction); every call gets its own outcome."""
    if len(rows) > MAX_BATCH:
        raise Invalid("appeals", _("at most %(n)d calls per batch") % {"n": MAX_BATCH})
    now = now or timezone.now()
    outcomes: list[Outcome] = []
    good: list[_Clean] = []
    for index, row in enumerate(rows):
        try:
            if not isinstance(row, dict):
                raise Invalid("", _("each call is an object"))
            c = clean(row, index=index, now=now)
            _check_scope(user, c.values)
        except Invalid as error:
            outcomes.append(Outcome(index, 422, errors=[(error.field, error.message)]))
            continue
        except PermissionError as error:
            outcomes.append(Outcome(index, 403, errors=[("region", str(error))]))
            continue
        good.append(c)
    for attempt in range(2):
        try:
            with transaction.atomic():
                stored = _store(user, good, now)
            break
        except IntegrityError:
            # Another request stored one of these keys since we looked: look again.
            if attempt:
                raise
    outcomes.extend(stored)
    return sorted(outcomes, key=lambda o: o.index)


def _store(user: User, good: list[_Clean], now: dt.datetime) -> list[Outcome]:
    keys = [(c.values["source_system"], c.values["external_id"]) for c in good]
    existing: dict[tuple[str, str], tuple[int, str]] = {}
    by_system: dict[str, list[str]] = {}
    for system, external in keys:
        by_system.setdefault(system, []).append(external)
    for system, externals in by_system.items():
        for pk, external, digest in Appeal.objects.filter(
            source_system=system, external_id__in=externals
        ).values_list("id", "external_id", "row_hash"):
            existing[(system, external)] = (pk, digest)
    outcomes: list[Outcome] = []
    new: list[tuple[_Clean, Appeal]] = []
    seen: dict[tuple[str, str], _Clean] = {}
    terms = _terms()
    for c, key in zip(good, keys, strict=True):
        if key in existing or key in seen:
            digest = existing[key][1] if key in existing else seen[key].row_hash
            if digest == c.row_hash:
                outcomes.append(
                    Outcome(c.index, 200, id=existing[key][0] if key in existing else None)
                )
            else:
                outcomes.append(
                    Outcome(
                        c.index,
                        409,
                        errors=[
                            (
                                "external_id",
                                _("this source number is already stored with other content"),
                            )
                        ],
                    )
                )
            continue
        seen[key] = c
    fresh = list(seen.values())
    history = _warnings(fresh)
    for c in fresh:
        values = dict(c.values)
        written = values["channel"] in terms
        appeal = Appeal(
            **values,
            status="received",
            row_hash=c.row_hash,
            warnings=history[c.index],
            priority=WRITTEN_PRIORITY if written else 0,
            due_at=legal_deadline(values["received_at"], terms[values["channel"]])
            if written
            else None,
        )
        new.append((c, appeal))
    if new:
        created = Appeal.objects.bulk_create([a for _, a in new])
        events.received_many(created, actor=user.get_username())
        audit.record(
            action="intake",
            model=Appeal._meta.label,
            actor=user.get_username(),
            details={"count": len(created), "ids": [a.pk for a in created][:50]},
        )
        ids = {(a.source_system, a.external_id): a.pk for a in created}
        for c, appeal in new:
            outcomes.append(Outcome(c.index, 201, id=appeal.pk))
        # A batch that sent one call twice: the repeat answers with the first one's id.
        for o in outcomes:
            if o.status == 200 and o.id is None:
                c = good[[g.index for g in good].index(o.index)]
                o.id = ids[(c.values["source_system"], c.values["external_id"])]
    return outcomes
