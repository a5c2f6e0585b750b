"""One-time links in the outbox are sealed at rest and never shown in the admin (issue 13).

The audit's reproduction: with SMTP down, a password reset waits in the outbox, and any staff
role could open the row in the admin and follow the link. Now the row holds ciphertext, the
admin shows a notice instead, delivery still sends the link, and nothing of it is kept once
the message is sent or has failed for good.
"""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.utils import timezone

from mail.models import OutboxMessage
from mail.services.outbox import outbox_enqueue, outbox_flush, outbox_retry
from mail.services.secrets import SealBroken, seal, unseal
from tests.mail.test_outbox import LOCMEM, REFUSING

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"
LINK = "/accounts/password/reset/key/"
ADMIN_LIST = "/admin/mail/outboxmessage/"


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = REFUSING
    return settings


def _reset_request(client, email: str, callbacks) -> OutboxMessage:
    with callbacks(execute=True):
        client.post(RESET, {"email": email})
    return OutboxMessage.objects.get(to_email=email)


def test_a_pending_reset_link_is_not_readable_by_staff_in_the_admin(
    client, customer, smtp_down, staff_agent, staff_login, django_capture_on_commit_callbacks
):
    message = _reset_request(client, customer.email, django_capture_on_commit_callbacks)
    assert message.state == OutboxMessage.State.FAILED  # SMTP refused the first attempt
    assert LINK not in str(message.context) and "sealed" in message.context

    admin = staff_login(staff_agent)
    listing = admin.get(ADMIN_LIST)
    detail = admin.get(f"{ADMIN_LIST}{message.pk}/change/")

    assert listing.status_code == detail.status_code == 200
    for page in (listing, detail):
        assert LINK not in page.content.decode()
        assert message.context["sealed"] not in page.content.decode()
    assert "Hidden: this email carries a one-time link" in detail.content.decode()


def test_the_sealed_link_is_delivered_once_smtp_is_back_then_forgotten(
    client, customer, smtp_down, django_capture_on_commit_callbacks
):
    message = _reset_request(client, customer.email, django_capture_on_commit_callbacks)
    smtp_down.EMAIL_BACKEND = LOCMEM

    with time_machine.travel(timezone.now() + timedelta(minutes=10)):  # past the backoff
        assert outbox_flush() == 1

    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert message.context == {"sensitive": True, "redacted": True}
    assert len(mail.outbox) == 1 and LINK in mail.outbox[0].body


def test_a_link_that_failed_for_good_is_removed_and_not_retried(
    client, customer, smtp_down, django_capture_on_commit_callbacks
):
    smtp_down.OUTBOX_MAX_ATTEMPTS = 1
    message = _reset_request(client, customer.email, django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert message.state == OutboxMessage.State.FAILED
    assert message.context == {"sensitive": True, "redacted": True}
    assert outbox_retry(message_ids=[message.pk]) == 0


def test_ordinary_messages_are_stored_in_clear(db):
    message = outbox_enqueue(
        to_email="ada@example.test",
        template="rendered",
        language="en",
        idempotency_key="plain:1",
        context={"subject": "Hello", "text": "Case C-000001 was updated", "html": ""},
    )
    assert message.context["text"] == "Case C-000001 was updated"


def test_a_seal_opens_with_the_key_that_made_it_or_a_fallback_and_refuses_tampering(settings):
    context = {"sensitive": True, "subject": "Reset", "text": f"https://x.test{LINK}abc"}
    sealed = seal(context)

    assert sealed["subject"] == "Reset" and LINK not in str(sealed)
    assert unseal(sealed) == context
    assert seal(sealed) == sealed, "sealing twice changes nothing"

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-rotated-secret-key-for-this-test"
    assert unseal(sealed) == context, "a rotated key still opens older messages"

    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(SealBroken):
        unseal(sealed)
    with pytest.raises(SealBroken):
        unseal({**sealed, "sealed": sealed["sealed"][:-4] + "AAAA"})


def test_the_migration_seals_unsent_links_and_drops_sent_ones(db):
    pending = OutboxMessage.objects.create(
        idempotency_key="old:1",
        to_email="a@example.test",
        language="en",
        template="rendered",
        context={"sensitive": True, "subject": "Reset", "text": f"x{LINK}1"},
    )
    sent = OutboxMessage.objects.create(
        idempotency_key="old:2",
        to_email="b@example.test",
        language="en",
        template="rendered",
        state=OutboxMessage.State.SENT,
        context={"sensitive": True, "subject": "Reset", "text": f"x{LINK}2"},
    )
    migration = importlib.import_module("mail.migrations.0004_seal_sensitive_contexts")

    migration.seal_contexts(apps, None)

    pending.refresh_from_db()
    sent.refresh_from_db()
    assert LINK not in str(pending.context) and LINK in unseal(pending.context)["text"]
    assert sent.context == {"sensitive": True, "redacted": True}
