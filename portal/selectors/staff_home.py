"""What the staff home (the admin index) shows a staff member: counts and views of the queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases.admin.permissions import VIEW
from cases.admin.saved_views import BUILTIN_VIEWS, personal_views, staff_counts
from contracts.models import User


@dataclass(frozen=True)
class HomeLink:
    """One line of the staff home: a label, where it leads in the queue, and a count."""

    label: str
    url: str
    count: int | None = None
    alarming: bool = False  # a non-zero count is shown as a problem


@dataclass(frozen=True)
class StaffHome:
    """The staff member's counts, the team's, the built-in views and their own saved views."""

    mine: tuple[HomeLink, ...]
    team: tuple[HomeLink, ...]
    views: tuple[HomeLink, ...]
    saved: tuple[HomeLink, ...]


def staff_home_for(user: User, *, now: datetime) -> StaffHome | None:
    """Return the staff home of someone who may read cases, else None; one query.

    Each count links to the queue view that lists the same cases ("today" is the staff
    member's own day, in their time zone).
    """
    if not (user.is_active and user.is_staff and user.has_perm(VIEW)):
        return None
    queue = reverse("admin:cases_case_changelist")
    counts = staff_counts(user, now)

    def link(label: str, key: str | None = None, **params: str) -> HomeLink:
        count = None if key is None else counts[key]
        return HomeLink(label, f"{queue}?{urlencode(params)}", count, key == "breached")

    return StaffHome(
        mine=(
            link(_("Assigned to you"), "assigned", view="mine"),
            link(_("Due today"), "due_today", view="breaching_today", assignee="me"),
            link(pgettext("staff home count", "Breached"), "breached", view="mine", sla="breached"),
            link(_("Waiting on customer"), "waiting", view="waiting", assignee="me"),
        ),
        team=(
            link(pgettext("staff home count", "Unassigned"), "unassigned", view="unassigned"),
            link(_("Breaching today"), "team_due_today", view="breaching_today"),
        ),
        views=tuple(link(str(view.name), view=view.slug) for view in BUILTIN_VIEWS),
        # The queue's own list of them, cached as the queue keeps it (saved_views).
        saved=tuple(
            HomeLink(view.name, f"{queue}?{view.query.lstrip('?')}" if view.query else queue)
            for view in personal_views(user)
        ),
    )
