"""Compute a case's response and resolution clocks from its timeline (SLP-7 to SLP-10, SLP-16).

Each clock is a small state machine walked over the sorted events. It records the stretches of
real time that count and the pauses; support minutes come from the calendar only at the end,
so the result is exact to the minute whatever the number of events.

Decisions the policy text leaves open:
- Before support sets a priority, the response clock is measured against the priority the
  customer proposed at receipt: the response clock starts when the case is received (SLP-8)
  and the reply is due "within the priority's response time" (SLP-9), so some priority must
  apply from the first minute. Once support sets one, it re-targets from the start.
- A clock that stopped is judged against the priority in force when it stopped; a later
  priority change only matters to a clock that counts again (a reopened resolution).
- Classifying a case as bug or defect, or out of scope, after its clock stopped keeps the
  recorded outcome; reopening such a case leaves the resolution clock withdrawn (SLP-7).
- Closing a case stops whatever still counts: a clock already past due stays breached (closing
  does not erase a broken promise); one still within target is withdrawn, reason "closed".
- Events later than `now` are ignored, so the result is the state as of `now`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from sla.businesstime import DayExplanation, SupportCalendar
from sla.clocks.events import (
    EVENT_TYPES,
    CaseReceived,
    ClassifiedBugOrDefect,
    ClockError,
    Closed,
    Event,
    InformationReceived,
    InformationRequested,
    OutOfScope,
    PrioritySet,
    PublicReply,
    Reopened,
    ResolutionKind,
    Resolved,
    utc_instant,
)
from sla.clocks.results import (
    ClockKind,
    Clocks,
    ClockState,
    ClockStatus,
    CountedSegment,
    Explanation,
    Pause,
    PauseReason,
    PriorityChange,
    PrioritySource,
    WithdrawnReason,
)
from sla.clocks.targets import Targets


class _Mode(Enum):
    NOT_STARTED = "not_started"
    COUNTING = "counting"
    WAITING = "waiting"
    STOPPED = "stopped"  # by its own event: the first staff reply, or a resolution
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


_TERMINAL = frozenset({_Mode.WITHDRAWN, _Mode.CLOSED})
_ENDED = frozenset({_Mode.STOPPED, _Mode.WITHDRAWN, _Mode.CLOSED})


@dataclass
class _Flags:
    """What the timeline has said so far, as one clock reads it."""

    priority_set: bool = False
    waiting: bool = False
    stopped: bool = False
    resolution_kind: ResolutionKind | None = None
    withdrawal: tuple[WithdrawnReason, str] | None = None
    closed: bool = False


@dataclass
class _Track:
    """The real-time history of one clock: counted spans, pauses and how it ended."""

    mode: _Mode = _Mode.NOT_STARTED
    started_at: datetime | None = None
    spans: list[list[Any]] = field(default_factory=list)  # [start, end or None]
    pauses: list[list[Any]] = field(default_factory=list)  # [start, end or None, reason]
    stopped_at: datetime | None = None
    resolution_kind: ResolutionKind | None = None
    withdrawal: tuple[WithdrawnReason, str] | None = None
    stopped_counting: bool = False  # stopped while counting, not while paused or before start

    def move(self, mode: _Mode, at: datetime, flags: _Flags) -> None:
        """Switch to `mode` at `at`, closing and opening spans and pauses."""
        if mode is self.mode:
            return
        if self.mode is _Mode.COUNTING:
            self.spans[-1][1] = at
        if self.pauses and self.pauses[-1][1] is None:
            self.pauses[-1][1] = at
        self.stopped_counting = mode is _Mode.STOPPED and self.mode is _Mode.COUNTING
        if self.mode is _Mode.STOPPED:
            if self.started_at is not None and mode not in _TERMINAL and self.stopped_at != at:
                self.pauses.append([self.stopped_at, at, PauseReason.RESOLVED])
            self.stopped_at, self.resolution_kind = None, None
        self.mode = mode
        if mode is _Mode.COUNTING:
            self.spans.append([at, None])
            self.started_at = self.started_at or at
        elif mode is _Mode.WAITING:
            self.pauses.append([at, None, PauseReason.WAITING_ON_CUSTOMER])
        elif mode in _ENDED:
            self.stopped_at = at
            self.resolution_kind = flags.resolution_kind if mode is _Mode.STOPPED else None
            self.withdrawal = flags.withdrawal if mode is _Mode.WITHDRAWN else None


def _read_response(flags: _Flags, event: Event) -> None:
    """Update the response clock's view: it stops at the first staff reply (SLP-9)."""
    match event:
        case PublicReply(by_staff=True):
            flags.stopped = True
        case OutOfScope(reason=reason):
            flags.withdrawal = flags.withdrawal or (WithdrawnReason.OUT_OF_SCOPE, reason)
        case Closed():
            flags.closed = True


