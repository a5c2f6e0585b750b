"""The SLA sweep: raise due warnings, breaches and status-update reminders (SLP-5, SLP-11, SLP-12).

How it stays cheap and safe (DESIGN.md, SLA semantics):
- Candidates come only from the three indexed "next instant" columns of the case row, so the
  number of queries follows the number of cases due, never the number of open cases.
- Each due case is claimed by a compare-and-set on the column value the sweep read: of two
  sweeps running at once exactly one changes the row and raises; the other changes nothing.
  Claims go by groups, one transaction and one update each; on PostgreSQL the group's rows
  are first locked with SKIP LOCKED, so concurrent sweeps never wait on each other.
- After raising, the clocks are recomputed from the timeline, which now holds the new event,
  so the row's next instants move on and nothing is raised twice.
- A group's events, clock columns and emails are drafted in memory and written together at
  the end of its transaction (bulk inserts, one bulk update, one outbox call queuing one
  delivery task), so a group costs the same few queries whatever its size. A case that fails
  has its drafts dropped and its claim given back: the next sweep retries it, the others go
  on. Should the group's writes fail, its cases are redone one by one, each in a savepoint.

Decisions the policy leaves open:
- Warnings (to staff and to the customer) and status-update reminders go out only while the
  case's support calendar is open. A case found due while it is closed is left unclaimed, and
  the first sweep after the next opening raises it.
- A breach is recorded as soon as its due instant passes, whatever the hour, and alerts the
  assignee and every supervisor at once. The customer's notice (target missed, how to escalate)
  is written to the outbox in the same transaction but held until the calendar next opens, like
  a warning; a case no longer open gets no such notice, as it can no longer be escalated.
- Staff alerts (breaches, warnings, reminders) of one sweep reach each person as one digest
  email listing them, or as the single alert when there is one; customer notices stay per
  case. Each alert is its own outbox row, written with its event, so a sweep that stops
  before bundling loses nothing: the outbox's flush bundles what it left (mail.services).
- Events are dated when the sweep raises them; data["due_at"] keeps the instant that fell due.
- Reminders fall on a grid of update cadences (support minutes) from the last public staff
  message, which restarts it. A raised reminder moves the next one to the first grid point
  after the moment it was raised: a late or held sweep does not shift the grid, and a case
  overdue for days gets one reminder, not one per sweep until the grid catches up
  (cases.services.clocks).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import attrgetter, or_
from typing import NamedTuple

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from cases.models import Case, CaseEvent, EventKind
from cases.services.clocks import (
    case_clocks,
    case_clocks_recompute,
    case_clocks_save_many,
    case_support_calendar,
)
from cases.services.notifications import case_customer_recipients, local_time_text
from contracts.models import User
from contracts.roles import StaffRole
from mail.models import Topic
from mail.services.outbox import OutboxDraft, outbox_bundle_digests, outbox_enqueue_many
from sla.clocks import ClockState, ClockStatus, Target
from sla.services.policies import policy_targets

logger = logging.getLogger(__name__)

# Due cases read per query; a pass keeps reading batches until it has seen every due case.
BATCH = 500
# Due cases claimed and raised per transaction: fewer commits, locks held for a short while.
CLAIM_GROUP = 50
_WARN, _DUE, _UPDATE = "sla_next_warn_at", "sla_next_due_at", "next_update_due_at"
# What deciding "is the calendar open" needs, read with the candidates in the same query.
_CANDIDATE_FIELDS = (
    "calendar__id",
    "calendar__name",
    "calendar__time_zone",
    "calendar__holiday_country",
    "calendar__holiday_subdivision",
    "calendar__updated_at",
    "site__id",
    "site__time_zone",
)
_WARNABLE = frozenset({ClockStatus.RUNNING, ClockStatus.PAUSED})
# Staff alerts of one sweep go to each person as one email listing them (email/sla_digest).
SLA_DIGEST = "sla_digest"
_STAFF_TEMPLATES = frozenset({"sla_breach", "sla_warning", "sla_update_reminder"})
# Which alerts a person may turn off; breach alerts always go (SLP-12).
_TOPICS = {
    "sla_warning": Topic.STAFF_ALERTS,
    "sla_update_reminder": Topic.STAFF_ALERTS,
    "sla_warning_customer": Topic.CASES,
    "sla_breach_customer": Topic.CASES,
}


class SweepResult(NamedTuple):
    """What one sweep raised: warnings, breaches (one per clock) and status-update reminders."""

    warnings: int
    breaches: int
    reminders: int

    def summary(self) -> str:
        return f"warnings={self.warnings} breaches={self.breaches} reminders={self.reminders}"


def sla_sweep(*, now: datetime | None = None) -> SweepResult:
    """Raise every SLA breach, warning and status-update reminder due by `now`."""
    now = now or timezone.now()
    if timezone.is_naive(now):
        raise ValueError(f"sla_sweep needs an aware datetime, not {now!r}")
    run = _Run(now=now)
    # Breaches first: a clock found past due gets its breach, never a late warning.
    breaches = _sweep_column(run, _DUE, _raise_breaches, open_hours_only=False)
    warnings = _sweep_column(run, _WARN, _raise_warnings, open_hours_only=True)
    reminders = _sweep_column(run, _UPDATE, _raise_reminder, open_hours_only=True)
    if breaches or warnings or reminders:
        # Every group has committed its events and emails: each person's alerts become one email.
        outbox_bundle_digests(digest=SLA_DIGEST)
    return SweepResult(warnings=warnings, breaches=breaches, reminders=reminders)


@dataclass
class _Run:
    """One sweep's instant and what it reads once for all cases: targets, supervisors."""

    now: datetime
    _targets: dict[int, dict[str, Target]] = field(default_factory=dict)
    _supervisors: list[User] | None = None

    def targets(self, case: Case) -> dict[str, Target]:
        version = case.policy_version
        if version.pk not in self._targets:
            self._targets[version.pk] = {str(p): t for p, t in policy_targets(version).items()}
        return self._targets[version.pk]

    def supervisors(self) -> list[User]:
        if self._supervisors is None:
            self._supervisors = list(
                User.objects.filter(
                    is_active=True, is_staff=True, groups__name=StaffRole.SUPERVISOR.label_en
                ).order_by("pk")
            )
        return self._supervisors


