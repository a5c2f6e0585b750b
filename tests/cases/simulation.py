"""Simulated weeks of support under a controlled clock, and the checks they must pass (issue 12).

Cases arrive in support hours of their sites' calendars on the demo world; agents triage,
answer, ask for information, post updates and resolve, in support hours; customers answer,
close and reopen at any hour. Every step is a case service called under time_machine at its
simulated instant, and the SLA sweep runs every 5 simulated minutes, followed by the outbox
flush, which delivers what is due to the locmem email backend. Randomness is seeded: the same
configuration tells the same stories.

Used by bench/simulate.py (a month, 1,000 cases) and tests/cases/test_simulation.py (a few
days, a few dozen cases). The checks are plain functions over plain rows, so a test can feed
them a fabricated timeline.
"""

from __future__ import annotations

import heapq
import random
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.db.models import Count

from cases import services
from cases.models import Case, CaseEvent, EventKind, Status
from cases.services.clocks import case_support_calendar
from cases.services.sweep import sla_sweep
from contracts.demo import DEMO_ORGS, seed_world
from contracts.models import Membership, Organization, Release, Site, User
from contracts.roles import StaffRole
from contracts.services.eligibility import eligibility_check
from contracts.services.releases import releases_supported
from mail.models import OutboxMessage
from mail.services.outbox import outbox_flush
from sla.businesstime import SupportCalendar
from sla.models import PolicyVersion
from sla.services.calendars import calendar_for_site, support_calendar_from
from sla.services.policies import policy_targets
from tests.cases.simulation_checks import (
    Entry,
    Interval,
    duplicate_sla_emails,
    update_intervals,
)

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


@dataclass(frozen=True)
class SimConfig:
    """How much to simulate: cases arriving over `days` from START, handled by `agents`."""

    cases: int = 1_000
    days: int = 30
    agents: int = 10
    seed: int = 20260302
    start: datetime = START

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.days)


# --- the demo world, with more agents -------------------------------------------------------


@dataclass(frozen=True)
class _Filer:
    """A covered demo site and who files for it: its organisation or the partner serving it."""

    organization: Organization
    site: Site
    reporters: tuple[User, ...]
    engine: SupportCalendar


def _filers() -> list[_Filer]:
    """Return every demo site with the organisation that files its cases and its reporters."""
    sites = Site.objects.filter(organization__name__in=[o.name for o in DEMO_ORGS])
    filers = []
    for site in sites.select_related("organization__partner").order_by("code"):
        filing = site.organization.partner or site.organization
        reporters = tuple(
            m.user
            for m in Membership.objects.filter(
                organization=filing, role__in=[Membership.Role.ADMIN, Membership.Role.AGENT]
            )
            .select_related("user")
            .order_by("user__email")
        )
        engine = support_calendar_from(calendar_for_site(site), time_zone=site.time_zone)
        filers.append(_Filer(filing, site, reporters, engine))
    return filers


def _agents(count: int) -> list[User]:
    """Return the demo agent and enough simulated agents to make `count`."""
    group = Group.objects.get(name=StaffRole.AGENT.label_en)
    agents = [User.objects.get(email="agent@demo.test")]
    for n in range(1, count):
        agent = User.objects.create_user(
            email=f"sim-agent{n:02d}@vendor.test", full_name=f"Agent {n:02d}", is_staff=True
        )
        group.user_set.add(agent)
        agents.append(agent)
    return agents


# --- the stories: one generator per case, yielding the instant of its next step -------------


@dataclass(frozen=True)
class _Plan:
    """Who files which case, when, on which release, at what priority."""

    filer: _Filer
    received: datetime
    release: Release
    priority: str


def _plans(config: SimConfig, filers: list[_Filer], rng: random.Random) -> list[_Plan]:
    """Draw each case's site and arrival, in support hours and under a contract in force."""
    plans = []
    while len(plans) < config.cases:
        filer = rng.choice(filers)
        total = filer.engine.between(config.start, config.end)
        if total < 2:
            continue
        # A support minute of the month, then a second inside it: always in open hours.
        minute = filer.engine.add(config.start, rng.randint(1, total - 1))
        received = minute - timedelta(seconds=rng.randint(1, 59))
        site_day = received.astimezone(ZoneInfo(filer.site.time_zone)).date()
        supported = releases_supported(on=site_day)
        release = supported[0] if len(supported) < 2 or rng.random() < 0.7 else supported[1]
        covered = eligibility_check(
            organization=filer.organization, site=filer.site, release=release, at=received
        )
        if covered.eligible:
            priority = rng.choices(*zip(*_PRIORITIES, strict=True))[0]
            plans.append(_Plan(filer, received, release, priority))
    return sorted(plans, key=lambda plan: plan.received)


