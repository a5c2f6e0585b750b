"""What the case page's template receives: header, bar, panel, timeline, side panel.

Three queries, whatever the case holds: the case with everything it points to and its people
(case_get_for_staff_page, two queries, done by the caller), and the timeline with actors and
attachments.
The policy's targets are read only when the clocks' explanation is shown (page.clocks_context).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from cases.admin.case_panels import ActionButton, ActionPanel, with_query
from cases.admin.case_rating import case_ratings
from cases.admin.case_summary import case_badges, case_details, case_header, case_texts
from cases.admin.page import timeline_rows
from cases.models import Case, CaseEvent
from cases.selectors import case_all_events


def case_page_context(
    case: Case,
    *,
    buttons: list[ActionButton],
    panel: ActionPanel | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Return the page's context; the timeline newest first."""
    now = now or timezone.now()
    zone = ZoneInfo(case.site.time_zone)
    events: list[CaseEvent] = list(case_all_events(case))
    timeline = timeline_rows(events, zone)
    last_event_id = max((event.pk for event in events), default=0)
    return {
        "case": case,
        "case_events": events,
        "case_now_at": now,
        "case_header": case_header(case),
        "case_badges": case_badges(case, now=now),
        "case_details": case_details(case),
        "case_texts": case_texts(case),
        "case_ratings": case_ratings(case, events, zone),
        "case_timeline": timeline[::-1],
        "case_attachments": [row for row in timeline if row.attachment_url],
        "case_actions": buttons,
        "case_panel": panel,
        "case_page_url": reverse("admin:cases_case_change", args=[case.pk]),
        "case_clocks_url": reverse("admin:cases_case_clocks", args=[case.pk]),
        "case_presence_url": with_query(
            reverse("admin:cases_case_presence", args=[case.pk]), since=str(last_event_id)
        ),
    }
