"""The world of the staff pages benchmark (bench/staff_pages.py): tenants, people, and N cases.

Imported once Django is set up. Several tenants (a distributor and an OEM serving end
customers, direct customers) with 2,000 customer users; staff in every support role. Cases
arrive at a steady 70 a day, so 1,000 cases span two weeks and 100,000 about four years; a case
is still open with a chance that falls with its age (90 % the first day, 2 % after a month).
Each timeline is what the services write: receipt, triage, assignment, ~3 comments (the first
public staff one the response), waiting on the customer, escalations, resolution, closure, and
the sweep's warnings, breaches and update reminders. The stored clock columns come from the
clock recompute the services call (cases.services.clocks), run on those timelines.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

RATE_PER_DAY = 70
CUSTOMERS = 2_000
BATCH = 2_000
PRIORITIES = ("P1", "P2", "P3", "P4")
PRIORITY_WEIGHTS = (5, 20, 50, 25)
# Comments per case, 0 to 6: about 3 on average.
COMMENT_WEIGHTS = (6, 12, 22, 28, 16, 10, 6)
# (maximum age in days, chance the case is still open)
OPEN_BY_AGE = ((1, 0.9), (3, 0.6), (7, 0.35), (30, 0.15))
OPEN_WHEN_OLD = 0.02
# Triage, start of work and the first reply come within hours of receipt.
EARLY_STEPS = 3
EARLY_GAP_MINUTES = 120
ZONES = {
    "US": ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"),
    "CA": ("America/Toronto",),
    "GB": ("Europe/London",),
    "FR": ("Europe/Paris",),
    "DE": ("Europe/Berlin",),
}
STAFF = {"agent": 12, "supervisor": 3, "support_management": 2}
TITLES = (
    "Post-processor output stops at line {n}",
    "Licence server not reachable after the {v} update",
    "Toolpath simulation crashes when opening a large assembly",
    "Wrong feed rate in the generated NC program for machine {m}",
    "Cannot activate the floating licence on the new workstation",
    "Collision check ignores the fixture on setup {m}",
    "Drilling cycle exported with the wrong retract plane",
    "Slow regeneration of 5-axis operations since {v}",
    "Question about the support for a new controller",
    "Installer fails with error 1603 on Windows Server",
)
BODIES = (
    "The machine stops with an alarm when the program reaches the third tool change. "
    "It started after we installed the latest patch; the same part worked last week.",
    "We attached the project and the log. Could you tell us whether this is a known problem "
    "and what we can do in the meantime? Production is waiting for this part.",
    "Thanks for the quick answer. We tried the workaround but the result is the same on "
    "both stations. The operator noticed it only happens with the metric template.",
    "Internal: reproduced on 2026.1 with the customer's file; looks like the retract plane "
    "is taken from the previous operation. Checking with development.",
    "Please find the corrected post-processor attached. Install it over the current one and "
    "regenerate the program; let us know whether the machine runs it to the end.",
)


@dataclass
class World:
    """What the cases refer to; ids rather than objects where bulk building needs speed."""

    now: datetime
    releases: list
    sites: list
    site_weights: list
    calendars: dict  # site pk -> Calendar
    members: dict  # organisation pk -> [user pk]
    assignees: list  # staff who work cases: pk, email
    supervisors: list
    agent: object  # the staff member whose pages are measured
    policy: object
    targets: dict
    counts: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.staff_by_pk = {user.pk: user for user in self.assignees}


def world_build(rng: random.Random, *, now: datetime) -> World:
    """Create the tenants, their sites and users, the staff in their roles, and the release."""
    from contracts.models import Product, Release
    from sla.models import PolicyVersion
    from sla.services.calendars import calendar_for_site
    from sla.services.policies import policy_targets

    product = Product.objects.create(name="CONNECT CAM", code="connect-cam")
    releases = [
        Release.objects.create(
            product=product, version=version, release_date=(now - timedelta(days=days)).date()
        )
        for version, days in (("2023", 1500), ("2024", 1130), ("2025", 770), ("2026", 405))
    ]
    sites = _tenants(rng)
    staff = _staff(rng)
    _workspace(staff["agent"], staff["supervisors"][0])
    policy = PolicyVersion.objects.get(name="CONNECT SLP 1")
    return World(
        now=now,
        releases=releases,
        sites=sites,
        # A few large customers file most cases, as in any support queue.
        site_weights=[1 / (1 + n % 17) for n in range(len(sites))],
        calendars={site.pk: calendar_for_site(site) for site in sites},
        members=_customers(rng, {site.organization_id for site in sites}),
        assignees=staff["assignees"],
        supervisors=staff["supervisors"],
        agent=staff["agent"],
        policy=policy,
        targets={str(p): target for p, target in policy_targets(policy).items()},
    )


def _tenants(rng: random.Random) -> list:
    """Create a distributor and an OEM with their end customers, and direct customers; return sites."""
    from contracts.models import Organization, Site

    partners = Organization.objects.bulk_create(
        [
            Organization(name="Northwind Distribution", kind="distributor", country="US"),
            Organization(name="Contoso Machines", kind="oem", country="DE"),
        ]
    )
    countries = list(ZONES)
    served = Organization.objects.bulk_create(
        Organization(
            name=f"End customer {n:02d}",
            kind="end_customer",
            partner=partners[n % 2],
            country=countries[n % len(countries)],
        )
        for n in range(15)
    )
    direct = Organization.objects.bulk_create(
        Organization(
            name=f"Direct customer {n:02d}", kind="direct_customer", country=countries[n % 5]
        )
        for n in range(24)
    )
    sites = []
    for org in (*served, *direct):
        for _ in range(rng.randint(1, 3)):
            n = len(sites)
            sites.append(
                Site(
                    organization=org,
                    name=f"{org.name} plant {n}",
                    code=f"S{n:04d}",
                    country=org.country,
                    time_zone=rng.choice(ZONES[org.country]),
                )
            )
    return Site.objects.bulk_create(sites)


def _customers(rng: random.Random, org_ids: set[int]) -> dict:
    """Create 2,000 customer users, each a member of one organisation; return pks by org."""
    from contracts.models import Membership, Organization, User

    orgs = list(Organization.objects.filter(pk__in=org_ids).select_related("partner"))
    users = User.objects.bulk_create(
        User(email=f"customer{n:04d}@example.test", full_name=f"Customer {n:04d}", password="!")
        for n in range(CUSTOMERS)
    )
    memberships, members = [], {}
    for n, user in enumerate(users):
        org = orgs[n % len(orgs)]
        role = rng.choices(["admin", "agent", "viewer"], weights=(5, 70, 25))[0]
        memberships.append(Membership(user=user, organization=org, role=role))
        members.setdefault(org.pk, []).append(user.pk)
    Membership.objects.bulk_create(memberships)
    return members


def _staff(rng: random.Random) -> dict:
    """Create staff in each support role (as groups); the first agent is the measured one."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    from contracts.models import User
    from contracts.roles import StaffRole

    counts = {**STAFF, "executive_sponsor": 1, "contract_administrator": 1}
    by_role = {}
    for role, count in counts.items():
        group = Group.objects.get(name=StaffRole(role).label_en)
        people = User.objects.bulk_create(
            User(
                email=f"{role.replace('_', '-')}{n:02d}@vendor.test",
                full_name=f"{StaffRole(role).label_en} {n:02d}",
                password="!",
                is_staff=True,
                time_zone="America/Chicago",
            )
            for n in range(count)
        )
        group.user_set.add(*people)
        by_role[role] = people
    agent = by_role["agent"][0]
    # The admin requires staff to have an authenticator (tests/conftest.py, staff_login).
    TOTP.activate(agent, "JBSWY3DPEHPK3PXP")
    return {
        "assignees": [*by_role["agent"], *by_role["supervisor"]],
        "supervisors": by_role["supervisor"],
        "agent": agent,
    }


