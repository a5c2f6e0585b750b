"""What the clock computation returns: states, due instants and a structured explanation.

Everything here is data. Portal and admin templates render it (and translate the labels);
nothing in this module formats text for people.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from sla.businesstime import DayExplanation
from sla.clocks.events import DefectKind, ResolutionKind


class ClockKind(StrEnum):
    """Which promise a clock measures (SLP-9, SLP-10)."""

    RESPONSE = "response"
    RESOLUTION = "resolution"


class ClockStatus(StrEnum):
    """Where a clock stands; the values match the case row's TextChoices."""

    NOT_STARTED = "not_started"  # resolution only: no priority yet, or information outstanding
    RUNNING = "running"  # counting, target not yet reached
    PAUSED = "paused"  # resolution only: waiting on the customer, target not yet reached
    MET = "met"  # stopped at or before the due instant
    MISSED = "missed"  # stopped after the due instant
    BREACHED = "breached"  # target reached and still not stopped
    WITHDRAWN = "withdrawn"  # no target applies any more (SLP-7, SLP-16, or closed in time)


class WithdrawnReason(StrEnum):
    """Why a clock's target no longer applies."""

    BUG = "bug"  # SLP-7
    DEFECT = "defect"  # SLP-7
    OUT_OF_SCOPE = "out_of_scope"  # SLP-16
    CLOSED = "closed"  # the case was closed before the clock stopped or fell due

    @classmethod
    def for_defect(cls, kind: DefectKind) -> WithdrawnReason:
        """Return the reason matching a bug or defect classification."""
        return cls.BUG if kind is DefectKind.BUG else cls.DEFECT


class PauseReason(StrEnum):
    """Why time after a clock's start did not count."""

    WAITING_ON_CUSTOMER = "waiting_on_customer"  # SLP-8
    RESOLVED = "resolved"  # between a resolution and the case's reopening


class PrioritySource(StrEnum):
    """Where the priority a clock is measured against came from."""

    PROPOSED = "proposed"  # the customer's proposal at receipt, before support set one
    SET = "set"  # set by support


@dataclass(frozen=True, slots=True)
class CountedSegment:
    """A stretch of real time whose support minutes counted, day by day."""

    start: datetime
    end: datetime
    minutes: int
    ongoing: bool  # still counting: `end` is the `now` of the computation
    days: tuple[DayExplanation, ...]


@dataclass(frozen=True, slots=True)
class Pause:
    """A stretch after the start that did not count, with the support minutes it held."""

    start: datetime
    end: datetime | None  # None while the pause lasts
    reason: PauseReason
    minutes: int  # support minutes inside the pause (up to `now` while it lasts)


@dataclass(frozen=True, slots=True)
class PriorityChange:
    """Support set the priority; the clocks re-target from their start."""

    at: datetime
    priority: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """How a clock reached its figures: what counted, what did not and why."""

    priority: str
    priority_source: PrioritySource
    priority_changes: tuple[PriorityChange, ...]
    target_minutes: int
    warning_threshold: int
    warning_minutes: int
    policy_label: str
    timezone: str
    segments: tuple[CountedSegment, ...]
    pauses: tuple[Pause, ...]
    closed_days: tuple[DayExplanation, ...]  # whole closed days inside counted segments


@dataclass(frozen=True, slots=True)
class ClockState:
    """One clock of a case as of the computation's `now`; instants are in UTC."""

    kind: ClockKind
    state: ClockStatus
    priority: str
    target_minutes: int
    used_minutes: int
    started_at: datetime | None
    due_at: datetime | None
    warn_at: datetime | None
    stopped_at: datetime | None
    resolution_kind: ResolutionKind | None
    withdrawn_reason: WithdrawnReason | None
    withdrawn_detail: str  # the defect reference or the out-of-scope reason
    explanation: Explanation

    @property
    def left_minutes(self) -> int:
        """Return the support minutes left before the target is reached (never negative)."""
        return max(0, self.target_minutes - self.used_minutes)

    @property
    def overdue_minutes(self) -> int:
        """Return the support minutes counted past the target (never negative)."""
        return max(0, self.used_minutes - self.target_minutes)

    @property
    def share_used(self) -> float:
        """Return the used share of the target: 1.0 at the due instant, more past it."""
        return self.used_minutes / self.target_minutes


@dataclass(frozen=True, slots=True)
class Clocks:
    """Both clocks of a case."""

    response: ClockState
    resolution: ClockState

    def __iter__(self) -> Iterator[ClockState]:
        return iter((self.response, self.resolution))


class DueSummary(NamedTuple):
    """The next instants the SLA sweep must look at a case, for the case row's indexes."""

    next_due_at: datetime | None
    next_warn_at: datetime | None


_ALERTABLE = frozenset({ClockStatus.RUNNING, ClockStatus.PAUSED, ClockStatus.BREACHED})


def clock_due_summary(
    clocks: Clocks,
    *,
    warned: Collection[ClockKind | str] = (),
    breached: Collection[ClockKind | str] = (),
) -> DueSummary:
    """Return the earliest due and warning instants still to be raised for a case.

    `warned` and `breached` name the clocks whose warning or breach the case has already
    raised (from its timeline), so storing the summary again never raises one twice. A due
    instant already past stays in the summary until its breach is raised: the sweep may run
    late, and a warning or breach is never lost because a service recomputed the clocks first.
    """
    warned, breached = {ClockKind(k) for k in warned}, {ClockKind(k) for k in breached}
    due, warn = [], []
    for clock in clocks:
        if clock.state not in _ALERTABLE or clock.kind in breached:
            continue
        if clock.due_at is not None:
            due.append(clock.due_at)
        # A breach supersedes the warning it skipped over (e.g. after a priority upgrade).
        if clock.state is ClockStatus.BREACHED or clock.kind in warned:
            continue
        if clock.warn_at is not None:
            warn.append(clock.warn_at)
    return DueSummary(min(due, default=None), min(warn, default=None))
