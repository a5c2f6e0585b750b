"""Who receives an update notice (SLP-14): computed in chunks, never as one list in memory."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from django.db.models import Q, QuerySet

from contracts.models import Contract, Membership, Site, SiteRelease
from notices.models import UpdateNotice


@dataclass(slots=True)
class AffectedSite:
    """A site of one recipient's message: which affected releases (and patches) it runs."""

    code: str
    name: str
    organization: str
    runs: list[str]

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "name": self.name,
            "organization": self.organization,
            "runs": ", ".join(self.runs),
        }


def notice_audience_day(notice: UpdateNotice) -> dt.datetime:
    """Return the publish instant: each site's contracts are those in force on its local date.

    A datetime is a date too, so callers pass it on as the audience functions' ``day``.
    """
    if notice.published_at is None:
        raise ValueError(f"notice {notice.pk} has not been published")
    return notice.published_at


@cache
def _known_zones() -> tuple[str, ...]:
    # Read from the disk once per process: the tz database changes with a deployment only.
    return tuple(sorted(zoneinfo.available_timezones()))


@lru_cache(maxsize=64)
def _zones_off_the_utc_date(at: dt.datetime) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the zones whose local date at the instant is the day before, and the day after."""
    utc_day = at.astimezone(dt.UTC).date()
    behind, ahead = [], []
    for name in _known_zones():
        local_day = at.astimezone(zoneinfo.ZoneInfo(name)).date()
        if local_day < utc_day:
            behind.append(name)
        elif local_day > utc_day:
            ahead.append(name)
    return tuple(behind), tuple(ahead)


def _in_force_between(prefix: str, first: dt.date, last: dt.date) -> Q:
    """Return the condition of a contract in force on some day from first to last.

    Join conditions, not ``contract__in=<subquery>``, and the status compared with iexact
    (statuses are lowercase, so the answer is the same): both keep SQLite, which has no
    table statistics, from driving the join through the (status, end_date) index and
    probing every contract in force for every site, a plan quadratic in the audience.
    """
    return Q(
        **{
            f"{prefix}status__iexact": Contract.Status.ACTIVE,
            f"{prefix}start_date__lte": last,
            f"{prefix}end_date__gte": first,
        }
    )


def _in_force(prefix: str, day: dt.date, *, zone: str) -> Q:
    """Return the condition of a contract in force on the site's local date of `day`.

    `day` is an instant (a datetime: the site's date there, found through the `zone` field)
    or a calendar date, the same at every site. Local dates lie within a day of the UTC one.
    """
    if not isinstance(day, dt.datetime):
        return _in_force_between(prefix, day, day)
    utc_day = day.astimezone(dt.UTC).date()
    behind, ahead = _zones_off_the_utc_date(day)
    if not behind and not ahead:
        return _in_force_between(prefix, utc_day, utc_day)
    one = dt.timedelta(days=1)
    # The UTC date widened by a day keeps the shape, and so the query plans, of the one-day
    # condition; only contracts starting or ending at its edges are then told apart by the
    # site's zone. A zone the tz database does not list counts as UTC.
    condition = _in_force_between(prefix, utc_day - one, utc_day + one)
    start, end = f"{prefix}start_date__lte", f"{prefix}end_date__gte"
    # Each: a date condition, or else the site's zone being in (True) or out of the zones.
    terms = [
        (Q(**{start: utc_day}), ahead, True),
        (Q(**{start: utc_day - one}), behind, False),
        (Q(**{end: utc_day}), behind, True),
        (Q(**{end: utc_day + one}), ahead, False),
    ]
    for dates, zones, within in terms:
        if zones:
            in_zones = Q(**{f"{zone}__in": zones})
            condition &= dates | (in_zones if within else ~in_zones)
        elif within:
            condition &= dates
    return condition


def notice_affected_sites(notice: UpdateNotice, day: dt.date) -> QuerySet[Site]:
    """Sites running an affected release and covered by a contract in force on the day."""
    return Site.objects.filter(
        _in_force("contracts__", day, zone="time_zone"),
        site_releases__release__update_notices=notice,
    )


def _audience_organizations(notice: UpdateNotice, day: dt.date) -> Q:
    """Return the condition on a membership's organisation to hear about the notice."""
    sites = notice_affected_sites(notice, day)
    # values() on the contract reuses the in-force join of the filter: the holder of a
    # contract in force on an affected site, never of any contract of that site.
    return (
        Q(organization_id__in=sites.values("organization_id"))
        | Q(organization_id__in=sites.values("organization__partner_id"))
        | Q(organization_id__in=sites.values("contracts__holder_id"))
        | Q(organization_id__in=sites.values("contracts__holder__partner_id"))
    )


def notice_audience(notice: UpdateNotice, *, day: dt.date) -> QuerySet[Membership]:
    """Return the memberships of every person the notice goes to (one membership per person).

    Designated technical contacts of the organisations that own or hold the contract of an
    affected site, and of the partners serving them. Opted-out members get urgent notices only.
    """
    return notice_contacts(notice).filter(_audience_organizations(notice, day))


def notice_opted_out(notice: UpdateNotice, *, day: dt.date) -> QuerySet[Membership]:
    """Return the designated contacts of the audience's organisations left out by their opt-out.

    Nobody is left out of an urgent notice: it is a mandatory service message.
    """
    if notice.is_mandatory:
        return Membership.objects.none()
    return _designated_contacts().filter(
        _audience_organizations(notice, day),
        user__contact_preference__scheduled_updates_opt_out=True,
    )


def _designated_contacts() -> QuerySet[Membership]:
    return Membership.objects.filter(
        is_active=True, is_technical_contact=True, user__is_active=True
    )


def notice_contacts(notice: UpdateNotice) -> QuerySet[Membership]:
    """Return every designated technical contact the notice may go to, audience or not."""
    contacts = _designated_contacts()
    if not notice.is_mandatory:
        contacts = contacts.exclude(user__contact_preference__scheduled_updates_opt_out=True)
    return contacts


def notice_audience_chunks(notice: UpdateNotice, *, day: dt.date, size: int) -> Iterator[list[int]]:
    """Yield the recipients' user ids, in ascending lists of at most `size`.

    The ids stream from the database; only the current list is held in memory.
    """
    ids = (
        notice_audience(notice, day=day)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .iterator(chunk_size=2000)
    )
    chunk: list[int] = []
    for user_id in ids:
        chunk.append(user_id)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def notice_sites_by_organization(
    notice: UpdateNotice, *, day: dt.date, organization_ids: Iterable[int]
) -> dict[int, list[AffectedSite]]:
    """Return, for each given organisation, the affected sites its contacts hear about.

    The same rule as notice_audience, worked out from the organisations: every query starts
    from them, so a chunk costs what its own sites cost, however large the whole audience.
    """
    orgs = set(organization_ids)
    if not orgs:
        return {}
    # Release ids as a plain list, so every lookup below starts from the organisations.
    releases = list(notice.releases.values_list("pk", flat=True))
    listeners, covered = _listeners(orgs, releases, day)
    # Plain values, not model instances: a partner's chunk may list thousands of sites.
    runs = (
        SiteRelease.objects.filter(site_id__in=sorted(covered), release_id__in=releases)
        .order_by("site__code", "release__product__name", "release__release_date")
        .values_list(
            "site_id",
            "site__code",
            "site__name",
            "site__organization__name",
            "release__product__name",
            "release__version",
            "patch__version",
        )
    )
    return _group_sites(runs, listeners)


def _listeners(
    orgs: set[int], releases: list[int], day: dt.date
) -> tuple[dict[int, set[int]], set[int]]:
    """Map each site on an affected release to the given organisations that hear about it.

    Owner, owner's partner, holder of a contract in force on it, holder's partner; also
    return the sites a contract in force covers (the others are not affected).
    """
    listeners: dict[int, set[int]] = defaultdict(set)
    covered: set[int] = set()
    # One query per path rather than an OR across joined tables, which no index serves.
    for path in ("organization_id__in", "organization__partner_id__in"):
        owned = Site.objects.filter(**{path: orgs}, site_releases__release_id__in=releases)
        for site_id, owner_id, partner_id in owned.values_list(
            "id", "organization_id", "organization__partner_id"
        ):
            listeners[site_id].update({owner_id, partner_id} & orgs)
    for path in ("contract__holder_id__in", "contract__holder__partner_id__in"):
        held = Contract.sites.through.objects.filter(
            _in_force("contract__", day, zone="site__time_zone"),
            **{path: orgs},
            site__site_releases__release_id__in=releases,
        )
        for site_id, holder_id, partner_id in held.values_list(
            "site_id", "contract__holder_id", "contract__holder__partner_id"
        ):
            listeners[site_id].update({holder_id, partner_id} & orgs)
            covered.add(site_id)
    covered |= set(
        Contract.sites.through.objects.filter(
            _in_force("contract__", day, zone="site__time_zone"),
            site_id__in=[site_id for site_id in listeners if site_id not in covered],
        ).values_list("site_id", flat=True)
    )
    return listeners, covered


def _group_sites(
    runs: Iterable[tuple], listeners: dict[int, set[int]]
) -> dict[int, list[AffectedSite]]:
    result: dict[int, list[AffectedSite]] = defaultdict(list)
    entry: AffectedSite | None = None
    for site_id, code, name, organization, product, version, patch in runs:
        running = f"{product} {patch or version}"
        if entry is not None and entry.code == code:
            # A second affected release of the same site (rows come ordered by site code).
            entry.runs.append(running)
            continue
        entry = AffectedSite(code=code, name=name, organization=organization, runs=[running])
        for org_id in listeners[site_id]:
            result[org_id].append(entry)
    return result
