"""Business-time engine for SLA clocks (SLP-6): pure Python, no Django."""

from sla.businesstime._config import BusinessTimeError
from sla.businesstime.calendar import DayExplanation, SupportCalendar

__all__ = ["BusinessTimeError", "DayExplanation", "SupportCalendar"]
