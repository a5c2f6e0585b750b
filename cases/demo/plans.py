"""The demo stories (what happens to a case, played to its end or left open) and their shares.

Each plan says which story a case tells, its SLA state now if still open and the targets it
misses, in the exact shares of the tables here (cases.demo).
"""

from __future__ import annotations

import random

from cases.demo import texts
from cases.demo.story import _Plan, _Story
from cases.demo.world import DEMO_DAYS

# The share of cases still open at the seeding, and their SLA states then, by weight.
OPEN_SHARE = 0.34
OPEN_STATES = {"on_track": 79, "at_risk": 13, "breached": 8}
# Which targets a case is late for, (response, resolution), by weight: about one in eight.
_LATENESS = {(False, False): 80, (True, False): 7, (False, True): 11, (True, True): 2}


def _shares(weights: dict, count: int) -> dict:
    """Split `count` in proportion to the weights, largest remainders first."""
    total = sum(weights.values())
    exact = {key: count * weight / total for key, weight in weights.items()}
    counts = {key: int(share) for key, share in exact.items()}
    for key in sorted(exact, key=lambda k: counts[k] - exact[k])[: count - sum(counts.values())]:
        counts[key] += 1
    return counts


def _deck(rng: random.Random, weights: dict, count: int) -> list:
    """Return `count` keys in proportion to their weights, shuffled."""
    deck = [key for key, n in _shares(weights, count).items() for _ in range(n)]
    rng.shuffle(deck)
    return deck


# --- the stories: what happens to a case, played to its end or left open as planned ---


def _work(story: _Story) -> None:
    """Triage, take and answer the case (asking for information a third of the time), work it."""
    rng = story.rng
    story.triage()
    story.assign()
    if rng.random() < 0.35:
        story.ask()
        story.answer()
    else:
        story.reply(rng.choice(texts.FIRST_REPLIES))
        story.start()
    if rng.random() < 0.6:
        story.note()
    if rng.random() < 0.25:
        story.update()


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
    story.ask()


def _story_triaged(story: _Story) -> None:
    story.triage()
    if story.rng.random() < 0.6:
        story.assign()


def _story_new(story: _Story) -> None:
    """Nobody has read it yet: the response clock runs."""


def _story_defect(story: _Story) -> None:
    story.triage()
    story.assign()
    story.reply(story.rng.choice(texts.FIRST_REPLIES))
    story.start()
    story.note()
    story.classify_defect()
    if story.finished:
        story.resolve("plan", texts.DEFECT_PLAN)
        if story.rng.random() < 0.5:
            story.close()


def _story_reopened(story: _Story) -> None:
    _work(story)
    story.resolve(share=story.rng.uniform(0.15, 0.4))
    story.reopen()
    story.note()
    if story.finished:
        story.resolve()
        if story.rng.random() < 0.5:
            story.close()


def _story_escalated(story: _Story) -> None:
    _work(story)
    story.escalate()
    story.reply(story.rng.choice(texts.UPDATES))
    for _level in range(story.rng.choice((0, 1, 1, 2))):
        story.escalate()
    if story.finished:
        story.resolve(*_resolution_kind(story.rng))


def _story_out_of_scope(story: _Story) -> None:
    """Opened online; support reads it and withdraws it with the reason (SLP-16)."""
    exclusion, _title, _description, explanation = story.request.out_of_scope
    story.triage()
    story.withdraw(exclusion, explanation)


# Open cases: the stories that leave a case in each state, by weight.
_OPEN_STORIES = {
    "on_track": {
        _story_in_progress: 36, _story_waiting: 20, _story_new: 10, _story_triaged: 10,
        _story_defect: 9, _story_escalated: 7, _story_reopened: 8,
    },
    "at_risk": {_story_in_progress: 50, _story_new: 15, _story_triaged: 15, _story_escalated: 20},
    "breached": {_story_in_progress: 40, _story_new: 15, _story_triaged: 15, _story_escalated: 30},
}  # fmt: skip
# Stories of the unread cases, whose response clock is the one that matters.
_UNREAD = frozenset({_story_new, _story_triaged})
# Cases played to their end before now: (story, weight, days ago received: low, high).
_HISTORY = (
    (_story_closed, 50, (9, DEMO_DAYS)),
    (_story_resolved, 16, (1, 12)),
    (_story_defect, 9, (3, DEMO_DAYS)),
    (_story_reopened, 7, (4, 40)),
    (_story_escalated, 9, (2, 30)),
    (_story_out_of_scope, 9, (0.5, DEMO_DAYS)),
)
_HISTORY_DAYS = {story: days for story, _weight, days in _HISTORY}


def _plans(rng: random.Random, count: int) -> list[_Plan]:
    """Return the plans of `count` cases, in the exact shares of the tables above."""
    opened = round(count * OPEN_SHARE)
    kinds = [
        (story, state)
        for state, number in _shares(OPEN_STATES, opened).items()
        for story in _deck(rng, _OPEN_STORIES[state], number)
    ]
    history = {story: weight for story, weight, _days in _HISTORY}
    kinds += [(story, None) for story in _deck(rng, history, count - opened)]
    lateness = _deck(rng, _LATENESS, count)
    return [
        _Plan(story, state, late, rng.getrandbits(32))
        for (story, state), late in zip(kinds, lateness, strict=True)
    ]
