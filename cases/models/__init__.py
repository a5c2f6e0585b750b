"""Models of the cases app: the case, its timeline and attachments, and the staff workspace."""

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
from cases.models.workspace import CannedReply, SavedView

__all__ = [
    "OPEN_STATUSES",
    "Attachment",
    "CannedReply",
    "Case",
    "CaseEvent",
    "Category",
    "Channel",
    "ClockState",
    "EscalationLevel",
    "EventKind",
    "Exclusion",
    "SavedView",
    "Status",
]