def _workspace(agent, supervisor) -> None:
    """Give the measured agent saved views, and the team canned replies in both languages."""
    from cases.models import CannedReply, SavedView

    SavedView.objects.bulk_create(
        SavedView(owner=agent, name=name, query=query)
        for name, query in (
            ("My P1 and P2", "priority__in=P1,P2"),
            ("Waiting, Northwind", "status__exact=waiting_on_customer&q=Northwind"),
            ("Licence questions", "q=licence"),
        )
    )
    bodies = {
        "en": "Hello {contact_name}, about {case_number}: {case_title}. Next update by {due_at}.",
        "fr": "Bonjour {contact_name}, au sujet de {case_number} : {case_title}. "
        "Prochaine mise à jour avant le {due_at}.",
    }
    CannedReply.objects.bulk_create(
        CannedReply(name=name, language=language, body=body, updated_by=supervisor)
        for name in ("Acknowledge", "Ask for the log", "Workaround sent", "Fixed in patch")
        for language, body in bodies.items()
    )


def cases_seed(world: World, count: int, rng: random.Random) -> None:
    """Bulk-create `count` cases received at a steady rate up to now, oldest first, with timelines."""
    from cases.models import Case, CaseEvent

    step = timedelta(days=1) / RATE_PER_DAY
    # The newest case is at least two minutes old: its timeline ends a minute before now.
    jitter = int(step.total_seconds()) - 120
    for start in range(0, count, BATCH):
        cases, events = [], []
        for n in range(start, min(count, start + BATCH)):
            age = step * (count - n) - timedelta(seconds=rng.randint(0, jitter))
            received = (world.now - age).replace(microsecond=0)
            case, timeline = _case(world, n + 1, received, rng)
            cases.append(case)
            events.extend(timeline)
        Case.objects.bulk_create(cases)
        CaseEvent.objects.bulk_create(events)
        world.counts["events"] = world.counts.get("events", 0) + len(events)
        world.counts["open"] = world.counts.get("open", 0) + sum(c.is_open for c in cases)