class _Story:
    """One case as it is worked: a cursor in time, the people, and the steps as generators."""

    def __init__(self, sim: Simulation, plan: _Plan, rng: random.Random) -> None:
        self.sim, self.plan, self.rng = sim, plan, rng
        self.at = plan.received
        self.case: Case | None = None
        self.agent = rng.choice(sim.agents)
        self.reporter = rng.choice(plan.filer.reporters)

    def staff(self, low: int, high: int) -> Iterator[datetime]:
        """Wait `low`..`high` support minutes: staff act in support hours."""
        later = self.plan.filer.engine.add(self.at, self.rng.randint(low, high))
        self.at = later - timedelta(seconds=self.rng.randint(1, 55))
        yield self.at

    def customer(self, low_hours: float, high_hours: float) -> Iterator[datetime]:
        """Wait `low_hours`..`high_hours`: customers act at any hour."""
        self.at += timedelta(hours=self.rng.uniform(low_hours, high_hours))
        yield self.at

    def cadence(self) -> int:
        return self.sim.cadences[self.case.priority or self.case.proposed_priority]

    def life(self) -> Iterator[datetime]:
        """Open, triage, answer, work and resolve the case; then close or reopen it."""
        yield self.at
        self.case = services.case_open(
            reporter=self.reporter, organization=self.plan.filer.organization,
            site=self.plan.filer.site, release=self.plan.release, title="Simulated case",
            description="Generated by the simulation.", proposed_priority=self.plan.priority,
            channel="portal", received_at=self.at,
        )  # fmt: skip
        yield from self.triage()
        if not (yield from self.respond()):
            return
        while True:
            if not (yield from self.work()):
                return
            self.resolve()
            if not (yield from self.after_resolution()):
                return

    def triage(self) -> Iterator[datetime]:
        late = self.rng.random() < 0.1
        yield from self.staff(100, 600) if late else self.staff(5, 60)
        priority = self.plan.priority
        if self.rng.random() < 0.15:
            priority = self.rng.choice([p for p, _w in _PRIORITIES])
        self.case = services.case_triage(
            case=self.case, by=self.agent, priority=priority, category="problem", at=self.at
        )
        if self.rng.random() < 0.9:
            self.case = services.case_assign(
                case=self.case, by=self.agent, assignee=self.agent, at=self.at
            )

    def respond(self) -> Iterator[datetime]:
        """Give the first response: a reply and work started, or a request for information."""
        response = self.sim.response_minutes[self.case.priority]
        yield from self.staff(5, max(10, int(response * 0.9)))
        if self.rng.random() < 0.35:
            return (yield from self.ask())
        self.case = services.case_comment(
            case=self.case, by=self.agent, body="We are looking into it.", at=self.at
        )
        self.case = services.case_start_work(case=self.case, by=self.agent, at=self.at)
        return True

    def ask(self) -> Iterator[datetime]:
        """Ask for information; the customer answers (or, one time in ten, never does)."""
        self.case = services.case_request_information(
            case=self.case, by=self.agent, body="Please send the log file.", at=self.at
        )
        if self.rng.random() < 0.1:
            return False
        yield from self.customer(0.5, 30)
        self.case = services.case_provide_information(
            case=self.case, by=self.reporter, body="Attached the log.", at=self.at
        )
        return True

    def work(self) -> Iterator[datetime]:
        """Work until done, posting updates, mostly on time, sometimes late; maybe ask again."""
        remaining = self.rng.randint(*_WORK[self.case.priority])
        while True:
            cadence = self.cadence()
            late = self.rng.random() < 0.4
            gap = int(
                cadence * (self.rng.uniform(1.05, 2.5) if late else self.rng.uniform(0.3, 0.95))
            )
            step = max(1, min(gap, remaining))
            yield from self.staff(step, step)
            remaining -= step
            if remaining <= 0:
                return True
            if self.rng.random() < 0.12:
                if not (yield from self.ask()):
                    return False
                continue
            self.case = services.case_comment(
                case=self.case, by=self.agent, body="Still working on it.", at=self.at
            )

    def resolve(self) -> None:
        kind = self.rng.choices(("settled", "plan", "not_a_defect"), (75, 10, 15))[0]
        plan = "Fixed in the next patch, due next month." if kind == "plan" else ""
        self.case = services.case_resolve(
            case=self.case, by=self.agent, kind=kind, body="Here is the fix.", plan=plan,
            at=self.at,
        )  # fmt: skip

    def after_resolution(self) -> Iterator[datetime]:
        """Close (mostly), reopen (now and then, and work again) or leave it resolved."""
        choice = self.rng.random()
        if choice < 0.6:
            yield from self.customer(2, 96)
            self.case = services.case_close(case=self.case, by=self.reporter, at=self.at)
            return False
        if choice < 0.68:
            yield from self.customer(4, 72)
            self.case = services.case_reopen(
                case=self.case, by=self.reporter, reason="It happens again.", at=self.at
            )
            return True
        return False