def _read_resolution(flags: _Flags, event: Event) -> None:
    """Update the resolution clock's view of the timeline (SLP-7, SLP-8, SLP-10, SLP-16)."""
    match event:
        case PrioritySet():
            flags.priority_set = True
        case InformationRequested():
            flags.waiting = True
        case InformationReceived():
            flags.waiting = False
        case Resolved(kind=kind) if not flags.stopped:
            # Once resolved, an outstanding information request no longer holds anything up.
            flags.stopped, flags.resolution_kind, flags.waiting = True, kind, False
        case Reopened() if not flags.closed:
            flags.stopped = False
        case ClassifiedBugOrDefect(kind=kind, reference=reference):
            reason = WithdrawnReason.for_defect(kind)
            flags.withdrawal = flags.withdrawal or (reason, reference)
        case OutOfScope(reason=reason):
            flags.withdrawal = flags.withdrawal or (WithdrawnReason.OUT_OF_SCOPE, reason)
        case Closed():
            flags.closed = True


def _response_mode(flags: _Flags, started: bool) -> _Mode:
    """Return the response clock's mode: it counts from receipt and never pauses."""
    if flags.stopped:
        return _Mode.STOPPED
    if flags.withdrawal:
        return _Mode.WITHDRAWN
    return _Mode.CLOSED if flags.closed else _Mode.COUNTING


def _resolution_mode(flags: _Flags, started: bool) -> _Mode:
    """Return the resolution clock's mode: it needs a priority and no outstanding request."""
    if flags.stopped:
        return _Mode.STOPPED
    if flags.withdrawal:
        return _Mode.WITHDRAWN
    if flags.closed:
        return _Mode.CLOSED
    if not flags.priority_set or (flags.waiting and not started):
        return _Mode.NOT_STARTED
    return _Mode.WAITING if flags.waiting else _Mode.COUNTING


_RULES: dict[ClockKind, tuple[Callable[[_Flags, Event], None], Callable[[_Flags, bool], _Mode]]]
_RULES = {
    ClockKind.RESPONSE: (_read_response, _response_mode),
    ClockKind.RESOLUTION: (_read_resolution, _resolution_mode),
}


def _walk(timeline: list[Event], kind: ClockKind) -> _Track:
    """Replay the sorted timeline through one clock's rules."""
    read, mode_of = _RULES[kind]
    track, flags = _Track(), _Flags()
    for event in timeline:
        if track.mode in _TERMINAL:
            break
        read(flags, event)
        track.move(mode_of(flags, track.started_at is not None), event.at, flags)
    return track


def _timeline(events: Iterable[Event], now: datetime) -> list[Event]:
    """Return the events up to `now` in time order, receipt first, after checking them."""
    if isinstance(events, str | bytes) or not isinstance(events, Iterable):
        raise ClockError(f"events must be a sequence of timeline events, not {events!r}")
    items = list(events)
    for event in items:
        if not isinstance(event, EVENT_TYPES):
            raise ClockError(f"not a timeline event: {event!r}")
    receipts = [event for event in items if isinstance(event, CaseReceived)]
    if len(receipts) != 1:
        raise ClockError(f"a timeline needs exactly one CaseReceived event, not {len(receipts)}")
    received = receipts[0].at
    if now < received:
        raise ClockError(
            f"now ({now.isoformat()}) is before the case was received ({received.isoformat()})"
        )
    for event in items:
        if event.at < received:
            raise ClockError(
                f"{type(event).__name__} at {event.at.isoformat()} comes before the case was "
                f"received at {received.isoformat()}"
            )
    # Stable: events at the same instant keep their given order, after the receipt.
    return sorted(
        (event for event in items if event.at <= now),
        key=lambda event: (event.at, not isinstance(event, CaseReceived)),
    )