def _case(world: World, n: int, received: datetime, rng: random.Random) -> tuple:
    """Return one unsaved case with its timeline and the clock columns the services store."""
    from cases.models import Case

    site = rng.choices(world.sites, weights=world.site_weights)[0]
    org = site.organization
    status = _status(world.now - received, rng)
    proposed = rng.choices(PRIORITIES, weights=PRIORITY_WEIGHTS)[0]
    assigned = status != "new" or rng.random() < 0.3
    case = Case(
        number=f"C-{n:06d}",
        channel=rng.choices(["portal", "email", "phone", "api"], weights=(60, 25, 12, 3))[0],
        organization_id=org.partner_id or org.pk,
        end_customer_id=org.pk if org.partner_id else None,
        site=site,
        release_id=rng.choice(world.releases).pk,
        reporter_id=rng.choice(world.members[org.pk]),
        title=rng.choice(TITLES).format(n=n % 9000 + 100, v="2026.1", m=n % 40 + 1),
        description=rng.choice(BODIES),
        environment="Windows 11, 64 GB, Fanuc 31i post-processor",
        proposed_priority=proposed,
        priority="",
        status="new",
        assignee_id=rng.choice(world.assignees).pk if assigned else None,
        policy_version=world.policy,
        calendar=world.calendars[site.pk],
        received_at=received,
    )
    case.contact_id = case.reporter_id
    timeline = _Timeline(world, case, rng).build(status)
    _clocks_as_swept(world, case, timeline)
    return case, timeline


def _status(age: timedelta, rng: random.Random) -> str:
    """Return the status a case of this age has: young ones mostly open, old ones closed."""
    chance = next((p for days, p in OPEN_BY_AGE if age < timedelta(days=days)), OPEN_WHEN_OLD)
    if rng.random() < chance:
        if age < timedelta(hours=4):
            weights = (70, 20, 10, 0)
        elif age < timedelta(days=3):
            weights = (15, 20, 45, 20)
        elif age < timedelta(days=30):
            weights = (3, 10, 50, 37)
        else:
            # What lingers is mostly waiting on the customer.
            weights = (1, 4, 35, 60)
        return rng.choices(["new", "triaged", "in_progress", "waiting_on_customer"], weights)[0]
    if rng.random() < 0.03:
        return "withdrawn"
    return "resolved" if age < timedelta(days=10) and rng.random() < 0.5 else "closed"


