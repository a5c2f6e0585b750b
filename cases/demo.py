"""Demo cases (DESIGN.md, Demo data): a few hundred cases in every state over the last 60 days.

Every case is written through the case services with back-dated `at=` values, so its timeline,
clocks, emails and escalations are exactly what real use would have produced; the SLA sweep
then raises the breaches still open today. Randomness is seeded, so every run tells the same
stories (relative to the day it runs). Seeded once: a world whose demo organisations already
have cases gets none.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases import demo_texts as texts
from cases import services
from cases.models import Case, Channel
from cases.services.clocks import case_support_calendar
from cases.services.sweep import sla_sweep
from contracts.demo import DEMO_ORGS
from contracts.models import Membership, Organization, Patch, Release, Site, User
from contracts.services.eligibility import eligibility_check
from contracts.services.releases import releases_supported
from sla.models import Priority

DEMO_CASE_COUNT = 300
DEMO_DAYS = 60
_SEED = 2026
_STAFF = {
    "agent": "agent@demo.test",
    "supervisor": "supervisor@demo.test",
    "manager": "manager@demo.test",
}
_CHANNELS = ((Channel.PORTAL, 70), (Channel.PHONE, 15), (Channel.EMAIL, 10), (Channel.API, 5))
_PRIORITIES = [p.value for p in Priority]


class _Future(Exception):
    """The next step would fall after now: the case stays where its story got to."""


@dataclass(frozen=True)
class _Filer:
    """Who files for a site: the site's organisation, or the partner serving it (SLP-1)."""

    organization: Organization
    site: Site
    reporters: tuple[User, ...]
    contacts: tuple[User, ...]  # the end customer's people, when a partner files for one
    french: bool


