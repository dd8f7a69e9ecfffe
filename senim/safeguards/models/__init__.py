"""Safeguards: custody, ill-treatment complaints and Art. 146 cases, terminals, video ledger."""

from senim.safeguards.models.complaints import (
    Art146Case,
    CaseEvent,
    CaseEventKind,
    CaseStage,
    Complaint,
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintStage,
    ConvictPopulation,
)
from senim.safeguards.models.custody import AlertKind, CustodyRecord, DemoFacility, SentAlert
from senim.safeguards.models.devices import (
    BodycamEvent,
    BodycamEventKind,
    Camera,
    CameraKind,
    LedgerEntry,
    Recording,
    RetrievalRequest,
    Terminal,
    TerminalKind,
    TerminalOutage,
)

__all__ = [
    "AlertKind",
    "Art146Case",
    "BodycamEvent",
    "BodycamEventKind",
    "Camera",
    "CameraKind",
    "CaseEvent",
    "CaseEventKind",
    "CaseStage",
    "Complaint",
    "ComplaintChannel",
    "ComplaintOutcome",
    "ComplaintStage",
    "ConvictPopulation",
    "CustodyRecord",
    "DemoFacility",
    "LedgerEntry",
    "Recording",
    "RetrievalRequest",
    "SentAlert",
    "Terminal",
    "TerminalKind",
    "TerminalOutage",
]
