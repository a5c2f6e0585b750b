"""A case's SLA clocks, computed from its timeline by the pure sla.clocks function (SLP-7..11)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection
from django.utils import timezone

from cases.models import Case, CaseEvent, EventKind, Status
from sla import clocks as sla_clocks
from sla.businesstime import SupportCalendar
from sla.clocks import Target
from sla.services.calendars import support_calendar_from
from sla.services.policies import policy_targets

# Public staff messages that count as a status update to the customer (SLP-11).
_UPDATE_KINDS = frozenset({EventKind.COMMENT, EventKind.INFO_REQUESTED, EventKind.RESOLUTION})
# While the customer owes us information, or once resolved, no status update is owed.
_UPDATES_OWED = frozenset({Status.NEW, Status.TRIAGED, Status.IN_PROGRESS})
_SUPPORT_RESUMES = frozenset({EventKind.INFO_RECEIVED, EventKind.REOPENED})
_DEFECT_KINDS = frozenset({"bug", "defect"})


def _clock_event(case: Case, event: CaseEvent) -> sla_clocks.Event | None:
    """Return the pure clock event a stored timeline event stands for, if any."""
    at = event.at
    match event.kind:
        case EventKind.RECEIVED:
            return sla_clocks.CaseReceived(
                at=at, proposed_priority=event.new_value or case.proposed_priority
            )
        case EventKind.PRIORITY:
            return sla_clocks.PrioritySet(at=at, priority=event.new_value)
        case EventKind.INFO_REQUESTED:
            return sla_clocks.InformationRequested(at=at)
        case EventKind.INFO_RECEIVED:
            return sla_clocks.InformationReceived(at=at)
        case EventKind.RESPONSE:
            return sla_clocks.PublicReply(at=at, by_staff=True)
        case EventKind.RESOLUTION:
            return sla_clocks.Resolved(at=at, kind=event.data["kind"])
        case EventKind.REOPENED:
            return sla_clocks.Reopened(at=at)
        case EventKind.CLASSIFICATION if event.new_value in _DEFECT_KINDS:
            reference = event.data.get("reference", "")
            return sla_clocks.ClassifiedBugOrDefect(
                at=at, kind=event.new_value, reference=reference
            )
        case EventKind.WITHDRAWN:
            return sla_clocks.OutOfScope(
                at=at, reason=event.data.get("exclusion") or "out_of_scope"
            )
        case EventKind.CLOSED:
            return sla_clocks.Closed(at=at)
    return None


def case_clock_events(case: Case, *, events: Iterable[CaseEvent] | None = None) -> list:
    """Return the case's timeline as the typed events the clocks are computed from."""
    if events is None:
        events = case.events.all()
    return [clock for event in events if (clock := _clock_event(case, event)) is not None]


def case_support_calendar(case: Case) -> SupportCalendar:
    """Return the business-time engine of the case's calendar, in the site's zone when it follows it."""
    return support_calendar_from(case.calendar, time_zone=case.site.time_zone)


def _targets(case: Case) -> dict[str, Target]:
    return {
        str(priority): target for priority, target in policy_targets(case.policy_version).items()
    }


def case_clocks(
    case: Case,
    *,
    now: datetime,
    events: Sequence[CaseEvent] | None = None,
    targets: dict[str, Target] | None = None,
    calendar: SupportCalendar | None = None,
) -> sla_clocks.Clocks:
    """Return both clocks of the case as of `now`, computed from its timeline."""
    targets = targets if targets is not None else _targets(case)
    return sla_clocks.compute_clocks(
        case_clock_events(case, events=events),
        targets=targets,
        calendar=calendar or case_support_calendar(case),
        now=now,
        warning_threshold=case.policy_version.warning_threshold,
        policy_label=case.policy_version.name,
    )


