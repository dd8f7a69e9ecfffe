"""Media monitoring use cases: enter or import items, classify them, correct the tone, count.

Every item is classified on the way in (language, tone with its words, topics); an item whose
tone is negative is "critical" (seed 002 counts 1 174 critical items about police actions in
2024) and opens a response case (workflow.py). Loads are all-or-nothing and idempotent on
(source, external_id): the same item sent twice is recognised, a changed one is a conflict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.models import Region, Unit, User
from senim.core.scope import allowed_region_ids
from senim.trust import classifier, readers
from senim.trust.access import MEDIA_WRITE, TRUST_READ
from senim.trust.errors import Conflict, FileRejected, Forbidden, Invalid, NotFound, RowError
from senim.trust.language import identify
from senim.trust.models import (
    MediaItem,
    MediaResponse,
    MediaTopic,
    ResponseState,
    Tone,
)
from senim.trust.services.surveys import require
from senim.trust.topics import find_topics

LIMITS = {"source": 120, "external_id": 300, "url": 500, "title": 500, "text": 20_000}


@dataclass(frozen=True)
class Saved:
    id: int
    created: bool


def items_for(user: User) -> QuerySet[MediaItem]:
    require(user, TRUST_READ)
    qs = MediaItem.objects.select_related("region", "unit")
    allowed = allowed_region_ids(user)
    return qs if allowed is None else qs.filter(region_id__in=allowed)


def get_item(*, user: User, item_id: int) -> MediaItem:
    found = items_for(user).select_related("response").filter(pk=item_id).first()
    if found is None:  # the same answer whether outside the scope or absent
        raise NotFound("item", _("No such media item."))
    return found


# --- checking and classifying ----------------------------------------------------------------


def _clean(raw: dict[str, Any], *, user: User, default_region: Region | None) -> dict[str, Any]:
    """One item's fields, checked; RowError-like (field, message) via Invalid."""
    values = {k: str(raw.get(k) or "").strip() for k in (*LIMITS, "published_at", "region", "unit")}
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            raise Invalid(name, _("is longer than %(n)d characters") % {"n": limit})
    if not values["title"]:
        raise Invalid("title", _("is required"))
    if not values["source"]:
        raise Invalid("source", _("is required"))
    if values["url"] and not values["url"].startswith(("http://", "https://")):
        raise Invalid("url", _("must start with http:// or https://"))
    published = raw.get("published_at")
    if not isinstance(published, dt.datetime):
        try:
            published = readers.parse_feed_date(values["published_at"])
        except (ValueError, TypeError, IndexError):
            raise Invalid("published_at", _("is not a date and time")) from None
    if timezone.is_naive(published):
        published = timezone.make_aware(published)
    region = default_region
    if values["region"]:
        region = Region.objects.filter(iso=values["region"].upper()).first()
        if region is None:
            raise Invalid(
                "region", _("unknown region code %(code)s") % {"code": values["region"][:8]}
            )
    unit = None
    if values["unit"]:
        unit = (
            Unit.objects.filter(pk=int(values["unit"])).first()
            if values["unit"].isdigit()
            else None
        )
        if unit is None:
            raise Invalid("unit", _("unknown unit %(code)s") % {"code": values["unit"][:20]})
        if region is None:
            region = unit.region
        elif unit.region_id not in (None, region.pk):
            raise Invalid("unit", _("the unit is not in the region"))
    allowed = allowed_region_ids(user)
    if allowed is not None and (region is None or region.pk not in allowed):
        raise Invalid("region", _("the item is outside your region"))
    external = (
        values["external_id"]
        or hashlib.sha256(f"{values['url']}|{values['title']}".encode()).hexdigest()[:40]
    )  # hand entries without an id get a stable one from their content
    return {
        "source": values["source"],
        "external_id": external,
        "url": values["url"],
        "title": values["title"],
        "text": values["text"],
        "published_at": published,
        "region": region,
        "unit": unit,
    }


