"""Models of the contracts app: who is covered, for what, on which releases."""

from contracts.models.agreements import Contract, Patch, Product, Release
from contracts.models.imports import ImportRun
from contracts.models.organizations import Membership, Organization, Site
from contracts.models.site_releases import SiteRelease
from contracts.models.users import User, validate_time_zone

__all__ = [
    "Contract",
    "ImportRun",
    "Membership",
    "Organization",
    "Patch",
    "Product",
    "Release",
    "Site",
    "SiteRelease",
    "User",
    "validate_time_zone",
]
