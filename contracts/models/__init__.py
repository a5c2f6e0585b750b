"""Models of the contracts app: who is covered, and how they hear from us."""

from contracts.models.agreements import Contract, Patch, Product, Release
from contracts.models.organizations import Membership, Organization, Site
from contracts.models.outbox import OutboxMessage
from contracts.models.users import User, validate_time_zone

__all__ = [
    "Contract",
    "Membership",
    "Organization",
    "OutboxMessage",
    "Patch",
    "Product",
    "Release",
    "Site",
    "User",
    "validate_time_zone",
]
