"""Staff admin of the cases app: the queue and case page, the read-only timeline, canned replies."""

from cases.admin import canned, events, queue  # noqa: F401
