"""The queue's built-in views, the counts the staff home shows, and each person's saved views.

A view is a filter of open cases (and, for personal views, any query string of the queue).
"Today" is the staff member's own day, in their time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import OPEN_STATUSES, Case, EscalationLevel, SavedView, Status
from cases.models.workspace import VIEW_QUERY_MAX_CHARS


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
    due_today = Q(queue_due_at__lt=end_of_day(user, now))
    # Every count is of open cases: the WHERE lets an index skip the closed ones, which
    # outnumber them more every year. Counting "status" (never null) rather than the id keeps
    # every column read in case_status_assignee_due_idx: the counts come from the index alone.
    counts = Case.objects.filter(_OPEN).aggregate(
        assigned=Count("status", filter=mine),
        due_today=Count("status", filter=due_today & mine),
        breached=Count("status", filter=mine & Q(queue_due_at__lte=now)),
        waiting=Count("status", filter=mine & Q(status=Status.WAITING_ON_CUSTOMER)),
        unassigned=Count("status", filter=Q(assignee__isnull=True)),
        team_due_today=Count("status", filter=due_today),
    )
    return {key: value or 0 for key, value in counts.items()}


# Not a view of open cases, so not among the built-in ones the staff home links to: the tab
# for every case (closed and withdrawn included), and the base of a status filter.
ALL_VIEW = BuiltinView("all", _("All cases"), lambda user, now: Q())
QUEUE_VIEWS: tuple[BuiltinView, ...] = (*BUILTIN_VIEWS, ALL_VIEW)
QUEUE_VIEWS_BY_SLUG = {view.slug: view for view in QUEUE_VIEWS}

# --- personal views: a staff member's own named query strings of the queue ---

PERSONAL_VIEWS_MAX = 20
# Read on every queue page: kept in the cache (no query), dropped whenever one is saved or
# deleted; the hour bounds how long a change made outside these functions stays unseen.
_PERSONAL_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class PersonalView:
    """A saved view as the queue lists it."""

    pk: int
    name: str
    query: str


def _personal_key(user) -> str:
    return f"staff-queue:views:{user.pk}"


def personal_views(user) -> list[PersonalView]:
    """Return the staff member's own saved views, by name (from the cache when it has them)."""
    key = _personal_key(user)
    views = cache.get(key)
    if views is None:
        views = [
            PersonalView(pk, name, query)
            for pk, name, query in SavedView.objects.filter(owner=user).values_list(
                "pk", "name", "query"
            )
        ]
        cache.set(key, views, _PERSONAL_CACHE_SECONDS)
    return views


def saved_view_save(*, owner, name: str, query: str) -> tuple[SavedView, bool]:
    """Save the query under the name (replacing the query of an own view of that name).

    Return the view and whether it is new. The query is the queue's canonical query string.
    """
    name = " ".join((name or "").split())
    max_name = SavedView._meta.get_field("name").max_length
    if not name:
        raise ValidationError({"name": gettext("Give the view a name.")}, code="required")
    if len(name) > max_name:
        raise ValidationError(
            {"name": gettext("A view name has at most %(max)d characters.") % {"max": max_name}},
            code="max_length",
        )
    if len(query) > VIEW_QUERY_MAX_CHARS:
        raise ValidationError(gettext("These filters are too long to save."), code="max_length")
    with transaction.atomic():
        existing = SavedView.objects.select_for_update().filter(owner=owner, name=name).first()
        if existing is None:
            if SavedView.objects.filter(owner=owner).count() >= PERSONAL_VIEWS_MAX:
                raise ValidationError(
                    gettext("You have %(max)d saved views: delete one first.")
                    % {"max": PERSONAL_VIEWS_MAX},
                    code="too_many",
                )
            view = SavedView.objects.create(owner=owner, name=name, query=query)
        else:
            existing.query = query
            existing.save(update_fields=["query"])
            view = existing
    _forget(owner)
    return view, existing is None


def saved_view_delete(*, owner, pk: int) -> SavedView:
    """Delete one of the staff member's own saved views; another's is SavedView.DoesNotExist."""
    with transaction.atomic():
        view = SavedView.objects.get(owner=owner, pk=pk)
        view.delete()
    _forget(owner)
    return view


def _forget(owner) -> None:
    # Now, and again once an enclosing transaction commits: a page read in between must not
    # keep the list as it was before the change.
    key = _personal_key(owner)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
