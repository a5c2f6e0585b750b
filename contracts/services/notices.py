"""Software update notices (SLP-2, SLP-14): write, publish, fan out through the outbox, report."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import (
    ContactPreference,
    Membership,
    NoticeDelivery,
    NoticeRead,
    OutboxMessage,
    Release,
    UpdateNotice,
    User,
)
from contracts.services.notice_audience import (
    AffectedSite,
    notice_affected_sites,
    notice_audience,
    notice_audience_chunks,
    notice_audience_day,
    notice_sites_by_organization,
)
from contracts.services.outbox import outbox_retry
from contracts.services.releases import SUPPORTED, SupportStatus, support_statuses

logger = logging.getLogger(__name__)

# Recipients written per fan-out task: small enough for one short transaction.
CHUNK_SIZE = 500
# An email lists this many sites; the portal's updates page lists them all.
EMAIL_SITES_SHOWN = 50
TEMPLATE = "update_notice"
UNSUBSCRIBE_SALT = "contracts.notices.unsubscribe"
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


def _fanout_on_commit(notice_id: int) -> None:
    from contracts.tasks import notice_fanout

    transaction.on_commit(lambda: notice_fanout.delay(notice_id))


def _claim_due(notice_id: int, now: dt.datetime) -> bool:
    # Compare-and-set: of two beats (or a beat and the command) at once, one starts the notice.
    claimed = UpdateNotice.objects.filter(
        pk=notice_id, status=UpdateNotice.Status.SCHEDULED, publish_at__lte=now
    ).update(status=UpdateNotice.Status.PUBLISHING, published_at=now)
    return claimed == 1


def update_notices_publish_due(*, now: dt.datetime | None = None) -> int:
    """Start every scheduled notice whose publish time has come; return how many (beat)."""
    now = now or timezone.now()
    due = UpdateNotice.objects.filter(
        status=UpdateNotice.Status.SCHEDULED, publish_at__lte=now
    ).values_list("pk", flat=True)
    started = 0
    for pk in list(due):
        if _claim_due(pk, now):
            _fanout_on_commit(pk)
            started += 1
    return started


# --- Fan-out ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FanoutPlan:
    """The audience counted when delivery starts, cut into ranges of user ids."""

    recipients: int
    chunks: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class FanoutResult:
    """What one or more fan-out chunks did: messages written now, and written before."""

    queued: int = 0
    already_sent: int = 0

    def __add__(self, other: FanoutResult) -> FanoutResult:
        return FanoutResult(
            queued=self.queued + other.queued, already_sent=self.already_sent + other.already_sent
        )


def update_notice_fanout_plan(*, notice_id: int, size: int = CHUNK_SIZE) -> FanoutPlan:
    """Count the audience of a notice being sent and cut it into chunks; safe to run twice."""
    notice = UpdateNotice.objects.get(pk=notice_id)
    if notice.status not in (UpdateNotice.Status.PUBLISHING, UpdateNotice.Status.SENT):
        return FanoutPlan(recipients=0, chunks=())
    day = notice_audience_day(notice)
    recipients, chunks = 0, []
    for after, last, count in notice_audience_chunks(notice, day=day, size=size):
        recipients += count
        chunks.append((after, last))
    sites = notice_audience_sites_count(notice, day=day)
    UpdateNotice.objects.filter(pk=notice.pk).update(recipients_count=recipients, sites_count=sites)
    _mark_sent_if_complete(notice.pk)
    return FanoutPlan(recipients=recipients, chunks=tuple(chunks))


def notice_audience_sites_count(notice: UpdateNotice, *, day: dt.date) -> int:
    """Count the affected sites: running an affected release, covered on the day."""
    return notice_affected_sites(notice, day).values("pk").distinct().count()


def update_notice_fanout_chunk(
    *, notice_id: int, after_user_id: int, last_user_id: int
) -> FanoutResult:
    """Write one delivery and one outbox message per recipient in the id range, once each."""
    notice = UpdateNotice.objects.get(pk=notice_id)
    if notice.status not in (UpdateNotice.Status.PUBLISHING, UpdateNotice.Status.SENT):
        return FanoutResult()
    day = notice_audience_day(notice)
    with transaction.atomic():
        members = list(
            notice_audience(notice, day=day)
            .filter(user_id__gt=after_user_id, user_id__lte=last_user_id)
            .select_related("user")
            .order_by("user_id")
        )
        user_ids = [member.user_id for member in members]
        done = set(
            NoticeDelivery.objects.filter(notice=notice, user_id__in=user_ids).values_list(
                "user_id", flat=True
            )
        )
        todo = [member for member in members if member.user_id not in done]
        sites = notice_sites_by_organization(
            notice, day=day, organization_ids={member.organization_id for member in todo}
        )
        queued = _write_messages(notice, todo, sites)
        _deliver_on_commit(notice, user_ids)
    _mark_sent_if_complete(notice.pk)
    return FanoutResult(queued=queued, already_sent=len(members) - len(todo))


def _write_messages(
    notice: UpdateNotice, members: list[Membership], sites: dict[int, list[AffectedSite]]
) -> int:
    """Bulk-write the outbox rows and deliveries; the unique keys make a re-run write nothing."""
    rows = [(m.user, sites[m.organization_id]) for m in members if sites.get(m.organization_id)]
    if not rows:
        return 0
    content = {
        language: _notice_content(notice, language) for language, _name in settings.LANGUAGES
    }
    OutboxMessage.objects.bulk_create(
        [_outbox_message(notice, user, user_sites, content) for user, user_sites in rows],
        ignore_conflicts=True,
        batch_size=500,
    )
    keys = [notice_message_key(notice, user) for user, _sites in rows]
    message_ids = dict(
        OutboxMessage.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", "id")
    )
    NoticeDelivery.objects.bulk_create(
        [
            NoticeDelivery(
                notice=notice,
                user=user,
                message_id=message_ids[notice_message_key(notice, user)],
                sites=[site.code for site in user_sites],
            )
            for user, user_sites in rows
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return len(rows)


def notice_message_key(notice: UpdateNotice, user: User) -> str:
    """Return the outbox idempotency key of one person's copy of a notice."""
    return f"notice:{notice.pk}:{user.pk}"


