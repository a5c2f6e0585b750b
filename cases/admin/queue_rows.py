"""The rows of the staff queue: each case's cells, worked out and written out in Python.

A row is read as values (cases.admin.queue_query.ROW_VALUES: the case's columns and what it
joins of its organisation, end customer, site and assignee), the page's calendars with it: no
query per row and no model instance per row. The SLA badges count support time with the
calendar's business-time engine, which is cached per calendar (sla.services.calendars); the
time since each past due instant is counted for the whole page at once (minutes_to).

The rows' HTML is built here, every value escaped (_html), rather than by a template
loop: 50 rows of 10 cells are about 1,000 template variables, which cost more than the rest of
the page together; the template keeps the table's frame, headers and everything else.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cases.admin.badges import sla_badge
from cases.admin.queue_query import QueuePage
from cases.models import OPEN_STATUSES, ClockState, Status
from sla.businesstime import SupportCalendar
from sla.services.calendars import support_calendar_from


@dataclass(frozen=True)
class QueueRow:
    """One case as the queue shows it."""

    pk: int
    number: str
    url: str
    title: str
    organization: str
    organization_title: str
    priority: str
    priority_title: str
    status: str
    status_label: str
    rating: SafeString
    assignee: str
    response: SafeString
    resolution: SafeString
    activity: str
    activity_title: str
    breached: bool


def activity_text(at: datetime | None, now: datetime) -> str:
    """Return how long ago the last activity was, in its largest unit ("3 h ago")."""
    if at is None:
        return ""
    minutes = max(0, int((now - at).total_seconds() // 60))
    if minutes < 1:
        return _("just now")
    if minutes < 60:
        return _("%(n)d min ago") % {"n": minutes}
    if minutes < 24 * 60:
        return _("%(n)d h ago") % {"n": minutes // 60}
    return _("%(n)d d ago") % {"n": minutes // (24 * 60)}


_MINUTE = timedelta(minutes=1)
# The states whose badge counts support time to or from the due instant (badges.sla_badge).
_COUNTING = (ClockState.RUNNING, ClockState.BREACHED, ClockState.PAUSED)


def _minute_floor(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(second=0, microsecond=0)


def minutes_to(engine: SupportCalendar, starts: Iterable[datetime], end: datetime) -> dict:
    """Return engine.between(start, end) for each start before `end`, in one walk of the calendar.

    between() walks the calendar week by week from start to end: at 100,000 cases the first
    page of the queue is 50 cases breached years ago, 50 walks of 200 weeks each. Support time
    between two whole-minute instants is a whole number of minutes (opening windows and
    closures begin and end on whole minutes), so with the starts sorted, newest first, the
    stretches between them add up exactly; each start's partial minute, and the end's, are
    counted apart (a partial minute is open throughout, or closed throughout).
    """
    last = _minute_floor(end)
    tail = end - last if engine.is_open(last) else timedelta()
    counted, upper, minutes = 0, last, {}
    for start in sorted({at for at in starts if at < end}, reverse=True):
        first = _minute_floor(start)
        if first != start:
            first += _MINUTE
        if first > last:
            # Within the end's own minute.
            minutes[start] = engine.between(start, end)
            continue
        counted += engine.between(first, upper)
        upper = first
        head = first - start if engine.is_open(start) else timedelta()
        minutes[start] = counted + (head + tail) // _MINUTE
    return minutes


class PageEngine:
    """A calendar's engine as one page of the queue uses it: the support minutes from the page's
    past due instants to now are counted at once (minutes_to), any other question is passed on."""

    def __init__(self, engine: SupportCalendar, now: datetime, dues: Iterable[datetime]) -> None:
        self.engine, self.now = engine, now
        self._minutes = minutes_to(engine, dues, now)

    def between(self, start: datetime, end: datetime) -> int:
        if end == self.now and start in self._minutes:
            return self._minutes[start]
        return self.engine.between(start, end)

    def __getattr__(self, name: str):
        return getattr(self.engine, name)


def _engine_key(row: dict) -> tuple[int, str]:
    return row["calendar_id"], row["site__time_zone"]


def _engines(page: QueuePage, now: datetime) -> dict[tuple[int, str], PageEngine]:
    """Return the page's engines by calendar and site time zone, their past dues counted."""
    engines: dict[tuple[int, str], SupportCalendar] = {}
    dues: dict[SupportCalendar, list[datetime]] = {}
    for row in page.cases:
        key = _engine_key(row)
        if key not in engines:
            engines[key] = support_calendar_from(page.calendars[key[0]], time_zone=key[1])
        # Sites in several zones share one engine when their calendar keeps a zone of its own.
        found = dues.setdefault(engines[key], [])
        for clock in ("response", "resolution"):
            due = row[f"{clock}_due_at"]
            if due is not None and due <= now and row[f"{clock}_state"] in _COUNTING:
                found.append(due)
    counted = {engine: PageEngine(engine, now, found) for engine, found in dues.items()}
    return {key: counted[engine] for key, engine in engines.items()}


