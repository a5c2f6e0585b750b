"""Models of the cases app: the case, its timeline and attachments."""

from cases.models.case import (
    OPEN_STATUSES,
    Case,
    Category,
    Channel,
    ClockState,
    EscalationLevel,
    Exclusion,
    Status,
)
from cases.models.timeline import Attachment, CaseEvent, EventKind

__all__ = [
    "OPEN_STATUSES",
    "Attachment",
    "Case",
    "CaseEvent",
    "Category",
    "Channel",
    "ClockState",
    "EscalationLevel",
    "EventKind",
    "Exclusion",
    "Status",
]
