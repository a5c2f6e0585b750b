"""The staff queue's query string: what it may hold, the cases it selects, in which order.

One form reads the query string (a value it cannot read is reported beside its filter and
left out, never a server error); QueueQuery holds what was read and writes it back as the
canonical query string that links, saved views and the CSV export share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import datetime
from urllib.parse import urlencode

from django import forms
from django.db import models
from django.db.models import F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from cases.admin import filters
from cases.admin.saved_views import ALL_VIEW, DEFAULT_VIEW, QUEUE_VIEWS, QUEUE_VIEWS_BY_SLUG
from cases.models import Status, current_rating_score
from sla.models import Calendar, Priority

PER_PAGE_CHOICES = (10, 25, 50, 100)
DEFAULT_PER_PAGE = 50
MAX_PAGE = 10_000
SEARCH_MAX_CHARS = 100
# What the export shows, and nothing else: turning columns into Python values is a good part
# of its cost (the calendar is not read: the export counts no support time).
_EXPORT_FIELDS = (
    "number",
    "title",
    "status",
    "priority",
    "proposed_priority",
    "escalation_level",
    "received_at",
    "response_state",
    "response_due_at",
    "resolution_state",
    "resolution_due_at",
    "queue_due_at",
    "last_activity_at",
    "organization__name",
    "end_customer__name",
    "site__code",
    "assignee__full_name",
    "assignee__email",
)
# What a row of the page shows, read as values: building 50 cases and the rows each joins as
# model instances cost more than the query (2 ms of 3.5 on SQLite). The calendar is not
# joined: on PostgreSQL that one more join tripled the time spent planning the query (3.4 ms
# against 1.0), while the page's few calendars are one trivial query (queue_page_read).
ROW_VALUES = (
    "pk",
    "number",
    "title",
    "status",
    "priority",
    "proposed_priority",
    "response_state",
    "response_due_at",
    "resolution_state",
    "resolution_due_at",
    "sla_next_warn_at",
    "queue_due_at",
    "response_warned",
    "resolution_warned",
    "last_activity_at",
    "organization__name",
    "end_customer__name",
    "site__time_zone",
    "assignee__full_name",
    "assignee__email",
    "calendar_id",
    # The customer's rating of the current resolution, annotated by queue_page_read: an
    # indexed look-up per row read (caserating_one_per_resolution), no query of its own.
    "satisfaction",
)
# The calendar's columns its business-time engine is cached by and built from.
CALENDAR_COLUMNS = ("name", "time_zone", "holiday_country", "holiday_subdivision", "updated_at")

_STATUS_ORDER = models.Case(
    *(When(status=status, then=Value(rank)) for rank, status in enumerate(Status.values)),
    output_field=IntegerField(),
)
# Sort keys of the column headers; "-key" sorts the other way. Ties fall back on urgency.
SORT_KEYS = {
    "number": F("id"),
    "priority": Coalesce(NullIf(F("priority"), Value("")), F("proposed_priority")),
    "status": _STATUS_ORDER,
    "organization": F("organization__name"),
    "assignee": Coalesce(NullIf(F("assignee__full_name"), Value("")), F("assignee__email")),
    "response": F("response_due_at"),
    "resolution": F("resolution_due_at"),
    "activity": F("last_activity_at"),
}
_SORT_CHOICES = [(key, key) for key in SORT_KEYS] + [(f"-{key}", key) for key in SORT_KEYS]


def _choices(choices: list) -> Callable[[], list]:
    """Return a list of choices as a function, so that each form built uses the list as it is.

    A form deep-copies its fields' lists of choices (field and widget), lazy labels included:
    with a form read on every queue page, that was 70 % of reading the query string.
    """
    return lambda: choices


class QueueForm(forms.Form):
    """Read the queue's query string: view, search, filters, sort and page."""

    view = forms.ChoiceField(
        required=False, choices=_choices([("", "")] + [(v.slug, v.name) for v in QUEUE_VIEWS])
    )
    q = forms.CharField(required=False, max_length=SEARCH_MAX_CHARS, label=_("Search"))
    status = forms.ChoiceField(required=False, choices=_choices(Status.choices), label=_("Status"))
    priority = forms.ChoiceField(
        required=False,
        choices=_choices([*Priority.choices, (filters.PRIORITY_NONE, _("Not set"))]),
        label=_("Priority"),
    )
    assignee = forms.RegexField(
        required=False,
        regex=r"\A(me|none|[0-9]{1,12})\Z",
        label=_("Assignee"),
        error_messages={"invalid": _("Choose me, unassigned or a staff member.")},
    )
    organization = forms.RegexField(
        required=False,
        regex=r"\A[0-9]{1,12}\Z",
        label=_("Organisation"),
        error_messages={"invalid": _("Choose an organisation from the list.")},
    )
    sla = forms.ChoiceField(required=False, choices=_choices(filters.SLA_CHOICES), label=_("SLA"))
    escalated = forms.ChoiceField(
        required=False, choices=_choices(filters.ESCALATED_CHOICES), label=_("Escalation")
    )
    sort = forms.ChoiceField(required=False, choices=_choices(_SORT_CHOICES))
    per_page = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=DEFAULT_PER_PAGE,
        choices=_choices([(n, n) for n in PER_PAGE_CHOICES]),
        label=_("Per page"),
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)


