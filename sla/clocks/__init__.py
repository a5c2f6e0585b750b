"""SLA clocks: a case's response and resolution clocks, computed from its timeline.

Pure Python over the business-time engine: no Django, no database. The case lifecycle turns
its stored timeline into the typed events below, calls `compute_clocks`, and stores
`clock_due_summary` on the case row for the sweep.
"""

from sla.clocks.compute import compute_clocks
from sla.clocks.events import (
    CaseReceived,
    ClassifiedBugOrDefect,
    ClockError,
    Closed,
    DefectKind,
    Event,
    InformationReceived,
    InformationRequested,
    OutOfScope,
    PrioritySet,
    PublicReply,
    Reopened,
    ResolutionKind,
    Resolved,
    TimelineEvent,
)
from sla.clocks.results import (
    ClockKind,
    Clocks,
    ClockState,
    ClockStatus,
    CountedSegment,
    DueSummary,
    Explanation,
    Pause,
    PauseReason,
    PriorityChange,
    PrioritySource,
    WithdrawnReason,
    clock_due_summary,
)
from sla.clocks.targets import DEFAULT_WARNING_THRESHOLD, Target, TargetPair, Targets

__all__ = [
    "DEFAULT_WARNING_THRESHOLD",
    "CaseReceived",
    "ClassifiedBugOrDefect",
    "ClockError",
    "ClockKind",
    "ClockState",
    "ClockStatus",
    "Clocks",
    "Closed",
    "CountedSegment",
    "DefectKind",
    "DueSummary",
    "Event",
    "Explanation",
    "InformationReceived",
    "InformationRequested",
    "OutOfScope",
    "Pause",
    "PauseReason",
    "PriorityChange",
    "PrioritySet",
    "PrioritySource",
    "PublicReply",
    "Reopened",
    "ResolutionKind",
    "Resolved",
    "Target",
    "TargetPair",
    "Targets",
    "TimelineEvent",
    "WithdrawnReason",
    "clock_due_summary",
    "compute_clocks",
]
