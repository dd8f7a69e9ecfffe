"""Request and response shapes of the register API.

Input bodies carry the same columns as an ingest file and are checked by the same cleaners
(senim.register.ingest.schema), so types here are deliberately loose (text): a second set of
rules in pydantic would drift from the first. Outputs never carry a person identifier;
offence parties appear only as counts by role.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from senim.core.bounds import Latitude, Longitude
from senim.register.models import (
    AppealCategory,
    AppealStatus,
    Channel,
    OffenceKind,
    OffenceStatus,
    PlaceType,
)

MAX_LIMIT = 500


def _one_of(choices: Any) -> str:
    return "One of: " + ", ".join(choices.values)


# --- errors ----------------------------------------------------------------------------------


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    errors: list[FieldError]


def errors(message: str, field: str = "") -> dict[str, list[dict[str, str]]]:
    """The body every error response of the API shares."""
    return {"errors": [{"field": field, "message": message}]}


# --- filters ---------------------------------------------------------------------------------


class Page(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"Rows per page, at most {MAX_LIMIT}.")
    cursor: str | None = Field(
        None,
        description="`next_cursor` or `previous_cursor` of an earlier answer; none for the "
        "newest page. Opaque: a damaged cursor is a 422.",
    )


class TerritoryFilters(Page):
    region: str | None = Field(None, description="Region ISO 3166-2 code, e.g. KZ-75.")
    district: str | None = Field(None, description="District code, e.g. KZ-75-ALMALY.")
    sector: str | None = Field(None, description="Sector code.")
    date_from: dt.date | None = Field(None, description="First local (Almaty) day, inclusive.")
    date_to: dt.date | None = Field(None, description="Last local (Almaty) day, inclusive.")
    external_id: str | None = Field(
        None, description="The exact number in the source system (trimmed), in every system."
    )
    source_system: str | None = Field(
        None, description="Only this source system (with external_id: search in it only)."
    )


class AppealFilters(TerritoryFilters):
    channel: Channel | None = None
    category: AppealCategory | None = None
    status: AppealStatus | None = None
    grade: str | None = Field(None, description="Grade code, e.g. urgent.")
    received_from: dt.datetime | None = Field(
        None, description="Inclusive; a time without an offset is Almaty time."
    )
    received_to: dt.datetime | None = Field(None, description="Exclusive.")


class OffenceFilters(TerritoryFilters):
    kind: OffenceKind | None = None
    article: str | None = Field(None, description="Article code, e.g. UK-188.")
    place_type: PlaceType | None = None
    status: OffenceStatus | None = None
    registered_from: dt.datetime | None = Field(
        None, description="Inclusive; a time without an offset is Almaty time."
    )
    registered_to: dt.datetime | None = Field(None, description="Exclusive.")


# --- outputs ---------------------------------------------------------------------------------


class LocatedOut(Schema):
    id: int
    source_system: str
    external_id: str
    lat: float | None
    lon: float | None
    region: str = Field(description="Region ISO code.")
    district: str | None = Field(description="District code.")
    sector: str | None = Field(description="Sector code.")
    loaded_at: dt.datetime

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return obj.region.iso

    @staticmethod
    def resolve_district(obj: Any) -> str | None:
        return obj.district.code if obj.district_id else None

    @staticmethod
    def resolve_sector(obj: Any) -> str | None:
        return obj.sector.code if obj.sector_id else None


class AppealOut(LocatedOut):
    channel: str
    category: str
    status: str
    grade: str | None = Field(description="Grade code, none while ungraded.")
    received_at: dt.datetime
    answered_at: dt.datetime | None
    graded_at: dt.datetime | None
    dispatched_at: dt.datetime | None
    en_route_at: dt.datetime | None
    arrived_at: dt.datetime | None
    closed_at: dt.datetime | None
    due_at: dt.datetime | None = Field(description="When the response target runs out.")

    @staticmethod
    def resolve_grade(obj: Any) -> str | None:
        return obj.grade.code if obj.grade_id else None


class PartyCounts(Schema):
    victim: int
    suspect: int
    offender: int


class OffenceOut(LocatedOut):
    kind: str
    article: str = Field(description="Article code.")
    occurred_at: dt.datetime
    registered_at: dt.datetime
    place_type: str
    status: str
    appeal_id: int | None
    parties: PartyCounts = Field(description="How many parties of each role; never who.")

    @staticmethod
    def resolve_article(obj: Any) -> str:
        return obj.article.code

    @staticmethod
    def resolve_parties(obj: Any) -> dict[str, int]:
        # Set for a whole page by one grouped query (selectors.with_party_counts).
        return {role: getattr(obj, f"{role}_count") for role in ("victim", "suspect", "offender")}


class AppealPage(Schema):
    results: list[AppealOut]
    next_cursor: str | None = Field(description="Older rows; none on the last page.")
    previous_cursor: str | None = Field(description="Newer rows; none on the newest page.")


class OffencePage(Schema):
    results: list[OffenceOut]
    next_cursor: str | None = Field(description="Older rows; none on the last page.")
    previous_cursor: str | None = Field(description="Newer rows; none on the newest page.")


# --- inputs ----------------------------------------------------------------------------------


class RecordIn(Schema):
    """Columns shared by both kinds; values are checked by the ingest cleaners."""

    # A misspelt column must not be silently dropped (an ingest file refuses unknown columns too).
    model_config = ConfigDict(extra="forbid")

    source_system: str = Field(description="At most 40 characters.")
    external_id: str = Field(description="At most 64 characters; unique within source_system.")
    lat: Latitude | None = Field(None, description="Decimal degrees; with lon, locates the record.")
    lon: Longitude | None = None
    region: str | None = Field(None, description="Region ISO code, if no coordinates.")
    district: str | None = Field(None, description="District code.")
    sector: str | None = Field(None, description="Sector code.")

    def as_row(self) -> dict[str, str]:
        """The body as an ingest row: every value text, absent values empty."""
        row: dict[str, str] = {}
        for name, value in self.model_dump().items():
            if value is None:
                row[name] = ""
            elif isinstance(value, list):
                row[name] = ";".join(str(v) for v in value)
            else:
                row[name] = str(value)
        return row


_TIME = "ISO 8601; without an offset it is Almaty time."


class AppealIn(RecordIn):
    channel: str = Field(description=_one_of(Channel))
    category: str = Field(description=_one_of(AppealCategory))
    status: str = Field(description=_one_of(AppealStatus))
    received_at: str = Field(description=_TIME)
    answered_at: str | None = None
    dispatched_at: str | None = None
    arrived_at: str | None = None
    closed_at: str | None = None


class OffenceIn(RecordIn):
    kind: str = Field(description=_one_of(OffenceKind))
    article: str = Field(description="Article code, e.g. UK-188 or KoAP-434.")
    occurred_at: str = Field(description=_TIME)
    registered_at: str = Field(description=_TIME)
    place_type: str = Field(description=_one_of(PlaceType))
    status: str = Field(description=_one_of(OffenceStatus))
    appeal_source_system: str | None = None
    appeal_external_id: str | None = None
    # IINs are validated (checksum) and stored only as keyed hashes; never returned.
    victim_iins: list[str] = Field(default_factory=list)
    suspect_iins: list[str] = Field(default_factory=list)
    offender_iins: list[str] = Field(default_factory=list)


class CreatedOut(Schema):
    id: int
    created: bool = Field(description="False when an identical record was already loaded.")


class StatusIn(Schema):
    status: OffenceStatus
    reason: str = Field(min_length=1, max_length=1000, description="Why; kept in the audit log.")


# --- ingest and tokens -----------------------------------------------------------------------


class RejectedRowOut(Schema):
    row: int = Field(description="Row number as a person sees the file (CSV header is row 1).")
    field: str
    reason: str


class LoadSummaryOut(Schema):
    kind: str
    read: int
    loaded: int
    unchanged: int
    rejected: int
    batches: int
    seconds: float
    errors: list[RejectedRowOut]
    errors_truncated: bool


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime
    message: str
