"""Software update notices (SLP-2, SLP-14): write, check, publish or schedule, start when due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.publishing import publish_on_commit
from contracts.models import Release, User
from contracts.services.releases import SUPPORTED, SupportStatus, support_statuses
from notices.models import UpdateNotice
from notices.services.fanout import (
    FanoutResult,
    notice_fanout,
    update_notice_fanout_chunk,
    update_notice_fanout_plan,
)

_EDITABLE = ("kind", "title_en", "title_fr", "body_en", "body_fr", "links", "publish_at")


# --- Writing and publishing -------------------------------------------------------------


def update_notice_check_releases(*, releases: Iterable[Release], on: dt.date) -> None:
    """Refuse releases that get no updates on the day: unsupported or not yet shipped (SLP-2)."""
    releases = list(releases)
    if not releases:
        raise ValidationError({"releases": _("Choose at least one affected release.")})
    product_ids = {release.product_id for release in releases}
    siblings = Release.objects.filter(product_id__in=product_ids).only(
        "pk", "product_id", "release_date"
    )
    statuses = support_statuses(siblings, on=on)
    errors = []
    for release in releases:
        status = statuses[release.pk]
        if status == SupportStatus.UNSUPPORTED:
            errors.append(
                _(
                    "%(release)s is no longer supported on %(day)s: only the current and the "
                    "previous release get updates (SLP-2, SLP-14)."
                )
                % {"release": release, "day": on.isoformat()}
            )
        elif status not in SUPPORTED:
            errors.append(
                _("%(release)s is not released yet on %(day)s: it cannot need an update.")
                % {"release": release, "day": on.isoformat()}
            )
    if errors:
        raise ValidationError({"releases": errors})


def notice_publish_day(*, kind: str, publish_at: dt.datetime | None, now: dt.datetime) -> dt.date:
    """Return the day a notice goes out: today for urgent or overdue ones, else its publish day."""
    if kind == UpdateNotice.Kind.URGENT or publish_at is None or publish_at <= now:
        return timezone.localdate(now)
    return timezone.localdate(publish_at)


def _publish_day(notice: UpdateNotice, now: dt.datetime) -> dt.date:
    return notice_publish_day(kind=notice.kind, publish_at=notice.publish_at, now=now)


def _locked_draft(notice: UpdateNotice) -> UpdateNotice:
    current = UpdateNotice.objects.select_for_update().get(pk=notice.pk)
    if current.status != UpdateNotice.Status.DRAFT:
        raise ValidationError(
            _("This notice is %(status)s: only a draft can be changed or published.")
            % {"status": current.get_status_display().lower()},
            code="not_draft",
        )
    return current


@transaction.atomic
def update_notice_save(
    *, notice: UpdateNotice, releases: Iterable[Release], by: User | None = None
) -> UpdateNotice:
    """Create or change a draft notice; refuse a missing French text or an unsupported release."""
    releases = list(releases)
    if notice.pk is not None:
        current = _locked_draft(notice)
        for field in _EDITABLE:
            setattr(current, field, getattr(notice, field))
        notice = current
    elif by is not None:
        notice.created_by = by
    errors: dict[str, list] = {}
    try:
        notice.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        update_notice_check_releases(releases=releases, on=_publish_day(notice, timezone.now()))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    notice.save()
    notice.releases.set(releases)
    return notice


def update_notice_create(
    *,
    kind: str,
    title_en: str,
    title_fr: str,
    body_en: str,
    body_fr: str,
    releases: Iterable[Release],
    links: str = "",
    publish_at: dt.datetime | None = None,
    by: User | None = None,
) -> UpdateNotice:
    """Create a draft notice in both languages."""
    notice = UpdateNotice(
        kind=kind,
        title_en=title_en,
        title_fr=title_fr,
        body_en=body_en,
        body_fr=body_fr,
        links=links,
        publish_at=publish_at,
    )
    return update_notice_save(notice=notice, releases=releases, by=by)


@transaction.atomic
def update_notice_publish(
    *, notice: UpdateNotice, now: dt.datetime | None = None, enqueue: bool = True
) -> UpdateNotice:
    """Send an urgent notice at once; schedule a scheduled one for its publish time.

    With ``enqueue=False`` the caller runs the fan-out itself (the publish_notice command).
    """
    now = now or timezone.now()
    current = _locked_draft(notice)
    current.full_clean()
    update_notice_check_releases(releases=current.releases.all(), on=_publish_day(current, now))
    if current.is_mandatory or current.publish_at <= now:
        current.status = UpdateNotice.Status.PUBLISHING
        current.published_at = now
        current.save(update_fields=["status", "published_at"])
        if enqueue:
            _fanout_on_commit(current.pk)
    else:
        current.status = UpdateNotice.Status.SCHEDULED
        current.save(update_fields=["status"])
    return current


@transaction.atomic
def update_notice_unschedule(*, notice: UpdateNotice) -> UpdateNotice:
    """Return a scheduled notice to draft, so it can be changed before it goes out."""
    changed = UpdateNotice.objects.filter(
        pk=notice.pk, status=UpdateNotice.Status.SCHEDULED
    ).update(status=UpdateNotice.Status.DRAFT)
    if changed != 1:
        raise ValidationError(
            _("Only a notice that is scheduled and not yet sent can go back to draft.")
        )
    notice.refresh_from_db()
    return notice


@transaction.atomic
def update_notice_resume(*, notice: UpdateNotice, now: dt.datetime | None = None) -> UpdateNotice:
    """Start a scheduled notice whose time has come, or queue a sending one's fan-out again.

    What `publish_notice` does past the draft, with the fan-out queued; safe to run twice:
    people already written to are not written to again.
    """
    now = now or timezone.now()
    notice.refresh_from_db()
    if notice.status == UpdateNotice.Status.SCHEDULED:
        if not update_notice_claim_due(notice_id=notice.pk, now=now):
            raise ValidationError(_scheduled_for_later(notice), code="not_due")
    elif notice.status != UpdateNotice.Status.PUBLISHING:
        raise ValidationError(
            _("This notice is %(status)s: only a due or unfinished notice can be sent now.")
            % {"status": notice.get_status_display().lower()},
            code="not_sendable",
        )
    _fanout_on_commit(notice.pk)
    notice.refresh_from_db()
    return notice


def update_notice_start(*, notice: UpdateNotice, now: dt.datetime | None = None) -> UpdateNotice:
    """Publish a draft (send or schedule it), or start a due or unfinished notice (the admin)."""
    if notice.status == UpdateNotice.Status.DRAFT:
        return update_notice_publish(notice=notice, now=now)
    return update_notice_resume(notice=notice, now=now)


def _fanout_on_commit(notice_id: int) -> None:
    publish_on_commit(notice_fanout, notice_id)


def update_notice_claim_due(*, notice_id: int, now: dt.datetime) -> bool:
    """Start a scheduled notice whose time has come; False if it was not due or not scheduled."""
    # Compare-and-set: of two beats (or a beat and the command) at once, one starts the notice.
    claimed = UpdateNotice.objects.filter(
        pk=notice_id, status=UpdateNotice.Status.SCHEDULED, publish_at__lte=now
    ).update(status=UpdateNotice.Status.PUBLISHING, published_at=now)
    return claimed == 1


# A notice sending this long with nobody written to lost its fan-out task (the broker was
# down when it was published): the minutely beat queues it again. Equal to the broker's
# visibility timeout, after which a fan-out a worker died in is handed out again anyway.
FANOUT_LOST_AFTER = dt.timedelta(minutes=5)


def update_notices_publish_due(*, now: dt.datetime | None = None) -> int:
    """Start every scheduled notice whose time has come, and re-queue lost fan-outs (beat).

    Returns how many fan-outs were queued. Re-queuing is safe: a fan-out run twice writes
    nobody twice (NoticeDelivery is unique per notice and person).
    """
    now = now or timezone.now()
    due = UpdateNotice.objects.filter(
        status=UpdateNotice.Status.SCHEDULED, publish_at__lte=now
    ).values_list("pk", flat=True)
    started = 0
    for pk in list(due):
        if update_notice_claim_due(notice_id=pk, now=now):
            _fanout_on_commit(pk)
            started += 1
    lost = UpdateNotice.objects.filter(
        status=UpdateNotice.Status.PUBLISHING,
        published_at__lte=now - FANOUT_LOST_AFTER,
        deliveries__isnull=True,
    ).values_list("pk", flat=True)
    for pk in list(lost):
        _fanout_on_commit(pk)
        started += 1
    return started


@shared_task(name="notices.notices_publish_due", ignore_result=True)
def notices_publish_due() -> int:
    """Start the scheduled update notices whose publish time has come (beat, every minute)."""
    return update_notices_publish_due()


# --- Publishing from the command line: every chunk written in this process -----------------


@dataclass(frozen=True)
class FanoutReport:
    """What `publish_notice` prints: recipients=N queued=N already_sent=N."""

    recipients: int
    queued: int
    already_sent: int


def update_notice_fanout_run(
    *, notice: UpdateNotice, now: dt.datetime | None = None
) -> FanoutReport:
    """Publish the notice if it is a draft or due, then write every chunk in this process."""
    notice.refresh_from_db()
    now = now or timezone.now()
    if notice.status == UpdateNotice.Status.DRAFT:
        notice = update_notice_publish(notice=notice, now=now, enqueue=False)
    if notice.status == UpdateNotice.Status.SCHEDULED and not update_notice_claim_due(
        notice_id=notice.pk, now=now
    ):
        raise ValidationError(_scheduled_for_later(notice))
    results: list[FanoutResult] = []
    recipients = update_notice_fanout_plan(
        notice_id=notice.pk,
        dispatch=lambda user_ids: results.append(
            update_notice_fanout_chunk(notice_id=notice.pk, user_ids=user_ids)
        ),
    )
    total = sum(results, FanoutResult())
    return FanoutReport(recipients=recipients, queued=total.queued, already_sent=total.already_sent)


def _scheduled_for_later(notice: UpdateNotice) -> str:
    return _("This notice is scheduled for %(when)s; it goes out then, not now.") % {
        "when": f"{timezone.localtime(notice.publish_at):%Y-%m-%d %H:%M %Z}"
    }