def _language(user: User) -> str:
    return user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _notice_content(notice: UpdateNotice, language: str) -> dict:
    return {
        "notice_id": notice.pk,
        "kind": notice.kind,
        "mandatory": notice.is_mandatory,
        "title": notice.title(language),
        "body": notice.body(language),
        "links": notice.link_list(),
        "releases": [str(release) for release in notice.releases.select_related("product")],
        "updates_path": reverse("updates_detail", args=[notice.pk]),
    }


def notice_message_context(
    notice: UpdateNotice, user: User, sites: list[AffectedSite], content: dict | None = None
) -> dict:
    """Return the email context of one person's copy, in that person's language."""
    language = _language(user)
    content = content[language] if content else _notice_content(notice, language)
    context = {
        **content,
        "recipient_name": user.get_short_name(),
        "sites": [site.as_dict() for site in sites[:EMAIL_SITES_SHOWN]],
        "more_sites": max(len(sites) - EMAIL_SITES_SHOWN, 0),
    }
    if not notice.is_mandatory:
        context["unsubscribe_url"] = unsubscribe_url(user)
    return context


def _outbox_message(
    notice: UpdateNotice, user: User, sites: list[AffectedSite], content: dict
) -> OutboxMessage:
    headers = {}
    if not notice.is_mandatory:
        # RFC 8058 one-click unsubscribe; urgent notices are service messages without it.
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url(user)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return OutboxMessage(
        idempotency_key=notice_message_key(notice, user),
        to_email=user.email,
        recipient=user,
        language=_language(user),
        template=TEMPLATE,
        context=notice_message_context(notice, user, sites, content),
        headers=headers,
    )


def _deliver_on_commit(notice: UpdateNotice, user_ids: list[int]) -> None:
    """Queue delivery of the range's messages not sent yet, including those of a crashed run."""
    from contracts.tasks import outbox_deliver_batch

    pending = list(
        OutboxMessage.objects.filter(
            notice_delivery__notice=notice,
            notice_delivery__user_id__in=user_ids,
            state=OutboxMessage.State.PENDING,
        ).values_list("id", flat=True)
    )
    if pending:
        transaction.on_commit(lambda: outbox_deliver_batch.delay(pending))


