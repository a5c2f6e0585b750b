"""Models of the contracts app: who is covered, and how they hear from us."""

from contracts.models.outbox import OutboxMessage
from contracts.models.users import User, validate_time_zone

__all__ = ["OutboxMessage", "User", "validate_time_zone"]
