"""What the staff case page shows of the timeline and the clocks: rows, files, explanations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import (
    Case,
    CaseEvent,
    Category,
    Channel,
    ClockState,
    EscalationLevel,
    EventKind,
    Exclusion,
    Status,
)
from cases.services.clocks import case_clocks, case_support_calendar
from cases.services.explain import day_hours
from contracts.models import User
from sla import clocks as sla_clocks
from sla.durations import support_duration
from sla.models import Priority
from sla.services.calendars import closed_reason_label
from sla.services.describe import calendar_description
from sla.services.policies import policy_targets

_RESOLUTION_LABELS = {
    "settled": "(i)",
    "plan": "(ii)",
    "not_a_defect": "(iii)",
}


def local_text(instant: datetime | None, zone: ZoneInfo) -> str:
    """Return an instant in the site's zone, e.g. "2026-03-02 08:00 CST"."""
    if instant is None:
        return "-"
    return f"{instant.astimezone(zone):%Y-%m-%d %H:%M %Z}"


def utc_text(instant: datetime | None) -> str:
    return "" if instant is None else f"{instant.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def choice_label(choices: Any, value: str) -> str:
    """Return a choice's label in the user's language; a value no longer a choice as it is."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _value_label(kind: str, value: str) -> str:
    """Return an event's old or new value as people read it."""
    if not value:
        return ""
    if kind == EventKind.STATUS:
        return choice_label(Status, value)
    if kind in (EventKind.PRIORITY, EventKind.RECEIVED):
        return choice_label(Priority, value)
    if kind == EventKind.CLASSIFICATION:
        return choice_label(Category, value)
    if kind == EventKind.ESCALATION and value.isdecimal():
        return choice_label(EscalationLevel, int(value))
    if kind == EventKind.RESOLUTION:
        return _RESOLUTION_LABELS.get(value, value)
    return value


def _details(event: CaseEvent, zone: ZoneInfo) -> list[str]:
    """Return the facts an event keeps besides its text: kind of resolution, references, clocks."""
    data, lines = event.data or {}, []
    if event.kind == EventKind.RECEIVED and data.get("channel"):
        lines.append(_("Channel: %(c)s") % {"c": choice_label(Channel, data["channel"])})
    if data.get("plan"):
        lines.append(_("Plan: %(plan)s") % {"plan": data["plan"]})
    if data.get("reference"):
        lines.append(_("Reference: %(ref)s") % {"ref": data["reference"]})
    if data.get("exclusion"):
        lines.append(
            _("Exclusion: %(reason)s") % {"reason": choice_label(Exclusion, data["exclusion"])}
        )
    if data.get("clock"):
        lines.append(_("Clock: %(clock)s") % {"clock": data["clock"]})
    if data.get("due_at"):
        due = datetime.fromisoformat(data["due_at"])
        lines.append(_("Fell due: %(at)s") % {"at": local_text(due, zone)})
    return lines


@dataclass(frozen=True)
class TimelineRow:
    event: CaseEvent
    at: str
    at_utc: str
    actor: str
    old: str
    new: str
    details: list[str]
    attachment_url: str = ""
    attachment_size: str = ""
    attachment_name: str = ""
    kind_label: str = ""
    at_iso: str = ""


def _actor(user: User | None) -> str:
    if user is None:
        return _("System (SLA sweep)")
    name = user.full_name or user.email
    return _("%(name)s (staff)") % {"name": name} if user.is_staff else name


def timeline_rows(events: list[CaseEvent], zone: ZoneInfo) -> list[TimelineRow]:
    """Return the whole timeline, internal events included, as the page lists it."""
    rows = []
    for event in events:
        attachment = getattr(event, "attachment", None)
        rows.append(
            TimelineRow(
                event=event,
                at=local_text(event.at, zone),
                at_utc=utc_text(event.at),
                actor=_actor(event.actor),
                old=_value_label(event.kind, event.old_value),
                new=_value_label(event.kind, event.new_value),
                details=_details(event, zone),
                attachment_url=(
                    reverse("cases:attachment_download", args=[attachment.pk]) if attachment else ""
                ),
                attachment_size=filesizeformat(attachment.size) if attachment else "",
                attachment_name=attachment.original_name if attachment else "",
                # Not get_kind_display(): it rebuilds the choices' mapping on every call.
                kind_label=choice_label(EventKind, event.kind),
                at_iso=event.at.isoformat(),
            )
        )
    return rows


