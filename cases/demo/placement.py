"""Placing a demo case in time: rehearse its story until it ends as planned, now.

The earlier a case came in, the further its story got; the rehearsals (stories played on the
pure clock code only) find the receipt that leaves it in its planned state (cases.demo).
`play` is the function that plays a story, passed down by seed_cases.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from cases.demo import texts
from cases.demo.plans import _HISTORY_DAYS, _UNREAD, _story_new, _story_out_of_scope
from cases.demo.story import _Future, _Plan, _Request, _Story
from cases.demo.world import DEMO_DAYS, _World
from contracts.services.eligibility import eligibility_check
from sla import clocks as sla_clocks
from sla.businesstime import SupportCalendar

# The share of its target used by the clock support works against, for each state: where the
# rehearsal aims and what it accepts. Both keep clear of the warning threshold (75 %) and the
# due instant (100 %), so a state holds for a while after the seeding.
_GOALS = {"on_track": (0.1, 0.6), "at_risk": (0.8, 0.92), "breached": (1.06, 1.5)}
_ACCEPTS = {"on_track": (0.0, 0.7), "at_risk": (0.78, 0.94), "breached": (1.03, 1.6)}
# Most requests are covered; a few come from sites whose contract has lapsed, and intake
# refuses them (they are recorded as withdrawn, as staff would).
_UNCOVERED_SHARE = 0.04
_ATTEMPTS = 4  # draws of a story tried before an open case falls back to an unread one
_STEPS = 12  # rehearsals per draw
_Player = Callable[[_Story], _Story]  # plays a story: _play, or a test's count of it
_COUNTING = frozenset(
    {sla_clocks.ClockStatus.RUNNING, sla_clocks.ClockStatus.PAUSED, sla_clocks.ClockStatus.BREACHED}
)


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


def _play(story: _Story) -> _Story:
    """Play the case's story up to its end or to now, whichever comes first."""
    try:
        if story.rng.random() < 0.3:
            story.attach()
        story.request.plan.story(story)
    except _Future:
        pass
    return story


def _before(engine: SupportCalendar, end: datetime, minutes: int) -> datetime:
    """Return the latest instant `minutes` support minutes before `end`, to half a minute."""
    late = end - timedelta(minutes=minutes)  # support time never runs faster than real time
    if engine.between(late, end) >= minutes:
        return late
    early, span = late, timedelta(days=1)
    while engine.between(early, end) < minutes:
        early, span = early - span, span * 2
    while late - early > timedelta(seconds=30):
        middle = early + (late - early) / 2
        if engine.between(middle, end) >= minutes:
            early = middle
        else:
            late = middle
    return early


def _pressure(clocks: sla_clocks.Clocks) -> tuple[float, int]:
    """Return the largest share of its target used by a clock still counting, and that target."""
    shares = [
        (c.used_minutes / c.target_minutes, c.target_minutes)
        for c in clocks
        if c.state in _COUNTING
    ]
    return max(shares, default=(0.0, clocks.resolution.target_minutes))


def _place_open(
    world: _World, rng: random.Random, request: _Request, play: _Player
) -> _Request | None:
    """Return the request received when its story leaves it in its planned state now, if any.

    The earlier a case came in, the further its story got and the more of its target it used:
    each rehearsal moves the receipt by the support minutes missing or in excess (or, when the
    story did not get to its end, back by twice the time it lacked), and once a receipt too
    early and one too late are known, halfway between them.
    """
    state = request.plan.state
    low, high = _ACCEPTS[state]
    goal = rng.uniform(*_GOALS[state])
    engine = world.engines[request.filer.site.pk]
    target = world.targets[request.priority]
    unread = request.plan.story in _UNREAD
    minutes = target.response_minutes if unread else target.resolution_minutes
    received = _before(engine, world.now, round(goal * minutes))
    early = late = None  # receipts known to be too early and too late
    for _step in range(_STEPS):
        received = min(received, world.now - timedelta(minutes=10))
        story = play(_Story(world, replace(request, received_at=received)))
        if story.overrun is not None:
            late, guess = received, received - 2 * (story.overrun - world.now)
        else:
            share, minutes = _pressure(story.clocks(world.now))
            if low <= share <= high:
                return replace(request, received_at=received)
            if share > high:
                early = received
            else:
                late = received
            shift = round((goal - share) * minutes)
            guess = _before(engine, received, shift) if shift > 0 else engine.add(received, -shift)
        if early is not None and late is not None and not early < guess < late:
            guess = early + (late - early) / 2
        received = guess
    return None


def _place_history(
    world: _World, rng: random.Random, request: _Request, play: _Player, *, bounded: bool
) -> _Request | None:
    """Return the request received in its days, or before if need be, so its story ends by now."""
    zone = ZoneInfo(request.filer.site.time_zone)
    received = _received_at(rng, world.now, zone, _HISTORY_DAYS[request.plan.story])
    oldest = world.now - timedelta(days=DEMO_DAYS)
    for _step in range(_STEPS if bounded else 5 * _STEPS):
        if bounded and received < oldest:
            return None
        story = play(_Story(world, replace(request, received_at=received)))
        if story.overrun is None:
            return replace(request, received_at=received)
        received -= timedelta(days=(story.overrun - world.now).days + 1)
    return replace(request, received_at=received)


def _place(world: _World, rng: random.Random, request: _Request, play: _Player) -> _Request:
    """Return the request received when its plan needs it, trying other draws if need be."""
    plan = request.plan
    for attempt in range(_ATTEMPTS):
        retry = replace(request, seed=plan.seed + attempt)
        if plan.state is None:
            placed = _place_history(world, rng, retry, play, bounded=attempt < _ATTEMPTS - 1)
        else:
            placed = _place_open(world, rng, retry, play)
        if placed is not None:
            return placed
    # No draw of the story holds the state now; a case nobody has read yet always can.
    unread = replace(request, plan=replace(plan, story=_story_new))
    return _place_open(world, rng, unread, play) or replace(
        unread, received_at=world.now - timedelta(minutes=10)
    )


def _prepare(world: _World, rng: random.Random, plan: _Plan, play: _Player) -> _Request:
    """Choose who asks, about what, when (as the plan needs it) and on which release."""
    for _attempt in range(8):
        filer = world.filer_for(rng, plan.state)
        topic = rng.choice(texts.TOPICS_FR if filer.french else texts.TOPICS)
        scope = rng.choice(texts.OUT_OF_SCOPE) if plan.story is _story_out_of_scope else None
        request = _place(
            world, rng, _Request(plan, filer, topic, scope, world.now, plan.seed), play
        )
        day = request.received_at.astimezone(ZoneInfo(filer.site.time_zone)).date()
        release, patch = world.release_on(rng, day)
        covered = eligibility_check(
            organization=filer.organization, site=filer.site, release=release,
            at=request.received_at,
        ).eligible  # fmt: skip
        if covered or (plan.state is None and rng.random() < _UNCOVERED_SHARE):
            break
    return replace(request, release=release, patch=patch)
