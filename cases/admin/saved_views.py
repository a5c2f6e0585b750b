"""The queue's built-in views and the counts the staff home shows: one place for each rule.

A view is a filter of open cases (and, for personal views, any query string of the queue).
"Today" is the staff member's own day, in their time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import OPEN_STATUSES, Case, EscalationLevel, Status


def end_of_day(user, now: datetime) -> datetime:
    """Return midnight at the end of the staff member's present day, as an aware instant."""
    zone = ZoneInfo(user.time_zone or "UTC")
    local = now.astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)


@dataclass(frozen=True)
class BuiltinView:
    """A named view of open cases everyone has; `where` returns its filter for a staff member."""

    slug: str
    name: Promise
    where: Callable[[object, datetime], Q]


_OPEN = Q(status__in=OPEN_STATUSES)

BUILTIN_VIEWS: tuple[BuiltinView, ...] = (
    BuiltinView("open", _("All open cases"), lambda user, now: _OPEN),
    BuiltinView("mine", _("My open cases"), lambda user, now: _OPEN & Q(assignee=user)),
    BuiltinView("unassigned", _("Unassigned"), lambda user, now: _OPEN & Q(assignee__isnull=True)),
    BuiltinView(
        "breaching_today",
        _("Breaching today"),
        # Already breached, or falls due before the staff member's day ends.
        lambda user, now: _OPEN & Q(queue_due_at__lt=end_of_day(user, now)),
    ),
    BuiltinView(
        "waiting", _("Waiting on customer"), lambda user, now: Q(status=Status.WAITING_ON_CUSTOMER)
    ),
    BuiltinView(
        "escalated",
        _("Escalated"),
        lambda user, now: _OPEN & Q(escalation_level__gt=EscalationLevel.NONE),
    ),
)
VIEWS_BY_SLUG = {view.slug: view for view in BUILTIN_VIEWS}
DEFAULT_VIEW = "open"


def staff_counts(user, now: datetime) -> dict[str, int]:
    """Return the staff home's counts for this staff member, in one query.

    assigned: their open cases; due_today: theirs falling due (or breached) before their day
    ends; breached: theirs past a due instant; waiting: theirs waiting on the customer; and the
    team's unassigned and breaching-today counts.
    """
    mine = Q(assignee=user)
    due_today = _OPEN & Q(queue_due_at__lt=end_of_day(user, now))
    counts = Case.objects.aggregate(
        assigned=Count("pk", filter=_OPEN & mine),
        due_today=Count("pk", filter=due_today & mine),
        breached=Count("pk", filter=_OPEN & mine & Q(queue_due_at__lte=now)),
        waiting=Count("pk", filter=mine & Q(status=Status.WAITING_ON_CUSTOMER)),
        unassigned=Count("pk", filter=_OPEN & Q(assignee__isnull=True)),
        team_due_today=Count("pk", filter=due_today),
    )
    return {key: value or 0 for key, value in counts.items()}
