"""Deliver an update notice (SLP-14): the audience in chunks, one email per person, progress.

A fan-out is safe to run again, whole or in part: the unique (notice, person) delivery and the
outbox idempotency key ``notice:<notice>:<person>`` make every person's email exist once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.constants import OnConflict
from django.urls import reverse
from django.utils import timezone

from contracts.models import Membership, User
from mail.models import ContactPreference, OutboxMessage, Topic
from mail.services.outbox import outbox_deliver_pending_on_commit, outbox_retry
from mail.services.unsubscribe import unsubscribe_headers, unsubscribe_url
from notices.models import NoticeDelivery, UpdateNotice
from notices.selectors import update_notice_failures
from notices.services.audience import (
    AffectedSite,
    notice_affected_sites,
    notice_audience_chunks,
    notice_audience_day,
    notice_contacts,
    notice_sites_by_organization,
)

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
        # Includes the messages of a crashed run that were written but never sent.
        outbox_deliver_pending_on_commit([*done.values(), *message_ids])
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
    # Each person's unsubscribe link carries their preferences' version: one query a chunk.
    versions = dict(
        ContactPreference.objects.filter(user_id__in=[m.user_id for m in members]).values_list(
            "user_id", "version"
        )
    )
    _insert_ignoring_conflicts(
        OutboxMessage,
        [
            _outbox_row(
                notice, m.user, key, sites[m.organization_id], content, versions.get(m.user_id, 0)
            )
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
    notice: UpdateNotice,
    user: User,
    sites: list[AffectedSite],
    content: dict | None = None,
    version: int | None = None,
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
        context["unsubscribe_url"] = unsubscribe_url(user, Topic.SCHEDULED_UPDATES, version)
    return context


def _outbox_row(
    notice: UpdateNotice,
    user: User,
    key: str,
    sites: list[AffectedSite],
    content: dict,
    version: int,
) -> dict:
    # RFC 8058 one-click unsubscribe; urgent notices are service messages without it.
    headers = {"Auto-Submitted": "auto-generated"}
    if not notice.is_mandatory:
        headers |= unsubscribe_headers(user, Topic.SCHEDULED_UPDATES, version)
    return {
        "idempotency_key": key,
        "to_email": user.email,
        "recipient": user.pk,
        "language": _language(user),
        "template": TEMPLATE,
        "context": notice_message_context(notice, user, sites, content, version),
        "headers": headers,
        "topic": "" if notice.is_mandatory else Topic.SCHEDULED_UPDATES,
    }


def _mark_sent_if_complete(notice_id: int) -> None:
    notice = UpdateNotice.objects.get(pk=notice_id)
    if notice.status != UpdateNotice.Status.PUBLISHING or notice.recipients_count is None:
        return
    if notice.deliveries.count() >= notice.recipients_count:
        UpdateNotice.objects.filter(pk=notice_id, status=UpdateNotice.Status.PUBLISHING).update(
            status=UpdateNotice.Status.SENT, sent_at=timezone.now()
        )


def update_notice_retry_failed(*, notice: UpdateNotice) -> int:
    """Give every failed email of the notice a fresh set of attempts; return how many."""
    ids = list(update_notice_failures(notice).values_list("message_id", flat=True))
    return outbox_retry(message_ids=ids)


# --- Celery tasks: each takes ids and calls one service above; safe to run twice ---------


@shared_task(name="notices.notice_fanout", ignore_result=True)
def notice_fanout(notice_id: int) -> int:
    """Stream a notice's audience and queue one task per chunk of recipients; safe to run twice."""
    return update_notice_fanout_plan(
        notice_id=notice_id,
        dispatch=lambda user_ids: notice_fanout_chunk.delay(notice_id, user_ids),
    )


@shared_task(name="notices.notice_fanout_chunk", ignore_result=True)
def notice_fanout_chunk(notice_id: int, user_ids: list[int]) -> int:
    """Write the deliveries and emails of one chunk of a notice's recipients; safe to run twice."""
    return update_notice_fanout_chunk(notice_id=notice_id, user_ids=user_ids).queued
