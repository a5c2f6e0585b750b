"""Reads of update notices and site releases for the portal and the admin (SLP-2, SLP-14)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from contracts.models import Release, Site, SiteRelease, UpdateNotice
from contracts.services.releases import SupportStatus, release_statuses


def _site_runs_for_user(user, notices: QuerySet[UpdateNotice]) -> dict[int, list[Site]]:
    """Return, per release of the given notices, the user's sites that run it."""
    runs = (
        SiteRelease.objects.visible_to(user)
        .filter(release__in=Release.objects.filter(update_notices__in=notices).values("pk"))
        .select_related("site")
        .order_by("site__code")
    )
    sites: dict[int, list[Site]] = defaultdict(list)
    for run in runs:
        sites[run.release_id].append(run.site)
    return sites


def _attach_sites(
    notices: list[UpdateNotice], runs: dict[int, list[Site]], *, shown: int | None = None
) -> list[UpdateNotice]:
    """Set ``affected_sites`` (the first `shown`) and ``more_sites`` on each notice.

    Only notices with at least one of the user's sites are kept.
    """
    kept = []
    for notice in notices:
        found = {site.pk: site for release in notice.releases.all() for site in runs[release.pk]}
        sites = sorted(found.values(), key=lambda site: site.code)
        notice.affected_sites = sites[:shown]
        notice.more_sites = len(sites) - len(notice.affected_sites)
        if sites:
            kept.append(notice)
    return kept


def update_notice_list_for_user(user, *, sites_shown: int = 20) -> list[UpdateNotice]:
    """Return the sent notices that concern the user's sites, newest first, with those sites.

    Staff see every sent notice, without a site list (the admin has the audience).
    """
    if not user.is_authenticated or not user.is_active:
        return []
    published = UpdateNotice.objects.published().prefetch_related("releases__product")
    if user.is_staff:
        notices = list(published.order_by("-published_at", "-pk"))
        for notice in notices:
            notice.affected_sites, notice.more_sites = [], 0
        return notices
    runs = _site_runs_for_user(user, published)
    notices = published.filter(releases__in=list(runs)).distinct()
    return _attach_sites(list(notices.order_by("-published_at", "-pk")), runs, shown=sites_shown)


def update_notice_get_for_user(user, pk: int) -> UpdateNotice:
    """Return one sent notice concerning the user's sites; 404 alike for missing and not yours."""
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such notice")
    notices = UpdateNotice.objects.published().filter(pk=pk).prefetch_related("releases__product")
    if user.is_staff:
        notice = notices.first()
        if notice is None:
            raise Http404("No such notice")
        notice.affected_sites, notice.more_sites = [], 0
        return notice
    found = _attach_sites(list(notices), _site_runs_for_user(user, notices))
    if not found:
        raise Http404("No such notice")
    return found[0]


def update_notices_unread_urgent_for_user(user, *, limit: int = 3) -> list[UpdateNotice]:
    """Return the urgent notices concerning the user's sites that the user has not opened."""
    if not user.is_authenticated or not user.is_active:
        return []
    return list(
        UpdateNotice.objects.published()
        .filter(
            kind=UpdateNotice.Kind.URGENT,
            releases__site_releases__site__in=Site.objects.visible_to(user),
        )
        .exclude(reads__user=user)
        .distinct()
        .order_by("-published_at", "-pk")[:limit]
    )


def releases_unsupported_ids(*, on: dt.date | None = None) -> list[int]:
    """Return the ids of the releases without support on the day (SLP-2)."""
    on = on or timezone.localdate()
    statuses = release_statuses(on=on)
    return [pk for pk, status in statuses.items() if status == SupportStatus.UNSUPPORTED]


def sites_on_unsupported_releases(*, on: dt.date | None = None) -> QuerySet[Site]:
    """Return the sites running at least one release that no longer gets support (SLP-2, SLP-15)."""
    unsupported = releases_unsupported_ids(on=on)
    return Site.objects.filter(site_releases__release_id__in=unsupported).distinct()
