"""Reads of the contracts app for the portal and the API; each starts from visible_to(user)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from contracts.models import Contract, Membership, Organization, Release, Site
from contracts.services.releases import SupportStatus, release_statuses


def site_day(site: Site) -> dt.date:
    """Return today's date in the site's time zone: contract days are site days."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(site.time_zone)).date()


def organization_for_user(user) -> Organization | None:
    """Return the organisation the user belongs to (active membership), or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    membership = (
        Membership.objects.filter(user=user, is_active=True).select_related("organization").first()
    )
    return membership.organization if membership else None


def organization_list_for_user(user) -> QuerySet[Organization]:
    """Return the organisations the user may see: own, served end customers; staff all."""
    return Organization.objects.visible_to(user).select_related("partner")


def site_list_for_user(user) -> QuerySet[Site]:
    """Return the sites the user may see."""
    return Site.objects.visible_to(user).select_related("organization").order_by("code")


def site_get_for_user(user, code: str) -> Site:
    """Return the user's site with this code; 404 alike for missing and not yours."""
    site = site_list_for_user(user).filter(code=code).first()
    if site is None:
        raise Http404("No such site")
    return site


def contract_list_for_user(user) -> QuerySet[Contract]:
    """Return the contracts the user may see, with holder and sites loaded."""
    return (
        Contract.objects.visible_to(user)
        .select_related("holder", "renewed_from")
        .prefetch_related("sites")
    )


def contract_get_for_user(user, reference: str) -> Contract:
    """Return the user's contract with this reference; 404 alike for missing and not yours."""
    contract = contract_list_for_user(user).filter(reference=reference).first()
    if contract is None:
        raise Http404("No such contract")
    return contract


def release_list_for_user(user) -> QuerySet[Release]:
    """Return the releases; every active signed-in person may see them."""
    if not user.is_authenticated or not user.is_active:
        return Release.objects.none()
    return Release.objects.select_related("product")


def releases_unsupported_ids(*, on: dt.date | None = None) -> list[int]:
    """Return the ids of the releases without support on the day (SLP-2)."""
    on = on or timezone.localdate()
    statuses = release_statuses(on=on)
    return [pk for pk, status in statuses.items() if status == SupportStatus.UNSUPPORTED]


def sites_on_unsupported_releases(*, on: dt.date | None = None) -> QuerySet[Site]:
    """Return the sites running at least one release that no longer gets support (SLP-2, SLP-15)."""
    unsupported = releases_unsupported_ids(on=on)
    return Site.objects.filter(site_releases__release_id__in=unsupported).distinct()
