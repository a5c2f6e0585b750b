"""Who receives an update notice (SLP-14): computed in chunks, never as one list in memory."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from contracts.models import Contract, Membership, Site, SiteRelease, UpdateNotice


@dataclass(frozen=True)
class AffectedSite:
    """A site of one recipient's message: which affected release (and patch) it runs."""

    code: str
    name: str
    organization: str
    runs: str

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "name": self.name,
            "organization": self.organization,
            "runs": self.runs,
        }


def notice_audience_day(notice: UpdateNotice) -> dt.date:
    """Return the day whose contracts decide the audience: the day the notice went out."""
    if notice.published_at is None:
        raise ValueError(f"notice {notice.pk} has not been published")
    return notice.published_at.date()


def _covered_contracts(notice: UpdateNotice, day: dt.date) -> QuerySet[Contract]:
    """Contracts in force on the day that cover a site running an affected release."""
    return Contract.objects.in_force_on(day).filter(
        sites__site_releases__release__update_notices=notice
    )


def notice_affected_sites(notice: UpdateNotice, day: dt.date) -> QuerySet[Site]:
    """Sites running an affected release and covered by a contract in force on the day."""
    return Site.objects.filter(
        site_releases__release__update_notices=notice,
        contracts__in=Contract.objects.in_force_on(day),
    )


def notice_audience(notice: UpdateNotice, *, day: dt.date) -> QuerySet[Membership]:
    """Return the memberships of every person the notice goes to (one membership per person).

    Designated technical contacts of the organisations that own or hold the contract of an
    affected site, and of the partners serving them. Opted-out members get urgent notices only.
    """
    sites = notice_affected_sites(notice, day)
    contracts = _covered_contracts(notice, day)
    organizations = (
        Q(organization_id__in=sites.values("organization_id"))
        | Q(organization_id__in=sites.values("organization__partner_id"))
        | Q(organization_id__in=contracts.values("holder_id"))
        | Q(organization_id__in=contracts.values("holder__partner_id"))
    )
    audience = Membership.objects.filter(
        organizations, is_active=True, is_technical_contact=True, user__is_active=True
    )
    if not notice.is_mandatory:
        audience = audience.exclude(user__contact_preference__scheduled_updates_opt_out=True)
    return audience


def notice_audience_chunks(
    notice: UpdateNotice, *, day: dt.date, size: int
) -> Iterator[tuple[int, int, int]]:
    """Yield (after_user_id, last_user_id, count) ranges of at most `size` recipients each.

    The user ids stream from the database; only the current range is held in memory.
    """
    ids = (
        notice_audience(notice, day=day)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .iterator(chunk_size=2000)
    )
    after, last, count = 0, 0, 0
    for user_id in ids:
        last, count = user_id, count + 1
        if count == size:
            yield after, last, count
            after, count = last, 0
    if count:
        yield after, last, count


def notice_sites_by_organization(
    notice: UpdateNotice, *, day: dt.date, organization_ids: Iterable[int]
) -> dict[int, list[AffectedSite]]:
    """Return, for each given organisation, the affected sites its contacts hear about."""
    orgs = set(organization_ids)
    # Which given organisations hold (or serve the holder of) the contract of each site.
    holders: dict[int, set[int]] = defaultdict(set)
    links = Contract.sites.through.objects.filter(
        contract__in=Contract.objects.in_force_on(day),
        site__site_releases__release__update_notices=notice,
    ).filter(Q(contract__holder_id__in=orgs) | Q(contract__holder__partner_id__in=orgs))
    for site_id, holder_id, holder_partner_id in links.values_list(
        "site_id", "contract__holder_id", "contract__holder__partner_id"
    ):
        holders[site_id].update({holder_id, holder_partner_id} & orgs)
    runs = (
        SiteRelease.objects.filter(
            release__update_notices=notice,
            site__in=notice_affected_sites(notice, day),
        )
        .filter(
            Q(site__organization_id__in=orgs)
            | Q(site__organization__partner_id__in=orgs)
            | Q(site_id__in=list(holders))
        )
        .select_related("site__organization", "release__product", "patch")
        .order_by("site__code", "release__product__name", "release__release_date")
    )
    return _group_sites(runs, holders, orgs)


def _group_sites(
    runs: Iterable[SiteRelease], holders: dict[int, set[int]], orgs: set[int]
) -> dict[int, list[AffectedSite]]:
    by_site: dict[int, list[SiteRelease]] = defaultdict(list)
    for run in runs:
        by_site[run.site_id].append(run)
    result: dict[int, list[AffectedSite]] = defaultdict(list)
    for site_id, site_runs in by_site.items():
        site = site_runs[0].site
        entry = AffectedSite(
            code=site.code,
            name=site.name,
            organization=site.organization.name,
            runs=", ".join(str(run.patch or run.release) for run in site_runs),
        )
        owners = {site.organization_id, site.organization.partner_id} & orgs
        for org_id in owners | holders.get(site_id, set()):
            result[org_id].append(entry)
    return result