# --- the driver -------------------------------------------------------------------------------


@dataclass
class Failure:
    """A story step that raised: the simulation itself went wrong there."""

    case: str
    at: datetime
    error: str


@dataclass
class Simulation:
    """The world, the clock, and what was measured while it ran."""

    config: SimConfig
    agents: list[User] = field(default_factory=list)
    cadences: dict[str, int] = field(default_factory=dict)
    response_minutes: dict[str, int] = field(default_factory=dict)
    sweep_seconds: list[float] = field(default_factory=list)
    sweep_totals: Counter = field(default_factory=Counter)
    delivered: Counter = field(default_factory=Counter)  # outbox id -> deliveries
    per_recipient_day: Counter = field(default_factory=Counter)  # (email, local day) -> emails
    failures: list[Failure] = field(default_factory=list)
    _zones: dict[str, ZoneInfo] = field(default_factory=dict)

    def run(self) -> Simulation:
        """Build the world at the start instant, then play every story and sweep to the end."""
        config = self.config
        traveller = time_machine.travel(config.start, tick=False)
        clock = traveller.start()
        try:
            rng = random.Random(config.seed)
            stories = self._setup(rng)
            self._play(clock, stories)
        finally:
            traveller.stop()
        return self

    def _setup(self, rng: random.Random) -> list[_Story]:
        seed_world(today=self.config.start.date())
        self.agents = _agents(self.config.agents)
        filers = _filers()
        targets = policy_targets(PolicyVersion.objects.get(name="CONNECT SLP 1"))
        self.cadences = {str(p): t.update_minutes for p, t in targets.items()}
        self.response_minutes = {str(p): t.response_minutes for p, t in targets.items()}
        self._zones = {u.email: ZoneInfo(u.time_zone) for u in User.objects.all()}
        return [_Story(self, plan, rng) for plan in _plans(self.config, filers, rng)]

    def _play(self, clock, stories: list[_Story]) -> None:
        """Run the steps in time order, each at its instant, and the sweep on every tick."""
        pending = []
        for n, story in enumerate(stories):
            life = story.life()
            # A life first yields its arrival, before doing anything.
            pending.append((next(life), n, story, life))
        heapq.heapify(pending)
        tick = self.config.start + SWEEP_EVERY
        while tick <= self.config.end:
            while pending and pending[0][0] <= tick:
                at, n, story, life = heapq.heappop(pending)
                clock.move_to(at, tick=False)
                following = self._resume(story, life)
                if following is not None:
                    heapq.heappush(pending, (following, n, story, life))
            clock.move_to(tick, tick=False)
            self._sweep(tick)
            self._deliver(tick)
            tick += SWEEP_EVERY

    def _resume(self, story: _Story, life: Iterator[datetime]) -> datetime | None:
        """Run the story's next step; return when the one after falls, or None once it ends."""
        try:
            return next(life)
        except StopIteration:
            return None
        except Exception as exc:  # a refused step is a finding of the simulation, not a crash
            number = story.case.number if story.case else "(not opened)"
            self.failures.append(Failure(number, story.at, f"{type(exc).__name__}: {exc}"))
            return None

    def _sweep(self, tick: datetime) -> None:
        started = time.perf_counter()
        result = sla_sweep(now=tick)
        self.sweep_seconds.append(time.perf_counter() - started)
        self.sweep_totals.update(result._asdict())

    def _deliver(self, tick: datetime) -> None:
        """Run the outbox flush (the beat does every minute) and tally what reached the inbox."""
        while outbox_flush() >= 500:
            pass
        for message in getattr(mail, "outbox", []):
            outbox_id = message.extra_headers.get("X-Connect-Outbox-Id")
            self.delivered[outbox_id] += 1
            for to in message.to:
                zone = self._zones.get(to, UTC)
                self.per_recipient_day[(to, tick.astimezone(zone).date())] += 1
        mail.outbox = []


# --- the report -------------------------------------------------------------------------------


@dataclass
class Report:
    """The figures of one run, and every check that failed (empty: all passed)."""

    lines: list[str]
    problems: list[str]


def case_intervals(until: datetime) -> dict[str, list[Interval]]:
    """Return each case's update intervals, by case number, read from the stored timelines."""
    cases = Case.objects.select_related("calendar", "site", "policy_version").order_by("pk")
    targets: dict[int, dict[str, int]] = {}
    timelines: dict[int, list[Entry]] = defaultdict(list)
    for event in CaseEvent.objects.order_by("case_id", "at", "pk").only(
        "case_id", "at", "kind", "public", "data", "new_value"
    ):
        timelines[event.case_id].append(
            Entry(
                event.at,
                event.kind,
                event.public,
                bool(event.data.get("by_staff")),
                event.new_value,
            )
        )
    out = {}
    for case in cases:
        version = case.policy_version
        if version.pk not in targets:
            targets[version.pk] = {
                str(p): t.update_minutes for p, t in policy_targets(version).items()
            }
        out[case.number] = update_intervals(
            timelines[case.pk], calendar=case_support_calendar(case),
            cadences=targets[version.pk], proposed_priority=case.proposed_priority, until=until,
        )  # fmt: skip
    return out


