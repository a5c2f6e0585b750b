"""Deliver an update notice (SLP-14): the audience in chunks, one email per person, progress.

A fan-out is safe to run again, whole or in part: the unique (notice, person) delivery and the
outbox idempotency key ``notice:<notice>:<person>`` make every person's email exist once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Model
from django.db.models.constants import OnConflict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Membership, NoticeDelivery, OutboxMessage, UpdateNotice, User
from contracts.services.notice_audience import (
    AffectedSite,
    notice_affected_sites,
    notice_audience_chunks,
    notice_audience_day,
    notice_contacts,
    notice_sites_by_organization,
)
from contracts.services.notices import (
    unsubscribe_url,
    update_notice_claim_due,
    update_notice_publish,
)
from contracts.services.outbox import outbox_retry

# Recipients written per fan-out task: small enough for one short transaction.
CHUNK_SIZE = 500
# An email lists this many sites; the portal's updates page lists them all.
EMAIL_SITES_SHOWN = 50
TEMPLATE = "update_notice"


@dataclass(frozen=True)
class FanoutResult:
    """What one or more fan-out chunks did: messages written now, and written before."""

    queued: int = 0
    already_sent: int = 0

    def __add__(self, other: FanoutResult) -> FanoutResult:
        return FanoutResult(
            queued=self.queued + other.queued, already_sent=self.already_sent + other.already_sent
        )


def update_notice_fanout_plan(
    *, notice_id: int, dispatch: Callable[[list[int]], object], size: int = CHUNK_SIZE
) -> int:
    """Hand each chunk of a sending notice's recipients to `dispatch`; return the audience size.

    `dispatch` queues a task per chunk, or writes the chunk at once (publish_notice). Safe
    to run twice: a chunk written before writes nobody again.
    """
    notice = UpdateNotice.objects.get(pk=notice_id)
    if notice.status not in (UpdateNotice.Status.PUBLISHING, UpdateNotice.Status.SENT):
        return 0
    day = notice_audience_day(notice)
    recipients = 0
    for user_ids in notice_audience_chunks(notice, day=day, size=size):
        recipients += len(user_ids)
        dispatch(user_ids)
    sites = notice_audience_sites_count(notice, day=day)
    UpdateNotice.objects.filter(pk=notice.pk).update(recipients_count=recipients, sites_count=sites)
    _mark_sent_if_complete(notice.pk)
    return recipients


def notice_audience_sites_count(notice: UpdateNotice, *, day: dt.date) -> int:
    """Count the affected sites: running an affected release, covered on the day."""
    return notice_affected_sites(notice, day).values("pk").distinct().count()


def update_notice_fanout_chunk(*, notice_id: int, user_ids: list[int]) -> FanoutResult:
    """Write one delivery and one outbox message per recipient of the chunk, once each."""
    notice = UpdateNotice.objects.get(pk=notice_id)
    if notice.status not in (UpdateNotice.Status.PUBLISHING, UpdateNotice.Status.SENT):
        return FanoutResult()
    day = notice_audience_day(notice)
    with transaction.atomic():
        # The audience rule checked again from this chunk's organisations only: a contact
        # who left or opted out since the plan is not written to.
        contacts = list(
            notice_contacts(notice)
            .filter(user_id__in=user_ids)
            .select_related("user")
            .order_by("user_id")
        )
        sites = notice_sites_by_organization(
            notice, day=day, organization_ids={m.organization_id for m in contacts}
        )
        members = [m for m in contacts if sites.get(m.organization_id)]
        done = dict(
            NoticeDelivery.objects.filter(
                notice=notice, user_id__in=[m.user_id for m in members]
            ).values_list("user_id", "message_id")
        )
        todo = [member for member in members if member.user_id not in done]
        message_ids = _write_messages(notice, todo, sites)
        _deliver_on_commit([*done.values(), *message_ids])
    _mark_sent_if_complete(notice.pk)
    return FanoutResult(queued=len(todo), already_sent=len(done))


def _write_messages(
    notice: UpdateNotice, members: list[Membership], sites: dict[int, list[AffectedSite]]
) -> list[int]:
    """Write each person's outbox row and delivery; the unique keys make a re-run write nothing.

    The rows are those outbox_enqueue writes, inserted in bulk: one get_or_create and one
    task per person would not fan 50,000 messages out in seconds.
    """
    if not members:
        return []
    content = {code: _notice_content(notice, code) for code, _name in settings.LANGUAGES}
    keys = [notice_message_key(notice, m.user) for m in members]
    _insert_ignoring_conflicts(
        OutboxMessage,
        [
            _outbox_row(notice, m.user, key, sites[m.organization_id], content)
            for m, key in zip(members, keys, strict=True)
        ],
    )
    message_ids = dict(
        OutboxMessage.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", "id")
    )
    _insert_ignoring_conflicts(
        NoticeDelivery,
        [
            {
                "notice": notice.pk,
                "user": m.user_id,
                "message": message_ids[key],
                "sites": [site.code for site in sites[m.organization_id]],
            }
            for m, key in zip(members, keys, strict=True)
        ],
    )
    return list(message_ids.values())


def _insert_ignoring_conflicts(model: type[Model], rows: list[dict]) -> None:
    """INSERT the rows, skipping those whose unique key exists, filling defaults as save() does.

    bulk_create without its per-value compiler work, which took most of a large fan-out's time.
    """
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    params = []
    for row in rows:
        values = []
        for field in fields:
            if field.name in row:
                value = row[field.name]
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()
            values.append(field.get_db_prep_save(value, connection))
        params.append(values)
    ops = connection.ops
    sql = "{} {} ({}) VALUES ({}) {}".format(
        ops.insert_statement(on_conflict=OnConflict.IGNORE),
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
        ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


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


def _outbox_row(
    notice: UpdateNotice, user: User, key: str, sites: list[AffectedSite], content: dict
) -> dict:
    headers = {}
    if not notice.is_mandatory:
        # RFC 8058 one-click unsubscribe; urgent notices are service messages without it.
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url(user)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return {
        "idempotency_key": key,
        "to_email": user.email,
        "recipient": user.pk,
        "language": _language(user),
        "template": TEMPLATE,
        "context": notice_message_context(notice, user, sites, content),
        "headers": headers,
    }


def _deliver_on_commit(message_ids: list[int]) -> None:
    """Queue delivery of the messages not sent yet, including those of a crashed run."""
    from contracts.tasks import outbox_deliver_batch

    # Looked up by primary key, the state checked here: a filter on the state would let
    # the database walk every pending message of the outbox instead.
    states = OutboxMessage.objects.filter(pk__in=message_ids).values_list("pk", "state")
    pending = sorted(pk for pk, state in states if state == OutboxMessage.State.PENDING)
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
    if notice.status == UpdateNotice.Status.SCHEDULED and not update_notice_claim_due(
        notice_id=notice.pk, now=now
    ):
        raise ValidationError(
            _("This notice is scheduled for %(when)s; it goes out then, not now.")
            % {"when": f"{timezone.localtime(notice.publish_at):%Y-%m-%d %H:%M %Z}"}
        )
    results: list[FanoutResult] = []
    recipients = update_notice_fanout_plan(
        notice_id=notice.pk,
        dispatch=lambda user_ids: results.append(
            update_notice_fanout_chunk(notice_id=notice.pk, user_ids=user_ids)
        ),
    )
    total = sum(results, FanoutResult())
    return FanoutReport(recipients=recipients, queued=total.queued, already_sent=total.already_sent)


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
