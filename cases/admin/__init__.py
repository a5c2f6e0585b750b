"""Staff admin of the cases app: the queue and case page, and the read-only timeline."""

from cases.admin import events, queue  # noqa: F401
