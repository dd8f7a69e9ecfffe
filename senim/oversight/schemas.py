"""Request and response shapes of the NPM API (senim.oversight.api).

Types are checked here (a date is a date, a count is not negative); the rules that need the
database (membership, region, the 2.5 m² norm) are the services', so they hold for the pages too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from senim.core.bounds import MAX_ID, Id
from senim.oversight.checklist import Item
from senim.oversight.models import ObstructionKind, RecStatus


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    errors: list[FieldError]


def errors(message: str, field: str = "") -> dict[str, list[dict[str, str]]]:
    return {"errors": [{"field": field, "message": message}]}


class AnswerIn(Schema):
    item: Item
    result: str = Field("", description="compliant, violation, not_applicable or not_checked")
    value: Decimal | None = Field(
        None, ge=0, le=10**6, description="m² per person, or a count of deficiencies"
    )
    note: str = Field("", max_length=500)


class FindingIn(Schema):
    text: str = Field(..., min_length=1)
    item: Item | None = None
    ill_treatment: bool = False


class RecommendationIn(Schema):
    text: str = Field(..., min_length=1)
    due_on: dt.date
    agency: str = Field("", description="Default: the institution's agency")
    institution: Id | None = Field(None, description="Addressee; default: the visited institution")
    finding: int | None = Field(
        None,
        ge=0,
        le=MAX_ID,
        description="Index into this visit's findings (POST /visits) or a finding id",
    )


class VisitIn(Schema):
    group: Id
    institution: Id
    visited_on: dt.date
    unannounced: bool = True
    team: list[Id] = Field(..., min_length=1, description="Member ids of the visiting team")
    interviews_private: int = Field(0, ge=0, le=10**6)
    note: str = ""
    checklist: list[AnswerIn] = []
    findings: list[FindingIn] = []
    recommendations: list[RecommendationIn] = []


class AnswerOut(Schema):
    item: str
    result: str
    value: Decimal | None
    note: str


class FindingOut(Schema):
    id: int
    item: str
    text: str
    ill_treatment: bool


class RecommendationOut(Schema):
    id: int
    visit_id: int
    institution_id: int
    agency: str
    text: str
    sent_on: dt.date
    due_on: dt.date
    status: str
    closed_on: dt.date | None
    proposal_id: int | None


class VisitOut(Schema):
    id: int
    group_id: int
    institution_id: int
    visited_on: dt.date
    unannounced: bool
    interviews_private: int


class VisitDetailOut(VisitOut):
    team: list[int]
    checklist: list[AnswerOut]
    findings: list[FindingOut]
    recommendations: list[RecommendationOut]


class VisitPage(Schema):
    count: int
    results: list[VisitOut]


class StatusIn(Schema):
    status: RecStatus
    on: dt.date | None = None
    note: str = Field("", max_length=500)


class EscalateIn(Schema):
    recommendations: list[Id] = Field(..., min_length=1)
    text: str = Field(..., min_length=1)


class ProposalOut(Schema):
    id: int
    agency: str
    region_id: int | None
    text: str


class ObstructionIn(Schema):
    occurred_at: dt.datetime
    kind: ObstructionKind
    official: str = Field(..., min_length=1)
    description: str = Field(..., min_length=1)


class ObstructionOut(Schema):
    id: int
    visit_id: int
    occurred_at: dt.datetime
    kind: str


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    sha256: str


class InstitutionOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    agency: str
    region: str
    active: bool
    included_on: dt.date


class InstitutionPage(Schema):
    count: int
    results: list[InstitutionOut]


class RowErrorOut(Schema):
    row: int
    field: str
    message: str


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[RowErrorOut]


class CellOut(Schema):
    sent: int
    implemented: int


class MatrixRowOut(Schema):
    region: str
    cells: dict[str, CellOut]
    total: CellOut


class MatrixOut(Schema):
    year: int
    agencies: list[str]
    rows: list[MatrixRowOut]
    totals: dict[str, CellOut]
    total: CellOut


class CoverageOut(Schema):
    as_of: dt.date
    summary: dict[str, int]
    institutions: list[dict[str, str | None]]
