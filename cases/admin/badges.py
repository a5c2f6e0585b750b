"""SLA badges of the staff queue: read from the row's stored clock states and due instants.

No clock is recomputed per row: the services and the sweep keep the row's states and due
instants current, and the time left or overdue is counted in support time by the (cached)
business-time engine of the case's calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cases.models import ClockState
from sla.businesstime import SupportCalendar
from sla.durations import support_duration

# From this many support minutes on, a compact badge shows whole hours.
COMPACT_FROM_MINUTES = 10 * 60


@dataclass(frozen=True)
class Badge:
    """What one clock shows in the queue: text, tone (ok, warn, late, idle) and a tooltip."""

    text: str
    tone: str
    title: str = ""

    def html(self) -> SafeString:
        return format_html(
            '<span class="sla-badge sla-{}" title="{}">{}</span>', self.tone, self.title, self.text
        )


def _due_title(due_at: datetime, zone: str) -> str:
    local = due_at.astimezone(ZoneInfo(zone))
    return _("due %(when)s (site time)") % {"when": f"{local:%Y-%m-%d %H:%M %Z}"}


def _duration(minutes: int, *, compact: bool) -> str:
    """Return support minutes as text; compact drops the minutes from 10 hours on."""
    if compact and minutes >= COMPACT_FROM_MINUTES:
        minutes -= minutes % 60
    return support_duration(minutes)


def _counting(
    due_at: datetime | None,
    *,
    now: datetime,
    engine: SupportCalendar,
    zone: str,
    at_risk: bool,
    compact: bool = False,
) -> Badge:
    """Return the badge of a clock still counting: time left, or how long ago it fell due."""
    if due_at is None:
        return Badge(_("running"), "warn" if at_risk else "ok")
    title = _due_title(due_at, zone)
    if due_at <= now:
        late = engine.between(due_at, now)
        if not late:
            return Badge(_("breached"), "late", title)
        text = _("breached %(d)s ago")
        return Badge(
            text % {"d": _duration(late, compact=compact)},
            "late",
            _tooltip(text % {"d": support_duration(late)}, title) if compact else title,
        )
    left = engine.between(now, due_at)
    text = _("%(d)s left")
    return Badge(
        text % {"d": _duration(left, compact=compact)},
        "warn" if at_risk else "ok",
        _tooltip(text % {"d": support_duration(left)}, title) if compact else title,
    )


def _tooltip(exact: str, title: str) -> str:
    return _("%(exact)s; %(due)s") % {"exact": exact, "due": title}


def sla_badge(
    state: str,
    due_at: datetime | None,
    *,
    now: datetime,
    engine: SupportCalendar,
    zone: str,
    at_risk: bool = False,
    compact: bool = False,
) -> Badge:
    """Return the badge of one clock from its stored state and due instant, as of `now`.

    compact (the queue's narrow columns) shows whole hours from 10 hours on ("breached 159 h
    ago"), the exact duration in the tooltip.
    """
    counting = {"now": now, "engine": engine, "zone": zone, "compact": compact}
    if state in (ClockState.RUNNING, ClockState.BREACHED):
        return _counting(due_at, at_risk=at_risk, **counting)
    if state == ClockState.PAUSED:
        if due_at is not None and due_at <= now:
            return _counting(due_at, at_risk=True, **counting)
        return Badge(
            _("paused"), "warn" if at_risk else "idle", _("Waiting on the customer (SLP-8).")
        )
    if state == ClockState.MET:
        return Badge(_("met"), "ok")
    if state == ClockState.MISSED:
        return Badge(_("missed"), "late", _("Stopped after its due instant."))
    if state == ClockState.WITHDRAWN:
        return Badge(_("withdrawn"), "idle", _("No target applies any more (SLP-7, SLP-16)."))
    return Badge(
        _("not started"), "idle", _("Starts once a priority is set and the information is in.")
    )
