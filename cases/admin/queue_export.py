"""The queue's CSV export: every case of the current view, filters and order, streamed.

Rows are read in chunks while the response streams, so a view of 100,000 cases costs the
memory of one chunk; the file goes through the project's one CSV writer (common.spreadsheets),
which keeps a title or organisation name a customer typed from running as a formula.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import chain

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Case
from common.spreadsheets import csv_lines

_CHUNK = 500


def _instant(value: datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def _header() -> list[str]:
    return [
        _("Number"),
        _("Title"),
        _("Organisation"),
        _("End customer"),
        _("Site"),
        _("Priority"),
        _("Proposed priority"),
        _("Status"),
        _("Assignee"),
        _("Escalation"),
        _("Response clock"),
        _("Response due"),
        _("Resolution clock"),
        _("Resolution due"),
        _("Next due"),
        _("Received"),
        _("Last activity"),
    ]


def _row(case: Case) -> list[str]:
    assignee = case.assignee
    return [
        case.number,
        case.title,
        case.organization.name,
        case.end_customer.name if case.end_customer else "",
        case.site.code,
        case.priority,
        case.proposed_priority,
        case.get_status_display(),
        (assignee.full_name or assignee.email) if assignee else "",
        case.get_escalation_level_display(),
        case.get_response_state_display(),
        _instant(case.response_due_at),
        case.get_resolution_state_display(),
        _instant(case.resolution_due_at),
        _instant(case.queue_due_at),
        _instant(case.received_at),
        _instant(case.last_activity_at),
    ]


def _lines(cases: QuerySet, *, language: str, zone) -> Iterator[str]:
    # Written while the response streams, after the view returned: keep the staff member's
    # language and time zone for every row.
    with translation.override(language), timezone.override(zone):
        rows = (_row(case) for case in cases.iterator(chunk_size=_CHUNK))
        yield from csv_lines(chain([_header()], rows))


def queue_csv_response(cases: QuerySet, *, filename_stem: str) -> StreamingHttpResponse:
    """Stream the cases (already filtered and ordered) as a CSV attachment."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    lines = _lines(cases, language=translation.get_language(), zone=timezone.get_current_timezone())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename_stem}-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