def _local(at: datetime | None, zone: tzinfo) -> str:
    return f"{at.astimezone(zone):%Y-%m-%d %H:%M}" if at else ""


def _organization(row: dict, end_customer_title: str) -> tuple[str, str]:
    partner, end = row["organization__name"], row["end_customer__name"]
    if end is None:
        return partner, partner
    # "Partner / end customer": the end customer files, the partner's contract covers it.
    return f"{partner} / {end}", end_customer_title % {"end": end, "partner": partner}


def _badges(row: dict, now: datetime, engine: PageEngine) -> tuple[SafeString, SafeString]:
    zone = row["site__time_zone"]
    next_warn = row["sla_next_warn_at"]
    pending = next_warn is not None and next_warn <= now
    response = sla_badge(
        row["response_state"],
        row["response_due_at"],
        now=now,
        engine=engine,
        zone=zone,
        at_risk=pending or row["response_warned"],
        compact=True,
    )
    resolution = sla_badge(
        row["resolution_state"],
        row["resolution_due_at"],
        now=now,
        engine=engine,
        zone=zone,
        at_risk=pending or row["resolution_warned"],
        compact=True,
    )
    return response.html(), resolution.html()


def _breached(row: dict, now: datetime) -> bool:
    if row["status"] not in OPEN_STATUSES:
        return False
    recorded = ClockState.BREACHED in (row["response_state"], row["resolution_state"])
    due = row["queue_due_at"]
    return recorded or (due is not None and due <= now)


# The customer's rating of the current resolution, before the status: no ellipsis hides it.
_RATING = '<span class="queue-rating" role="img" aria-label="{0}" title="{0}">{1}</span> '
_RATING_MARKS = {"good": "☺", "bad": "☹"}
_NO_RATING = mark_safe("")


def _rating(score: str | None, labels: dict[str, str]) -> SafeString:
    if score not in _RATING_MARKS:
        return _NO_RATING
    return mark_safe(_RATING.format(html.escape(labels[f"rated_{score}"]), _RATING_MARKS[score]))


@dataclass(frozen=True)
class _Page:
    """What every row of one page shares: the instant, the links' prefix, translated labels."""

    now: datetime
    change_prefix: str
    zone: tzinfo
    labels: dict[str, str]
    engines: dict[tuple[int, str], PageEngine]