Raiser = Callable[[_Run, "_Writes", Case, list[CaseEvent], datetime], int]


def _sweep_column(run: _Run, column: str, raise_one: Raiser, *, open_hours_only: bool) -> int:
    """Claim and raise every case whose `column` is due, batch by batch; return events raised."""
    raised, after, seen = 0, None, set()
    while True:
        batch = _candidates(column, run.now, after=after)
        # A case whose recompute left it due again is raised by the next sweep, not now.
        ready = [
            case
            for case in batch
            if case.pk not in seen and (not open_hours_only or _open(case, run.now))
        ]
        seen.update(case.pk for case in ready)
        for start in range(0, len(ready), CLAIM_GROUP):
            raised += _claim_and_raise(run, column, ready[start : start + CLAIM_GROUP], raise_one)
        if len(batch) < BATCH:
            return raised
        after = (getattr(batch[-1], column), batch[-1].pk)


def _candidates(column: str, now: datetime, *, after: tuple | None) -> list[Case]:
    """Return the next batch of cases due in `column`, in due order (one index range scan)."""
    due = Case.objects.filter(**{f"{column}__lte": now})
    if after is not None:
        at, pk = after
        due = due.filter(Q(**{f"{column}__gt": at}) | Q(**{column: at, "pk__gt": pk}))
    due = due.select_related("calendar", "site").only(column, *_CANDIDATE_FIELDS)
    return list(due.order_by(column, "pk")[:BATCH])


def _open(case: Case, now: datetime) -> bool:
    """Tell whether the case's support calendar is open at `now` (engines are cached)."""
    try:
        return case_support_calendar(case).is_open(now)
    except Exception:
        # A broken calendar must not stop the sweep for every other case.
        logger.exception("SLA sweep: cannot read the calendar of case %s", case.pk)
        return False