def _spread(values: Sequence[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"median {statistics.median(ordered):g}, p90 {p90:g}, max {ordered[-1]:g}"


def report(sim: Simulation) -> Report:
    """Measure the run and check it: reminders within the cadence, no email written or sent twice."""
    lines, problems = [], []
    staff = set(User.objects.filter(is_staff=True).values_list("email", flat=True))
    _email_lines(sim, staff, lines)
    _reminder_lines(sim, lines, problems)
    _outbox_checks(sim, lines, problems)
    ms = [seconds * 1000 for seconds in sim.sweep_seconds]
    lines.append(
        f"sweeps: {len(ms):,} runs, ms per run {_spread([round(v, 1) for v in ms])}; raised "
        + ", ".join(f"{k}={v:,}" for k, v in sorted(sim.sweep_totals.items()))
    )
    for failure in sim.failures[:10]:
        problems.append(
            f"step failed on {failure.case} at {failure.at.isoformat()}: {failure.error}"
        )
    if len(sim.failures) > 10:
        problems.append(f"... and {len(sim.failures) - 10} more failed steps")
    return Report(lines, problems)


def _email_lines(sim: Simulation, staff: set[str], lines: list[str]) -> None:
    for label, keep in (("everyone", None), ("staff", True), ("customers", False)):
        counts = Counter(
            {
                (to, day): n
                for (to, day), n in sim.per_recipient_day.items()
                if keep is None or (to in staff) == keep
            }
        )
        people = {to for to, _day in counts}
        busiest = ""
        if counts:
            (to, day), most = counts.most_common(1)[0]
            busiest = f"; busiest {to}, {most} on {day.isoformat()}"
        lines.append(
            f"emails per recipient per day ({label}, {len(people)} people, days with mail): "
            f"{_spread(list(counts.values()))}{busiest}"
        )
    lines.append(f"emails delivered: {sum(sim.per_recipient_day.values()):,}")


def _reminder_lines(sim: Simulation, lines: list[str], problems: list[str]) -> None:
    intervals = case_intervals(sim.config.end)
    per_case = {n: sum(i.reminders for i in ivs) for n, ivs in intervals.items()}
    allowed = {n: sum(i.allowed for i in ivs) for n, ivs in intervals.items()}
    reminded = [n for n, count in per_case.items() if count]
    lines.append(
        f"status-update reminders: {sum(per_case.values()):,} on {len(reminded)} of "
        f"{len(intervals)} cases; per reminded case {_spread([per_case[n] for n in reminded])}; "
        f"the cadence allowed {_spread([allowed[n] for n in reminded])}"
    )
    over = [(n, i) for n, ivs in intervals.items() for i in ivs if i.over]
    lines.append(f"  intervals over the cadence: {len(over)}")
    for number, interval in over[:10]:
        problems.append(
            f"{number}: {interval.reminders} reminders between {interval.start.isoformat()} and "
            f"{interval.end.isoformat()}, {interval.support_minutes} support minutes at a "
            f"{interval.cadence}-minute cadence allow {interval.allowed}"
        )
    if len(over) > 10:
        problems.append(f"... and {len(over) - 10} more intervals over the cadence")


def _outbox_checks(sim: Simulation, lines: list[str], problems: list[str]) -> None:
    rows = list(OutboxMessage.objects.values_list("to_email", "template", "idempotency_key"))
    digests = sum(1 for _to, template, _key in rows if template == DIGEST_TEMPLATE)
    states = Counter(OutboxMessage.objects.values_list("state", flat=True))
    lines.append(
        f"outbox rows: {len(rows):,} ({', '.join(f'{s}={n:,}' for s, n in sorted(states.items()))}); "
        f"digests sent ({DIGEST_TEMPLATE!r} rows): {digests}"
    )
    for identity in duplicate_sla_emails(rows)[:10]:
        problems.append(f"SLA email written twice: {identity}")
    repeated = (
        OutboxMessage.objects.values("idempotency_key")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
    )
    for row in repeated[:10]:
        problems.append(f"idempotency key repeated: {row['idempotency_key']}")
    for outbox_id, times in sim.delivered.items():
        if times > 1:
            problems.append(f"outbox message {outbox_id} delivered {times} times")
    if states.get(OutboxMessage.State.FAILED, 0):
        problems.append(
            f"{states[OutboxMessage.State.FAILED]} outbox messages failed to render or send"
        )
