"""Which support calendar a site uses, and the business-time engine built from it (SLP-6)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.utils.translation import gettext as _

from contracts.models import Site
from sla.businesstime import BusinessTimeError, SupportCalendar
from sla.holiday_names import holiday_name_label
from sla.models import Calendar, CalendarCountry, Closure, OpeningWindow, SiteCalendar

# Engines are cheap to use but not to build (two queries plus holiday checks); the case sweep
# asks for the same few calendars over and over. Keyed by the calendar's updated_at, so an edit
# saved anywhere is picked up by every process on its next lookup.
_ENGINE_CACHE_SIZE = 256
_engines: OrderedDict[tuple, SupportCalendar] = OrderedDict()
_engines_lock = threading.Lock()


@dataclass(frozen=True)
class PreviewDay:
    """One local day of a calendar preview: its open hours, or why it is closed."""

    date: date
    minutes: int
    windows: tuple[tuple[time, time], ...]
    closed_reason: str | None


def calendar_for_site(site: Site) -> Calendar:
    """Return the site's calendar: staff override, else its country's, else the fallback."""
    override = SiteCalendar.objects.filter(site_id=site.pk, calendar_id=OuterRef("pk"))
    mapped = CalendarCountry.objects.filter(country=site.country, calendar_id=OuterRef("pk"))
    # One query ranks the three candidates, so resolving many sites stays cheap.
    calendar = (
        Calendar.objects.annotate(
            rank=Case(
                When(Exists(override), then=Value(0)),
                When(Exists(mapped), then=Value(1)),
                When(is_fallback=True, then=Value(2)),
                output_field=IntegerField(),
            )
        )
        .filter(rank__isnull=False)
        .order_by("rank")
        .first()
    )
    if calendar is None:
        raise Calendar.DoesNotExist(
            f"No calendar for site {site.code}: mark one calendar as the fallback."
        )
    return calendar


def support_calendar_for_site(site: Site) -> SupportCalendar:
    """Return the business-time engine of the site's calendar, in the right time zone."""
    return support_calendar_from(calendar_for_site(site), time_zone=site.time_zone)


def calendar_time_zone(calendar: Calendar, *, time_zone: str | None) -> str:
    """Return the zone a calendar counts in: its own, else the given site zone."""
    zone = calendar.time_zone or time_zone
    if not zone:
        raise BusinessTimeError(
            f"calendar {calendar.name!r} uses each site's own time zone: give one"
        )
    return zone


def support_calendar_from(calendar: Calendar, *, time_zone: str | None = None) -> SupportCalendar:
    """Return the engine for a saved calendar; `time_zone` serves a site-own-zone calendar."""
    zone = calendar_time_zone(calendar, time_zone=time_zone)
    key = (calendar.pk, calendar.updated_at, zone)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is not None:
            _engines.move_to_end(key)
            return engine
    engine = _build_engine(calendar, zone)
    with _engines_lock:
        _engines[key] = engine
        while len(_engines) > _ENGINE_CACHE_SIZE:
            _engines.popitem(last=False)
    return engine


def support_calendar_cache_clear() -> None:
    """Forget every cached engine (tests, or after editing windows without saving the calendar)."""
    with _engines_lock:
        _engines.clear()


def _build_engine(calendar: Calendar, zone: str) -> SupportCalendar:
    """Read the calendar's windows and closures and build its engine."""
    windows: dict[int, list[tuple[str, str]]] = {}
    for window in OpeningWindow.objects.filter(calendar=calendar).order_by("weekday", "opens"):
        windows.setdefault(window.weekday, []).append(
            (f"{window.opens:%H:%M}", f"{window.closes:%H:%M}")
        )
    closures = list(Closure.objects.filter(calendar=calendar).values_list("date", "reason"))
    try:
        return SupportCalendar(
            timezone=zone,
            holidays=calendar.holiday_code,
            windows=windows,
            closures=closures,
        )
    except BusinessTimeError as exc:
        raise BusinessTimeError(f"calendar {calendar.name!r}: {exc}") from exc


def calendar_touch(*, calendar: Calendar) -> None:
    """Mark the calendar changed so every process rebuilds its engine."""
    calendar.save(update_fields=["updated_at"])


@transaction.atomic
def calendar_make_fallback(*, calendar: Calendar) -> Calendar:
    """Make this calendar the one used by sites of every unmapped country."""
    Calendar.objects.filter(is_fallback=True).exclude(pk=calendar.pk).update(is_fallback=False)
    calendar.is_fallback = True
    calendar.save(update_fields=["is_fallback", "updated_at"])
    return calendar


def calendar_preview(
    calendar: Calendar, *, time_zone: str | None = None, start_date: date, days: int = 30
) -> list[PreviewDay]:
    """Return `days` local days from `start_date`: open hours, or why support is closed."""
    engine = support_calendar_from(calendar, time_zone=time_zone)
    tz = ZoneInfo(calendar_time_zone(calendar, time_zone=time_zone))
    start = datetime.combine(start_date, time(), tzinfo=tz)
    end = datetime.combine(start_date + timedelta(days=days), time(), tzinfo=tz)
    # explain() also returns the (empty) day of `end` itself; the preview stops before it.
    rows = engine.explain(start, end)[:days]
    return [
        PreviewDay(
            date=row.date,
            minutes=row.minutes,
            windows=tuple(
                (a.astimezone(tz).time(), b.astimezone(tz).time()) for a, b in row.windows
            ),
            closed_reason=closed_reason_label(row.closed_reason),
        )
        for row in rows
    ]


def closed_reason_label(reason: str | None) -> str | None:
    """Return the engine's closed reason in the user's language."""
    if reason is None:
        return None
    if reason == "weekend":
        return _("Weekend")
    kind, _sep, detail = reason.partition(": ")
    if kind == "holiday":
        return _("Holiday: %(name)s") % {"name": holiday_name_label(detail)}
    if kind == "closure":
        return _("Closure: %(reason)s") % {"reason": detail}
    return _("No support hours that day")
