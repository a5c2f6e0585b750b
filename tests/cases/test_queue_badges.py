"""The queue's compact SLA badges: whole hours from 10 support hours on, exact in the tooltip."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import translation

from cases.admin.badges import sla_badge
from cases.models import ClockState
from sla.businesstime import SupportCalendar

# Open around the clock: support minutes are wall-clock minutes.
ALWAYS = SupportCalendar("UTC", opens="00:00", closes="24:00", weekdays=range(7))
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _badge(due_hour: int, due_minute: int = 0, *, day: int = 2, compact: bool):
    due = datetime(2026, 3, day, due_hour, due_minute, tzinfo=UTC)
    with translation.override("en"):
        return sla_badge(
            ClockState.RUNNING, due, now=NOW, engine=ALWAYS, zone="UTC", compact=compact
        )


def test_a_breach_of_ten_hours_or_more_shows_whole_hours_when_compact():
    badge = _badge(1, 40, day=1, compact=True)  # 34 h 20 min ago

    assert badge.text == "breached 34 h ago"
    assert badge.tone == "late"
    assert badge.title == "breached 34 h 20 min ago; due 2026-03-01 01:40 UTC (site time)"


def test_the_case_page_keeps_the_exact_duration():
    assert _badge(1, 40, day=1, compact=False).text == "breached 34 h 20 min ago"


def test_under_ten_hours_the_compact_badge_keeps_the_minutes():
    assert _badge(21, 59, compact=True).text == "9 h 59 min left"
    assert _badge(22, 0, compact=True).text == "10 h left"