def _mark_sent_if_complete(notice_id: int) -> None:
    notice = UpdateNotice.objects.get(pk=notice_id)
    if notice.status != UpdateNotice.Status.PUBLISHING or notice.recipients_count is None:
        return
    if notice.deliveries.count() >= notice.recipients_count:
        UpdateNotice.objects.filter(pk=notice_id, status=UpdateNotice.Status.PUBLISHING).update(
            status=UpdateNotice.Status.SENT, sent_at=timezone.now()
        )


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
    if notice.status == UpdateNotice.Status.SCHEDULED and not _claim_due(notice.pk, now):
        raise ValidationError(
            _("This notice is scheduled for %(when)s; it goes out then, not now.")
            % {"when": f"{timezone.localtime(notice.publish_at):%Y-%m-%d %H:%M %Z}"}
        )
    plan = update_notice_fanout_plan(notice_id=notice.pk)
    total = FanoutResult()
    for after, last in plan.chunks:
        total += update_notice_fanout_chunk(
            notice_id=notice.pk, after_user_id=after, last_user_id=last
        )
    return FanoutReport(
        recipients=plan.recipients, queued=total.queued, already_sent=total.already_sent
    )


# --- Progress, failures, report -----------------------------------------------------------


@dataclass(frozen=True)
class NoticeProgress:
    """How far a notice's delivery has come, read from its outbox messages."""

    recipients: int
    sent: int
    failed: int
    pending: int

    @property
    def percent_sent(self) -> int:
        return round(100 * self.sent / self.recipients) if self.recipients else 0

    @property
    def percent_failed(self) -> int:
        return round(100 * self.failed / self.recipients) if self.recipients else 0


def update_notice_progress(notice: UpdateNotice) -> NoticeProgress:
    """Count the notice's recipients by the state of their email (one query)."""
    states = dict(
        NoticeDelivery.objects.filter(notice=notice)
        .values_list("message__state")
        .annotate(n=Count("id"))
        .order_by()
    )
    written = sum(states.values())
    recipients = max(notice.recipients_count or 0, written)
    sent = states.get(OutboxMessage.State.SENT, 0)
    failed = states.get(OutboxMessage.State.FAILED, 0)
    return NoticeProgress(
        recipients=recipients, sent=sent, failed=failed, pending=recipients - sent - failed
    )


def update_notice_failures(notice: UpdateNotice):
    """Return the deliveries whose email failed, with the error, newest attempt first."""
    return (
        NoticeDelivery.objects.filter(notice=notice, message__state=OutboxMessage.State.FAILED)
        .select_related("user", "message")
        .order_by("user__email")
    )


def update_notice_retry_failed(*, notice: UpdateNotice) -> int:
    """Give every failed email of the notice a fresh set of attempts; return how many."""
    ids = list(update_notice_failures(notice).values_list("message_id", flat=True))
    return outbox_retry(message_ids=ids)


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


# --- Preferences and reading --------------------------------------------------------------


def unsubscribe_token(user: User) -> str:
    """Return the signed token of a person's one-click unsubscribe link."""
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: User) -> str:
    """Return the absolute one-click unsubscribe address of a person."""
    path = reverse("updates_unsubscribe", args=[unsubscribe_token(user)])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def unsubscribe_user(token: str) -> User:
    """Return the person an unsubscribe token names; refuse a forged or unknown one."""
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)["u"]
    except (signing.BadSignature, KeyError, TypeError):
        raise ValidationError(_("This unsubscribe link is not valid."), code="bad_token") from None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationError(_("This unsubscribe link is not valid."), code="bad_token")
    return user


@transaction.atomic
def contact_preference_set(*, user: User, scheduled_updates_opt_out: bool) -> ContactPreference:
    """Record whether the person wants scheduled update notices."""
    preference, _created = ContactPreference.objects.select_for_update().get_or_create(user=user)
    if preference.scheduled_updates_opt_out != scheduled_updates_opt_out:
        preference.scheduled_updates_opt_out = scheduled_updates_opt_out
        preference.save(update_fields=["scheduled_updates_opt_out", "updated_at"])
    return preference


def contact_preference_unsubscribe(*, token: str) -> User:
    """Opt the person named by the token out of scheduled update notices (one click)."""
    user = unsubscribe_user(token)
    contact_preference_set(user=user, scheduled_updates_opt_out=True)
    return user


def update_notice_mark_read(*, notice: UpdateNotice, user: User) -> None:
    """Record that the person opened the notice, so its banner stops showing."""
    NoticeRead.objects.get_or_create(notice=notice, user=user)
