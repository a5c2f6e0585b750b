"""The customer's ratings as the staff case page shows them, read from the timeline it loaded.

Each rating writes one internal timeline event (cases.services.satisfaction.case_rate), which
the page reads anyway: the side panel costs no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from cases.admin.page import local_text
from cases.models import Case, CaseEvent, EventKind
from cases.services import RATING_KINDS

# The mark the queue shows next to the status, the same here.
RATING_MARKS = {EventKind.RATED_GOOD: "☺", EventKind.RATED_BAD: "☹"}


@dataclass(frozen=True)
class RatingRow:
    event: CaseEvent
    mark: str
    label: str
    good: bool
    by: str
    at: str
    current: bool


def case_ratings(case: Case, events: list[CaseEvent], zone: ZoneInfo) -> list[RatingRow]:
    """Return the case's ratings, newest first; `current` marks the resolution it stands at."""
    resolved = case.resolved_at.isoformat() if case.resolved_at else None
    rows = []
    for event in events:
        if event.kind not in RATING_KINDS:
            continue
        good = event.kind == EventKind.RATED_GOOD
        actor = event.actor
        rows.append(
            RatingRow(
                event=event,
                mark=RATING_MARKS[event.kind],
                label=_("Satisfied") if good else _("Not satisfied"),
                good=good,
                by="" if actor is None else actor.full_name or actor.email,
                at=local_text(event.at, zone),
                current=resolved is not None and event.data.get("resolved_at") == resolved,
            )
        )
    return rows[::-1]
