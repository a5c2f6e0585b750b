"""Delivering an update notice: chunks, exactly once per person, progress, retry (SLP-14)."""

from __future__ import annotations

import datetime as dt
import io
import smtplib
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command

from mail.models import OutboxMessage
from mail.services.unsubscribe import unsubscribe_user
from notices.models import NoticeDelivery, UpdateNotice
from notices.selectors import update_notice_progress, update_notice_report_rows
from notices.services.fanout import (
    notice_fanout,
    update_notice_fanout_chunk,
    update_notice_fanout_plan,
    update_notice_retry_failed,
)
from notices.services.publish import notices_publish_due, update_notice_publish
from tests.factories import ContractFactory, OrganizationFactory, SiteFactory
from tests.notices.cast import T0, contact, messages_of, notice, runs

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("451 4.3.0 mailbox busy, try later")


@pytest.fixture(autouse=True)
def _at_t0(settings):
    settings.EMAIL_BACKEND = LOCMEM
    with time_machine.travel(T0, tick=False):
        yield


@pytest.fixture
def five_customers(releases):
    """Five customers, each with one covered site on 2026 and one designated contact."""
    people = []
    for n in range(5):
        org = OrganizationFactory(name=f"Customer {n}")
        site = SiteFactory(organization=org, code=f"CUST-{n}")
        ContractFactory(holder=org, sites=[site])
        runs(site, releases["2026"])
        people.append(contact(org, f"contact{n}@customer.test"))
    return people


class WorkerKilled(Exception):
    """The worker running a fan-out died."""


def command(notice_id: int) -> str:
    out = io.StringIO()
    call_command("publish_notice", str(notice_id), stdout=out)
    return out.getvalue().strip()


def sent_to() -> Counter:
    return Counter(email.to[0] for email in mail.outbox)


