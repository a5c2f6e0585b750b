"""A real Celery worker on Redis delivers outbox mail to a real SMTP server (issue 2, CI)."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone
from harness import wait_for

from mail.models import OutboxMessage
from mail.services.outbox import outbox_deliver, outbox_enqueue

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.smtp,
    pytest.mark.django_db(transaction=True),
]


def _enqueue(to_email: str) -> OutboxMessage:
    # Autocommit here: the row is committed and the task sent when this returns.
    return outbox_enqueue(
        to_email=to_email,
        template="rendered",
        language="en",
        idempotency_key=f"integration:{to_email}",
        context={"subject": "Case C-000123 updated", "text": "Plain body", "html": "<p>Body</p>"},
    )


def _state(message: OutboxMessage) -> str:
    message.refresh_from_db()
    return message.state


def test_a_real_worker_sends_one_email_although_the_task_is_sent_four_times(
    celery_worker, smtp_server
):
    from portal.celery import app as celery_app

    assert celery_app.conf.task_always_eager is False
    address = "once@example.test"

    message = _enqueue(address)
    outbox_deliver.delay(message.pk)
    outbox_deliver.delay(message.pk)
    outbox_deliver.apply_async((message.pk,), countdown=1)

    wait_for(
        lambda: smtp_server.sink.messages_to(address) and _state(message) == "sent",
        timeout=20,
        what=f"one delivery to {address}\n{celery_worker.log()}",
    )
    time.sleep(2)  # the duplicate tasks (one of them delayed) have run by now
    received = smtp_server.sink.messages_to(address)
    assert len(received) == 1, celery_worker.log()
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxMessage.State.SENT, 1)
    assert celery_worker.log().count("succeeded") >= 4, "all four tasks reached the worker"

    email = received[0]
    assert email["Subject"] == "Case C-000123 updated"
    assert email["X-Connect-Outbox-Id"] == str(message.pk)
    parts = {part.get_content_type() for part in email.walk()}
    assert {"text/plain", "text/html"} <= parts


def test_a_refusing_smtp_server_leaves_the_message_failed_with_the_error(
    celery_worker, smtp_server
):
    address = "refuse-me@example.test"

    message = _enqueue(address)

    wait_for(
        lambda: _state(message) == "failed",
        timeout=20,
        what=f"the refused delivery to be recorded\n{celery_worker.log()}",
    )
    assert message.attempts == 1
    assert "SMTPRecipientsRefused" in message.last_error
    assert "550" in message.last_error
    assert message.next_attempt_at > timezone.now()
    assert smtp_server.sink.messages_to(address) == []
