"""Models of the contracts app: who is covered, and how they hear from us."""

from contracts.models.agreements import Contract, Patch, Product, Release
from contracts.models.imports import ImportRun
from contracts.models.notices import (
    ContactPreference,
    NoticeDelivery,
    NoticeRead,
    SiteRelease,
    UpdateNotice,
)
from contracts.models.organizations import Membership, Organization, Site
from contracts.models.outbox import OutboxMessage
from contracts.models.users import User, validate_time_zone

__all__ = [
    "ContactPreference",
    "Contract",
    "ImportRun",
    "Membership",
    "NoticeDelivery",
    "NoticeRead",
    "Organization",
    "OutboxMessage",
    "Patch",
    "Product",
    "Release",
    "Site",
    "SiteRelease",
    "UpdateNotice",
    "User",
    "validate_time_zone",
]
