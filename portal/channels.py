"""Support channels of SLP-13 and when they are open, for the contact page.

Reading of the text (SLP-13 with the French original's "dans le fuseau horaire local de
l'utilisateur autorisé de la licence"): every hour is local to the licensed user's site.
- US phone line: Monday to Friday 08:00-17:00 in the time zone of the caller's US site,
  closed on US federal holidays: the calendar a US site gets (the "Worldwide" calendar of
  SLP-6). A caller whose chosen site is not in the US, or who has no site, is shown the
  line's hours in America/New_York, the zone of its home office (area code 860).
- UK phone line: Monday to Friday 09:00-17:00 UTC, closed on UK bank holidays: the calendar a
  GB site gets (the "UK" calendar of SLP-6).
- Online cases (this portal): any time; answered in the support hours of the site's calendar.
The hours follow the calendars staff edit in the admin, so a change there shows here.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Site
from sla.businesstime import SupportCalendar
from sla.models import Calendar, Weekday
from sla.services.calendars import (
    calendar_for_site,
    calendar_time_zone,
    closed_reason_label,
    support_calendar_from,
)

US_LINE_HOME_ZONE = "America/New_York"
UK_LINE_FALLBACK_ZONE = "Europe/London"
HOLIDAY_HORIZON_DAYS = 60
WEEK_DAYS = 7
HOLIDAY_NAMES = {
    "US": _("US federal holidays"),
    "GB-ENG": _("UK bank holidays (England and Wales)"),
    "GB": _("UK bank holidays"),
}


@dataclass(frozen=True)
class Opening:
    """One stretch of open time, as aware datetimes (shown in the viewer's time zone)."""

    start: dt.datetime
    end: dt.datetime

    @property
    def same_day(self) -> bool:
        return timezone.localtime(self.start).date() == timezone.localtime(self.end).date()


@dataclass(frozen=True)
class ClosedDay:
    date: dt.date
    reason: str


@dataclass
class Hours:
    """When a calendar is open: its rule, now, the next opening, this week, closed days."""

    calendar_name: str
    time_zone: str
    rule: str
    is_open: bool
    next_open: dt.datetime
    week: list[Opening] = field(default_factory=list)
    closed: list[ClosedDay] = field(default_factory=list)


@dataclass
class PhoneLine:
    key: str
    name: str
    numbers: tuple[tuple[str, str], ...]  # (as printed in the policy, tel: form)
    hours: Hours | None


def _holidays_label(engine: SupportCalendar) -> str:
    code = engine.holidays
    if not code:
        return ""
    return str(HOLIDAY_NAMES.get(code, _("public holidays of %(code)s") % {"code": code}))


def calendar_rule(engine: SupportCalendar, zone: str) -> str:
    """Return the weekly hours as a translatable sentence, e.g. Monday to Friday, 08:00-17:00."""
    groups: list[tuple[list[int], tuple]] = []
    for day, spans in sorted(engine.windows.items()):
        if groups and groups[-1][1] == spans and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], spans))
    parts = []
    for days, spans in groups:
        first, last = Weekday(days[0]).label, Weekday(days[-1]).label
        label = (
            first if len(days) == 1 else _("%(first)s to %(last)s") % {"first": first, "last": last}
        )
        hours = ", ".join(f"{opens}\N{EN DASH}{closes}" for opens, closes in spans)
        parts.append(f"{label}, {hours}")
    rule = _("%(hours)s (%(zone)s time)") % {"hours": "; ".join(parts), "zone": zone}
    holidays = _holidays_label(engine)
    if holidays:
        rule = _("%(rule)s, closed on %(holidays)s") % {"rule": rule, "holidays": holidays}
    return str(rule)


def _week(engine: SupportCalendar, today: dt.date) -> list[Opening]:
    """Return the openings of the calendar's local days from today, for a week."""
    start = dt.datetime.combine(today, dt.time(), tzinfo=engine.tz)
    rows = engine.explain(start, start + dt.timedelta(days=WEEK_DAYS))
    return [Opening(opens, closes) for row in rows for opens, closes in row.windows]


def _closed_days(engine: SupportCalendar, today: dt.date, days: int) -> list[ClosedDay]:
    """Return holidays and closures (not weekends) of the coming days."""
    closed = []
    for offset in range(days):
        day = today + dt.timedelta(days=offset)
        reason = engine.closed_reason(day)
        if reason and reason.startswith(("holiday:", "closure:")):
            closed.append(ClosedDay(day, closed_reason_label(reason)))
    return closed


def hours_of(
    calendar: Calendar, engine: SupportCalendar, zone: str, *, now: dt.datetime, horizon: int
) -> Hours:
    """Return the hours of a calendar seen from an instant; closed days up to `horizon` days."""
    today = now.astimezone(zoneinfo.ZoneInfo(zone)).date()
    return Hours(
        calendar_name=calendar.name,
        time_zone=zone,
        rule=calendar_rule(engine, zone),
        is_open=engine.is_open(now),
        next_open=engine.next_open(now),
        week=_week(engine, today),
        closed=_closed_days(engine, today, horizon),
    )


def _country_hours(country: str, zone: str, *, now: dt.datetime) -> Hours | None:
    # An unsaved site has no staff override: this is the calendar any site of the country gets.
    try:
        calendar = calendar_for_site(Site(country=country, time_zone=zone))
    except Calendar.DoesNotExist:
        return None
    zone = calendar_time_zone(calendar, time_zone=zone)
    engine = support_calendar_from(calendar, time_zone=zone)
    return hours_of(calendar, engine, zone, now=now, horizon=WEEK_DAYS)


def phone_lines(*, site: Site | None, now: dt.datetime) -> list[PhoneLine]:
    """Return the US and UK phone lines of SLP-13 with their hours around `now`."""
    us_zone = site.time_zone if site is not None and site.country == "US" else US_LINE_HOME_ZONE
    return [
        PhoneLine(
            "us",
            _("United States"),
            (("1.860.875.5006", "+18608755006"), ("1.800.228.2877", "+18002282877")),
            _country_hours("US", us_zone, now=now),
        ),
        PhoneLine(
            "uk",
            _("United Kingdom"),
            (("0121.504.5200", "+441215045200"),),
            _country_hours("GB", UK_LINE_FALLBACK_ZONE, now=now),
        ),
    ]


def site_hours(site: Site, *, now: dt.datetime) -> Hours | None:
    """Return the support hours of the site's own calendar, holidays of the next 60 days."""
    try:
        calendar = calendar_for_site(site)
    except Calendar.DoesNotExist:
        return None
    engine = support_calendar_from(calendar, time_zone=site.time_zone)
    zone = calendar_time_zone(calendar, time_zone=site.time_zone)
    return hours_of(calendar, engine, zone, now=now, horizon=HOLIDAY_HORIZON_DAYS)