def _people(organization: Organization, roles: tuple[str, ...]) -> tuple[User, ...]:
    return tuple(
        membership.user
        for membership in Membership.objects.filter(
            organization=organization, role__in=roles, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user__email")
    )


def _filers() -> list[_Filer]:
    """Return every demo site with the organisation that files its cases and its people."""
    names = [org.name for org in DEMO_ORGS]
    sites = Site.objects.filter(organization__name__in=names).select_related(
        "organization__partner"
    )
    filers = []
    for site in sites.order_by("code"):
        owner = site.organization
        filing = owner.partner or owner
        reporters = _people(filing, (Membership.Role.ADMIN, Membership.Role.AGENT))
        contacts = (
            _people(owner, (Membership.Role.ADMIN, Membership.Role.AGENT)) if owner.partner else ()
        )
        if reporters:
            filers.append(_Filer(filing, site, reporters, contacts, filing.language == "fr"))
    return filers


class _World:
    """What every story reads: the clock, the staff, releases and patches by day."""

    def __init__(self, now: datetime, filers: list[_Filer]) -> None:
        self.now = now
        self.filers = filers
        self.staff = {key: User.objects.get(email=email) for key, email in _STAFF.items()}
        self._releases: dict[date, list[Release]] = {}
        self._patches: dict[tuple[int, date], Patch | None] = {}

    def release_on(self, rng: random.Random, day: date) -> tuple[Release, Patch | None]:
        """Return a supported release on that day (mostly the current one) and its latest patch."""
        if day not in self._releases:
            self._releases[day] = releases_supported(on=day)
        supported = self._releases[day]
        release = supported[0] if len(supported) < 2 or rng.random() < 0.7 else supported[1]
        key = (release.pk, day)
        if key not in self._patches:
            self._patches[key] = (
                Patch.objects.filter(release=release, release_date__lte=day)
                .order_by("-release_date")
                .first()
            )
        return release, self._patches[key]


def _received_at(
    rng: random.Random, now: datetime, zone: ZoneInfo, days: tuple[float, float]
) -> datetime:
    """Return when a case came in: mostly in the site's working hours, never in the future."""
    day = (now.astimezone(zone) - timedelta(days=rng.uniform(*days))).date()
    if rng.random() < 0.8:
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        minute = rng.randint(7 * 60 + 30, 17 * 60 + 30)
    else:
        minute = rng.randint(0, 24 * 60 - 1)
    at = datetime.combine(day, time(), tzinfo=zone) + timedelta(minutes=minute)
    if at > now - timedelta(minutes=10):
        at = now - timedelta(minutes=rng.randint(10, 240))
    return at


class _Story:
    """One case's timeline as it is written: a cursor in time, the people, the next steps."""

    def __init__(
        self, world: _World, rng: random.Random, case: Case, topic: texts.Topic, out_of_scope=None
    ) -> None:
        self.world, self.rng, self.case, self.topic = world, rng, case, topic
        self.out_of_scope: tuple[str, str, str, str] | None = out_of_scope
        self.at = case.received_at
        self.engine = case_support_calendar(case)
        self.engineer = world.staff["agent"]

    # --- time: staff work in support hours, customers at any time ---

    def _move(self, at: datetime) -> datetime:
        if at >= self.world.now - timedelta(minutes=1):
            raise _Future
        self.at = at
        return at

    def staff_at(self, low: int, high: int) -> datetime:
        """Return an instant `low`..`high` support minutes on (plus seconds, to look real)."""
        later = self.engine.add(self.at, self.rng.randint(low, high))
        return self._move(later + timedelta(seconds=self.rng.randint(5, 55)))

    def customer_at(self, low_hours: float, high_hours: float) -> datetime:
        return self._move(self.at + timedelta(hours=self.rng.uniform(low_hours, high_hours)))

    @property
    def customer(self) -> User:
        return self.case.reporter

    # --- the steps, each one service call ---

    def attach(self) -> None:
        name, content = self.topic.attachment
        if name:
            upload = ContentFile(content.encode(), name=name)
            at = self.customer_at(0.02, 0.2)
            self.case = services.case_attach(
                case=self.case, by=self.customer, file=upload, at=at
            ).case

    def triage(self, late: bool = False) -> None:
        priority = self.case.proposed_priority
        if self.rng.random() < 0.2:
            shift = self.rng.choice((-1, 1))
            priority = _PRIORITIES[min(3, max(0, _PRIORITIES.index(priority) + shift))]
        category = "question" if priority == "P4" and self.rng.random() < 0.5 else "problem"
        at = self.staff_at(240, 900) if late else self.staff_at(5, 90)
        self.case = services.case_triage(
            case=self.case, by=self.engineer, priority=priority, category=category, at=at
        )

    def assign(self) -> None:
        staff = self.world.staff
        weights = ((staff["agent"], 70), (staff["supervisor"], 20), (staff["manager"], 10))
        self.engineer = self.rng.choices([w[0] for w in weights], [w[1] for w in weights])[0]
        self.case = services.case_assign(
            case=self.case, by=self.engineer, assignee=self.engineer, at=self.staff_at(1, 30)
        )

    def reply(self, body: str, low: int = 5, high: int = 120) -> None:
        self.case = services.case_comment(
            case=self.case, by=self.engineer, body=body, at=self.staff_at(low, high)
        )

    def note(self) -> None:
        self.case = services.case_comment(
            case=self.case, by=self.engineer, body=self.topic.note, public=False,
            at=self.staff_at(30, 600),
        )  # fmt: skip

    def start(self) -> None:
        self.case = services.case_start_work(
            case=self.case, by=self.engineer, at=self.staff_at(5, 120)
        )

    def ask_and_answer(self) -> None:
        self.case = services.case_request_information(
            case=self.case, by=self.engineer, body=self.topic.ask, at=self.staff_at(5, 120)
        )
        at = self.customer_at(1, 40)
        self.case = services.case_provide_information(
            case=self.case, by=self.customer, body=self.topic.answer, at=at
        )

    def resolve(self, kind: str = "settled", plan: str = "") -> None:
        spans = {"P1": (30, 300), "P2": (120, 900), "P3": (300, 1800), "P4": (600, 2400)}
        at = self.staff_at(*spans[self.case.priority or "P3"])
        self.case = services.case_resolve(
            case=self.case, by=self.engineer, kind=kind, body=self.topic.fix, plan=plan, at=at
        )

    def close(self) -> None:
        by = self.customer if self.rng.random() < 0.5 else self.engineer
        self.case = services.case_close(case=self.case, by=by, at=self.staff_at(120, 2700))

    def reopen(self) -> None:
        reason = self.rng.choice(texts.REOPEN_REASONS)
        at = self.customer_at(2, 200)
        self.case = services.case_reopen(case=self.case, by=self.customer, reason=reason, at=at)

    def escalate(self) -> None:
        reason = self.rng.choice(texts.ESCALATION_REASONS)
        at = self.customer_at(3, 72)
        self.case = services.case_escalate(case=self.case, by=self.customer, reason=reason, at=at)

    def classify_defect(self) -> None:
        kind = self.rng.choice(("bug", "defect"))
        reference = f"CAM-{self.rng.randint(10000, 39999)}"
        self.case = services.case_classify_defect(
            case=self.case, by=self.engineer, kind=kind, reference=reference,
            at=self.staff_at(60, 900),
        )  # fmt: skip

    def withdraw(self, exclusion: str, explanation: str) -> None:
        self.case = services.case_withdraw(
            case=self.case, by=self.engineer, exclusion=exclusion, explanation=explanation,
            at=self.staff_at(10, 240),
        )  # fmt: skip


# --- the stories: what happens to a case, stopped where "now" interrupts it ---


def _work(story: _Story) -> None:
    """Triage, take, answer and start work on the case, asking for information a third of the time."""
    rng = story.rng
    story.triage(late=rng.random() < 0.12)
    story.assign()
    if rng.random() < 0.35:
        story.ask_and_answer()
    else:
        story.reply(rng.choice(texts.FIRST_REPLIES))
        story.start()
    if rng.random() < 0.6:
        story.note()
    if rng.random() < 0.25:
        story.reply(rng.choice(texts.UPDATES), 120, 600)


def _resolution_kind(rng: random.Random) -> tuple[str, str]:
    kind = rng.choices(("settled", "plan", "not_a_defect"), (70, 12, 18))[0]
    return kind, texts.DEFECT_PLAN if kind == "plan" else ""


def _story_closed(story: _Story) -> None:
    _work(story)
    story.resolve(*_resolution_kind(story.rng))
    story.close()


def _story_resolved(story: _Story) -> None:
    _work(story)
    story.resolve(*_resolution_kind(story.rng))


def _story_in_progress(story: _Story) -> None:
    _work(story)


def _story_waiting(story: _Story) -> None:
    story.triage()
    story.assign()
    story.case = services.case_request_information(
        case=story.case, by=story.engineer, body=story.topic.ask, at=story.staff_at(5, 120)
    )


def _story_triaged(story: _Story) -> None:
    story.triage(late=story.rng.random() < 0.3)
    if story.rng.random() < 0.6:
        story.assign()


def _story_new(story: _Story) -> None:
    """Nobody has looked yet: the response clock runs (and, days later, breaches)."""


def _story_defect(story: _Story) -> None:
    story.triage()
    story.assign()
    story.reply(story.rng.choice(texts.FIRST_REPLIES))
    story.start()
    story.note()
    story.classify_defect()
    if story.rng.random() < 0.6:
        story.resolve("plan", texts.DEFECT_PLAN)
        if story.rng.random() < 0.5:
            story.close()


def _story_reopened(story: _Story) -> None:
    _work(story)
    story.resolve()
    story.reopen()
    story.note()
    if story.rng.random() < 0.5:
        story.resolve()
        if story.rng.random() < 0.5:
            story.close()


def _story_escalated(story: _Story) -> None:
    _work(story)
    story.escalate()
    story.reply(story.rng.choice(texts.UPDATES), 15, 120)
    for _level in range(story.rng.choice((0, 1, 1, 2))):
        story.escalate()
    if story.rng.random() < 0.4:
        story.resolve(*_resolution_kind(story.rng))


def _story_out_of_scope(story: _Story) -> None:
    """Opened online; support reads it and withdraws it with the reason (SLP-16)."""
    exclusion, _title, _description, explanation = story.out_of_scope
    story.triage()
    story.withdraw(exclusion, explanation)


# (story, weight, days ago received: low, high)
_STORIES = (
    (_story_closed, 34, (9, DEMO_DAYS)),
    (_story_resolved, 11, (1, 12)),
    (_story_in_progress, 13, (0.2, 15)),
    (_story_waiting, 7, (0.5, 12)),
    (_story_triaged, 6, (0, 4)),
    (_story_new, 5, (0, 5)),
    (_story_defect, 7, (3, DEMO_DAYS)),
    (_story_reopened, 5, (4, 40)),
    (_story_escalated, 9, (2, 30)),
    (_story_out_of_scope, 4, (0.5, DEMO_DAYS)),
)


@dataclass(frozen=True)
class _Request:
    """What the customer asks, before intake: who, where, when, about what, on which release."""

    filer: _Filer
    topic: texts.Topic
    received_at: datetime
    release: Release
    patch: Patch | None


# Most requests are covered; a few come from sites whose contract has lapsed, and intake
# refuses them (they are recorded as withdrawn, as staff would).
_UNCOVERED_SHARE = 0.04


def _request(world: _World, rng: random.Random, days: tuple[float, float]) -> _Request:
    """Pick who asks, when and on which release; retry a few times to land on a covered site."""
    for _attempt in range(8):
        filer = rng.choice(world.filers)
        received = _received_at(rng, world.now, ZoneInfo(filer.site.time_zone), days)
        site_day = received.astimezone(ZoneInfo(filer.site.time_zone)).date()
        release, patch = world.release_on(rng, site_day)
        covered = eligibility_check(
            organization=filer.organization, site=filer.site, release=release, at=received
        ).eligible
        if covered or rng.random() < _UNCOVERED_SHARE:
            break
    topic = rng.choice(texts.TOPICS_FR if filer.french else texts.TOPICS)
    return _Request(filer, topic, received, release, patch)


def _intake(
    world: _World, rng: random.Random, request: _Request, out_of_scope: tuple | None
) -> tuple[Case, bool]:
    """Open the case through intake; a request it refuses is recorded as withdrawn (SLP-16)."""
    filer, topic = request.filer, request.topic
    title, description = (out_of_scope[1:3]) if out_of_scope else (topic.title, topic.description)
    fields = {
        "reporter": rng.choice(filer.reporters),
        "organization": filer.organization,
        "site": filer.site,
        "release": request.release,
        "patch": request.patch,
        "title": title,
        "description": description,
        "proposed_priority": "P4" if out_of_scope else topic.priority,
        "channel": rng.choices([c for c, _w in _CHANNELS], [w for _c, w in _CHANNELS])[0],
        "contact": rng.choice(filer.contacts) if filer.contacts and rng.random() < 0.5 else None,
        "received_at": request.received_at,
    }
    if out_of_scope and rng.random() < 0.5:
        # Told on the phone that it is not support: recorded withdrawn at once.
        return _record_withdrawn(world, fields, out_of_scope[0], out_of_scope[3]), False
    extra = (
        {}
        if out_of_scope
        else {
            "environment": topic.environment,
            "steps": topic.steps,
            "business_impact": topic.impact,
        }
    )
    try:
        return services.case_open(**fields, **extra), True
    except services.CaseNotEligible as refusal:
        unsupported = "release_unsupported" in refusal.codes
        exclusion = "unsupported_release" if unsupported else "no_contract"
        return _record_withdrawn(world, fields, exclusion, " ".join(refusal.messages)), False


def _record_withdrawn(world: _World, fields: dict, exclusion: str, explanation: str) -> Case:
    """Record a refused request as withdrawn by the agent who took the call, as it ends."""
    at = min(fields["received_at"] + timedelta(minutes=7), world.now)
    return services.case_record_withdrawn(
        **{**fields, "channel": Channel.PHONE}, by=world.staff["agent"], exclusion=exclusion,
        explanation=explanation, at=at,
    )  # fmt: skip


def _tell(world: _World, rng: random.Random, story, days: tuple[float, float]) -> Case:
    """Open one case and play its story up to now."""
    request = _request(world, rng, days)
    out_of_scope = rng.choice(texts.OUT_OF_SCOPE) if story is _story_out_of_scope else None
    case, opened = _intake(world, rng, request, out_of_scope)
    if not opened:
        return case
    tale = _Story(world, rng, case, request.topic, out_of_scope)
    try:
        if rng.random() < 0.3:
            tale.attach()
        story(tale)
    except _Future:
        pass
    return tale.case


def demo_cases_exist() -> bool:
    """Tell whether the demo organisations already have cases (the demo seeds only once)."""
    names = [org.name for org in DEMO_ORGS]
    return Case.objects.filter(
        Q(organization__name__in=names) | Q(end_customer__name__in=names)
    ).exists()


def seed_cases(*, now: datetime | None = None, count: int | None = None) -> int:
    """Create the demo cases once, through the services; return how many were created."""
    now = now or timezone.now()
    count = DEMO_CASE_COUNT if count is None else count
    filers = _filers()
    if not filers or demo_cases_exist():
        return 0
    world = _World(now, filers)
    rng = random.Random(_SEED)
    stories = [story for story, _w, _d in _STORIES]
    weights = [weight for _s, weight, _d in _STORIES]
    days = {story: span for story, _w, span in _STORIES}
    with transaction.atomic():
        for _index in range(count):
            story = rng.choices(stories, weights)[0]
            _tell(world, rng, story, days[story])
        # Raise the warnings and breaches of the cases still open today, as the beat would.
        sla_sweep(now=now)
    return count