def test_publish_notice_prints_the_counts_and_a_second_run_writes_nobody_twice(
    releases, five_customers, django_capture_on_commit_callbacks
):
    urgent = notice([releases["2026"]])

    with django_capture_on_commit_callbacks(execute=True):
        first = command(urgent.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = command(urgent.pk)

    assert first == "recipients=5 queued=5 already_sent=0"
    assert second == "recipients=5 queued=0 already_sent=5"
    assert messages_of(urgent).count() == 5
    assert sent_to() == Counter({person.email: 1 for person in five_customers})


def test_a_fanout_killed_after_its_first_chunk_then_run_again_sends_each_person_once(
    releases, five_customers, django_capture_on_commit_callbacks
):
    urgent = notice([releases["2026"]])
    update_notice_publish(notice=urgent, enqueue=False)
    chunks: list[list[int]] = []

    def write_one_chunk_then_die(user_ids: list[int]) -> None:
        if chunks:
            raise WorkerKilled
        # The chunk commits, then the process dies before its delivery task is queued.
        with django_capture_on_commit_callbacks(execute=False):
            update_notice_fanout_chunk(notice_id=urgent.pk, user_ids=user_ids)
        chunks.append(user_ids)

    with pytest.raises(WorkerKilled):
        update_notice_fanout_plan(notice_id=urgent.pk, dispatch=write_one_chunk_then_die, size=2)
    assert len(chunks[0]) == 2
    assert messages_of(urgent).filter(state=OutboxMessage.State.PENDING).count() == 2
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        output = command(urgent.pk)

    assert output == "recipients=5 queued=3 already_sent=2"
    assert messages_of(urgent).count() == 5
    assert NoticeDelivery.objects.filter(notice=urgent).count() == 5
    assert sent_to() == Counter({person.email: 1 for person in five_customers})
    urgent.refresh_from_db()
    assert urgent.status == UpdateNotice.Status.SENT


def test_the_fanout_task_sent_twice_writes_and_sends_one_email_per_person(
    releases, five_customers, django_capture_on_commit_callbacks
):
    urgent = notice([releases["2026"]])
    with django_capture_on_commit_callbacks(execute=True):
        update_notice_publish(notice=urgent)
        notice_fanout.delay(urgent.pk)

    assert messages_of(urgent).count() == 5
    assert set(messages_of(urgent).values_list("state", flat=True)) == {"sent"}
    assert sent_to() == Counter({person.email: 1 for person in five_customers})


def test_a_draft_is_never_fanned_out_by_a_stray_task(releases, five_customers):
    draft = notice([releases["2026"]])

    notice_fanout.delay(draft.pk)

    assert messages_of(draft).count() == 0


def test_a_scheduled_notice_waits_for_its_publish_time_then_the_beat_sends_it(
    releases, five_customers, django_capture_on_commit_callbacks, settings
):
    publish_at = T0 + dt.timedelta(hours=3)
    scheduled = notice([releases["2026"]], kind=UpdateNotice.Kind.SCHEDULED, publish_at=publish_at)
    update_notice_publish(notice=scheduled)
    scheduled.refresh_from_db()
    assert scheduled.status == UpdateNotice.Status.SCHEDULED

    with django_capture_on_commit_callbacks(execute=True):
        assert notices_publish_due.delay().get() == 0
    with (
        time_machine.travel(publish_at + dt.timedelta(seconds=30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert notices_publish_due.delay().get() == 1
        assert notices_publish_due.delay().get() == 0

    assert len(mail.outbox) == 5
    scheduled.refresh_from_db()
    assert scheduled.status == UpdateNotice.Status.SENT
    assert scheduled.published_at == publish_at + dt.timedelta(seconds=30)
    beat = settings.CELERY_BEAT_SCHEDULE["notices-publish-due"]
    assert beat == {"task": "notices.notices_publish_due", "schedule": 60.0}


def test_publish_notice_refuses_a_notice_scheduled_for_later(releases, five_customers):
    scheduled = notice([releases["2026"]], kind=UpdateNotice.Kind.SCHEDULED)
    update_notice_publish(notice=scheduled)

    with pytest.raises(CommandError, match="scheduled for 2026-11-03"):
        command(scheduled.pk)
    assert messages_of(scheduled).count() == 0


def test_publish_notice_names_a_missing_notice(db):
    with pytest.raises(CommandError, match="No update notice with id 999"):
        command(999)


def test_scheduled_notices_carry_a_one_click_unsubscribe_link_and_header(
    releases, five_customers, django_capture_on_commit_callbacks
):
    scheduled = notice([releases["2026"]], kind=UpdateNotice.Kind.SCHEDULED, publish_at=T0)
    with django_capture_on_commit_callbacks(execute=True):
        command(scheduled.pk)

    email = next(e for e in mail.outbox if e.to == ["contact0@customer.test"])
    header = email.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and header.endswith(">")
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header[1:-1]
    assert url in email.body
    assert url in email.alternatives[0][0]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert unsubscribe_user(token) == five_customers[0]


def test_urgent_notices_are_mandatory_and_say_so_without_an_unsubscribe_link(
    releases, five_customers, django_capture_on_commit_callbacks
):
    urgent = notice([releases["2026"]])
    with django_capture_on_commit_callbacks(execute=True):
        command(urgent.pk)

    email = mail.outbox[0]
    assert "List-Unsubscribe" not in email.extra_headers
    assert "mandatory service message" in email.body
    assert "unsubscribe" not in email.body.lower()
    assert "URGENT UPDATE NOTICE" in email.body
    assert "CUST-" in email.body
    assert "https://downloads.example.com/2026.4/notes" in email.body


def test_progress_counts_sent_failed_and_pending_and_retry_sends_the_failed_ones(
    releases, five_customers, django_capture_on_commit_callbacks, settings
):
    urgent = notice([releases["2026"]])
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        command(urgent.pk)
    urgent.refresh_from_db()

    failed = update_notice_progress(urgent)
    assert (failed.recipients, failed.sent, failed.failed, failed.pending) == (5, 0, 5, 0)

    settings.EMAIL_BACKEND = LOCMEM
    with django_capture_on_commit_callbacks(execute=True):
        assert update_notice_retry_failed(notice=urgent) == 5

    done = update_notice_progress(urgent)
    assert (done.sent, done.failed, done.pending, done.percent_sent) == (5, 0, 0, 100)
    assert len(mail.outbox) == 5


def test_the_delivery_report_has_one_row_per_recipient_with_state_and_error(
    releases, five_customers, django_capture_on_commit_callbacks, settings
):
    urgent = notice([releases["2026"]])
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        command(urgent.pk)

    rows = list(update_notice_report_rows(urgent))

    assert [row[0] for row in rows] == [f"contact{n}@customer.test" for n in range(5)]
    first = dict(
        zip(
            ["email", "name", "language", "organisation", "sites", "state", "attempts"],
            rows[0],
            strict=False,
        )
    )
    assert first["organisation"] == "Customer 0"
    assert first["sites"] == "CUST-0"
    assert first["state"] == "failed"
    assert "451 4.3.0 mailbox busy" in rows[0][-1]


def test_a_fanout_lost_to_a_down_broker_is_queued_again_by_the_beat(
    releases, five_customers, django_capture_on_commit_callbacks
):
    """Published while the broker was down: nobody written to, so the beat starts it again."""
    urgent = notice([releases["2026"]], kind=UpdateNotice.Kind.URGENT)
    # The broker is down at publication: the after-commit publish is lost (common.publishing).
    with django_capture_on_commit_callbacks(execute=False):
        update_notice_publish(notice=urgent)
    urgent.refresh_from_db()
    assert urgent.status == UpdateNotice.Status.PUBLISHING and not urgent.deliveries.exists()

    def beat(minutes: int) -> int:
        with (
            time_machine.travel(T0 + dt.timedelta(minutes=minutes), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return notices_publish_due.delay().get()

    assert beat(4) == 0, "within the visibility timeout it may still be on its way"
    assert beat(6) == 1
    assert beat(7) == 0, "written to: not queued again"

    urgent.refresh_from_db()
    assert urgent.status == UpdateNotice.Status.SENT
    assert len(mail.outbox) == 5