class _Timeline:
    """Build a case's events in the order and shape the case services write them."""

    def __init__(self, world: World, case, rng: random.Random) -> None:
        self.world, self.case, self.rng = world, case, rng
        self.events: list = []
        self.responded = False
        # Whoever works the case acts on it; someone from the team when nobody is assigned.
        self.staff = world.staff_by_pk.get(case.assignee_id) or rng.choice(world.assignees)

    def add(self, kind: str, at: datetime, *, by: int | None, staff: bool, **fields) -> None:
        from cases.models import CaseEvent

        data = fields.pop("data", {})
        if by is not None:
            data["by_staff"] = staff
        self.events.append(
            CaseEvent(case=self.case, kind=kind, at=at, actor_id=by, data=data, **fields)
        )

    def build(self, status: str) -> list:
        """Return the events that bring the case from receipt to `status`."""
        case = self.case
        steps = self._steps(status)
        at = self._instants(status, len(steps))
        self.add(
            "received",
            case.received_at,
            by=case.reporter_id,
            staff=False,
            new_value=case.proposed_priority,
            data={"channel": case.channel},
        )
        for step, instant in zip(steps, at, strict=True):
            getattr(self, f"_{step}")(instant)
        return self.events

    def _steps(self, status: str) -> list[str]:
        rng = self.rng
        comments = rng.choices(range(7), weights=COMMENT_WEIGHTS)[0]
        assign = ["assign"] if self.case.assignee_id else []
        if status == "new":
            return assign + ["customer"] * min(comments, 2)
        if status == "withdrawn":
            return assign + ["customer"] * min(comments, 1) + ["withdraw"]
        talk = ["reply"] + [rng.choice(["customer", "reply", "note"]) for _ in range(comments - 1)]
        talk = talk[:comments]
        if status != "triaged":
            talk.insert(min(1, len(talk)), "start")
        # Customers escalate one open case in twelve; one in five of those again (SLP-12).
        if status in ("triaged", "in_progress", "waiting_on_customer") and rng.random() < 0.08:
            at = rng.randint(0, len(talk))
            talk[at:at] = ["escalate"] * (2 if rng.random() < 0.2 else 1)
        ending = {
            "waiting_on_customer": ["wait"],
            "resolved": ["resolve"],
            "closed": ["resolve", "close"],
        }.get(status, [])
        return ["triage", *talk, *ending]

    def _instants(self, status: str, count: int) -> list[datetime]:
        """Date the steps: triage and the first replies within hours, the rest over the case's life."""
        rng, received, now = self.rng, self.case.received_at, self.world.now
        end = now - timedelta(minutes=1)
        if status in ("resolved", "closed", "withdrawn", "waiting_on_customer"):
            # Resolved in four days on average; information is asked for within two.
            mean_days = 2 if status == "waiting_on_customer" else 4
            life = timedelta(minutes=30 + rng.expovariate(1 / (mean_days * 24 * 60)))
            end = min(received + life, end)
        at, instants = received, []
        for _ in range(min(count, EARLY_STEPS)):
            at = min(at + timedelta(minutes=1 + rng.expovariate(1 / EARLY_GAP_MINUTES)), end)
            instants.append(at.replace(microsecond=0))
        span = max(0, int((end - at).total_seconds()))
        later = (at + timedelta(seconds=rng.randint(0, span)) for _ in range(count - len(instants)))
        return instants + sorted(later)

    # --- one method per service call; each writes what that service writes ---

    def _status(self, to: str, at: datetime, by: int, staff: bool) -> None:
        self.add("status", at, by=by, staff=staff, old_value=self.case.status, new_value=to)
        self.case.status = to

    def _response(self, at: datetime) -> None:
        if not self.responded:
            self.add("response", at, by=self.staff.pk, staff=True)
            self.responded = True

    def _assign(self, at: datetime) -> None:
        assignee = self.world.staff_by_pk[self.case.assignee_id]
        by = self.rng.choice(self.world.supervisors).pk
        self.add(
            "assignment",
            at,
            by=by,
            staff=True,
            public=False,
            new_value=assignee.email,
            data={"assignee": assignee.pk},
        )

    def _triage(self, at: datetime) -> None:
        case, rng, by = self.case, self.rng, self.staff.pk
        self._status("triaged", at, by, True)
        # Support keeps the customer's proposal four times in five, else moves it one step.
        index = PRIORITIES.index(case.proposed_priority)
        if rng.random() < 0.2:
            index = min(3, max(0, index + rng.choice((-1, 1))))
        case.priority = PRIORITIES[index]
        self.add("priority", at, by=by, staff=True, new_value=case.priority)
        case.category = rng.choice(["question", "problem", "problem"])
        self.add("classification", at, by=by, staff=True, new_value=case.category)
        if case.assignee_id:
            self._assign(at)

    def _start(self, at: datetime) -> None:
        self._status("in_progress", at, self.staff.pk, True)

    def _reply(self, at: datetime) -> None:
        self.add("comment", at, by=self.staff.pk, staff=True, body=self.rng.choice(BODIES[4:]))
        self._response(at)

    def _note(self, at: datetime) -> None:
        self.add("comment", at, by=self.staff.pk, staff=True, public=False, body=BODIES[3])

    def _customer(self, at: datetime) -> None:
        body = self.rng.choice(BODIES[:3])
        self.add("comment", at, by=self.case.reporter_id, staff=False, body=body)

    def _escalate(self, at: datetime) -> None:
        case = self.case
        level = case.escalation_level + 1
        self.add(
            "escalation",
            at,
            by=case.reporter_id,
            staff=False,
            body="Production is stopped.",
            old_value=str(case.escalation_level),
            new_value=str(level),
            data={"level": level},
        )
        case.escalation_level = level

    def _wait(self, at: datetime) -> None:
        self._status("waiting_on_customer", at, self.staff.pk, True)
        self.add(
            "info_requested",
            at,
            by=self.staff.pk,
            staff=True,
            body="Please send the NC program and the machine log.",
        )
        self._response(at)

    def _resolve(self, at: datetime) -> None:
        kind = self.rng.choices(["settled", "plan", "not_a_defect"], weights=(80, 10, 10))[0]
        plan = "Fixed in the next patch, due within 30 days." if kind == "plan" else ""
        self._status("resolved", at, self.staff.pk, True)
        self.add(
            "resolution",
            at,
            by=self.staff.pk,
            staff=True,
            body=BODIES[4],
            new_value=kind,
            data={"kind": kind, "plan": plan},
        )
        self._response(at)
        self.case.resolved_at = at

    def _close(self, at: datetime) -> None:
        latest = self.world.now - timedelta(minutes=1)
        closed = min(at + timedelta(days=self.rng.uniform(0.1, 7)), latest)
        self._status("closed", closed, self.case.reporter_id, False)
        self.add("closed", closed, by=self.case.reporter_id, staff=False)
        self.case.closed_at = closed

    def _withdraw(self, at: datetime) -> None:
        case, by = self.case, self.staff.pk
        self._status("withdrawn", at, by, True)
        data = {"exclusion": "training"}
        self.add("classification", at, by=by, staff=True, new_value="out_of_scope", data=data)
        self.add(
            "withdrawn",
            at,
            by=by,
            staff=True,
            body="Training requests go to the academy.",
            data=dict(data),
        )
        case.category, case.exclusion = "out_of_scope", "training"


