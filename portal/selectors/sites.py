"""Reads behind the sites, contracts and releases pages and the API; each starts from visible_to(user)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, Organization, Patch, Release, Site, SiteRelease
from contracts.selectors import (
    contract_list_for_user,
    release_list_for_user,
    site_day,
    site_list_for_user,
)
from contracts.services.contracts import EXPIRY_NOTICE_DAYS
from contracts.services.releases import SupportStatus, support_statuses

# "Expiring soon" starts when the first expiry notice goes out.
EXPIRING_SOON_DAYS = max(EXPIRY_NOTICE_DAYS)


class Coverage(models.TextChoices):
    """How a contract or a site stands on a given day, as the pages show it."""

    COVERED = "covered", _("Active")
    EXPIRING = "expiring", _("Expiring soon")
    UPCOMING = "upcoming", _("Not started")
    ENDED = "ended", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")
    NONE = "none", _("No contract")


def contract_coverage(contract: Contract, *, day: dt.date) -> Coverage:
    """Return the coverage state of one contract on a day."""
    if contract.status == Contract.Status.CANCELLED:
        return Coverage.CANCELLED
    if contract.status == Contract.Status.EXPIRED or contract.end_date < day:
        return Coverage.ENDED
    if contract.start_date > day:
        return Coverage.UPCOMING
    if (contract.end_date - day).days <= EXPIRING_SOON_DAYS:
        return Coverage.EXPIRING
    return Coverage.COVERED


@dataclass
class SiteRow:
    """A site with its coverage today (site time) and the releases it runs."""

    site: Site
    day: dt.date
    coverage: Coverage
    until: dt.date | None
    contracts: list[Contract] = field(default_factory=list)
    runs: list[SiteRelease] = field(default_factory=list)

    @property
    def coverage_label(self) -> str:
        return self.coverage.label


def _site_row(site: Site, visible_holders: set[int], statuses: dict) -> SiteRow:
    day = site_day(site)
    contracts = list(site.contracts.all())
    states = {c.pk: contract_coverage(c, day=day) for c in contracts}
    live = [c for c in contracts if states[c.pk] in (Coverage.COVERED, Coverage.EXPIRING)]
    if live:
        best = max(live, key=lambda c: c.end_date)
        coverage, until = states[best.pk], best.end_date
    else:
        ended = [c for c in contracts if states[c.pk] == Coverage.ENDED]
        coverage = Coverage.ENDED if ended else Coverage.NONE
        until = max((c.end_date for c in ended), default=None)
    for contract in contracts:
        contract.coverage = states[contract.pk]
        contract.coverage_label = contract.coverage.label
        # A partner's contract covers its end customer's site; its details stay the partner's.
        contract.is_visible = contract.holder_id in visible_holders
    runs = list(site.site_releases.all())
    for run in runs:
        run.support_status = statuses.get(run.release_id)
    return SiteRow(site, day, coverage, until, contracts, runs)


def site_rows_for_user(user, *, sites: QuerySet[Site] | None = None) -> list[SiteRow]:
    """Return the user's sites with coverage and releases, in a fixed number of queries."""
    sites = site_list_for_user(user) if sites is None else sites
    sites = sites.prefetch_related(
        Prefetch(
            "contracts",
            queryset=Contract.objects.select_related("holder").order_by("-end_date", "reference"),
        ),
        Prefetch(
            "site_releases",
            queryset=SiteRelease.objects.select_related("release__product", "patch").order_by(
                "release__product__name", "-release__release_date"
            ),
        ),
    )
    visible_holders = set(Organization.objects.visible_to(user).values_list("pk", flat=True))
    statuses = support_statuses(
        release_list_for_user(user).select_related(None).only("pk", "product_id", "release_date"),
        on=timezone.localdate(),
    )
    return [_site_row(site, visible_holders, statuses) for site in sites]


def site_row_get_for_user(user, code: str) -> SiteRow:
    """Return one of the user's sites with its coverage; 404 alike for missing and not yours."""
    rows = site_rows_for_user(user, sites=site_list_for_user(user).filter(code=code))
    if not rows:
        raise Http404("No such site")
    return rows[0]


def contract_list_with_visible_sites(user) -> QuerySet[Contract]:
    """Return the user's contracts with only the sites the user may see, by code."""
    # A partner's contract may cover sites of end customers the user does not serve.
    sites = Site.objects.visible_to(user).order_by("code")
    return (
        contract_list_for_user(user)
        .prefetch_related(None)
        .prefetch_related(Prefetch("sites", queryset=sites))
    )


def contract_rows_for_user(user) -> list[Contract]:
    """Return the user's contracts, each with ``coverage`` and only the sites the user may see."""
    today = timezone.localdate()
    rows = list(contract_list_with_visible_sites(user).order_by("-end_date", "reference"))
    for contract in rows:
        contract.coverage = contract_coverage(contract, day=today)
        contract.coverage_label = contract.coverage.label
    return rows


@dataclass
class ProductReleases:
    """One product's releases, grouped by support status (SLP-2)."""

    name: str
    current: list[Release] = field(default_factory=list)
    previous: list[Release] = field(default_factory=list)
    unsupported: list[Release] = field(default_factory=list)
    upcoming: list[Release] = field(default_factory=list)


def release_overview_for_user(user, *, on: dt.date) -> list[ProductReleases]:
    """Return every product's releases by support status, each with its patches (two queries)."""
    releases = list(release_list_for_user(user).order_by("product__name", "-release_date", "-pk"))
    statuses = support_statuses(releases, on=on)
    patches: dict[int, list[Patch]] = defaultdict(list)
    for patch in Patch.objects.filter(release__in=releases).order_by("-release_date", "-pk"):
        patches[patch.release_id].append(patch)
    products: dict[int, ProductReleases] = {}
    for release in releases:
        release.support_status = statuses[release.pk]
        release.patch_list = patches[release.pk]
        published = [patch for patch in release.patch_list if patch.release_date <= on]
        release.latest_patch_id = published[0].pk if published else None
        group = products.setdefault(release.product_id, ProductReleases(release.product.name))
        getattr(group, SupportStatus(release.support_status).value).append(release)
    return list(products.values())