def _claim_and_raise(run: _Run, column: str, group: list[Case], raise_one: Raiser) -> int:
    """Claim a group of due cases, raise what each is due and write it all, in one transaction."""
    try:
        with transaction.atomic():
            claimed = _claim(column, group)
            loaded = _load(claimed)
            try:
                with transaction.atomic():
                    return _raise_together(run, column, loaded, claimed, raise_one)
            except Exception:
                # One case's rows may spoil the group's bulk writes: redo the cases one by one,
                # each in its own savepoint, so that case alone is left for the next sweep.
                logger.exception("SLA sweep: writing %s cases failed (%s)", len(loaded), column)
                return sum(_raise_alone(run, column, item, claimed, raise_one) for item in loaded)
    except Exception:
        logger.exception("SLA sweep: claiming %s cases failed (%s)", len(group), column)
        return 0


def _claim(column: str, group: list[Case]) -> dict[int, datetime]:
    """Return {pk: value read} of the cases this sweep claimed by compare-and-set on `column`."""
    seen = {case.pk: getattr(case, column) for case in group}
    # PostgreSQL: take the row locks nobody holds, so two sweeps never wait on each other (or
    # deadlock); a case locked by a service is left for the next sweep. SQLite has no row
    # locks but serialises writers (BEGIN IMMEDIATE): there the compare-and-set alone decides.
    free = (
        Case.objects.select_for_update(skip_locked=True)
        .filter(pk__in=list(seen))
        .values_list("pk", column)
    )
    claimed = {pk: at for pk, at in free if at == seen[pk]}
    if not claimed:
        return {}
    # One compare-and-set for the group: a row changes only while it holds the value the sweep
    # read, so of two sweeps exactly one claims each case. Under the lock every row read still
    # holds it; were one to differ, the group is undone rather than raised on a guess.
    unchanged = reduce(or_, (Q(pk=pk, **{column: at}) for pk, at in claimed.items()))
    changed = Case.objects.filter(unchanged).update(**{column: None})
    if changed != len(claimed):
        raise RuntimeError(f"claimed {changed} of {len(claimed)} cases read as due")
    return claimed


def _load(claimed: dict[int, datetime]) -> list[tuple[Case, list[CaseEvent]]]:
    """Return the claimed cases, with what their clocks and emails need, and their timelines."""
    if not claimed:
        return []
    cases = (
        Case.objects.select_related(
            "calendar", "site", "policy_version", "organization", "assignee", "reporter", "contact"
        )
        # The recompute reads the policy's targets of each case: one query for the group.
        .prefetch_related("policy_version__targets")
        .filter(pk__in=list(claimed))
    )
    timelines: dict[int, list[CaseEvent]] = {pk: [] for pk in claimed}
    for event in CaseEvent.objects.filter(case_id__in=list(claimed)).order_by("at", "pk"):
        timelines[event.case_id].append(event)
    return [(case, timelines[case.pk]) for case in cases.order_by("pk")]


@dataclass
class _Writes:
    """What a claimed group raises: kept in memory, written at the end of its transaction."""

    events: list[CaseEvent] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    emails: list[OutboxDraft] = field(default_factory=list)

    def mark(self) -> tuple[int, int, int]:
        """Return how much is drafted so far, for `discard`."""
        return len(self.events), len(self.cases), len(self.emails)

    def discard(self, mark: tuple[int, int, int]) -> None:
        """Forget what was drafted since `mark`: the events, rows and emails of a failed case."""
        events, cases, emails = mark
        del self.events[events:], self.cases[cases:], self.emails[emails:]

    def event(
        self, case: Case, kind: EventKind, clock: str, due_at: datetime | None, now: datetime
    ) -> CaseEvent:
        """Draft the sweep's internal timeline event; `due_at` is the instant that fell due."""
        data = {"clock": str(clock), "due_at": due_at.isoformat() if due_at else None}
        event = CaseEvent(
            case=case, kind=kind, actor=None, at=now, public=False, new_value=str(clock), data=data
        )
        self.events.append(event)
        return event

    def flush(self) -> None:
        """Write the group's events, clock columns and emails: a few queries, whatever its size."""
        CaseEvent.objects.bulk_create(self.events)
        case_clocks_save_many(self.cases)
        outbox_enqueue_many(self.emails)