@dataclass(frozen=True)
class QueueQuery:
    """What the query string asks for; an empty value means "not filtered"."""

    view: str = ""
    q: str = ""
    status: str = ""
    priority: str = ""
    assignee: str = ""
    organization: str = ""
    sla: str = ""
    escalated: str = ""
    sort: str = ""
    per_page: int = DEFAULT_PER_PAGE
    page: int = 1

    @classmethod
    def from_form(cls, form: QueueForm) -> QueueQuery:
        """Return the query the form read; values it refused are left out."""
        form.is_valid()
        data = {
            name: value
            for name, value in form.cleaned_data.items()
            if value not in (None, "") and name not in form.errors
        }
        return cls(**data)

    @classmethod
    def parse(cls, data) -> tuple[QueueQuery, QueueForm]:
        """Read a query string (a QueryDict); return the query and the form with its errors."""
        form = QueueForm(data)
        return cls.from_form(form), form

    @property
    def base_view(self):
        """The view the filters apply within: the one named, else open cases (all with a status)."""
        if self.view:
            return QUEUE_VIEWS_BY_SLUG[self.view]
        return ALL_VIEW if self.status else QUEUE_VIEWS_BY_SLUG[DEFAULT_VIEW]

    @property
    def filtered(self) -> bool:
        """Tell whether a search or filter narrows the view."""
        return any(getattr(self, name) for name in FILTER_NAMES)

    def params(self, **changes) -> dict[str, str]:
        """Return the query string's parameters (defaults left out), with some changed."""
        query = replace(self, **changes)
        defaults = QueueQuery()
        return {
            field.name: str(getattr(query, field.name))
            for field in fields(self)
            if getattr(query, field.name) != getattr(defaults, field.name)
        }

    def query_string(self, **changes) -> str:
        """Return the canonical query string ("" for the default view), with some changes."""
        return urlencode(self.params(**changes))

    def saved(self) -> str:
        """Return the query string a saved view keeps: everything but the page."""
        return self.query_string(page=1)


FILTER_NAMES = ("q", "status", "priority", "assignee", "organization", "sla", "escalated")


def queue_where(query: QueueQuery, *, user, now: datetime) -> Q:
    """Return the condition of the view and every filter of the query."""
    where = query.base_view.where(user, now)
    if query.q:
        where &= filters.search_q(query.q)
    if query.status:
        where &= Q(status=query.status)
    if query.priority:
        where &= filters.priority_q(query.priority)
    if query.assignee:
        where &= filters.assignee_q(query.assignee, user)
    if query.organization:
        where &= filters.organization_q(int(query.organization))
    if query.sla:
        where &= filters.sla_q(query.sla, now)
    if query.escalated:
        where &= filters.escalated_q(query.escalated)
    return where


def _urgency() -> list:
    # Breached cases first (their next due instant is past), then by the next due instant;
    # cases with nothing due last. Served by the index case_queue_due_idx (queue_due_at, id).
    return [F("queue_due_at").asc(nulls_last=True), F("id").asc()]


def queue_ordering(sort: str) -> list:
    """Return the order_by() terms of a sort key ("" = most urgent first)."""
    if not sort:
        return _urgency()
    key = sort.removeprefix("-")
    expression = SORT_KEYS[key]
    if key == "number":
        return [F("id").desc() if sort.startswith("-") else F("id").asc()]
    if sort.startswith("-"):
        return [expression.desc(nulls_last=True), *_urgency()]
    return [expression.asc(nulls_last=True), *_urgency()]


def queue_cases(cases: QuerySet, query: QueueQuery, *, user, now: datetime) -> QuerySet:
    """Return the cases of the query, in its order (joins are left to the reader)."""
    return cases.filter(queue_where(query, user=user, now=now)).order_by(
        *queue_ordering(query.sort)
    )


def queue_export_cases(cases: QuerySet) -> QuerySet:
    """Return the cases of queue_cases() with what the CSV export shows joined in."""
    return cases.select_related("organization", "end_customer", "site", "assignee").only(
        *_EXPORT_FIELDS
    )


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue: its cases (as ROW_VALUES) and their calendars (by id), where it
    starts, and whether another page follows."""

    cases: list[dict]
    calendars: dict[int, Calendar]
    first: int
    has_next: bool

    @property
    def last(self) -> int:
        return self.first + len(self.cases) - 1


def queue_page_read(cases: QuerySet, query: QueueQuery) -> QueuePage:
    """Read one page, and one case more to tell whether a next page exists (no COUNT), then
    the page's calendars: two queries (one for an empty page)."""
    start = (query.page - 1) * query.per_page
    values = cases.annotate(satisfaction=current_rating_score()).values(*ROW_VALUES)
    read = list(values[start : start + query.per_page + 1])
    rows = read[: query.per_page]
    ids = {row["calendar_id"] for row in rows}
    calendars = Calendar.objects.filter(pk__in=ids).only(*CALENDAR_COLUMNS) if ids else []
    return QueuePage(
        cases=rows,
        calendars={calendar.pk: calendar for calendar in calendars},
        first=start + 1,
        has_next=len(read) > len(rows),
    )
