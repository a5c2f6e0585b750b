"""Demo cases (DESIGN.md, Demo data): a few hundred cases of the last 60 days, as a working team has them.

Every case is written through the case services with back-dated `at=` values, so its timeline,
clocks, emails and escalations are exactly what real use would have produced; the SLA sweep
then raises the warnings and breaches due now.

The world is planned for the moment it is seeded, whatever the day and hour (a Sunday, a
holiday): each open case gets an SLA state (OPEN_STATES: most on track, some past the warning
threshold, a few breached) and every case the targets it misses (_LATENESS: about one in
eight). A story is first rehearsed on the pure clock code (sla.clocks), in the support time of
its site's calendar, to find when the case must have come in to be in that state now; it is
then played through the services with the same random draws, oldest case first, so case
numbers follow arrival. Randomness is seeded, so every run tells the same stories (relative
to its moment). Seeded once: a world whose demo organisations already have cases gets none.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases import services
from cases.demo.placement import _play, _prepare
from cases.demo.plans import OPEN_SHARE, OPEN_STATES, _plans
from cases.demo.story import _Request, _Story
from cases.demo.world import DEMO_DAYS, _filers, _World
from cases.models import Case, Channel
from cases.services.sweep import sla_sweep
from contracts.demo import DEMO_ORGS

__all__ = [
    "DEMO_CASE_COUNT",
    "DEMO_DAYS",
    "OPEN_SHARE",
    "OPEN_STATES",
    "demo_cases_exist",
    "seed_cases",
]

DEMO_CASE_COUNT = 300  # read by seed_cases at call time (tests set it smaller)
_SEED = 2026
_CHANNELS = ((Channel.PORTAL, 70), (Channel.PHONE, 15), (Channel.EMAIL, 10), (Channel.API, 5))


# --- intake and the stories played through the services ---


def _intake(world: _World, request: _Request) -> tuple[Case, bool]:
    """Open the case through intake; a request it refuses is recorded as withdrawn (SLP-16)."""
    rng = random.Random(f"intake {request.seed}")
    filer, topic, out_of_scope = request.filer, request.topic, request.out_of_scope
    title, description = (out_of_scope[1:3]) if out_of_scope else (topic.title, topic.description)
    fields = {
        "reporter": rng.choice(filer.reporters),
        "organization": filer.organization,
        "site": filer.site,
        "release": request.release,
        "patch": request.patch,
        "title": title,
        "description": description,
        "proposed_priority": request.priority,
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
    # _play is read here, from this module, so a test may count the rehearsals.
    requests = [_prepare(world, rng, plan, _play) for plan in _plans(rng, count)]
    with transaction.atomic():
        # Oldest first, so case numbers follow arrival as they would have.
        for request in sorted(requests, key=lambda r: r.received_at):
            case, opened = _intake(world, request)
            if opened:
                _play(_Story(world, request, case))
        # Raise the warnings and breaches of the cases still open now, as the beat would.
        sla_sweep(now=now)
    return count
