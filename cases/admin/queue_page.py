"""What the queue's templates show around the rows: view tabs, filters, sortable headers, pager.

Every link is the queue's canonical query string with one thing changed, so a link, the
address bar, a saved view and the CSV export all read the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.admin import filters
from cases.admin.queue_choices import (
    options_html,
    options_marked,
    organization_options,
    staff_options,
)
from cases.admin.queue_query import PER_PAGE_CHOICES, QueueForm, QueuePage, QueueQuery
from cases.admin.saved_views import QUEUE_VIEWS, personal_views
from cases.models import Status
from sla.models import Priority


@dataclass(frozen=True)
class Tab:
    """A view the queue offers above the table: built-in, or one the staff member saved."""

    name: str
    url: str
    active: bool
    pk: int | None = None


@dataclass(frozen=True)
class Filter:
    """One select of the filter bar, its options rendered."""

    name: str
    label: str
    options: SafeString
    error: str = ""


@dataclass(frozen=True)
class Column:
    """A column header: its label, the link that sorts by it, and how it is sorted now."""

    key: str
    label: str
    url: str = ""
    sorted: str = ""  # "ascending", "descending" or ""


# (key, header, sort key or "", sorted descending on the first click)
_COLUMNS = (
    ("number", gettext_lazy("Number"), "number", False),
    ("title", gettext_lazy("Title"), "", False),
    ("organization", gettext_lazy("Organisation"), "organization", False),
    ("priority", gettext_lazy("Priority"), "priority", False),
    ("status", gettext_lazy("Status"), "status", False),
    ("assignee", gettext_lazy("Assignee"), "assignee", False),
    ("response", gettext_lazy("Response"), "response", False),
    ("resolution", gettext_lazy("Resolution"), "resolution", False),
    ("activity", gettext_lazy("Last activity"), "activity", True),
)


def queue_tabs(query: QueueQuery, user) -> tuple[list[Tab], list[Tab]]:
    """Return the built-in views and the staff member's own saved views, the current marked."""
    current = query.saved()
    personal = [
        Tab(view.name, f"?{view.query}", view.query == current, view.pk)
        for view in personal_views(user)
    ]
    on_personal = any(tab.active for tab in personal)
    builtin = [
        Tab(str(view.name), f"?view={view.slug}", not on_personal and query.base_view is view)
        for view in QUEUE_VIEWS
    ]
    return builtin, personal


def _options(first: str, choices, selected: str, long: SafeString | None = None) -> SafeString:
    head = options_html([("", first), *((str(v), str(label)) for v, label in choices)], selected)
    if long is None:
        return head
    return head + options_marked(long, selected)


def queue_filters(query: QueueQuery, form: QueueForm) -> list[Filter]:
    """Return the filter bar's selects, each with its options and any error about its value."""
    people = [(filters.ASSIGNEE_ME, _("Me")), (filters.ASSIGNEE_NONE, _("Unassigned"))]
    priorities = [*((value, value) for value in Priority.values), ("none", _("Not set"))]
    selects = [
        ("status", _("Status"), _options(_("Any status"), Status.choices, query.status)),
        ("priority", _("Priority"), _options(_("Any priority"), priorities, query.priority)),
        (
            "assignee",
            _("Assignee"),
            _options(_("Anyone"), people, query.assignee, staff_options()),
        ),
        (
            "organization",
            _("Organisation"),
            _options(_("Any organisation"), [], query.organization, organization_options()),
        ),
        ("sla", _("SLA"), _options(_("Any SLA state"), filters.SLA_CHOICES, query.sla)),
        (
            "escalated",
            _("Escalation"),
            _options(_("Escalated or not"), filters.ESCALATED_CHOICES, query.escalated),
        ),
    ]
    return [
        Filter(name, label, options, " ".join(form.errors.get(name, [])))
        for name, label, options in selects
    ]


def per_page_options(query: QueueQuery) -> SafeString:
    return options_html([(str(n), str(n)) for n in PER_PAGE_CHOICES], str(query.per_page))


def _sorted(query: QueueQuery, key: str) -> str:
    if query.sort == key:
        return "ascending"
    if query.sort == f"-{key}":
        return "descending"
    return ""


def queue_columns(query: QueueQuery) -> list[Column]:
    """Return the headers; a click sorts by the column, a second click the other way."""
    columns = []
    for key, label, sort, descending_first in _COLUMNS:
        if not sort:
            columns.append(Column(key, str(label)))
            continue
        state = _sorted(query, sort)
        if state:
            target = sort if state == "descending" else f"-{sort}"
        else:
            target = f"-{sort}" if descending_first else sort
        url = f"?{query.query_string(sort=target, page=1)}"
        columns.append(Column(key, str(label), url, state))
    return columns


def queue_pager(query: QueueQuery, page: QueuePage) -> dict[str, str]:
    """Return the links to the previous and next pages ("" where there is none)."""
    previous = f"?{query.query_string(page=query.page - 1)}" if query.page > 1 else ""
    following = f"?{query.query_string(page=query.page + 1)}" if page.has_next else ""
    return {"previous_url": previous, "next_url": following}


def other_errors(form: QueueForm) -> list[str]:
    """Return the errors about values the filter bar does not show beside a field."""
    names = {
        "view": _("View"),
        "sort": _("Sort"),
        "per_page": _("Per page"),
        "page": _("Page"),
    }
    return [
        f"{names[name]}: {message}"
        for name, errors in form.errors.items()
        if name in names
        for message in errors
    ]