def classify(items: list[MediaItem]) -> None:
    """Language, tone with its words, and topics, in place (a correction keeps its tone)."""
    model, stored = classifier.current()
    texts = [classifier.joined(i.title, i.text) for i in items]
    unique = list(dict.fromkeys(texts))  # feeds repeat stories; classify each text once
    verdict_of = dict(zip(unique, model.predict(unique), strict=False))
    for item, text in zip(items, texts, strict=False):
        verdict = verdict_of[text]
        lang = identify(text)
        item.language, item.language_detail = lang.language, lang.as_dict()
        item.tone, item.tone_probability = verdict.label, round(verdict.probability, 4)
        item.tone_evidence = [[e.word, e.weight] for e in verdict.evidence]
        item.tone_model = stored
        item.final_tone = item.corrected_tone or item.tone
        item.topics = [{"code": t.code, "words": list(t.words)} for t in find_topics(text)]


def _store(items: list[MediaItem]) -> None:
    classify(items)
    MediaItem.objects.bulk_create(items, batch_size=1000)
    saved = list(
        MediaItem.objects.filter(
            source__in={i.source for i in items}, external_id__in=[i.external_id for i in items]
        ).only("pk", "source", "external_id", "final_tone", "topics", "published_at")
    )
    MediaTopic.objects.bulk_create(
        [MediaTopic(item=i, topic=t["code"]) for i in saved for t in i.topics], batch_size=2000
    )
    now = timezone.now()
    MediaResponse.objects.bulk_create(
        [
            MediaResponse(item=i, state=ResponseState.TO_VERIFY, opened_at=now)
            for i in saved
            if i.final_tone == Tone.NEGATIVE
        ]
    )


def _same(existing: MediaItem, clean: dict[str, Any]) -> bool:
    """A resend of the same item. The region counts: another region's item under the same key is
    a conflict like other content, never its id (no answer tells what other regions hold)."""
    region = clean["region"]
    if existing.region_id != (region.pk if region is not None else None):
        return False
    return all(getattr(existing, k) == clean[k] for k in ("title", "text", "url"))


# --- use cases -------------------------------------------------------------------------------


def add_item(*, user: User, fields: dict[str, Any]) -> Saved:
    """Enter one item by hand (or through the API)."""
    require(user, MEDIA_WRITE)
    clean = _clean(fields, user=user, default_region=None)
    with transaction.atomic():
        existing = MediaItem.objects.filter(
            source=clean["source"], external_id=clean["external_id"]
        ).first()
        if existing is not None:
            if _same(existing, clean):
                return Saved(existing.pk, False)
            raise Conflict("external_id", _("An item with this source and identifier differs."))
        item = MediaItem(**clean, entered_by=user.get_username())
        _store([item])
        stored = MediaItem.objects.get(source=item.source, external_id=item.external_id)
        audit.record(action="create", model="trust.MediaItem", object_pk=stored.pk,
                     actor=user.get_username())  # fmt: skip
    return Saved(stored.pk, True)


@dataclass(frozen=True)
class ImportSummary:
    created: int
    unchanged: int
    critical: int


def import_items(
    *, user: User, handle: IO[bytes], filename: str, source: str = "", region: str = ""
) -> ImportSummary:
    """A CSV (source, external_id, url, title, text, published_at, region, unit) or an RSS /
    Atom feed (the feed's title is the source unless one is given; `region` applies to all)."""
    require(user, MEDIA_WRITE)
    data = readers.read_bytes(handle)
    kind = readers.file_kind(filename, data[:8])
    default_region = None
    if region:
        default_region = Region.objects.filter(iso=region.upper()).first()
        if default_region is None:
            raise Invalid("region", _("unknown region code %(code)s") % {"code": region[:8]})
    if kind == "feed":
        title, entries = readers.read_feed(data)
        rows = list(readers.rows_of(entries))
        feed_source = (source or title or filename)[: LIMITS["source"]]
        rows = [(n, {**r, "source": feed_source}) for n, r in rows]
    else:
        _header, rows = readers.read_table(data, kind)
        if source:
            rows = [(n, {**r, "source": r.get("source") or source}) for n, r in rows]
    if not rows:
        raise FileRejected([RowError(0, "file", _("The file holds no items."))])
    errors: list[RowError] = []
    cleaned: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for number, row in rows:
        try:
            clean = _clean(row, user=user, default_region=default_region)
        except Invalid as error:
            errors.append(RowError(number, error.field, error.message))
            continue
        key = (clean["source"], clean["external_id"])
        if key in seen:
            errors.append(RowError(number, "external_id", _("appears twice in the file")))
            continue
        seen.add(key)
        cleaned.append(clean)
    if errors:
        raise FileRejected(errors[:200])
    with transaction.atomic():
        existing = {
            (i.source, i.external_id): i
            for i in MediaItem.objects.filter(
                source__in={c["source"] for c in cleaned},
                external_id__in=[c["external_id"] for c in cleaned],
            )
        }
        new, unchanged = [], 0
        for number, clean in zip((n for n, _r in rows), cleaned, strict=False):
            old = existing.get((clean["source"], clean["external_id"]))
            if old is None:
                new.append(MediaItem(**clean, entered_by=user.get_username()))
            elif _same(old, clean):
                unchanged += 1
            else:
                errors.append(
                    RowError(number, "external_id", _("already loaded with other content"))
                )
        if errors:
            raise FileRejected(errors[:200])
        if new:
            _store(new)
        audit.record(action="load", model="trust.MediaItem",
                     details={"file": filename[:200], "created": len(new)},
                     actor=user.get_username())  # fmt: skip
    return ImportSummary(
        created=len(new),
        unchanged=unchanged,
        critical=sum(1 for i in new if i.final_tone == Tone.NEGATIVE),
    )