@dataclass(frozen=True)
class _Context:
    """What every clock of one computation shares."""

    targets: Targets
    calendar: SupportCalendar
    now: datetime
    policy_label: str
    proposed: str
    changes: tuple[PriorityChange, ...]

    def priority_at(self, at: datetime) -> tuple[str, PrioritySource, tuple[PriorityChange, ...]]:
        """Return the priority in force at `at`, where it came from, and the changes so far."""
        changes = tuple(change for change in self.changes if change.at <= at)
        if changes:
            return changes[-1].priority, PrioritySource.SET, changes
        return self.proposed, PrioritySource.PROPOSED, ()


def _context(
    timeline: list[Event], targets: Targets, calendar: SupportCalendar, now: datetime, label: str
) -> _Context:
    """Return the shared context, refusing priorities the target table does not know."""
    proposed = next(event for event in timeline if isinstance(event, CaseReceived))
    targets.of(proposed.proposed_priority)
    changes = []
    for event in timeline:
        if isinstance(event, PrioritySet):
            targets.of(event.priority)
            changes.append(PriorityChange(at=event.at, priority=event.priority))
    return _Context(targets, calendar, now, label, proposed.proposed_priority, tuple(changes))


def _reach(
    calendar: SupportCalendar,
    segments: list[tuple[datetime, datetime]],
    minutes: list[int],
    goal: int,
    *,
    extend_last: bool,
) -> datetime | None:
    """Return when the counted segments reach `goal` minutes, extending the last if asked."""
    before = 0
    for (start, _), counted in zip(segments, minutes, strict=True):
        if before + counted >= goal:
            return calendar.add(start, goal - before)
        before += counted
    if extend_last and segments:
        return calendar.add(segments[-1][0], goal - before + minutes[-1])
    return None


def _deadlines(
    track: _Track,
    calendar: SupportCalendar,
    segments: list[tuple[datetime, datetime]],
    minutes: list[int],
    *,
    goals: tuple[int, int],
) -> tuple[datetime | None, datetime | None]:
    """Return the due and warning instants of a clock that has them."""
    if track.mode in (_Mode.NOT_STARTED, _Mode.WITHDRAWN):
        return None, None
    # The due instant of a clock stopped while counting is where it would have fallen.
    extend = track.mode is _Mode.COUNTING or track.stopped_counting
    due, warn = (_reach(calendar, segments, minutes, goal, extend_last=extend) for goal in goals)
    return due, warn


def _status(
    mode: _Mode, *, used: int, target: int, due: datetime | None, stopped: datetime | None
) -> ClockStatus:
    """Return the public state of a clock whose track ended in `mode`."""
    reached = used >= target
    if mode is _Mode.STOPPED:
        late = due is not None and stopped is not None and stopped > due
        return ClockStatus.MISSED if late else ClockStatus.MET
    if mode is _Mode.COUNTING:
        return ClockStatus.BREACHED if reached else ClockStatus.RUNNING
    if mode is _Mode.WAITING:
        return ClockStatus.BREACHED if reached else ClockStatus.PAUSED
    if mode is _Mode.CLOSED:
        return ClockStatus.BREACHED if reached else ClockStatus.WITHDRAWN
    if mode is _Mode.WITHDRAWN:
        return ClockStatus.WITHDRAWN
    return ClockStatus.NOT_STARTED


def _closed_days(segments: Iterable[CountedSegment]) -> tuple[DayExplanation, ...]:
    """Return each closed day inside the counted segments once, in date order."""
    days = {}
    for segment in segments:
        for day in segment.days:
            if day.closed_reason is not None:
                days.setdefault(day.date, day)
    return tuple(days[key] for key in sorted(days))


