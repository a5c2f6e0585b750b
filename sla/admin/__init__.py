"""Staff admin of the sla app, one module per area."""

from sla.admin import calendars, policies  # noqa: F401
