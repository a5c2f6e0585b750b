"""Typed timeline events the SLA clocks are computed from (SLP-7 to SLP-10, SLP-16).

The case lifecycle turns its stored timeline into these; the clocks read nothing else. Every
event carries `at`, an aware instant; it is kept in UTC so that events from different zones,
and the two instants of a fall-back hour, order correctly (PEP 495 compares same-zone
datetimes by wall time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class ClockError(ValueError):
    """A timeline, target table or argument the clock computation cannot accept."""


class ResolutionKind(StrEnum):
    """How support resolved an incident: the three cases of SLP-10."""

    SETTLED = "settled"  # (i) the incident is settled
    PLAN = "plan"  # (ii) a timeline or plan for a later update or upgrade
    NOT_A_DEFECT = "not_a_defect"  # (iii) not a bug or defect, or cannot be resolved in target


class DefectKind(StrEnum):
    """What a classification took the incident for (SLP-7)."""

    BUG = "bug"
    DEFECT = "defect"


def utc_instant(value: Any, *, name: str) -> datetime:
    """Return an aware datetime converted to UTC, refusing anything else."""
    if not isinstance(value, datetime):
        raise ClockError(f"{name} must be an aware datetime, not {value!r}")
    if value.utcoffset() is None:
        raise ClockError(f"{name} {value!r} is naive: give it a time zone (tzinfo)")
    return value.astimezone(UTC)


def _choice(enum: type[StrEnum], value: Any, *, name: str) -> Any:
    """Return `value` as a member of `enum`, or raise naming the allowed values."""
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(repr(member.value) for member in enum)
        raise ClockError(f"{name} must be one of {allowed}, not {value!r}") from None


def _text(value: Any, *, name: str, required: bool) -> str:
    """Return `value` stripped, refusing non-strings and, when required, blanks."""
    if not isinstance(value, str):
        raise ClockError(f"{name} must be a string, not {value!r}")
    if required and not value.strip():
        raise ClockError(f"{name} must not be blank")
    return value.strip()


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineEvent:
    """Something that happened to a case at an aware instant."""

    at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", utc_instant(self.at, name=f"{type(self).__name__}.at"))


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseReceived(TimelineEvent):
    """The case reached support: the response clock starts (SLP-8)."""

    proposed_priority: str

    def __post_init__(self) -> None:
        TimelineEvent.__post_init__(self)
        priority = _text(
            self.proposed_priority, name="CaseReceived.proposed_priority", required=True
        )
        object.__setattr__(self, "proposed_priority", priority)


@dataclass(frozen=True, slots=True, kw_only=True)
class PrioritySet(TimelineEvent):
    """Support assigned or changed the priority; both clocks re-target from their start."""

    priority: str

    def __post_init__(self) -> None:
        TimelineEvent.__post_init__(self)
        priority = _text(self.priority, name="PrioritySet.priority", required=True)
        object.__setattr__(self, "priority", priority)


@dataclass(frozen=True, slots=True, kw_only=True)
class InformationRequested(TimelineEvent):
    """Support asked the customer for information: the resolution clock waits (SLP-8)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InformationReceived(TimelineEvent):
    """The customer supplied the information support asked for."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicReply(TimelineEvent):
    """A public comment; the first one by staff is the response (SLP-9)."""

    by_staff: bool

    def __post_init__(self) -> None:
        TimelineEvent.__post_init__(self)
        if not isinstance(self.by_staff, bool):
            raise ClockError(f"PublicReply.by_staff must be True or False, not {self.by_staff!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Resolved(TimelineEvent):
    """Support recorded a resolution of one of the SLP-10 kinds."""

    kind: ResolutionKind

    def __post_init__(self) -> None:
        TimelineEvent.__post_init__(self)
        object.__setattr__(self, "kind", _choice(ResolutionKind, self.kind, name="Resolved.kind"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Reopened(TimelineEvent):
    """A resolved case was reopened: the resolution clock resumes with its elapsed time."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassifiedBugOrDefect(TimelineEvent):
    """The incident is a bug or a defect: the resolution target is withdrawn (SLP-7)."""

    kind: DefectKind
    reference: str = ""

    def __post_init__(self) -> None:
        TimelineEvent.__post_init__(self)
        object.__setattr__(
            self, "kind", _choice(DefectKind, self.kind, name="ClassifiedBugOrDefect.kind")
        )
        reference = _text(self.reference, name="ClassifiedBugOrDefect.reference", required=False)
        object.__setattr__(self, "reference", reference)


@dataclass(frozen=True, slots=True, kw_only=True)
class OutOfScope(TimelineEvent):
    """The request is out of scope: both clocks are withdrawn, the reason kept (SLP-16)."""

    reason: str

    def __post_init__(self) -> None:
        TimelineEvent.__post_init__(self)
        object.__setattr__(
            self, "reason", _text(self.reason, name="OutOfScope.reason", required=True)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Closed(TimelineEvent):
    """The case was closed: nothing counts after this."""


Event = (
    CaseReceived
    | PrioritySet
    | InformationRequested
    | InformationReceived
    | PublicReply
    | Resolved
    | Reopened
    | ClassifiedBugOrDefect
    | OutOfScope
    | Closed
)
EVENT_TYPES: tuple[type[TimelineEvent], ...] = Event.__args__
