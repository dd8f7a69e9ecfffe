"""Request and response shapes of the safeguards API.

Lengths are limited here so that an oversized field is refused with its name before anything
is looked up; the rules between fields (times that contradict each other, unknown facilities)
are the services' and come back in the same {"errors": [{"field", "message"}]} shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from senim.core.bounds import MAX_ID, Id
from senim.safeguards.services import custody

Text40 = Field(..., min_length=1, max_length=40)
Text64 = Field(..., min_length=1, max_length=64)


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    errors: list[FieldError]


class CreatedOut(Schema):
    id: int
    created: bool


# --- custody ---------------------------------------------------------------------------------


class CustodyIn(Schema):
    """Times without an offset are Almaty time. Give the IIN, or the birth date without one."""

    source_system: str = Text40
    external_id: str = Text64
    facility_id: Id
    iin: str | None = Field(None, max_length=12)
    birth_date: dt.date | None = None
    sex: Literal["M", "F", ""] = ""
    detained_at: dt.datetime = Field(..., description="Actual detention time.")
    recorded_at: dt.datetime = Field(..., description="When the detention record was drawn up.")
    prosecutor_notified_at: dt.datetime | None = None
    prosecutor_notice_in_writing: bool = False
    court_order_at: dt.datetime | None = None
    released_at: dt.datetime | None = None
    rights_explained_at: dt.datetime | None = None
    lawyer_present: bool = False
    family_notified_at: dt.datetime | None = None
    medical_exam_at: dt.datetime | None = None
    injuries_recorded: bool = False
    injuries_note: str = Field("", max_length=2000)
    grounds: str = Field("", max_length=500, description="Grounds for detention, as recorded.")
    force_used: bool = Field(False, description="Physical force or special means used.")
    officer_badge: str = Field(
        "", max_length=20, description="The detaining officer's badge (an officer of the region)."
    )

    def as_input(self) -> custody.CustodyInput:
        """The service's input; the API and the entry form both go through here."""
        data = self.model_dump()
        core = {
            k: data.pop(k)
            for k in ("source_system", "external_id", "facility_id", "detained_at", "recorded_at")
        }
        flags = {
            k: data.pop(k)
            for k in (
                "iin",
                "birth_date",
                "sex",
                *custody.FLAGS,
                "injuries_note",
                "grounds",
                "officer_badge",
            )
        }
        return custody.CustodyInput(**core, **flags, times=data)


class CustodyChangeIn(Schema):
    """Only the fields sent are changed; changing an already recorded value needs `reason`."""

    reason: str = Field("", max_length=500)
    detained_at: dt.datetime | None = None
    recorded_at: dt.datetime | None = None
    prosecutor_notified_at: dt.datetime | None = None
    prosecutor_notice_in_writing: bool | None = None
    court_order_at: dt.datetime | None = None
    released_at: dt.datetime | None = None
    rights_explained_at: dt.datetime | None = None
    lawyer_present: bool | None = None
    family_notified_at: dt.datetime | None = None
    medical_exam_at: dt.datetime | None = None
    injuries_recorded: bool | None = None
    injuries_note: str | None = Field(None, max_length=2000)
    grounds: str | None = Field(None, max_length=500)
    force_used: bool | None = None


class ClockOut(Schema):
    deadline: dt.datetime
    warn_at: dt.datetime
    met_at: dt.datetime | None
    state: str


class CustodyOut(Schema):
    id: int
    source_system: str
    external_id: str
    person: str
    is_minor: bool
    facility_id: int
    region: str
    detained_at: dt.datetime
    recorded_at: dt.datetime
    prosecutor_notified_at: dt.datetime | None
    prosecutor_notice_in_writing: bool
    court_order_at: dt.datetime | None
    released_at: dt.datetime | None
    rights_explained_at: dt.datetime | None
    lawyer_present: bool
    family_notified_at: dt.datetime | None
    medical_exam_at: dt.datetime | None
    injuries_recorded: bool
    grounds: str
    force_used: bool
    officer_badge: str | None
    custody_clock: ClockOut
    prosecutor_clock: ClockOut


class AlertOut(Schema):
    id: int
    kind: str
    region: str
    custody_id: int | None
    terminal_id: int | None
    due_at: dt.datetime
    sent_at: dt.datetime
    recipients: int


# --- complaints ------------------------------------------------------------------------------