def _raise_together(
    run: _Run, column: str, loaded: list, claimed: dict[int, datetime], raise_one: Raiser
) -> int:
    """Raise what each claimed case is due, then write what the group raised."""
    writes, raised = _Writes(), 0
    for case, events in loaded:
        mark = writes.mark()
        try:
            raised += raise_one(run, writes, case, events, claimed[case.pk])
        except Exception:
            # Nothing of it is written yet: drop its drafts and give its claim back; the next
            # sweep retries it, the others go on now.
            logger.exception("SLA sweep: case %s failed (%s)", case.pk, column)
            writes.discard(mark)
            Case.objects.filter(pk=case.pk).update(**{column: claimed[case.pk]})
    writes.flush()
    return raised


def _raise_alone(
    run: _Run, column: str, item: tuple, claimed: dict[int, datetime], raise_one: Raiser
) -> int:
    """Raise and write what one claimed case is due; on failure undo it and give the claim back."""
    case = item[0]
    try:
        with transaction.atomic():
            return _raise_together(run, column, [item], claimed, raise_one)
    except Exception:
        logger.exception("SLA sweep: case %s failed (%s)", case.pk, column)
        Case.objects.filter(pk=case.pk).update(**{column: claimed[case.pk]})
        return 0


def _clocks(
    run: _Run, case: Case, events: list[CaseEvent]
) -> tuple[list[ClockState], dict[str, set[str]]]:
    """Return the case's clocks as of the sweep, and the clocks already warned or breached."""
    clocks = case_clocks(
        case,
        now=run.now,
        events=events,
        targets=run.targets(case),
        calendar=case_support_calendar(case),
    )
    raised = {
        kind: {event.data.get("clock") for event in events if event.kind == kind}
        for kind in (EventKind.SLA_WARNING, EventKind.SLA_BREACH)
    }
    return list(clocks), raised


def _recompute(run: _Run, writes: _Writes, case: Case, timeline: list[CaseEvent]) -> None:
    """Recompute the clocks from the timeline and the events just drafted; the group saves it."""
    # Drafted events are dated now: a stable sort keeps each instant's events in their order.
    timeline = sorted(timeline, key=attrgetter("at"))
    case_clocks_recompute(case, now=run.now, save=False, events=timeline, targets=run.targets(case))
    writes.cases.append(case)


def _raise_breaches(
    run: _Run, writes: _Writes, case: Case, events: list[CaseEvent], seen: datetime
) -> int:
    """Record each clock past due and not yet breached; alert staff and the customer (SLP-12)."""
    clocks, raised = _clocks(run, case, events)
    due = [
        clock
        for clock in clocks
        if clock.state is ClockStatus.BREACHED and clock.kind not in raised[EventKind.SLA_BREACH]
    ]
    timeline = list(events)
    for clock in due:
        timeline.append(writes.event(case, EventKind.SLA_BREACH, clock.kind, clock.due_at, run.now))
        alert = _Alert(run, writes, case, "breach", str(clock.kind), clock.due_at)
        alert.send(_unique([case.assignee, *run.supervisors()]), "sla_breach")
        if case.is_open:
            hold = case_support_calendar(case).next_open(run.now)
            alert.send(case_customer_recipients(case), "sla_breach_customer", hold_until=hold)
    _recompute(run, writes, case, timeline)
    return len(due)


def _raise_warnings(
    run: _Run, writes: _Writes, case: Case, events: list[CaseEvent], seen: datetime
) -> int:
    """Warn staff and the customer of each clock past its threshold, once per clock."""
    clocks, raised = _clocks(run, case, events)
    done = raised[EventKind.SLA_WARNING] | raised[EventKind.SLA_BREACH]
    due = [
        clock
        for clock in clocks
        if clock.state in _WARNABLE
        and clock.kind not in done
        and clock.warn_at is not None
        and clock.warn_at <= run.now
    ]
    timeline = list(events)
    for clock in due:
        timeline.append(
            writes.event(case, EventKind.SLA_WARNING, clock.kind, clock.due_at, run.now)
        )
        # A paused clock has no due instant yet: the customer owes us information.
        alert = _Alert(run, writes, case, "warning", str(clock.kind), clock.due_at or clock.warn_at)
        alert.send(_staff_on_duty(run, case), "sla_warning", paused=clock.due_at is None)
        if clock.due_at is not None:
            alert.send(case_customer_recipients(case), "sla_warning_customer")
    _recompute(run, writes, case, timeline)
    return len(due)


