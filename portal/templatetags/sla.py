"""SLA formatting for portal pages: support-time countdowns and instants in the viewer's zone."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cases.models import Case, ClockState
from cases.services.clocks import case_support_calendar
from sla.clocks import PauseReason, WithdrawnReason
from sla.durations import support_duration
from sla.services.calendars import closed_reason_label

register = template.Library()

# The stored states whose due instant still means something to the customer.
_COUNTING = frozenset({ClockState.RUNNING, ClockState.BREACHED})


@dataclass(frozen=True)
class Countdown:
    """What a clock shows in a list: a sentence, a tone for the badge, its due instant."""

    text: str
    tone: str  # "ok", "bad" or "muted"; a CSS class suffix, never user text
    due_at: datetime | None = None


register.filter("support_duration", support_duration)


@register.filter
def viewer_time(value: datetime | None) -> SafeString | str:
    """Render an instant in the viewer's time zone, naming the zone, as a <time> element."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}">{} <span class="zone">({})</span></time>',
        value.isoformat(),
        formats.date_format(local, "DATETIME_FORMAT"),
        timezone.get_current_timezone_name(),
    )


@register.filter
def zoned_time(value: datetime | None, zone_name: str) -> str:
    """Format an instant in a named zone (the site's calendar), e.g. for a day's open hours."""
    if value is None:
        return ""
    return formats.time_format(timezone.localtime(value, zoneinfo.ZoneInfo(zone_name)), "H:i")


@register.simple_tag
def clock_countdown(case: Case, kind: str, now: datetime | None = None) -> Countdown:
    """Return the countdown of a case's clock ("response" or "resolution") in support time.

    Read from the due instant stored on the row; the countdown itself is counted in the case's
    support calendar, so "2 h left" on a Friday evening means two support hours, not two hours.
    """
    state = getattr(case, f"{kind}_state")
    due = getattr(case, f"{kind}_due_at")
    label = str(ClockState(state).label)
    if state == ClockState.PAUSED:
        return Countdown(_("Paused: waiting for your information"), "muted")
    if state not in _COUNTING or due is None:
        return Countdown(label, "muted")
    now = now or timezone.now()
    calendar = case_support_calendar(case)
    # The sweep may not have marked the breach yet: the due instant decides what we show.
    if now < due:
        left = support_duration(calendar.between(now, due))
        return Countdown(_("%(left)s left") % {"left": left}, "ok", due)
    late = calendar.between(due, now)
    if not late:
        return Countdown(_("Due now"), "bad", due)
    return Countdown(_("Overdue by %(late)s") % {"late": support_duration(late)}, "bad", due)


@register.filter
def clock_state_label(value: str) -> str:
    """Return the translated name of a clock state value."""
    return str(ClockState(str(value)).label)


@register.filter
def closed_reason(value: str | None) -> str:
    """Return why a day had no support hours, in the viewer's language."""
    return closed_reason_label(value) or ""


@register.filter
def pause_reason(value: str) -> str:
    """Return why a clock did not count for a while, in the viewer's language."""
    labels = {
        PauseReason.WAITING_ON_CUSTOMER: _("Waiting for your information (SLP-8)"),
        PauseReason.RESOLVED: _("Resolved, until the case was reopened"),
    }
    return labels.get(PauseReason(str(value)), str(value))


@register.filter
def withdrawn_reason(value: str | None) -> str:
    """Return why a clock's target no longer applies, in the viewer's language."""
    if not value:
        return ""
    labels = {
        WithdrawnReason.BUG: _(
            "Classified as a software bug: no resolution target applies (SLP-7)."
        ),
        WithdrawnReason.DEFECT: _("Classified as a defect: no resolution target applies (SLP-7)."),
        WithdrawnReason.OUT_OF_SCOPE: _("Out of scope of the policy (SLP-16)."),
        WithdrawnReason.CLOSED: _("The case was closed before the clock stopped."),
    }
    return labels.get(WithdrawnReason(str(value)), str(value))