def _clocks_as_swept(world: World, case, timeline: list) -> None:
    """Store the clocks as the services and a sweep running every five minutes leave them.

    The recompute gives the clocks; each warning and breach instant passed before the clock
    stopped (or before now) gets the sweep's event five minutes later, an open case whose
    status update is overdue its reminder; then the clocks are recomputed with them.
    """
    from cases.services.clocks import case_clocks_recompute

    now, late = world.now, timedelta(minutes=5)
    clocks = case_clocks_recompute(
        case, now=now, save=False, events=timeline, targets=world.targets
    )
    swept = []
    for clock in clocks:
        until = min(clock.stopped_at or now, now - late)
        if clock.warn_at is not None and clock.warn_at <= until:
            swept.append(_swept(case, "sla_warning", clock, clock.warn_at + late))
        if clock.due_at is not None and clock.due_at <= until:
            swept.append(_swept(case, "sla_breach", clock, clock.due_at + late))
    due = case.next_update_due_at
    if case.is_open and due is not None and due <= now - late:
        # The latest of the reminders a running sweep raised; the earlier ones change nothing.
        swept.append(_swept(case, "update_reminder", None, now - late))
    if swept:
        timeline.extend(swept)
        timeline.sort(key=lambda event: event.at)
        case_clocks_recompute(case, now=now, save=False, events=timeline, targets=world.targets)


def _swept(case, kind: str, clock, at: datetime):
    from cases.models import CaseEvent

    name = str(clock.kind) if clock is not None else "update"
    due = clock.due_at if clock is not None else case.next_update_due_at
    data = {"clock": name, "due_at": due.isoformat() if due else None}
    return CaseEvent(
        case=case, kind=kind, at=at, actor=None, public=False, new_value=name, data=data
    )