def _raise_reminder(
    run: _Run, writes: _Writes, case: Case, events: list[CaseEvent], seen_due: datetime
) -> int:
    """Remind the assignee (or the supervisors) that a status update is due (SLP-11)."""
    if not case.is_open:
        _recompute(run, writes, case, events)
        return 0
    reminder = writes.event(case, EventKind.UPDATE_REMINDER, "update", seen_due, run.now)
    alert = _Alert(run, writes, case, "reminder", "update", seen_due)
    alert.send(_staff_on_duty(run, case), "sla_update_reminder")
    _recompute(run, writes, case, [*events, reminder])
    return 1


def _staff_on_duty(run: _Run, case: Case) -> list[User]:
    """Return the assignee, or every supervisor while nobody is assigned."""
    if case.assignee is not None and case.assignee.is_active:
        return [case.assignee]
    return run.supervisors()


def _unique(users: Iterable[User | None]) -> list[User]:
    """Return the active users once each, in order."""
    out: list[User] = []
    for user in users:
        if user is not None and user.is_active and user not in out:
            out.append(user)
    return out


@dataclass(frozen=True)
class _Alert:
    """The emails of one raised warning, breach or reminder: same case, clock and due instant."""

    run: _Run
    writes: _Writes
    case: Case
    kind: str  # warning, breach or reminder
    clock: str  # response, resolution or update
    due_at: datetime

    def send(
        self, users: Iterable[User], template: str, *, hold_until: datetime | None = None, **extra
    ) -> int:
        """Draft one email per recipient; the group writes them (a key already written, none)."""
        key = f"sla:{self.case.pk}:{self.clock}:{self.kind}:{self.due_at.isoformat()}"
        # Held in the outbox until then; the outbox's minutely flush sends it once due.
        held = hold_until if hold_until is not None and hold_until > self.run.now else None
        drafts = [
            OutboxDraft(
                to_email=user.email,
                recipient=user,
                language=user.language,
                template=template,
                idempotency_key=f"{key}:{user.pk}",
                context={**self.context(user), **extra},
                not_before=held,
                digest=SLA_DIGEST if template in _STAFF_TEMPLATES else "",
                topic=_TOPICS.get(template, ""),
            )
            for user in users
        ]
        self.writes.emails.extend(drafts)
        if not drafts:
            # The event stays on the timeline; someone should know that nobody was told.
            logger.warning("SLA sweep: nobody to send %s of case %s to", template, self.case.number)
        return len(drafts)

    def context(self, user: User) -> dict:
        """Return the email's context, its times in the recipient's zone and language."""
        case = self.case
        with translation.override(user.language):
            due_display = local_time_text(self.due_at, user)
        return {
            "recipient_name": user.get_short_name(),
            "number": case.number,
            "title": case.title,
            "organization": case.organization.name,
            "priority": case.priority or case.proposed_priority,
            "clock": self.clock,
            "due_at": self.due_at.isoformat(),
            "due_display": due_display,
            "threshold": case.policy_version.warning_threshold,
            "assignee_name": str(case.assignee) if case.assignee else "",
            "unassigned": case.assignee is None or not case.assignee.is_active,
            "contact_name": str(case.contact) if case.contact else "",
            "case_path": f"/cases/{case.number}/",
        }


@shared_task(name="cases.sla_sweep", ignore_result=True)
def sla_sweep_task() -> dict[str, int]:
    """Raise the SLA warnings, breaches and reminders due now (beat, every minute).

    Safe to run twice or concurrently: each due case is claimed by a compare-and-set.
    """
    return sla_sweep()._asdict()
