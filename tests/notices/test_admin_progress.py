"""A notice's delivery page: queued, sent, failed, unsubscribed; and what publish_notice does."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend

from mail.models import ContactPreference, OutboxMessage
from notices.models import NoticeDelivery, UpdateNotice
from notices.services.publish import (
    update_notice_fanout_run,
    update_notice_publish,
    update_notice_resume,
)
from tests.notices.cast import ADMIN, T0, contact, notice

pytestmark = pytest.mark.usefixtures("admin_pages")


class RefusingTheFrenchContact(EmailBackend):
    """An SMTP server that knows every mailbox but one."""

    def send_messages(self, email_messages):
        if any("responsable@acme.test" in email.to for email in email_messages):
            raise smtplib.SMTPException("550 5.1.1 mailbox unknown")
        return super().send_messages(email_messages)


def counts(response) -> tuple[int, int, int, int, int]:
    """Return recipients, queued, sent, failed and unsubscribed as the page shows them."""
    progress = response.context["progress"]
    return (
        progress.recipients,
        progress.pending,
        progress.sent,
        progress.failed,
        response.context["opted_out"],
    )


@pytest.fixture
def opted_out(acme, acme_admin):
    """Acme's admin opted out of scheduled notices; Acme has a third contact."""
    contact(acme, "it@acme.test")
    return ContactPreference.objects.create(user=acme_admin, scheduled_updates_opt_out=True)


def test_progress_shows_queued_sent_failed_and_unsubscribed(
    sender, admin_world, opted_out, settings, django_capture_on_commit_callbacks
):
    due = notice([admin_world["2026"]], kind="scheduled", publish_at=T0)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingTheFrenchContact"
    with django_capture_on_commit_callbacks(execute=True):
        update_notice_fanout_run(notice=due)

    response = sender.get(f"{ADMIN}{due.pk}/progress/")

    assert counts(response) == (2, 0, 1, 1, 1)
    page = response.content.decode()
    assert '<td id="unsubscribed">1</td>' in page
    assert "Retry every failed email" in page


def test_messages_not_delivered_yet_count_as_queued(
    sender, admin_world, opted_out, django_capture_on_commit_callbacks
):
    due = notice([admin_world["2026"]], kind="scheduled", publish_at=T0)
    with django_capture_on_commit_callbacks(execute=False):
        update_notice_fanout_run(notice=due)

    assert counts(sender.get(f"{ADMIN}{due.pk}/progress/")) == (2, 2, 0, 0, 1)


def test_nobody_is_left_out_of_an_urgent_notice(sender, admin_world, opted_out):
    urgent = notice([admin_world["2026"]])
    update_notice_fanout_run(notice=urgent)

    assert counts(sender.get(f"{ADMIN}{urgent.pk}/progress/"))[::4] == (3, 0)


def test_a_contact_who_opted_out_after_receiving_it_was_not_left_out(
    sender, admin_world, acme_admin
):
    due = notice([admin_world["2026"]], kind="scheduled", publish_at=T0)
    update_notice_fanout_run(notice=due)
    ContactPreference.objects.create(user=acme_admin, scheduled_updates_opt_out=True)

    assert counts(sender.get(f"{ADMIN}{due.pk}/progress/"))[4] == 0


def test_a_scheduled_notice_the_beat_missed_can_be_sent_from_its_page(
    sender, admin_world, django_capture_on_commit_callbacks
):
    later = notice([admin_world["2026"]], kind="scheduled", publish_at=T0 + dt.timedelta(hours=1))
    update_notice_publish(notice=later)

    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        change = sender.get(f"{ADMIN}{later.pk}/change/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            sender.post(f"{ADMIN}{later.pk}/publish/", {"step": "send"})

    assert "Scheduled - publish time passed, not started" in change
    assert "sending has not started yet" in change
    later.refresh_from_db()
    assert later.status == UpdateNotice.Status.SENT
    assert len(mail.outbox) == 2


def test_a_notice_scheduled_for_later_is_not_sent_early(sender, admin_world):
    later = notice([admin_world["2026"]], kind="scheduled", publish_at=T0 + dt.timedelta(hours=1))
    update_notice_publish(notice=later)

    page = sender.get(f"{ADMIN}{later.pk}/publish/").content.decode()
    response = sender.post(f"{ADMIN}{later.pk}/publish/", {"step": "send"}, follow=True)

    assert "There is nothing to publish: this notice is Scheduled." in page
    assert "Check what happens, then confirm." in response.content.decode()
    assert NoticeDelivery.objects.count() == 0
    with pytest.raises(ValidationError, match="scheduled for 2026-11-02 11:00 UTC; it goes out"):
        update_notice_resume(notice=later)


def test_a_sent_notice_cannot_be_resumed(admin_world):
    sent = notice([admin_world["2026"]])
    update_notice_fanout_run(notice=sent)

    with pytest.raises(ValidationError, match="only a due or unfinished notice can be sent now"):
        update_notice_resume(notice=sent)


def test_an_unfinished_fanout_resumes_from_the_admin_and_writes_nobody_twice(
    sender, admin_world, django_capture_on_commit_callbacks
):
    stalled = notice([admin_world["2026"]])
    # Published, but the worker that was to write its messages never ran.
    update_notice_publish(notice=stalled, enqueue=False)

    progress = sender.get(f"{ADMIN}{stalled.pk}/progress/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sender.post(f"{ADMIN}{stalled.pk}/publish/", {"step": "resume"})
    stalled.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        again = sender.post(f"{ADMIN}{stalled.pk}/publish/", {"step": "resume"}, follow=True)

    assert 'id="next-step"' in progress and "Resume sending" in progress
    assert stalled.status == UpdateNotice.Status.SENT
    assert Counter(email.to[0] for email in mail.outbox) == Counter(
        {"admin@acme.test": 1, "responsable@acme.test": 1}
    )
    # Sent by then: the page says so instead of doing what it no longer offers.
    assert "There is nothing to publish: this notice is Sent." in again.content.decode()


def test_a_scheduled_notice_just_due_is_left_to_the_beat(sender, admin_world):
    due = notice([admin_world["2026"]], kind="scheduled", publish_at=T0 + dt.timedelta(hours=1))
    update_notice_publish(notice=due)

    with time_machine.travel(T0 + dt.timedelta(hours=1, seconds=50), tick=False):
        change = sender.get(f"{ADMIN}{due.pk}/change/").content.decode()

    assert 'id="overdue"' not in change
    assert "publish time passed" not in change


def test_a_message_the_outbox_skipped_counts_as_unsubscribed_not_queued(
    sender, admin_world, acme_admin, django_capture_on_commit_callbacks
):
    due = notice([admin_world["2026"]], kind="scheduled", publish_at=T0)
    with django_capture_on_commit_callbacks(execute=False):
        update_notice_fanout_run(notice=due)
    # The admin turned scheduled notices off before the outbox got to their message.
    ContactPreference.objects.create(user=acme_admin, scheduled_updates_opt_out=True)
    OutboxMessage.objects.filter(notice_delivery__notice=due, recipient=acme_admin).update(
        state=OutboxMessage.State.SKIPPED
    )

    assert counts(sender.get(f"{ADMIN}{due.pk}/progress/")) == (2, 1, 0, 0, 1)
