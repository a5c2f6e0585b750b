"""Celery tasks of the contracts app: each takes ids and calls one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from contracts.services.contracts import (
    contracts_expire,
    contracts_expiry_day,
    contracts_send_expiry_notices,
)
from contracts.services.notice_fanout import update_notice_fanout_chunk, update_notice_fanout_plan
from contracts.services.notices import update_notices_publish_due
from contracts.services.outbox import outbox_deliver_one, outbox_due_ids


@shared_task(ignore_result=True)
def outbox_deliver(message_id: int) -> str:
    """Deliver one outbox message; safe to run twice or concurrently."""
    return outbox_deliver_one(message_id)


@shared_task(ignore_result=True)
def outbox_flush() -> int:
    """Retry every message whose backoff has passed (beat, every minute)."""
    ids = outbox_due_ids()
    for message_id in ids:
        outbox_deliver_one(message_id)
    return len(ids)


@shared_task(ignore_result=True)
def contracts_daily() -> dict[str, int]:
    """Mark ended contracts expired and send due expiry notices (beat, daily); safe to run twice."""
    now = timezone.now()
    expired = contracts_expire(today=contracts_expiry_day(now))
    notices = contracts_send_expiry_notices(today=now.date())
    return {"expired": expired, "notices": notices}


@shared_task(ignore_result=True)
def outbox_deliver_batch(message_ids: list[int]) -> int:
    """Deliver a batch of outbox messages in turn; each is claimed, so a rerun sends none twice."""
    return sum(outbox_deliver_one(message_id) == "sent" for message_id in message_ids)


@shared_task(ignore_result=True)
def notice_fanout(notice_id: int) -> int:
    """Stream a notice's audience and queue one task per chunk of recipients; safe to run twice."""
    return update_notice_fanout_plan(
        notice_id=notice_id,
        dispatch=lambda user_ids: notice_fanout_chunk.delay(notice_id, user_ids),
    )


@shared_task(ignore_result=True)
def notice_fanout_chunk(notice_id: int, user_ids: list[int]) -> int:
    """Write the deliveries and emails of one chunk of a notice's recipients; safe to run twice."""
    return update_notice_fanout_chunk(notice_id=notice_id, user_ids=user_ids).queued


@shared_task(ignore_result=True)
def notices_publish_due() -> int:
    """Start the scheduled update notices whose publish time has come (beat, every minute)."""
    return update_notices_publish_due()