def queue_row(row: dict, page: _Page) -> QueueRow:
    """Return the cells of one case, read as queue_query.ROW_VALUES."""
    labels = page.labels
    organization, organization_title = _organization(row, labels["end_customer"])
    response, resolution = _badges(row, page.now, page.engines[_engine_key(row)])
    priority, proposed = row["priority"], row["proposed_priority"]
    url = f"{page.change_prefix}{row['pk']}/change/"
    return QueueRow(
        pk=row["pk"],
        number=row["number"],
        url=url,
        title=row["title"],
        organization=organization,
        organization_title=organization_title,
        priority=priority or proposed,
        priority_title="" if priority else labels["proposed"] % {"p": proposed},
        status=row["status"],
        status_label=labels.get(row["status"], row["status"]),
        rating=_rating(row["satisfaction"], labels),
        assignee=row["assignee__full_name"] or row["assignee__email"] or "",
        response=response,
        resolution=resolution,
        activity=activity_text(row["last_activity_at"], page.now),
        activity_title=_local(row["last_activity_at"], page.zone),
        breached=_breached(row, page.now),
    )


def queue_rows(page: QueuePage, *, now: datetime, change_prefix: str) -> list[QueueRow]:
    """Return the rows of a page of cases; `change_prefix` is the changelist's URL."""
    # Translated once per page, not once per row.
    labels = {value: str(label) for value, label in Status.choices}
    labels["proposed"] = _("(%(p)s proposed)")
    labels["end_customer"] = _("%(end)s, end customer of %(partner)s")
    labels["rated_good"] = _("Customer rating: satisfied")
    labels["rated_bad"] = _("Customer rating: not satisfied")
    shared = _Page(now, change_prefix, timezone.get_current_timezone(), labels, _engines(page, now))
    return [queue_row(row, shared) for row in page.cases]


# One row of the table; the cells follow the template's <colgroup> and headers.
_ROW = (
    "<tr data-case-row{}>{}"
    '<th scope="row" class="col-number"><a href="{}" data-case-link>{}</a></th>'
    '<td class="col-title"><a href="{}" title="{}" tabindex="-1">{}</a></td>'
    '<td class="col-organization" title="{}">{}</td>'
    '<td class="col-priority">{}</td>'
    '<td class="col-status status-{}" title="{}">{}{}</td>'
    '<td class="col-assignee" title="{}">{}</td>'
    '<td class="col-response">{}</td>'
    '<td class="col-resolution">{}</td>'
    '<td class="col-activity" title="{}">{}</td></tr>\n'
)
_SELECT = (
    '<td class="col-select"><input type="checkbox" name="case" value="{}" aria-label="{}"></td>'
)
_PROPOSED = '<span class="queue-proposed" title="{}">{}?</span>'


def _html(value) -> str:
    """Return a value as format_html puts it in: escaped, unless it is already safe HTML.

    conditional_escape without its lazy-string wrapper, which format_html pays on each of a
    page's 1,000 values (half the time of writing the rows): the same html.escape of
    str(value), and __html__() for safe strings, as django.utils.html does.
    """
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _row_html(row: QueueRow, *, selectable: bool, select_label: str) -> str:
    select = (
        _SELECT.format(_html(row.pk), _html(select_label % {"number": row.number}))
        if selectable
        else ""
    )
    priority = (
        _PROPOSED.format(_html(row.priority_title), _html(row.priority))
        if row.priority_title
        else _html(row.priority)
    )
    url = _html(row.url)
    title = _html(row.title)
    status_label = _html(row.status_label)
    assignee = _html(row.assignee)
    return _ROW.format(
        ' class="queue-breached"' if row.breached else "",
        select,
        url,
        _html(row.number),
        url,
        title,
        title,
        _html(row.organization_title),
        _html(row.organization),
        priority,
        _html(row.status),
        status_label,
        _html(row.rating),
        status_label,
        assignee,
        assignee or "—",
        _html(row.response),
        _html(row.resolution),
        _html(row.activity_title),
        _html(row.activity),
    )


def queue_rows_html(rows: list[QueueRow], *, selectable: bool) -> SafeString:
    """Return the table body's rows; `selectable` adds the bulk actions' checkbox."""
    select_label = _("Select %(number)s")
    # Every value of every row is escaped (_html), but for the badges' own safe HTML.
    return mark_safe(
        "".join(_row_html(row, selectable=selectable, select_label=select_label) for row in rows)
    )
