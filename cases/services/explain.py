"""The clock explanation as plain text: what counted day by day, what did not and why."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from cases.services.clocks import case_clocks, case_support_calendar
from sla.businesstime import DayExplanation
from sla.clocks import ClockKind, ClockState, PauseReason, PrioritySource
from sla.services.calendars import closed_reason_label
from sla.services.describe import calendar_description


def _both(instant: datetime | None, zone: ZoneInfo) -> str:
    if instant is None:
        return "-"
    local = instant.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M %Z} = {instant.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _clock_title(clock: ClockState) -> str:
    names = {ClockKind.RESPONSE: _("Response clock"), ClockKind.RESOLUTION: _("Resolution clock")}
    return f"{names[clock.kind]}: {clock.state.value}"


def _clock_figures(clock: ClockState, zone: ZoneInfo) -> list[str]:
    ex = clock.explanation
    source = _("set by support") if ex.priority_source == PrioritySource.SET else _("proposed")
    lines = [
        _("  Priority %(p)s (%(source)s); target %(target)s min, warning at %(warn)s min")
        % {
            "p": clock.priority,
            "source": source,
            "target": clock.target_minutes,
            "warn": ex.warning_minutes,
        },
        _("  Used %(used)s min, left %(left)s min")
        % {"used": clock.used_minutes, "left": clock.left_minutes},
        _("  Started: %(at)s") % {"at": _both(clock.started_at, zone)},
        _("  Due:     %(at)s") % {"at": _both(clock.due_at, zone)},
    ]
    if clock.stopped_at is not None:
        lines.append(_("  Stopped: %(at)s") % {"at": _both(clock.stopped_at, zone)})
    if clock.resolution_kind is not None:
        lines.append(_("  Resolution kind: %(kind)s") % {"kind": clock.resolution_kind.value})
    if clock.withdrawn_reason is not None:
        lines.append(
            _("  Withdrawn: %(reason)s %(detail)s")
            % {"reason": clock.withdrawn_reason.value, "detail": clock.withdrawn_detail}
        )
    for change in ex.priority_changes:
        lines.append(
            _("  Priority set to %(p)s at %(at)s")
            % {"p": change.priority, "at": _both(change.at, zone)}
        )
    return lines


def day_hours(day: DayExplanation, zone: ZoneInfo) -> str:
    """Return the support hours a day counted, in the site's zone ("08:00-12:00, 13:00-17:00")."""
    return (
        ", ".join(f"{a.astimezone(zone):%H:%M}-{b.astimezone(zone):%H:%M}" for a, b in day.windows)
        or "-"
    )


def _clock_days(clock: ClockState, zone: ZoneInfo) -> list[str]:
    ex = clock.explanation
    lines = [_("  Counted, day by day (local dates):")]
    days = [day for segment in ex.segments for day in segment.days]
    for day in days:
        reason = closed_reason_label(day.closed_reason)
        detail = _("closed: %(reason)s") % {"reason": reason} if reason else day_hours(day, zone)
        lines.append(f"    {day.date:%Y-%m-%d %a}  {day.minutes:>5} min  {detail}")
    if not days:
        lines.append(_("    nothing counted"))
    lines.append(_("  Closed days skipped:"))
    for day in ex.closed_days:
        lines.append(f"    {day.date:%Y-%m-%d %a}  {closed_reason_label(day.closed_reason)}")
    if not ex.closed_days:
        lines.append(_("    none"))
    return lines


def _clock_pauses(clock: ClockState, zone: ZoneInfo) -> list[str]:
    reasons = {
        PauseReason.WAITING_ON_CUSTOMER: _("waiting on the customer"),
        PauseReason.RESOLVED: _("resolved, until reopened"),
    }
    lines = [_("  Pauses:")]
    for pause in clock.explanation.pauses:
        end = _both(pause.end, zone) if pause.end else _("still paused")
        lines.append(
            _("    %(start)s -> %(end)s: %(reason)s (%(minutes)s support min not counted)")
            % {
                "start": _both(pause.start, zone),
                "end": end,
                "reason": reasons[pause.reason],
                "minutes": pause.minutes,
            }
        )
    if not clock.explanation.pauses:
        lines.append(_("    none"))
    return lines


def case_explain(case: Case, *, now: datetime | None = None) -> str:
    """Return both clocks of the case with their explanation, times in the site's zone and UTC."""
    now = now or timezone.now()
    calendar = case_support_calendar(case)
    zone = ZoneInfo(case.site.time_zone)
    clocks = case_clocks(case, now=now, calendar=calendar)
    lines = [
        f"{case.number}  {case.title}",
        _("Status: %(status)s; site %(site)s (%(zone)s); calendar %(cal)s: %(rules)s")
        % {
            "status": case.get_status_display(),
            "site": case.site.code,
            "zone": zone.key,
            "cal": case.calendar.name,
            "rules": calendar_description(calendar),
        },
        _("Policy version: %(name)s; as of %(now)s")
        % {"name": case.policy_version.name, "now": _both(now, zone)},
    ]
    for clock in clocks:
        lines += ["", _clock_title(clock), *_clock_figures(clock, zone)]
        lines += [*_clock_days(clock, zone), *_clock_pauses(clock, zone)]
    return "\n".join(lines)
