"""Who else has a case open, and who changed it since the page was loaded.

Viewers are kept in the Django cache (Redis in production, so every web process sees them):
one entry per case mapping a staff member's id to their name and the last time their page
said it was open. The page says so on load and then every POLL_SECONDS; an entry older than
PRESENCE_SECONDS is gone. Two pages writing at the same instant may drop one heartbeat; the
next poll puts it back, well within the window.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext as _

from cases.models import CaseEvent, EventKind
from cases.selectors import case_events_added_since
from contracts.models import User

PRESENCE_SECONDS = 120
POLL_SECONDS = 30


def _key(case_id: int) -> str:
    return f"cases:presence:{case_id}"


def presence_touch(case_id: int, user: User, *, now: float | None = None) -> list[str]:
    """Record that the user has the case open; return who else had it open lately, by name."""
    now = time.time() if now is None else now
    seen = cache.get(_key(case_id)) or {}
    fresh = {uid: entry for uid, entry in seen.items() if now - entry[1] < PRESENCE_SECONDS}
    fresh[user.pk] = (user.full_name or user.email, now)
    cache.set(_key(case_id), fresh, timeout=PRESENCE_SECONDS)
    return sorted(name for uid, (name, _at) in fresh.items() if uid != user.pk)


@dataclass(frozen=True)
class Change:
    """Someone who added to the timeline since the page was loaded."""

    who: str
    replied: bool

    def text(self) -> str:
        if self.replied:
            return _("%(who)s replied since you opened the case.") % {"who": self.who}
        return _("%(who)s changed the case since you opened it.") % {"who": self.who}


def _who(event: CaseEvent) -> str:
    if event.actor is None:
        return _("The SLA sweep")
    return event.actor.full_name or event.actor.email


def changes_since(case_id: int, after_id: int, *, user: User) -> list[Change]:
    """Return, per person, what others added to the timeline after event `after_id`."""
    changes: dict[str, bool] = {}
    for event in case_events_added_since(case_id, after_id, by_others_than=user):
        who = _who(event)
        changes[who] = changes.get(who, False) or event.kind == EventKind.COMMENT
    return [Change(who, replied) for who, replied in changes.items()]
