"""The integrity app's models: officers' files, complaints against officers, discipline."""

from senim.integrity.models.complaints import (
    CORRUPTION_KINDS,
    AppealOutcome,
    Commendation,
    CommendationKind,
    ComplaintKind,
    ComplaintSource,
    ComplaintStatus,
    DisciplinaryMeasure,
    Finding,
    MeasureKind,
    OfficerComplaint,
)
from senim.integrity.models.early import (
    FlagStatus,
    Intervention,
    InterventionKind,
    ModelStatus,
    Outcome,
    RiskFlag,
    RiskModel,
)
from senim.integrity.models.intake import DeclineReason, IntakeStatus, PortalComplaint
from senim.integrity.models.programme import MeasureStatus, ProgrammeMeasure
from senim.integrity.models.staff import (
    Course,
    Duty,
    DutyMonth,
    OfficerFile,
    Rank,
    ServiceStatus,
    Training,
)
from senim.integrity.models.welfare import Screening, SupportContact, SupportKind

__all__ = [
    "CORRUPTION_KINDS",
    "AppealOutcome",
    "Commendation",
    "CommendationKind",
    "ComplaintKind",
    "ComplaintSource",
    "ComplaintStatus",
    "Course",
    "DeclineReason",
    "DisciplinaryMeasure",
    "Duty",
    "DutyMonth",
    "Finding",
    "FlagStatus",
    "IntakeStatus",
    "Intervention",
    "InterventionKind",
    "MeasureKind",
    "MeasureStatus",
    "ModelStatus",
    "OfficerComplaint",
    "OfficerFile",
    "Outcome",
    "PortalComplaint",
    "ProgrammeMeasure",
    "Rank",
    "RiskFlag",
    "RiskModel",
    "Screening",
    "ServiceStatus",
    "SupportContact",
    "SupportKind",
    "Training",
]
