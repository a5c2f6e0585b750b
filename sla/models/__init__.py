"""Models of the sla app: support calendars and versioned policy targets."""

from sla.models.calendars import (
    Calendar,
    CalendarCountry,
    Closure,
    OpeningWindow,
    SiteCalendar,
    Weekday,
)
from sla.models.policies import NOTICE_PERIOD, PolicyTarget, PolicyVersion, Priority

__all__ = [
    "NOTICE_PERIOD",
    "Calendar",
    "CalendarCountry",
    "Closure",
    "OpeningWindow",
    "PolicyTarget",
    "PolicyVersion",
    "Priority",
    "SiteCalendar",
    "Weekday",
]
