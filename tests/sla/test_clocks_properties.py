"""Property tests: the clocks agree with a plain interval reference (SLP-6, SLP-8 to SLP-10).

The reference knows nothing of the clocks' state machine: it takes the priority instant, the
waiting stretches and the end (resolution or now), subtracts the waiting stretches from
[priority, end) as plain intervals, and asks the calendar for the support minutes of what is
left. Timelines are random over 2026-2027 on the Chicago, Tokyo and UK calendars.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sla.businesstime import SupportCalendar
from sla.clocks import (
    CaseReceived,
    ClockStatus,
    InformationReceived,
    InformationRequested,
    PrioritySet,
    PublicReply,
    Resolved,
    compute_clocks,
)

CALENDARS = [
    SupportCalendar(timezone="America/Chicago", opens="08:00", closes="17:00", holidays="US"),
    SupportCalendar(timezone="Asia/Tokyo", opens="08:00", closes="17:00", holidays="US"),
    SupportCalendar(timezone="UTC", opens="09:00", closes="17:00", holidays="GB-ENG"),
]
TARGETS = {"P1": (150, 480), "P2": (480, 1440), "P3": (1440, 2880), "P4": (2880, 3600)}
FIRST = datetime(2026, 1, 1, tzinfo=UTC)
TWO_YEARS = 2 * 365 * 24 * 60
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Story:
    """A random resolution timeline and the plain facts the reference needs."""

    calendar: SupportCalendar
    priority: str
    received: datetime
    priority_at: datetime
    waits: list[tuple[datetime, datetime | None]]  # information requested, received
    resolved: datetime | None
    reply: datetime | None
    now: datetime

    def events(self) -> list:
        events = [
            CaseReceived(at=self.received, proposed_priority="P4"),
            PrioritySet(at=self.priority_at, priority=self.priority),
        ]
        for asked, answered in self.waits:
            events.append(InformationRequested(at=asked))
            if answered is not None:
                events.append(InformationReceived(at=answered))
        if self.resolved is not None:
            events.append(Resolved(at=self.resolved, kind="settled"))
        if self.reply is not None:
            events.append(PublicReply(at=self.reply, by_staff=True))
        return events

    def counted(self, *, keep_empty: bool = False) -> list[tuple[datetime, datetime]]:
        """Return [priority, end) minus the waiting stretches: what the resolution counts."""
        end = self.resolved or self.now
        pieces, cursor = [], self.priority_at
        for asked, answered in self.waits:
            answered = min(answered or end, end)
            if asked > cursor:
                pieces.append((cursor, min(asked, end)))
            cursor = max(cursor, answered)
        if cursor <= end:
            pieces.append((cursor, end))
        return [(a, b) for a, b in pieces if keep_empty or a < b]

    def pauses(self, start: datetime) -> list[tuple[datetime, datetime | None]]:
        """Return the waiting stretches after `start`, cut short by a resolution."""
        pauses = []
        for asked, answered in self.waits:
            ends = [t for t in (answered, self.resolved) if t is not None]
            end = min(ends) if ends else None
            if end is None or max(asked, start) < end:
                pauses.append((max(asked, start), end))
        return pauses


@st.composite
def stories(draw) -> Story:
    """Draw a timeline: a priority somewhere among alternating information requests."""
    calendar = draw(st.sampled_from(CALENDARS))
    received = FIRST + draw(st.integers(0, TWO_YEARS)) * MINUTE
    steps = draw(st.lists(st.integers(1, 4 * 24 * 60), min_size=3, max_size=10))
    instants = []
    for step in steps:
        instants.append((instants[-1] if instants else received) + step * MINUTE)
    # The priority takes one of the instants; the others alternate request and answer.
    slot = draw(st.integers(0, len(instants) - 2))
    priority_at = instants.pop(slot)
    now = instants.pop()
    resolved = now - draw(st.integers(0, 3 * 24 * 60)) * MINUTE if draw(st.booleans()) else None
    if resolved is not None and resolved < priority_at:
        resolved = None
    waits = [
        (asked, instants[i + 1] if i + 1 < len(instants) else None)
        for i, asked in enumerate(instants)
        if i % 2 == 0
    ]
    waits = [(a, b) for a, b in waits if resolved is None or a < resolved]
    reply = received + draw(st.integers(0, 5 * 24 * 60)) * MINUTE if draw(st.booleans()) else None
    return Story(
        calendar=calendar,
        priority=draw(st.sampled_from(sorted(TARGETS))),
        received=received,
        priority_at=priority_at,
        waits=waits,
        resolved=resolved,
        reply=reply if reply is not None and reply <= now else None,
        now=now,
    )


def _compute(story: Story, now: datetime | None = None):
    return compute_clocks(
        story.events(), targets=TARGETS, calendar=story.calendar, now=now or story.now
    )


def _minutes_until(calendar, pieces, instant) -> int:
    """Return the support minutes of `pieces` that lie before `instant`."""
    return sum(calendar.between(a, min(b, instant)) for a, b in pieces if a < instant)


@settings(max_examples=150, deadline=None)
@given(stories())
def test_resolution_used_minutes_match_the_interval_reference(story: Story):
    resolution = _compute(story).resolution
    reference = story.counted()

    assert [(s.start, s.end) for s in resolution.explanation.segments] == reference
    assert resolution.used_minutes == sum(story.calendar.between(a, b) for a, b in reference)
    assert resolution.used_minutes == sum(s.minutes for s in resolution.explanation.segments)
    if reference:
        assert resolution.started_at == reference[0][0]
        # SLP-8: after the start, what did not count is exactly the time waiting on the customer.
        assert [(p.start, p.end) for p in resolution.explanation.pauses] == story.pauses(
            resolution.started_at
        )


@settings(max_examples=150, deadline=None)
@given(stories())
def test_resolution_due_instant_is_the_first_instant_the_target_is_reached(story: Story):
    resolution = _compute(story).resolution
    # Empty pieces matter here: resolved the instant counting resumed still projects from it.
    pieces = story.counted(keep_empty=True)
    if resolution.due_at is None:
        # Paused, not started, or resolved while waiting on the customer within the target.
        assert resolution.state in {ClockStatus.PAUSED, ClockStatus.NOT_STARTED, ClockStatus.MET}
        return
    if resolution.state in {ClockStatus.RUNNING, ClockStatus.MET, ClockStatus.MISSED}:
        # A clock running, or stopped while counting, projects its last segment to the due.
        pieces[-1] = (pieces[-1][0], max(pieces[-1][1], resolution.due_at))
    target = resolution.target_minutes

    assert _minutes_until(story.calendar, pieces, resolution.due_at) == target
    assert _minutes_until(story.calendar, pieces, resolution.due_at - MINUTE) == target - 1
    reached = resolution.due_at <= (resolution.stopped_at or story.now)
    assert (resolution.used_minutes >= target) == reached


@settings(max_examples=150, deadline=None)
@given(stories())
def test_without_pauses_the_due_instant_is_the_target_after_the_start(story: Story):
    story = Story(**{**story.__dict__, "waits": [], "resolved": None})
    both = _compute(story)

    for clock in both:
        assert clock.explanation.pauses == ()
        assert story.calendar.between(clock.started_at, clock.due_at) == clock.target_minutes
        assert story.calendar.between(clock.started_at, clock.warn_at) == -(
            -clock.target_minutes * 75 // 100
        )
    assert both.resolution.started_at == story.priority_at


@settings(max_examples=150, deadline=None)
@given(stories())
def test_response_counts_from_receipt_to_the_first_staff_reply(story: Story):
    response = _compute(story).response
    end = story.reply or story.now
    # Until support sets a priority, the customer's proposal (P4 here) sets the target.
    priority = story.priority if story.priority_at <= end else "P4"

    assert response.target_minutes == TARGETS[priority][0]
    assert response.used_minutes == story.calendar.between(story.received, end)
    if story.reply:
        met = story.reply <= response.due_at
        assert response.state is (ClockStatus.MET if met else ClockStatus.MISSED)
    else:
        breached = response.used_minutes >= response.target_minutes
        assert response.state is (ClockStatus.BREACHED if breached else ClockStatus.RUNNING)


@settings(max_examples=100, deadline=None)
@given(stories(), st.integers(1, 3 * 24 * 60))
def test_used_minutes_never_decrease_as_time_passes(story: Story, earlier_by: int):
    earlier = max(story.received, story.now - earlier_by * MINUTE)
    then, now = _compute(story, earlier), _compute(story)

    for before, after in zip(then, now, strict=True):
        assert before.used_minutes <= after.used_minutes