class ComplaintIn(Schema):
    source_system: str = Text40
    external_id: str = Text64
    received_at: dt.datetime
    channel: str = Field(..., max_length=24)
    stage: str = Field(..., max_length=16)
    region: str | None = Field(None, max_length=8, description="ISO code, if no facility or unit.")
    facility_id: Id | None = None
    unit_id: Id | None = None
    officer_id: Id | None = None
    event_date: dt.date | None = None
    iin: str | None = Field(None, max_length=12)
    complainant_name: str = Field("", max_length=200)
    complainant_contact: str = Field("", max_length=200)
    summary: str = Field("", max_length=4000)
    handler_ids: list[Id] = Field(default_factory=list, max_length=20)
    handled_by: str = Field("", max_length=16, description="central | representative | empty")


class ComplaintStepIn(Schema):
    step: Literal["registered", "forensic", "video", "outcome"]
    at: dt.datetime
    erdr_number: str = Field("", max_length=30)
    outcome: str = Field("", max_length=16)


class IdentityOut(Schema):
    person: str | None
    name: str
    contact: str
    summary: str


class ComplaintOut(Schema):
    id: int
    received_at: dt.datetime
    channel: str
    stage: str
    region: str | None
    facility_id: int | None
    event_date: dt.date | None
    repeat_of: int | None
    erdr_registered_at: dt.datetime | None
    forensic_ordered_at: dt.datetime | None
    video_requested_at: dt.datetime | None
    outcome: str
    identity_visible: bool
    identity: IdentityOut | None


class Table2Out(Schema):
    region: str
    convicts: int | None
    complaints: int
    rate: float | None
    published_complaints: int | None
    published_rate: float | None


# --- cases -----------------------------------------------------------------------------------


class CaseIn(Schema):
    source_system: str = Text40
    external_id: str = Text64
    region: str = Field(..., max_length=8)
    registered_on: dt.date
    article: str = Field("146-1", max_length=20)
    erdr_number: str = Field("", max_length=30)
    complaint_id: Id | None = None


class CaseEventIn(Schema):
    kind: str = Field(..., max_length=24)
    on: dt.date
    persons: int = Field(0, ge=0, le=100)
    to_article: str = Field("", max_length=20)
    note: str = Field("", max_length=500)


class CaseOut(Schema):
    id: int
    region: str
    registered_on: dt.date
    article: str
    stage: str


class ComparisonOut(Schema):
    series: str
    period: str
    published: int
    computed: int


class SeriesOut(Schema):
    years: list[int]
    series: dict[str, dict[int, int]]
    published: list[ComparisonOut]


# --- terminals and the ledger ----------------------------------------------------------------


class TerminalIn(Schema):
    facility_id: Id
    kind: str = Field(..., max_length=20)
    serial: str = Text64
    installed_on: dt.date | None = None


class TerminalReportIn(Schema):
    """A device seen out of order since `at`, or back in order at `at` (Almaty time if naive)."""

    terminal_id: int = Field(..., ge=1, le=2**63 - 1)
    kind: Literal["outage", "restored"]
    at: dt.datetime


class TerminalReportOut(Schema):
    outage_id: int
    terminal_id: int
    started_at: dt.datetime
    ended_at: dt.datetime | None


class TerminalOut(Schema):
    id: int
    serial: str
    kind: str
    facility_id: int


class TokenOut(Schema):
    token: str


class HeartbeatOut(Schema):
    terminal: str
    received_at: dt.datetime
    outage_ended: bool


class FailureOut(Schema):
    region: str
    terminals: int
    payphones: int
    failed_terminals: int
    failed_payphones: int
    down_now: int
    published_terminals: int | None
    published_payphones: int | None


class RecordingIn(Schema):
    camera: str = Text64
    starts_at: dt.datetime
    ends_at: dt.datetime
    sha256: str = Field(..., max_length=64)
    storage: str = Field(..., min_length=1, max_length=500)
    size_bytes: int | None = Field(None, ge=0, le=MAX_ID)


class RecordingOut(Schema):
    id: int
    camera: str
    facility_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    sha256: str
    storage: str
    ledger_seq: int | None


class RetrievalIn(Schema):
    facility_id: Id
    window_start: dt.datetime
    window_end: dt.datetime
    reason: str = Field(..., min_length=1, max_length=500)
    complaint_id: Id | None = None


class RetrievalOut(Schema):
    id: int
    footage_missing: bool
    found: list[int]
    missing: list[dict[str, str]]
    switched_off: list[dict[str, str]]
    ledger_seq: int | None


class BodycamIn(Schema):
    camera: str = Text64
    kind: str = Field(..., max_length=16)
    at: dt.datetime
    reason: str = Field("", max_length=300)


class VerifyOut(Schema):
    ok: bool
    checked: int
    head: str
    problems: list[str]
