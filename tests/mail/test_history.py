"""Emails of a history written after the fact are recorded as sent, never delivered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from mail.models import OutboxMessage
from mail.services.history import HISTORY_HEADER, HISTORY_NOTE, outbox_record_as_sent
from mail.services.outbox import outbox_deliver_one, outbox_due_ids, outbox_flush

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
State = OutboxMessage.State


def _message(key: str, **fields) -> OutboxMessage:
    return OutboxMessage.objects.create(
        idempotency_key=key,
        to_email=f"{key}@example.test",
        language="en",
        template="rendered",
        context=fields.pop("context", {"subject": "Hello", "text": "Body", "html": "<p>Body</p>"}),
        **fields,
    )


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_marks_pending_and_failed_messages_sent_and_says_they_were_not_delivered():
    pending = _message("pending", headers={"Reply-To": "case-7@connect.example"})
    held = _message("held", next_attempt_at=NOW + timedelta(hours=3))
    failed = _message(
        "failed", state=State.FAILED, attempts=2, last_error="SMTPException: 451", subject="Hi"
    )

    recorded = outbox_record_as_sent([pending.pk, held.pk, failed.pk])

    assert recorded == 3
    for message in OutboxMessage.objects.all():
        assert message.state == State.SENT
        assert message.sent_at == NOW
        assert message.next_attempt_at is None
        assert message.last_error == ""
        assert message.headers[HISTORY_HEADER] == HISTORY_NOTE
        assert message.context["subject"] == "Hello"
    failed.refresh_from_db()
    assert (failed.subject, failed.attempts) == ("Hi", 2)
    pending.refresh_from_db()
    assert pending.headers["Reply-To"] == "case-7@connect.example"


def test_a_recorded_message_is_never_delivered():
    message = _message("welcome")
    outbox_record_as_sent([message.pk])

    assert outbox_deliver_one(message.pk) == "skipped"
    assert message.pk not in outbox_due_ids()
    outbox_flush()
    assert mail.outbox == []


def test_it_leaves_messages_already_on_their_way_or_sent_alone():
    sending = _message("sending", state=State.SENDING, claimed_at=NOW - timedelta(seconds=5))
    sent = _message("sent", state=State.SENT, sent_at=NOW - timedelta(days=1), subject="Hi")

    assert outbox_record_as_sent([sending.pk, sent.pk]) == 0

    sending.refresh_from_db()
    sent.refresh_from_db()
    assert sending.state == State.SENDING
    assert (sent.sent_at, sent.headers) == (NOW - timedelta(days=1), {})


def test_it_touches_only_the_messages_it_is_given():
    history = _message("history")
    live = _message("live")

    outbox_record_as_sent([history.pk])

    live.refresh_from_db()
    assert (live.state, live.headers) == (State.PENDING, {})


def test_a_second_call_changes_nothing():
    message = _message("welcome")
    outbox_record_as_sent([message.pk])

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert outbox_record_as_sent([message.pk, message.pk]) == 0

    message.refresh_from_db()
    assert message.sent_at == NOW


def test_it_keeps_no_one_time_link_as_a_real_send_would_not():
    reset = _message("reset", context={"sensitive": True, "url": "https://x.test/reset/abc"})

    outbox_record_as_sent([reset.pk])

    reset.refresh_from_db()
    assert reset.context == {"sensitive": True, "redacted": True}


def test_it_records_more_messages_than_one_query_holds(monkeypatch):
    monkeypatch.setattr("mail.services.history.IDS_PER_QUERY", 2)
    ids = [_message(f"m{n}").pk for n in range(5)]

    assert outbox_record_as_sent(ids) == 5
    assert not OutboxMessage.objects.exclude(state=State.SENT).exists()
