"""Digests: a recipient's pending messages of one digest go out as one email (issue 12)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from mail.models import OutboxMessage
from mail.services.outbox import (
    DIGEST_SETTLE,
    OutboxDraft,
    outbox_bundle_digests,
    outbox_deliver_one,
    outbox_due_ids,
    outbox_enqueue_many,
    outbox_flush,
)

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _alert(n: int, *, to: str = "lead@example.test", digest: str = "sla_digest", **extra):
    return OutboxDraft(
        to_email=to,
        template="sla_breach",
        language="en",
        idempotency_key=f"alert:{to}:{n}",
        context={"recipient_name": "Lee", "number": f"C-00000{n}", "case_path": f"/cases/{n}/"},
        digest=digest,
        **extra,
    )


def test_several_messages_to_one_person_go_out_as_one_digest(django_capture_on_commit_callbacks):
    with time_machine.travel(T0, tick=False):
        items = outbox_enqueue_many([_alert(1), _alert(2), _alert(3)])
        assert outbox_due_ids() == []

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert outbox_bundle_digests(digest="sla_digest") == 1

    assert len(callbacks) == 1
    [digest] = OutboxMessage.objects.filter(template="sla_digest")
    assert digest.to_email == "lead@example.test"
    assert digest.context["count"] == 3
    assert [item["number"] for item in digest.context["items"]] == [
        "C-000001",
        "C-000002",
        "C-000003",
    ]
    states = set(
        OutboxMessage.objects.filter(pk__in=[i.pk for i in items]).values_list(
            "state", "bundled_into"
        )
    )
    assert states == {(OutboxMessage.State.BUNDLED, digest.pk)}


def test_a_single_message_goes_out_as_it_is():
    with time_machine.travel(T0, tick=False):
        [item] = outbox_enqueue_many([_alert(1)])
        assert outbox_deliver_one(item.pk) == "skipped"

        assert outbox_bundle_digests(digest="sla_digest") == 1
        assert outbox_deliver_one(item.pk) == "sent"

    assert not OutboxMessage.objects.filter(template="sla_digest").exists()


def test_each_recipient_gets_their_own_digest_and_other_digests_wait():
    with time_machine.travel(T0, tick=False):
        outbox_enqueue_many(
            [_alert(1), _alert(2), _alert(3, to="agent@example.test"), _alert(4, digest="other")]
        )
        assert outbox_bundle_digests(digest="sla_digest") == 2

    assert OutboxMessage.objects.filter(template="sla_digest").count() == 1
    assert OutboxMessage.objects.get(idempotency_key="alert:agent@example.test:3").digest == ""
    assert OutboxMessage.objects.get(idempotency_key="alert:lead@example.test:4").digest == "other"


def test_bundling_twice_sends_nothing_twice():
    with time_machine.travel(T0, tick=False):
        outbox_enqueue_many([_alert(1), _alert(2)])
        assert [outbox_bundle_digests(digest="sla_digest") for _ in range(2)] == [1, 0]

    assert OutboxMessage.objects.filter(template="sla_digest").count() == 1


def test_a_held_message_waits_for_its_time_before_it_is_bundled():
    with time_machine.travel(T0, tick=False):
        outbox_enqueue_many([_alert(1), _alert(2, not_before=T0 + timedelta(hours=1))])
        assert outbox_bundle_digests(digest="sla_digest") == 1

    assert OutboxMessage.objects.get(idempotency_key="alert:lead@example.test:1").digest == ""
    held = OutboxMessage.objects.get(idempotency_key="alert:lead@example.test:2")
    assert (held.state, held.digest) == (OutboxMessage.State.PENDING, "sla_digest")


def test_the_flush_bundles_what_a_stopped_writer_left_once_it_has_settled():
    with time_machine.travel(T0, tick=False):
        outbox_enqueue_many([_alert(1), _alert(2)])
    with time_machine.travel(T0 + DIGEST_SETTLE / 2, tick=False):
        outbox_flush()
    assert not OutboxMessage.objects.filter(template="sla_digest").exists()

    with time_machine.travel(T0 + DIGEST_SETTLE + timedelta(seconds=1), tick=False):
        outbox_flush()
    [digest] = OutboxMessage.objects.filter(template="sla_digest")
    assert digest.state == OutboxMessage.State.SENT
