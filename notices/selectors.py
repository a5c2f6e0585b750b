"""Reads of update notices: the portal's lists and banners, the admin's progress (SLP-14)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import Http404

from contracts.models import Membership, Release, Site, SiteRelease
from mail.models import OutboxMessage
from notices.models import NoticeDelivery, UpdateNotice
from notices.services.audience import (
    notice_affected_sites,
    notice_audience,
    notice_audience_day,
    notice_opted_out,
)


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


# --- Delivery progress, failures and report, for the admin -------------------------------


@dataclass(frozen=True)
class NoticeProgress:
    """How far a notice's delivery has come, read from its outbox messages."""

    recipients: int
    sent: int
    failed: int
    pending: int
    # Kept unsent by the outbox because the recipient turned these notices off since.
    skipped: int = 0

    @property
    def percent_sent(self) -> int:
        return round(100 * self.sent / self.recipients) if self.recipients else 0

    @property
    def percent_failed(self) -> int:
        return round(100 * self.failed / self.recipients) if self.recipients else 0


def update_notice_progress(notice: UpdateNotice) -> NoticeProgress:
    """Count the notice's recipients by the state of their email (one query)."""
    return update_notices_progress([notice])[notice.pk]


def update_notices_progress(notices: list[UpdateNotice]) -> dict[int, NoticeProgress]:
    """Count each notice's recipients by the state of their email, all in one query."""
    counts: dict[int, dict[str, int]] = {notice.pk: {} for notice in notices}
    rows = (
        NoticeDelivery.objects.filter(notice__in=[notice.pk for notice in notices])
        .values_list("notice_id", "message__state")
        .annotate(n=Count("id"))
        .order_by()
    )
    for notice_id, state, n in rows:
        counts[notice_id][state] = n
    return {notice.pk: _progress(notice, counts[notice.pk]) for notice in notices}


def _progress(notice: UpdateNotice, states: dict[str, int]) -> NoticeProgress:
    written = sum(states.values())
    recipients = max(notice.recipients_count or 0, written)
    sent = states.get(OutboxMessage.State.SENT, 0)
    failed = states.get(OutboxMessage.State.FAILED, 0)
    skipped = states.get(OutboxMessage.State.SKIPPED, 0)
    return NoticeProgress(
        recipients=recipients,
        sent=sent,
        failed=failed,
        pending=recipients - sent - failed - skipped,
        skipped=skipped,
    )


def update_notice_failures(notice: UpdateNotice):
    """Return the deliveries whose email failed, with the error, newest attempt first."""
    return (
        NoticeDelivery.objects.filter(notice=notice, message__state=OutboxMessage.State.FAILED)
        .select_related("user", "message")
        .order_by("user__email")
    )


# --- Where a notice stands, and whom it reaches, for the admin's pages ---------------------


# The beat starts due notices every minute: a scheduled one is late only after that.
BEAT_GRACE = dt.timedelta(minutes=2)


def update_notice_overdue(notice: UpdateNotice, *, now: dt.datetime) -> bool:
    """Tell whether a scheduled notice's publish time has passed while it was never sent."""
    if notice.kind != UpdateNotice.Kind.SCHEDULED or notice.publish_at is None:
        return False
    if notice.status == UpdateNotice.Status.DRAFT:
        return notice.publish_at <= now
    return notice.status == UpdateNotice.Status.SCHEDULED and notice.publish_at <= now - BEAT_GRACE


def update_notice_send_instant(notice: UpdateNotice, *, now: dt.datetime) -> dt.datetime:
    """Return when the notice went or goes out: its publish time if to come, else now."""
    if notice.published_at is not None:
        return notice.published_at
    if notice.kind == UpdateNotice.Kind.SCHEDULED and notice.publish_at and notice.publish_at > now:
        return notice.publish_at
    return now


@dataclass(frozen=True)
class AudienceSize:
    """Whom a notice reaches: people, affected sites, and contacts left out by their opt-out."""

    recipients: int
    sites: int
    opted_out: int


def update_notice_audience_size(notice: UpdateNotice, *, now: dt.datetime) -> AudienceSize:
    """Count whom the notice would reach when it goes out, by today's contacts (three queries)."""
    at = update_notice_send_instant(notice, now=now)
    return AudienceSize(
        recipients=notice_audience(notice, day=at).values("user_id").distinct().count(),
        sites=notice_affected_sites(notice, at).values("pk").distinct().count(),
        opted_out=notice_opted_out(notice, day=at).values("user_id").distinct().count(),
    )


def update_notice_opted_out_count(notice: UpdateNotice) -> int:
    """Count the audience's contacts a sent notice left out because they opted out."""
    if notice.published_at is None:
        return 0
    # Whoever opted out after being written to received the notice: not left out.
    left_out = notice_opted_out(notice, day=notice_audience_day(notice)).exclude(
        user__notice_deliveries__notice=notice
    )
    return left_out.values("user_id").distinct().count()


REPORT_COLUMNS = (
    "email",
    "name",
    "language",
    "organisation",
    "sites",
    "state",
    "attempts",
    "sent_at",
    "last_error",
)


def update_notice_report_rows(notice: UpdateNotice) -> Iterator[list[str]]:
    """Yield the delivery report, one row per recipient, streamed from the database."""
    deliveries = (
        NoticeDelivery.objects.filter(notice=notice)
        .select_related("user", "message")
        .order_by("user__email")
    )
    organizations = dict(
        Membership.objects.filter(user__notice_deliveries__notice=notice).values_list(
            "user_id", "organization__name"
        )
    )
    for delivery in deliveries.iterator(chunk_size=1000):
        message = delivery.message
        yield [
            delivery.user.email,
            delivery.user.get_full_name(),
            message.language,
            organizations.get(delivery.user_id, ""),
            " ".join(delivery.sites),
            message.state,
            str(message.attempts),
            message.sent_at.isoformat() if message.sent_at else "",
            message.last_error,
        ]