@dataclass(frozen=True)
class ClockView:
    """One clock with its explanation, ready to render."""

    title: str
    state: str
    state_value: str
    facts: list[tuple[str, str]]
    days: list[tuple[str, int, str]]
    closed_days: list[tuple[str, str]]
    pauses: list[tuple[str, str, str, int]]
    changes: list[tuple[str, str]] = field(default_factory=list)


_PAUSE_LABELS = {
    sla_clocks.PauseReason.WAITING_ON_CUSTOMER: gettext_lazy("waiting on the customer"),
    sla_clocks.PauseReason.RESOLVED: gettext_lazy("resolved, until reopened"),
}


def _clock_facts(clock: sla_clocks.ClockState, zone: ZoneInfo) -> list[tuple[str, str]]:
    ex = clock.explanation
    source = _("set by support") if ex.priority_source == "set" else _("proposed by the customer")
    facts = [
        (_("Priority"), f"{clock.priority} ({source})"),
        (_("Target"), support_duration(clock.target_minutes)),
        (
            _("Warning at"),
            _("%(pct)s %% of the target (%(d)s)")
            % {"pct": ex.warning_threshold, "d": support_duration(ex.warning_minutes)},
        ),
        (_("Counted so far"), support_duration(clock.used_minutes)),
        (_("Started"), local_text(clock.started_at, zone)),
        (_("Due"), local_text(clock.due_at, zone)),
        (_("Stopped"), local_text(clock.stopped_at, zone)),
        (_("Policy version"), ex.policy_label),
        (_("Time zone"), ex.timezone),
    ]
    if clock.overdue_minutes:
        facts.insert(4, (_("Overdue by"), support_duration(clock.overdue_minutes)))
    elif clock.state in (sla_clocks.ClockStatus.RUNNING, sla_clocks.ClockStatus.PAUSED):
        facts.insert(4, (_("Left"), support_duration(clock.left_minutes)))
    if clock.resolution_kind is not None:
        label = _RESOLUTION_LABELS.get(str(clock.resolution_kind), "")
        facts.append((_("Resolution kind"), f"{label} {clock.resolution_kind.value}"))
    if clock.withdrawn_reason is not None:
        detail = f" ({clock.withdrawn_detail})" if clock.withdrawn_detail else ""
        facts.append((_("Withdrawn because"), f"{clock.withdrawn_reason.value}{detail}"))
    return facts


def clock_view(clock: sla_clocks.ClockState, zone: ZoneInfo) -> ClockView:
    """Return a clock and its day-by-day explanation for the page (SLP-6..10)."""
    ex = clock.explanation
    titles = {"response": _("Response clock (SLP-9)"), "resolution": _("Resolution clock (SLP-10)")}
    days = [day for segment in ex.segments for day in segment.days]
    return ClockView(
        title=titles[str(clock.kind)],
        state=choice_label(ClockState, str(clock.state)),
        state_value=str(clock.state),
        facts=_clock_facts(clock, zone),
        days=[
            (
                f"{day.date:%Y-%m-%d %a}",
                day.minutes,
                closed_reason_label(day.closed_reason) or day_hours(day, zone),
            )
            for day in days
        ],
        closed_days=[
            (f"{day.date:%Y-%m-%d %a}", closed_reason_label(day.closed_reason) or "")
            for day in ex.closed_days
        ],
        pauses=[
            (
                local_text(pause.start, zone),
                local_text(pause.end, zone) if pause.end else _("still paused"),
                str(_PAUSE_LABELS[pause.reason]),
                pause.minutes,
            )
            for pause in ex.pauses
        ],
        changes=[(local_text(c.at, zone), c.priority) for c in ex.priority_changes],
    )


def policy_targets_by_priority(case: Case) -> dict[str, sla_clocks.Target]:
    """Return the targets of the case's policy version, read once, keyed as the clocks want."""
    return {
        str(priority): target for priority, target in policy_targets(case.policy_version).items()
    }


def clocks_context(case: Case, events: list[CaseEvent], *, now: datetime) -> dict[str, Any]:
    """Return both clocks of the case with their day-by-day explanation, as of `now`."""
    zone = ZoneInfo(case.site.time_zone)
    calendar = case_support_calendar(case)
    clocks = case_clocks(
        case, now=now, events=events, targets=policy_targets_by_priority(case), calendar=calendar
    )
    return {
        "case_zone": zone.key,
        "case_now": local_text(now, zone),
        "case_calendar": calendar_description(calendar),
        "case_clocks": [clock_view(clock, zone) for clock in clocks],
    }
