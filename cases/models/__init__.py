"""Models of the cases app: cases, timeline, attachments, customer ratings, staff workspace."""

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
from cases.models.satisfaction import CaseRating, Satisfaction, current_rating_score
from cases.models.timeline import Attachment, CaseEvent, EventKind
from cases.models.workspace import CannedReply, SavedView

__all__ = [
    "OPEN_STATUSES",
    "Attachment",
    "CannedReply",
    "Case",
    "CaseEvent",
    "CaseRating",
    "Category",
    "Channel",
    "ClockState",
    "EscalationLevel",
    "EventKind",
    "Exclusion",
    "Satisfaction",
    "SavedView",
    "Status",
    "current_rating_score",
]