def _explain(
    track: _Track,
    ctx: _Context,
    segments: list[tuple[datetime, datetime]],
    minutes: list[int],
    **fields: Any,
) -> Explanation:
    """Return the day-by-day account of a clock's counted segments and pauses."""
    calendar, now = ctx.calendar, ctx.now
    # Events at the same instant can leave empty spans and pauses: nothing to show there.
    counted = tuple(
        CountedSegment(
            start=start,
            end=stop,
            minutes=count,
            ongoing=open_end is None,
            days=tuple(calendar.explain(start, stop)),
        )
        for (start, stop), count, (_, open_end) in zip(segments, minutes, track.spans, strict=True)
        if start != stop or open_end is None
    )
    pauses = tuple(
        Pause(start=start, end=stop, reason=reason, minutes=calendar.between(start, stop or now))
        for start, stop, reason in track.pauses
        if start != stop
    )
    return Explanation(
        warning_threshold=ctx.targets.warning_threshold,
        policy_label=ctx.policy_label,
        timezone=str(getattr(calendar.tz, "key", calendar.tz)),
        segments=counted,
        pauses=pauses,
        closed_days=_closed_days(counted),
        **fields,
    )


def _finish(track: _Track, kind: ClockKind, ctx: _Context) -> ClockState:
    """Turn a clock's track into its public state as of `ctx.now`."""
    calendar, now = ctx.calendar, ctx.now
    priority, source, changes = ctx.priority_at(track.stopped_at if track.mode in _ENDED else now)
    pair = ctx.targets.of(priority)
    target = pair.response_minutes if kind is ClockKind.RESPONSE else pair.resolution_minutes
    warning = ctx.targets.warning_minutes(target)
    segments = [(start, stop or now) for start, stop in track.spans]
    minutes = [calendar.between(start, stop) for start, stop in segments]
    used = sum(minutes)
    due, warn = _deadlines(track, calendar, segments, minutes, goals=(target, warning))
    state = _status(track.mode, used=used, target=target, due=due, stopped=track.stopped_at)
    withdrawal = track.withdrawal
    if state is ClockStatus.WITHDRAWN:
        due = warn = None
        withdrawal = withdrawal or (WithdrawnReason.CLOSED, "")
    return ClockState(
        kind=kind,
        state=state,
        priority=priority,
        target_minutes=target,
        used_minutes=used,
        started_at=track.started_at,
        due_at=due,
        warn_at=warn,
        stopped_at=track.stopped_at,
        resolution_kind=track.resolution_kind,
        withdrawn_reason=withdrawal[0] if withdrawal else None,
        withdrawn_detail=withdrawal[1] if withdrawal else "",
        explanation=_explain(
            track,
            ctx,
            segments,
            minutes,
            priority=priority,
            priority_source=source,
            priority_changes=changes,
            target_minutes=target,
            warning_minutes=warning,
        ),
    )


def compute_clocks(
    events: Iterable[Event],
    *,
    targets: Targets | Any,
    calendar: SupportCalendar,
    now: datetime,
    warning_threshold: int | None = None,
    policy_label: str = "",
) -> Clocks:
    """Return both clocks of a case as of `now`, computed from its timeline.

    `targets` is a Targets or a mapping of priority to a TargetPair or a (response,
    resolution) pair of support minutes; `warning_threshold` (percent) overrides its threshold
    (75 by default). `policy_label` is passed through to the explanations.
    """
    now = utc_instant(now, name="now")
    if not isinstance(calendar, SupportCalendar):
        raise ClockError(f"calendar must be a SupportCalendar, not {calendar!r}")
    if not isinstance(policy_label, str):
        raise ClockError(f"policy_label must be a string, not {policy_label!r}")
    table = Targets.coerce(targets, warning_threshold=warning_threshold)
    timeline = _timeline(events, now)
    ctx = _context(timeline, table, calendar, now, policy_label)
    return Clocks(
        response=_finish(_walk(timeline, ClockKind.RESPONSE), ClockKind.RESPONSE, ctx),
        resolution=_finish(_walk(timeline, ClockKind.RESOLUTION), ClockKind.RESOLUTION, ctx),
    )
