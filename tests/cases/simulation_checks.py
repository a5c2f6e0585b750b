"""The pure checks of the simulation (tests/cases/simulation.py): reminders and duplicate emails.

Plain functions over plain rows, so a test can feed them a fabricated timeline.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cases.models import EventKind, Status
from sla.businesstime import SupportCalendar

# Monday 2 March 2026: a month that crosses the US (8 March) and EU (29 March) DST changes.
START = datetime(2026, 3, 2, tzinfo=UTC)
SWEEP_EVERY = timedelta(minutes=5)
DIGEST_TEMPLATE = "sla_digest"
_PRIORITIES = (("P1", 10), ("P2", 25), ("P3", 40), ("P4", 25))
# Support minutes of work before a resolution, by priority.
_WORK = {"P1": (60, 600), "P2": (240, 1800), "P3": (600, 3000), "P4": (900, 4000)}
# Public staff messages that count as a status update (cases.services.clocks, SLP-11).
_UPDATE_KINDS = frozenset({EventKind.COMMENT, EventKind.INFO_REQUESTED, EventKind.RESOLUTION})
_UPDATES_OWED = frozenset({Status.NEW, Status.TRIAGED, Status.IN_PROGRESS})


# --- the reminder check: pure, over a timeline of plain entries --------------------------


@dataclass(frozen=True)
class Entry:
    """One timeline event as the check reads it."""

    at: datetime
    kind: str
    public: bool = True
    by_staff: bool = False
    new_value: str = ""


@dataclass(frozen=True)
class Interval:
    """A stretch in which a status update was owed, and the reminders raised in it."""

    start: datetime
    end: datetime
    support_minutes: int
    cadence: int
    reminders: int

    @property
    def allowed(self) -> int:
        return self.support_minutes // self.cadence

    @property
    def over(self) -> bool:
        return self.reminders > self.allowed


def update_intervals(
    entries: Sequence[Entry],
    *,
    calendar: SupportCalendar,
    cadences: Mapping[str, int],
    proposed_priority: str,
    until: datetime,
) -> list[Interval]:
    """Return the intervals in which an update was owed, each with its reminders (SLP-11).

    An interval opens at the response, at each later public staff message, and whenever
    support takes the case back (information received, reopened) after the response; it
    closes at the next public staff message, when the case leaves support's hands, or at
    `until`. A reminder raised while no update is owed gets an empty interval of its own
    (allowed 0). The cadence is the shortest of the priorities the case had in the
    interval, the most a reminder grid could allow.
    """
    walk = _Walk(calendar, cadences, proposed_priority)
    for entry in sorted(entries, key=lambda e: e.at):
        walk.step(entry)
    walk.close(until)
    return walk.intervals


class _Walk:
    """The state of update_intervals as it reads the timeline in order."""

    def __init__(self, calendar: SupportCalendar, cadences: Mapping[str, int], priority: str):
        self.calendar, self.cadences = calendar, cadences
        self.status, self.priority, self.responded = Status.NEW, priority, False
        self.start: datetime | None = None
        self.reminders, self.cadence = 0, cadences[priority]
        self.intervals: list[Interval] = []

    def step(self, entry: Entry) -> None:
        if entry.kind == EventKind.UPDATE_REMINDER:
            if self.start is None:
                self.intervals.append(Interval(entry.at, entry.at, 0, self.cadence, 1))
            else:
                self.reminders += 1
            return
        if entry.kind in _UPDATE_KINDS and entry.public and entry.by_staff:
            self.close(entry.at)
        if entry.kind == EventKind.STATUS:
            self.status = entry.new_value
        elif entry.kind == EventKind.PRIORITY:
            self.priority = entry.new_value
            self.cadence = min(self.cadence, self.cadences[entry.new_value])
        elif entry.kind == EventKind.RESPONSE:
            self.responded = True
        owed = self.responded and self.status in _UPDATES_OWED
        if owed and self.start is None:
            self.start, self.reminders = entry.at, 0
            self.cadence = self.cadences[self.priority]
        elif not owed:
            self.close(entry.at)

    def close(self, at: datetime) -> None:
        if self.start is None:
            return
        minutes = self.calendar.between(self.start, at) if at > self.start else 0
        self.intervals.append(Interval(self.start, at, minutes, self.cadence, self.reminders))
        self.start, self.reminders = None, 0


# --- the email checks: pure, over outbox rows -----------------------------------------------


def sla_email_identity(key: str) -> tuple[str, str, str] | None:
    """Return (case pk, clock, due instant) of an SLA email's key, or None for other keys.

    The key reads `sla:<case pk>:<clock>:<kind>:<due iso>:<user pk>` (cases.services.sweep);
    the due instant itself contains colons.
    """
    if not key.startswith("sla:"):
        return None
    _prefix, case_pk, clock, rest = key.split(":", 3)
    _kind, _sep, due_and_user = rest.partition(":")
    due, _sep, _user = due_and_user.rpartition(":")
    return case_pk, clock, due


def duplicate_sla_emails(rows: Iterable[tuple[str, str, str]]) -> list[tuple]:
    """Return the (recipient, template, case, clock, due) written more than once.

    `rows` are (recipient email, template, idempotency key) of outbox messages.
    """
    seen: Counter = Counter()
    for to_email, template, key in rows:
        identity = sla_email_identity(key)
        if identity is not None:
            seen[(to_email, template, *identity)] += 1
    return sorted(identity for identity, count in seen.items() if count > 1)
