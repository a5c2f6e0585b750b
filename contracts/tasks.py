"""Celery tasks of the contracts app: each takes ids and calls one service."""

from __future__ import annotations

from celery import shared_task

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