def case_clocks_recompute(
    case: Case,
    *,
    now: datetime | None = None,
    save: bool = True,
    events: Sequence[CaseEvent] | None = None,
    targets: dict[str, Target] | None = None,
) -> sla_clocks.Clocks:
    """Recompute the clocks from the timeline and store their states and due instants on the row.

    One query reads the timeline, unless `events` gives it: the whole timeline in order, with
    what the caller just added (saved or not); `targets` may likewise be the policy's, already
    read. save=False leaves the saving to the caller. The sweep's warnings and breaches already
    raised (its SLA_WARNING and SLA_BREACH events, data {"clock": ...}) are never raised twice.
    """
    now = now or timezone.now()
    events = list(case.events.all()) if events is None else list(events)
    targets = targets if targets is not None else _targets(case)
    calendar = case_support_calendar(case)
    clocks = case_clocks(case, now=now, events=events, targets=targets, calendar=calendar)
    raised = {
        kind: {e.data.get("clock") for e in events if e.kind == kind}
        for kind in (EventKind.SLA_WARNING, EventKind.SLA_BREACH)
    }
    summary = sla_clocks.clock_due_summary(
        clocks,
        warned=raised[EventKind.SLA_WARNING] & {"response", "resolution"},
        breached=raised[EventKind.SLA_BREACH] & {"response", "resolution"},
    )
    case.response_state = str(clocks.response.state)
    case.response_due_at = clocks.response.due_at
    case.resolution_state = str(clocks.resolution.state)
    case.resolution_due_at = clocks.resolution.due_at
    case.sla_next_due_at = summary.next_due_at
    case.sla_next_warn_at = summary.next_warn_at
    case.next_update_due_at = _next_update_due(case, clocks, events, targets, calendar)
    case.queue_due_at = queue_due(clocks)
    case.response_warned = "response" in raised[EventKind.SLA_WARNING]
    case.resolution_warned = "resolution" in raised[EventKind.SLA_WARNING]
    case.last_activity_at = max(
        (e.at for e in events if e.actor_id is not None), default=case.received_at
    )
    if save:
        case.save(update_fields=[*CLOCK_FIELDS, "updated_at"])
    return clocks


CLOCK_FIELDS = (
    "response_state",
    "response_due_at",
    "resolution_state",
    "resolution_due_at",
    "sla_next_due_at",
    "sla_next_warn_at",
    "next_update_due_at",
    "queue_due_at",
    "response_warned",
    "resolution_warned",
    "last_activity_at",
)

_COUNTING = (sla_clocks.ClockStatus.RUNNING, sla_clocks.ClockStatus.BREACHED)


def queue_due(clocks: sla_clocks.Clocks) -> datetime | None:
    """Return the earliest due instant of a clock support works against, for the staff queue.

    Running or breached clocks only: a paused clock waits on the customer, a stopped one on
    nobody. A breached clock's instant is past, so breached cases sort first.
    """
    dues = [c.due_at for c in (clocks.response, clocks.resolution) if c.state in _COUNTING]
    return min((due for due in dues if due is not None), default=None)


def case_clocks_save_many(cases: Sequence[Case]) -> None:
    """Store the recomputed clocks of many cases (case_clocks_recompute with save=False)."""
    if not cases:
        return
    # bulk_update builds a CASE expression per field and row, about a millisecond of Python a
    # row; one UPDATE statement run for every row (executemany) costs a small fraction of it.
    meta = Case._meta
    fields = [meta.get_field(name) for name in (*CLOCK_FIELDS, "updated_at")]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Identifiers come from the model, quoted; every value is a parameter.
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    # auto_now is applied by save() alone: stamp the rows as save() would.
    updated_at = timezone.now()
    rows = []
    for case in cases:
        case.updated_at = updated_at
        values = [
            field.get_db_prep_save(getattr(case, field.attname), connection) for field in fields
        ]
        rows.append([*values, case.pk])
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _next_update_due(
    case: Case,
    clocks: sla_clocks.Clocks,
    events: list[CaseEvent],
    targets: dict[str, Target],
    calendar: SupportCalendar,
) -> datetime | None:
    """Return when the next status update to the customer is due (SLP-11), or None.

    Counted in support time from the last public staff message, or from the moment support got
    the case back from the customer, once the response is given, while the case is open and
    support (not the customer) holds it. The reminders fall on a
    grid of one cadence after another from that message; once a reminder is raised, the next
    one is the first grid point after the moment it was raised, so windows missed while the
    sweep was down or the calendar closed are skipped, never replayed one per sweep.
    """
    if case.status not in _UPDATES_OWED or clocks.response.stopped_at is None:
        return None
    if clocks.response.state not in (sla_clocks.ClockStatus.MET, sla_clocks.ClockStatus.MISSED):
        return None
    updates = [
        e.at for e in events if e.kind in _UPDATE_KINDS and e.public and e.data.get("by_staff")
    ]
    # Support takes the case back when the customer answers or reopens it: nothing was owed
    # while the customer held it, so the grid starts again there.
    returns = [e.at for e in events if e.kind in _SUPPORT_RESUMES]
    last = max([*updates, *returns], default=clocks.response.stopped_at)
    cadence = targets[case.priority or case.proposed_priority].update_minutes
    reminded = [e.at for e in events if e.kind == EventKind.UPDATE_REMINDER and e.at >= last]
    if not reminded:
        return calendar.add(last, cadence)
    points = calendar.between(last, max(reminded)) // cadence + 1
    return calendar.add(last, cadence * points)
