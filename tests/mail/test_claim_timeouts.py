"""A claim outlasts any delivery and a killed worker's work comes back in minutes (issue 13).

The message a worker was sending when it died stays "sending" until STALE_CLAIM has passed,
then the flush sends it again; its batch comes back after the broker's visibility timeout.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from mail.models import OutboxMessage
from mail.services.outbox import STALE_CLAIM, outbox_due_ids
from portal.env import env_email

# One SMTP session, exchange by exchange, each allowed EMAIL_TIMEOUT: connect, greeting, EHLO,
# STARTTLS, the TLS handshake, EHLO, AUTH, MAIL, RCPT (one recipient per outbox row), DATA,
# the body, QUIT.
SMTP_SESSION_EXCHANGES = 12
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def test_a_delivery_still_under_way_is_never_taken_for_a_dead_workers():
    smtp = env_email("EMAIL_URL", "smtp://user:pass@relay.example:587?starttls=1", environ={})

    assert smtp["EMAIL_TIMEOUT"] * SMTP_SESSION_EXCHANGES < STALE_CLAIM.total_seconds()


def test_a_killed_workers_batch_and_message_are_back_within_the_visibility_timeout():
    visibility = timedelta(seconds=settings.BROKER_VISIBILITY_TIMEOUT)

    assert STALE_CLAIM <= visibility <= timedelta(minutes=5)


def _claimed(key: str) -> OutboxMessage:
    return OutboxMessage.objects.create(
        idempotency_key=key,
        to_email="ada@example.test",
        language="en",
        template="rendered",
        context={"subject": "Hi", "text": "Body"},
        state=OutboxMessage.State.SENDING,
        claimed_at=T0,
        attempts=1,
    )


@pytest.mark.django_db
def test_the_flush_takes_a_claim_back_only_once_it_is_stale(time_machine):
    message = _claimed("stale:1")

    time_machine.move_to(T0 + STALE_CLAIM - timedelta(seconds=1), tick=False)
    assert outbox_due_ids() == []
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENDING

    time_machine.move_to(T0 + STALE_CLAIM + timedelta(seconds=1), tick=False)
    assert outbox_due_ids() == [message.pk]
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.FAILED
    assert "interrupted" in message.last_error


@pytest.mark.django_db
def test_a_claim_is_back_within_five_minutes_of_the_worker_dying(time_machine):
    message = _claimed("stale:2")

    time_machine.move_to(T0 + timedelta(minutes=5, seconds=1), tick=False)

    assert outbox_due_ids() == [message.pk]
