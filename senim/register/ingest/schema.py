"""Column schemas of the two record kinds and the validation of one row against them.

Every rule gives a reason a person can act on, naming the field. Rules that need the
database (article exists, territory codes) use lookups built once per load.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core.iin import InvalidIIN, iin_hash, parse_iin
from senim.register.models import (
    AppealCategory,
    AppealStatus,
    Channel,
    OffenceKind,
    OffenceStatus,
    PlaceType,
)

ALMATY = ZoneInfo("Asia/Almaty")
# Clocks of source systems drift; a few minutes ahead is not "the future".
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
MAX_TEXT = {
    "source_system": 40,
    "external_id": 64,
    "appeal_source_system": 40,
    "appeal_external_id": 64,
}
# Any other field: the longest legitimate value (a list of IINs) is far shorter.
MAX_FIELD = 1000
LAT_RANGE, LON_RANGE = (40.5, 55.5), (46.4, 87.4)
KEYS = ("source_system", "external_id", "appeal_source_system", "appeal_external_id")
# C0 and C1 control characters, a NUL among them: no field of a record spans lines.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Date-times: ISO 8601 extended format with a time of day, ASCII digits only.
ISO_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)?"
)
# Decimal degrees: ASCII digits and a point (no comma, exponent, NaN, infinity or spaces).
DECIMAL = re.compile(r"-?[0-9]{1,3}(\.[0-9]{1,17})?")
# Offence kinds each kind of article admits. A Code of Administrative Offences article is an
# administrative offence; a Criminal Code article is never one. The reference table gives the
# kind of an article's basic part, and its aggravated parts are only graver: a criminal
# misdemeanour article's later parts may be crimes, a crime article has no misdemeanour part.
KINDS_OF_ARTICLE: dict[str, frozenset[str]] = {
    OffenceKind.CRIME: frozenset({OffenceKind.CRIME}),
    OffenceKind.MISDEMEANOUR: frozenset({OffenceKind.MISDEMEANOUR, OffenceKind.CRIME}),
    OffenceKind.ADMINISTRATIVE: frozenset({OffenceKind.ADMINISTRATIVE}),
}
# Appeal statuses, and the times they need: a status says how far the appeal went, so it needs
# the time of its own stage and allows no time of a later stage.
_STAGE_TIMES = ("dispatched_at", "arrived_at", "closed_at")
_STATUS_STAGE = {
    AppealStatus.RECEIVED: 0,
    AppealStatus.GRADED: 0,
    AppealStatus.DISPATCHED: 1,
    AppealStatus.EN_ROUTE: 1,
    AppealStatus.ON_SCENE: 2,
    AppealStatus.CLOSED: 3,
    AppealStatus.TRANSFERRED: 3,
    AppealStatus.CANCELLED: 3,
}
_STATUS_NEEDS = {
    AppealStatus.DISPATCHED: "dispatched_at",
    AppealStatus.EN_ROUTE: "dispatched_at",
    AppealStatus.ON_SCENE: "arrived_at",
    AppealStatus.CLOSED: "closed_at",
}
# A person involved in an offence was born at most this long before it.
MAX_AGE = dt.timedelta(days=366 * 120)

# Keys are compared as text, so letters that look alike must be one letter: each Cyrillic
# letter that has a Latin twin, and back. A key is written in Latin unless it holds a letter
# only Cyrillic has (then its twins become Cyrillic); both kinds of letter at once is refused.
_TWINS = dict(
    zip(
        "АВСЕНІЈКМОРЅТХҮасеіјорѕхуһ",
        "ABCEHIJKMOPSTXYaceijopsxyh",
        strict=True,
    )
)
_LATIN_TWINS = frozenset(_TWINS.values())
_TO_LATIN = str.maketrans(_TWINS)
_TO_CYRILLIC = str.maketrans({latin: cyrillic for cyrillic, latin in _TWINS.items()})
# Dashes and minus signs NFKC leaves alone, read as the ASCII hyphen.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))

APPEAL_TIMES = ("received_at", "answered_at", "dispatched_at", "arrived_at", "closed_at")
APPEAL_COLUMNS = (
    "source_system",
    "external_id",
    "channel",
    "category",
    "status",
    *APPEAL_TIMES,
    "lat",
    "lon",
    "region",
    "district",
    "sector",
)
OFFENCE_COLUMNS = (
    "source_system",
    "external_id",
    "kind",
    "article",
    "occurred_at",
    "registered_at",
    "place_type",
    "status",
    "lat",
    "lon",
    "region",
    "district",
    "sector",
    "appeal_source_system",
    "appeal_external_id",
    "victim_iins",
    "suspect_iins",
    "offender_iins",
)
REQUIRED = {
    "appeals": ("source_system", "external_id", "channel", "category", "status", "received_at"),
    "offences": (
        "source_system",
        "external_id",
        "kind",
        "article",
        "occurred_at",
        "registered_at",
        "place_type",
        "status",
    ),
}
COLUMNS = {"appeals": APPEAL_COLUMNS, "offences": OFFENCE_COLUMNS}
PARTY_COLUMNS = {"victim_iins": "victim", "suspect_iins": "suspect", "offender_iins": "offender"}


class RowError(ValueError):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason


@dataclass
class Lookups:
    """Reference data a load validates against, read once."""

    articles: dict[str, tuple[int, str]]  # code -> (id, kind)
    regions: dict[str, int]  # iso -> id
    districts: dict[str, tuple[int, int]]  # code -> (id, region id)
    sectors: dict[str, tuple[int, int]]  # code -> (id, district id)
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def latest_allowed(self) -> dt.datetime:
        return self.now + FUTURE_TOLERANCE

    @classmethod
    def load(cls) -> Lookups:
        from senim.core.models import District, Region, Sector
        from senim.register.models import Article

        return cls(
            articles={c: (i, k) for c, i, k in Article.objects.values_list("code", "id", "kind")},
            regions=dict(Region.objects.values_list("iso", "id")),
            districts={
                c: (i, r) for c, i, r in District.objects.values_list("code", "id", "region_id")
            },
            sectors={
                c: (i, d) for c, i, d in Sector.objects.values_list("code", "id", "district_id")
            },
        )


def check_header(kind: str, header: set[str]) -> list[str]:
    """Problems with the columns of a file as a whole; an empty list means it can be read."""
    missing = [c for c in REQUIRED[kind] if c not in header]
    unknown = sorted(header - set(COLUMNS[kind]))
    problems = []
    if missing:
        problems.append(_("missing required columns: %(cols)s") % {"cols": ", ".join(missing)})
    if unknown:
        problems.append(_("unknown columns: %(cols)s") % {"cols": ", ".join(unknown)})
    return problems


def check_characters(row: dict[str, str]) -> None:
    """Refuse the first field that holds a control character or is longer than any field may be."""
    for name, value in row.items():
        if CONTROL.search(value):
            raise RowError(name, _("contains a control character"))
        if len(value) > MAX_FIELD:
            raise RowError(name, _("is longer than %(n)d characters") % {"n": MAX_FIELD})


def canonical_key(value: str) -> str:
    """A key as stored: NFKC (full-width digits, compatibility forms and odd spaces become
    plain ones), dashes as '-', look-alike letters in one script; ValueError (the reason) for
    a character no key may hold (zero-width and other invisible ones, other scripts)."""
    # The numero sign stays one (NFKC would spell it "No", Latin letters beside Cyrillic ones);
    # NUL, refused before this, holds its place.
    text = unicodedata.normalize("NFKC", value.replace("№", "\x00"))
    text = text.translate(_DASHES).replace("\x00", "№")
    if text.isascii():
        return text
    latin = cyrillic = False  # a letter only that script has
    for char in text:
        if char.isascii():
            latin |= char.isalpha() and char not in _LATIN_TWINS
        elif "\u0400" <= char <= "\u04ff" and char.isalpha():
            cyrillic |= char not in _TWINS
        elif char != "№":
            raise ValueError(
                _(
                    "contains the character U+%(code)04X, which a key may not hold: use Latin "
                    "or Cyrillic letters, digits and ASCII punctuation"
                )
                % {"code": ord(char)}
            )
    if latin and cyrillic:
        raise ValueError(_("mixes Latin and Cyrillic letters"))
    return text.translate(_TO_CYRILLIC if cyrillic else _TO_LATIN)


def _text(row: dict[str, str], name: str, *, required: bool = False) -> str:
    value = row.get(name, "").strip()
    if required and not value:
        raise RowError(name, _("is required"))
    if name in KEYS and value:
        try:
            value = canonical_key(value).strip()
        except ValueError as error:
            raise RowError(name, str(error)) from None
    limit = MAX_TEXT.get(name)
    if limit and len(value) > limit:
        raise RowError(name, _("is longer than %(n)d characters") % {"n": limit})
    return value


# TextChoices.values builds a new list on every access; loads check millions of rows.
_ALLOWED: dict[type[TextChoices], frozenset[str]] = {}


def _choice(row: dict[str, str], name: str, choices: type[TextChoices]) -> str:
    value = _text(row, name, required=True)
    allowed = _ALLOWED.get(choices)
    if allowed is None:
        allowed = _ALLOWED[choices] = frozenset(choices.values)
    if value not in allowed:
        raise RowError(
            name,
            _("'%(value)s' is not one of: %(allowed)s")
            % {"value": value[:40], "allowed": ", ".join(choices.values)},
        )
    return value


def _time(
    row: dict[str, str], name: str, lookups: Lookups, *, required: bool = False
) -> dt.datetime | None:
    raw = _text(row, name, required=required)
    if not raw:
        return None
    try:
        if not ISO_DATETIME.fullmatch(raw):
            raise ValueError(raw)
        value = dt.datetime.fromisoformat(raw.replace(",", "."))
    except ValueError:
        raise RowError(
            name, _("'%(value)s' is not an ISO 8601 date-time") % {"value": raw[:40]}
        ) from None
    if value.tzinfo is None:  # local registers record Almaty time
        value = value.replace(tzinfo=ALMATY)
    if value > lookups.latest_allowed:
        raise RowError(name, _("is in the future"))
    if value.year < 2000:
        raise RowError(name, _("is before 2000"))
    return value.astimezone(dt.UTC)


def _point(row: dict[str, str]) -> tuple[float | None, float | None]:
    raw_lat, raw_lon = row.get("lat", "").strip(), row.get("lon", "").strip()
    if not raw_lat and not raw_lon:
        return None, None
    if not raw_lat or not raw_lon:
        raise RowError("lat" if not raw_lat else "lon", _("latitude and longitude come together"))
    for name, raw in (("lat", raw_lat), ("lon", raw_lon)):
        if not DECIMAL.fullmatch(raw):
            raise RowError(
                name,
                _("'%(value)s' is not decimal degrees (digits and a point, e.g. 43.2567)")
                % {"value": raw[:40]},
            )
    lat, lon = float(raw_lat), float(raw_lon)
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        raise RowError(
            "lat", _("(%(lat)s, %(lon)s) is outside Kazakhstan") % {"lat": lat, "lon": lon}
        )
    return lat, lon


def _territory(row: dict[str, str], lookups: Lookups) -> tuple[int | None, int | None, int | None]:
    """Territory codes given in the row, checked for consistency with each other."""
    region = district = sector = None
    if code := _text(row, "sector"):
        if code not in lookups.sectors:
            raise RowError("sector", _("unknown sector code '%(code)s'") % {"code": code[:40]})
        sector, district = lookups.sectors[code]
    if code := _text(row, "district"):
        if code not in lookups.districts:
            raise RowError("district", _("unknown district code '%(code)s'") % {"code": code[:40]})
        given, region = lookups.districts[code]
        if district is not None and given != district:
            raise RowError("sector", _("the sector is not in the given district"))
        district = given
    elif district is not None:
        region = next(r for d, r in lookups.districts.values() if d == district)
    if code := _text(row, "region"):
        if code not in lookups.regions:
            raise RowError("region", _("unknown region code '%(code)s'") % {"code": code[:40]})
        if region is not None and lookups.regions[code] != region:
            raise RowError("district", _("the district is not in the given region"))
        region = lookups.regions[code]
    return region, district, sector


def _status_fits_times(out: dict[str, Any]) -> None:
    status = out["status"]
    needed = _STATUS_NEEDS.get(status)
    if needed is not None and out[needed] is None:
        raise RowError(needed, _("is required when the status is %(status)s") % {"status": status})
    stage = _STATUS_STAGE[status]
    for later, name in enumerate(_STAGE_TIMES, start=1):
        if later > stage and out[name] is not None:
            raise RowError(name, _("is given, but the status is %(status)s") % {"status": status})


def kind_fits_article(kind: str, article_kind: str) -> bool:
    return kind in KINDS_OF_ARTICLE.get(article_kind, frozenset())


def clean_appeal(row: dict[str, str], lookups: Lookups) -> dict[str, Any]:
    check_characters(row)
    out: dict[str, Any] = {
        "source_system": _text(row, "source_system", required=True),
        "external_id": _text(row, "external_id", required=True),
        "channel": _choice(row, "channel", Channel),
        "category": _choice(row, "category", AppealCategory),
        "status": _choice(row, "status", AppealStatus),
    }
    previous_name, previous = None, None
    for name in APPEAL_TIMES:
        value = _time(row, name, lookups, required=name == "received_at")
        if value is not None and previous is not None and value < previous:
            raise RowError(name, _("is earlier than %(other)s") % {"other": previous_name})
        out[name] = value
        if value is not None:
            previous_name, previous = name, value
    _status_fits_times(out)
    out["lat"], out["lon"] = _point(row)
    out["region_id"], out["district_id"], out["sector_id"] = _territory(row, lookups)
    if out["region_id"] is None and out["lat"] is None:
        raise RowError("region", _("give coordinates or a region code"))
    return out


def clean_offence(row: dict[str, str], lookups: Lookups) -> dict[str, Any]:
    check_characters(row)
    out: dict[str, Any] = {
        "source_system": _text(row, "source_system", required=True),
        "external_id": _text(row, "external_id", required=True),
        "kind": _choice(row, "kind", OffenceKind),
    }
    code = _text(row, "article", required=True)
    if code not in lookups.articles:
        raise RowError(
            "article", _("no article '%(code)s' in the reference table") % {"code": code[:40]}
        )
    out["article_id"], article_kind = lookups.articles[code]
    if not kind_fits_article(out["kind"], article_kind):
        raise RowError(
            "kind",
            _("'%(kind)s' does not fit article %(code)s") % {"kind": out["kind"], "code": code},
        )
    out["occurred_at"] = _time(row, "occurred_at", lookups, required=True)
    out["registered_at"] = _time(row, "registered_at", lookups, required=True)
    if out["registered_at"] < out["occurred_at"]:
        raise RowError("registered_at", _("is earlier than occurred_at"))
    out["place_type"] = _choice(row, "place_type", PlaceType)
    out["status"] = _choice(row, "status", OffenceStatus)
    out["lat"], out["lon"] = _point(row)
    out["region_id"], out["district_id"], out["sector_id"] = _territory(row, lookups)
    if out["region_id"] is None and out["lat"] is None:
        raise RowError("region", _("give coordinates or a region code"))
    appeal_system = _text(row, "appeal_source_system")
    appeal_id = _text(row, "appeal_external_id")
    if bool(appeal_system) != bool(appeal_id):
        raise RowError(
            "appeal_external_id", _("appeal_source_system and appeal_external_id come together")
        )
    out["appeal_key"] = (appeal_system, appeal_id) if appeal_id else None
    parties: list[tuple[str, str, dt.date | None, str]] = []
    for column, role in PARTY_COLUMNS.items():
        for raw in filter(None, (p.strip() for p in row.get(column, "").split(";"))):
            try:
                info = parse_iin(raw)
            except InvalidIIN as error:
                raise RowError(column, str(error)) from None
            if info.birth_date is not None:
                occurred = out["occurred_at"].astimezone(ALMATY).date()
                if info.birth_date > occurred:
                    raise RowError(column, _("an IIN's birth date is after the offence occurred"))
                if occurred - info.birth_date > MAX_AGE:
                    raise RowError(
                        column, _("an IIN's birth date is more than 120 years before the offence")
                    )
            parties.append((role, iin_hash(raw), info.birth_date, info.sex))
    out["parties"] = parties
    return out


CLEANERS = {"appeals": clean_appeal, "offences": clean_offence}