@transaction.atomic
def correct_tone(*, user: User, item_id: int, tone: str) -> MediaItem:
    """Store an operator's tone; it counts at once and trains the next model (train_tone)."""
    require(user, MEDIA_WRITE)
    if tone not in Tone.values:
        raise Invalid("tone", _("must be positive, negative or neutral"))
    item = get_item(user=user, item_id=item_id)
    item.corrected_tone, item.final_tone = tone, tone
    item.corrected_by, item.corrected_at = user.get_username(), timezone.now()
    item.save(update_fields=["corrected_tone", "final_tone", "corrected_by", "corrected_at"])
    response = MediaResponse.objects.filter(item=item).first()
    if tone == Tone.NEGATIVE and response is None:
        MediaResponse.objects.create(
            item=item, state=ResponseState.TO_VERIFY, opened_at=timezone.now()
        )
    elif (
        tone != Tone.NEGATIVE and response is not None and response.state == ResponseState.TO_VERIFY
    ):
        response.delete()  # nothing was done on it yet; a case under way is kept
    audit.record(action="correct", model="trust.MediaItem", object_pk=item.pk,
                 details={"tone": tone, "was": item.tone}, actor=user.get_username())  # fmt: skip
    return item


@dataclass(frozen=True)
class CriticalRow:
    region: Region | None
    unit: Unit | None
    months: list[int]  # 12 counts, January first

    @property
    def total(self) -> int:
        return sum(self.months)


def critical_counts(*, user: User, year: int) -> list[CriticalRow]:
    """Critical (negative) items per month by region and unit, in Almaty months."""
    if not 2000 <= year <= 2100:
        raise Invalid("year", _("The year is out of range."))
    zone = timezone.get_default_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=zone)
    end = dt.datetime(year + 1, 1, 1, tzinfo=zone)
    rows = (
        items_for(user)
        .filter(final_tone=Tone.NEGATIVE, published_at__gte=start, published_at__lt=end)
        .annotate(month=ExtractMonth("published_at", tzinfo=zone))
        .values("region_id", "unit_id", "month")
        .annotate(n=Count("id"))
    )
    table: dict[tuple[int | None, int | None], list[int]] = {}
    for r in rows:
        table.setdefault((r["region_id"], r["unit_id"]), [0] * 12)[r["month"] - 1] += r["n"]
    regions = Region.objects.in_bulk({k[0] for k in table if k[0]})
    units = Unit.objects.in_bulk({k[1] for k in table if k[1]})
    out = [
        CriticalRow(regions.get(r) if r else None, units.get(u) if u else None, months)
        for (r, u), months in table.items()
    ]
    return sorted(out, key=lambda row: (row.region.iso if row.region else "~", str(row.unit or "")))


def ensure_region_write(user: User, item: MediaItem) -> None:
    allowed = allowed_region_ids(user)
    if allowed is not None and item.region_id not in allowed:
        raise Forbidden("item", _("The item is outside your region."))
