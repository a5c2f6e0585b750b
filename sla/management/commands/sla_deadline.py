"""What-if: when do N support minutes from a start run out on a calendar (SLP-6)?"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import Site
from sla.businesstime import BusinessTimeError, DayExplanation, SupportCalendar
from sla.models import Calendar
from sla.services.calendars import (
    calendar_for_site,
    calendar_time_zone,
    closed_reason_label,
    support_calendar_from,
)
from sla.services.describe import calendar_description

# The longest default target is 3,600 support minutes (P4 resolution, SLP-5); a million is
# 277 times that: about 8 years of 40-hour weeks, or 1.9 years round the clock. Any real
# what-if fits, and the day-by-day walk and explanation stay around a second, where a typo
# such as 10**11 used to walk every day up to the year 9999 (a minute) before refusing.
MAX_MINUTES = 1_000_000


class Command(BaseCommand):
    help = gettext_lazy(
        "Print the deadline N support minutes after a start on a calendar or a site's calendar, "
        "in local time and UTC, with the support minutes counted day by day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--calendar", help=_("Calendar name, e.g. Worldwide or UK."))
        which.add_argument("--site", help=_("Site code: uses the calendar and zone of the site."))
        parser.add_argument(
            "--start", required=True, help=_("ISO date and time, e.g. 2026-11-25T16:00-06:00.")
        )
        parser.add_argument("--minutes", required=True, type=int, help=_("Support minutes."))
        parser.add_argument(
            "--timezone",
            help=_("Zone for a calendar that follows each site's own zone (with --calendar)."),
        )

    def handle(self, *args, **options) -> None:
        calendar, zone = self._calendar_and_zone(options)
        minutes = options["minutes"]
        if minutes < 0:
            raise CommandError(_("--minutes must be zero or more, got %(n)s.") % {"n": minutes})
        if minutes > MAX_MINUTES:
            raise CommandError(
                _("--minutes must be at most %(max)s (about 8 years of 40-hour weeks), got %(n)s.")
                % {"max": MAX_MINUTES, "n": minutes}
            )
        tz = ZoneInfo(zone)
        start = self._parse_start(options["start"], tz)
        try:
            engine = support_calendar_from(calendar, time_zone=zone)
            deadline = engine.add(start, minutes)
            days = engine.explain(start, deadline)
        except BusinessTimeError as exc:
            raise CommandError(str(exc)) from exc
        except (ValueError, OverflowError):
            # Python dates stop at years 1 and 9999; a typo in --minutes or --start gets there.
            raise CommandError(
                _("The deadline falls outside the years 1 to 9999: check --start and --minutes.")
            ) from None
        self._print(engine, calendar, start, minutes, deadline, days)

    def _calendar_and_zone(self, options: dict) -> tuple[Calendar, str]:
        """Return the calendar asked for and the zone it counts in."""
        zone = options["timezone"]
        if options["site"]:
            site = Site.objects.filter(code=options["site"]).first()
            if site is None:
                raise CommandError(_("No site with code “%(code)s”.") % {"code": options["site"]})
            if zone:
                raise CommandError(_("--timezone goes with --calendar; a site has its own zone."))
            try:
                calendar = calendar_for_site(site)
            except Calendar.DoesNotExist as exc:
                raise CommandError(str(exc)) from None
            return calendar, calendar.time_zone or site.time_zone
        calendar = Calendar.objects.filter(name=options["calendar"]).first()
        if calendar is None:
            known = ", ".join(Calendar.objects.values_list("name", flat=True))
            raise CommandError(
                _("No calendar named “%(name)s”; known: %(known)s.")
                % {"name": options["calendar"], "known": known or "-"}
            )
        if zone and calendar.time_zone:
            raise CommandError(
                _("Calendar “%(name)s” always counts in %(zone)s; drop --timezone.")
                % {"name": calendar.name, "zone": calendar.time_zone}
            )
        try:
            zone = calendar_time_zone(calendar, time_zone=zone)
            ZoneInfo(zone)
        except BusinessTimeError:
            raise CommandError(
                _("Calendar “%(name)s” follows each site's own zone: give --timezone or --site.")
                % {"name": calendar.name}
            ) from None
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(
                _("Unknown time zone “%(zone)s” (use a name such as Europe/Paris).")
                % {"zone": zone}
            ) from None
        return calendar, zone

    def _parse_start(self, text: str, tz: ZoneInfo) -> datetime:
        """Return --start as an aware datetime; a naive one is read in the calendar's zone."""
        try:
            start = datetime.fromisoformat(text)
        except ValueError:
            raise CommandError(
                _("--start “%(text)s” is not an ISO date and time, e.g. 2026-11-25T16:00-06:00.")
                % {"text": text}
            ) from None
        if start.tzinfo is None:
            start = start.replace(tzinfo=tz)
            self.stdout.write(
                _("Note: --start has no UTC offset; read as local time in %(zone)s.")
                % {"zone": tz.key}
            )
        return start

    def _print(
        self,
        engine: SupportCalendar,
        calendar: Calendar,
        start: datetime,
        minutes: int,
        deadline: datetime,
        days: list[DayExplanation],
    ) -> None:
        tz = engine.tz
        out = self.stdout.write
        out(
            _("Calendar: %(name)s - %(rules)s")
            % {"name": calendar.name, "rules": calendar_description(engine)}
        )
        out(_("Start:    %(local)s = %(utc)s") % {"local": _local(start, tz), "utc": _utc(start)})
        out(_("Minutes:  %(n)s support minutes") % {"n": minutes})
        out(self.style.SUCCESS(_("Deadline: %(local)s") % {"local": _local(deadline, tz)}))
        out(self.style.SUCCESS(_("          %(utc)s") % {"utc": _utc(deadline)}))
        out(_("Explanation, day by day (local dates):"))
        if not days:
            out(_("  no support time counted: the deadline is the start (or the next opening)."))
        for day in days:
            hours = ", ".join(
                f"{a.astimezone(tz):%H:%M}-{b.astimezone(tz):%H:%M}" for a, b in day.windows
            )
            reason = closed_reason_label(day.closed_reason)
            detail = _("closed: %(reason)s") % {"reason": reason} if reason else hours or "-"
            out(f"  {day.date:%Y-%m-%d %a}  {day.minutes:>5} min  {detail}")
        out(_("Total: %(n)s support minutes.") % {"n": sum(day.minutes for day in days)})


def _local(instant: datetime, tz) -> str:
    return f"{instant.astimezone(tz):%Y-%m-%d %H:%M %Z} ({getattr(tz, 'key', tz)})"


def _utc(instant: datetime) -> str:
    return f"{instant.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
