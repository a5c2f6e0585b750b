"""The story of a demo case: its timeline as it is written, a cursor in time and its steps.

A story is rehearsed on the pure clock code (sla.clocks) or played through the case services,
with the same random draws (cases.demo).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile

from cases import services
from cases.demo import texts
from cases.demo.world import _Filer, _World
from cases.models import Case
from contracts.models import Patch, Release, User
from sla import clocks as sla_clocks
from sla.businesstime import SupportCalendar
from sla.models import Priority

_PRIORITIES = [p.value for p in Priority]


class _Future(Exception):
    """The next step would fall after now: the case stays where its story got to."""


@dataclass(frozen=True)
class _Plan:
    """What a case is to be now: its story, its SLA state if still open, the targets it misses."""

    story: Callable[[_Story], None]
    state: str | None  # None: the story is played to its end, before now
    late: tuple[bool, bool]  # (response, resolution) target missed
    seed: int


@dataclass(frozen=True)
class _Request:
    """One planned case before intake: who asks, about what, when, on which release."""

    plan: _Plan
    filer: _Filer
    topic: texts.Topic
    out_of_scope: tuple[str, str, str, str] | None
    received_at: datetime
    seed: int  # the story's random draws: the plan's, or a retry's
    release: Release | None = None
    patch: Patch | None = None

    @property
    def priority(self) -> str:
        return "P4" if self.out_of_scope else self.topic.priority


def _attach(*, case: Case, **fields) -> Case:
    return services.case_attach(case=case, **fields).case


class _Story:
    """One case's timeline as it is written: a cursor in time, its clock events, the next steps.

    Rehearsed without a case (only the clock events are kept), or played with one (each step
    through its service); the same seed gives both the same draws, hence the same instants.
    """

    def __init__(self, world: _World, request: _Request, case: Case | None = None) -> None:
        self.world, self.request, self.case = world, request, case
        self.rng = random.Random(request.seed)
        self.topic, self.priority = request.topic, request.priority
        self.engine: SupportCalendar = world.engines[request.filer.site.pk]
        self.received = self.at = request.received_at
        self.events: list = [sla_clocks.CaseReceived(at=self.at, proposed_priority=self.priority)]
        self.engineer = world.staff["agent"]
        self.reply_by: datetime | None = None  # the first public staff message, planned (SLP-9)
        self.overrun: datetime | None = None  # the step after now that stopped the story

    @property
    def finished(self) -> bool:
        """Tell whether the story is played to its end (a closed case), not left open."""
        return self.request.plan.state is None

    @property
    def customer(self) -> User | None:
        return self.case.reporter if self.case else None

    def clocks(self, now: datetime | None = None) -> sla_clocks.Clocks:
        """Return the clocks of the timeline so far, as of `now` (the cursor by default)."""
        return sla_clocks.compute_clocks(
            self.events, targets=self.world.targets, calendar=self.engine,
            now=now or self.at, warning_threshold=self.world.threshold,
        )  # fmt: skip

    # --- time: staff work in support hours, customers at any time ---

    def _to(self, at: datetime) -> None:
        """Move the cursor to `at` (never back) and a few seconds on, unless that is now."""
        at = max(at, self.at) + timedelta(seconds=self.rng.randint(5, 55))
        if at >= self.world.now - timedelta(minutes=1):
            self.overrun = at
            raise _Future
        self.at = at

    def staff_at(self, low: int, high: int) -> None:
        self._to(self.engine.add(self.at, self.rng.randint(low, high)))

    def staff_share(self, low: float, high: float) -> None:
        """Move on by that share of the resolution target, in support minutes."""
        minutes = self.world.targets[self.priority].resolution_minutes
        self.staff_at(max(1, round(low * minutes)), max(1, round(high * minutes)))

    def customer_at(self, low_hours: float, high_hours: float) -> None:
        self._to(self.at + timedelta(hours=self.rng.uniform(low_hours, high_hours)))

    def _first_public_at(self, low: int, high: int) -> None:
        """Move to the planned first public staff message, or `low`..`high` minutes on after it."""
        if self.reply_by is None:
            self.staff_at(low, high)
        else:
            at, self.reply_by = self.reply_by, None
            self._to(at)

    def _do(self, service: Callable[..., Case], *clock_events, **fields) -> None:
        """Record the step's clock events; played, write the step through its service."""
        self.events += clock_events
        if self.case is not None:
            self.case = service(case=self.case, at=self.at, **fields)

    # --- the steps, each one service call ---

    def attach(self) -> None:
        name, content = self.topic.attachment
        if name:
            self.customer_at(0.02, 0.2)
            self._do(_attach, by=self.customer, file=ContentFile(content.encode(), name=name))

    def triage(self) -> None:
        """Set the priority (a fifth of the time not the proposed one); plan the response."""
        rng, priority = self.rng, self.priority
        if rng.random() < 0.2:
            shift = rng.choice((-1, 1))
            priority = _PRIORITIES[min(3, max(0, _PRIORITIES.index(priority) + shift))]
        category = "question" if priority == "P4" and rng.random() < 0.5 else "problem"
        self.priority = priority
        late = self.request.plan.late[0]
        share = rng.uniform(1.1, 1.6) if late else rng.uniform(0.15, 0.85)
        minutes = share * self.world.targets[priority].response_minutes
        self.reply_by = self.engine.add(self.received, round(minutes))
        self._to(self.engine.add(self.received, round(minutes * rng.uniform(0.2, 0.6))))
        self._do(
            services.case_triage, sla_clocks.PrioritySet(at=self.at, priority=priority),
            by=self.engineer, priority=priority, category=category,
        )  # fmt: skip

    def assign(self) -> None:
        staff = self.world.staff
        weights = ((staff["agent"], 70), (staff["supervisor"], 20), (staff["manager"], 10))
        self.engineer = self.rng.choices([w[0] for w in weights], [w[1] for w in weights])[0]
        self.staff_at(1, 30)
        self._do(services.case_assign, by=self.engineer, assignee=self.engineer)

    def reply(self, body: str) -> None:
        self._first_public_at(5, 120)
        self._public(body)

    def update(self) -> None:
        """Tell the customer where the work stands, a while later."""
        self.staff_share(0.08, 0.25)
        self._public(self.rng.choice(texts.UPDATES))

    def _public(self, body: str) -> None:
        reply = sla_clocks.PublicReply(at=self.at, by_staff=True)
        self._do(services.case_comment, reply, by=self.engineer, body=body)

    def note(self) -> None:
        self.staff_share(0.02, 0.12)
        self._do(services.case_comment, by=self.engineer, body=self.topic.note, public=False)

    def start(self) -> None:
        self.staff_at(5, 60)
        self._do(services.case_start_work, by=self.engineer)

    def ask(self) -> None:
        self._first_public_at(5, 120)
        asked = (
            sla_clocks.InformationRequested(at=self.at),
            sla_clocks.PublicReply(at=self.at, by_staff=True),
        )
        self._do(services.case_request_information, *asked, by=self.engineer, body=self.topic.ask)

    def answer(self) -> None:
        self.customer_at(1, 40)
        received = sla_clocks.InformationReceived(at=self.at)
        self._do(
            services.case_provide_information, received, by=self.customer, body=self.topic.answer
        )

    def resolve(self, kind: str = "settled", plan: str = "", share: float | None = None) -> None:
        """Resolve once the resolution clock has used `share` of its target (late: past it)."""
        rng = self.rng
        if share is None:
            share = rng.uniform(1.08, 1.5) if self.request.plan.late[1] else rng.uniform(0.2, 0.9)
        goal = round(share * self.world.targets[self.priority].resolution_minutes)
        used = self.clocks().resolution.used_minutes
        self._to(self.engine.add(self.at, max(goal - used, rng.randint(10, 60))))
        self.reply_by = None
        resolved = (
            sla_clocks.Resolved(at=self.at, kind=kind),
            sla_clocks.PublicReply(at=self.at, by_staff=True),
        )
        self._do(
            services.case_resolve, *resolved, by=self.engineer, kind=kind, body=self.topic.fix,
            plan=plan,
        )  # fmt: skip

    def close(self) -> None:
        by = self.customer if self.rng.random() < 0.5 else self.engineer
        self.staff_at(120, 2700)
        self._do(services.case_close, sla_clocks.Closed(at=self.at), by=by)

    def reopen(self) -> None:
        reason = self.rng.choice(texts.REOPEN_REASONS)
        self.customer_at(2, 200)
        reopened = sla_clocks.Reopened(at=self.at)
        self._do(services.case_reopen, reopened, by=self.customer, reason=reason)

    def escalate(self) -> None:
        """The customer escalates, sooner on an urgent case: hours to days as its target goes."""
        reason = self.rng.choice(texts.ESCALATION_REASONS)
        hours = self.world.targets[self.priority].resolution_minutes / 20  # about 3x, in hours
        self.customer_at(0.02 * hours, 0.15 * hours)
        self._do(services.case_escalate, by=self.customer, reason=reason)

    def classify_defect(self) -> None:
        kind = self.rng.choice(("bug", "defect"))
        reference = f"CAM-{self.rng.randint(10000, 39999)}"
        self.staff_share(0.03, 0.2)
        classified = sla_clocks.ClassifiedBugOrDefect(at=self.at, kind=kind, reference=reference)
        self._do(
            services.case_classify_defect, classified, by=self.engineer, kind=kind,
            reference=reference,
        )  # fmt: skip

    def withdraw(self, exclusion: str, explanation: str) -> None:
        self.staff_at(10, 240)
        withdrawn = sla_clocks.OutOfScope(at=self.at, reason=exclusion)
        self._do(
            services.case_withdraw, withdrawn, by=self.engineer, exclusion=exclusion,
            explanation=explanation,
        )  # fmt: skip
