"""The email outbox: written with the sender's transaction, delivered once (DESIGN.md, Email)."""

from __future__ import annotations

import smtplib
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from mail.models import OutboxMessage
from mail.services.outbox import (
    OutboxDraft,
    outbox_deliver,
    outbox_enqueue,
    outbox_enqueue_many,
    outbox_flush,
    outbox_render,
)

# Outside transactional tests, commit hooks (and so deliveries) run only under
# django_capture_on_commit_callbacks(execute=True); elsewhere a test sends the task itself.
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADMIN_LIST = "/admin/mail/outboxmessage/"


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down: every send raises."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("451 4.3.0 mailbox busy, try later")


class SlowCountingBackend(BaseEmailBackend):
    """A transport slow enough for two workers to overlap; counts what it sends."""

    sent: list[str] = []
    lock = threading.Lock()

    def send_messages(self, email_messages):
        time.sleep(0.3)
        with self.lock:
            self.sent.extend(m.to[0] for m in email_messages)
        return len(email_messages)


LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
REFUSING = f"{__name__}.RefusingBackend"


def _enqueue(key: str = "welcome:1", *, to: str = "ada@example.test", **extra) -> OutboxMessage:
    return outbox_enqueue(
        to_email=to,
        template=extra.pop("template", "rendered"),
        language=extra.pop("language", "en"),
        idempotency_key=key,
        context=extra.pop("context", {"subject": "Hello", "text": "Body", "html": "<p>Body</p>"}),
        **extra,
    )


@pytest.fixture
def email_backend(settings):
    """Switch the transport the delivery task uses."""

    def _use(backend: str) -> None:
        settings.EMAIL_BACKEND = backend

    _use(LOCMEM)
    return _use


@pytest.fixture
def failed_message(db, email_backend, django_capture_on_commit_callbacks):
    """A message whose first delivery, at T0, met a refusing SMTP server."""
    email_backend(REFUSING)
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        message = _enqueue()
    message.refresh_from_db()
    return message


# Transactions


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_nothing_and_leaves_no_row(email_backend):
    with pytest.raises(RuntimeError), transaction.atomic():
        _enqueue()
        raise RuntimeError("the case could not be saved")

    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_message_is_sent_only_once_its_transaction_commits(email_backend):
    with transaction.atomic():
        message = _enqueue()
        assert mail.outbox == [], "nothing may leave before the commit"

    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert [m.to for m in mail.outbox] == [["ada@example.test"]]


# Exactly once


def test_the_same_idempotency_key_twice_gives_one_row_and_one_email(
    db, email_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = _enqueue("reset:42")
        second = _enqueue("reset:42", to="someone-else@example.test")

    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1


def test_running_the_delivery_task_twice_sends_once(db, email_backend):
    message = _enqueue()  # the commit hook does not run: the test sends the task itself

    outcomes = [outbox_deliver.delay(message.pk).get() for _ in range(2)]

    assert outcomes == ["sent", "skipped"]
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxMessage.State.SENT, 1)
    assert message.sent_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_delivering_one_message_at_the_same_time_send_it_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    settings.EMAIL_BACKEND = f"{__name__}.SlowCountingBackend"
    SlowCountingBackend.sent.clear()
    message = OutboxMessage.objects.create(
        idempotency_key="race:1",
        to_email="ada@example.test",
        language="en",
        template="rendered",
        context={"subject": "Hi", "text": "Body"},
    )
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def worker() -> None:
        from django.db import connection as thread_connection

        try:
            start.wait(timeout=10)
            outcomes.append(outbox_deliver.run(message.pk))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes) == ["sent", "skipped", "skipped", "skipped"]
    assert SlowCountingBackend.sent == ["ada@example.test"]
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxMessage.State.SENT, 1)


# Many at once


def _draft(key: str, *, to: str = "ada@example.test", **extra) -> OutboxDraft:
    return OutboxDraft(
        to_email=to,
        template="rendered",
        language=extra.pop("language", "en"),
        idempotency_key=key,
        context={"subject": "Hello", "text": f"Body {key}"},
        **extra,
    )


def test_a_batch_is_written_and_delivered_by_one_task_after_commit(
    db, email_backend, django_capture_on_commit_callbacks
):
    drafts = [_draft(f"batch:{n}", to=f"user{n}@example.test") for n in range(3)]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        messages = outbox_enqueue_many(drafts)
        assert mail.outbox == [], "nothing may leave before the commit"

    assert len(callbacks) == 1
    assert [m.idempotency_key for m in messages] == ["batch:0", "batch:1", "batch:2"]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "user0@example.test",
        "user1@example.test",
        "user2@example.test",
    ]
    states = OutboxMessage.objects.values_list("state", flat=True)
    assert set(states) == {OutboxMessage.State.SENT}


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_batch_sends_nothing_and_leaves_no_row(email_backend):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue_many([_draft("batch:1"), _draft("batch:2")])
        raise RuntimeError("the sweep could not save the case")

    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_keys_repeated_in_a_batch_or_already_written_give_one_row_and_one_email(
    db, email_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        earlier = _enqueue("batch:old", to="old@example.test")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        messages = outbox_enqueue_many(
            [
                _draft("batch:new", to="first@example.test"),
                _draft("batch:old", to="someone-else@example.test"),
                _draft("batch:new", to="second@example.test"),
            ]
        )

    first, old, repeated = messages
    assert old.pk == earlier.pk
    assert old.to_email == "old@example.test"
    assert repeated.pk == first.pk
    assert OutboxMessage.objects.count() == 2
    assert [m.to for m in mail.outbox] == [["first@example.test"]]


def test_a_batch_costs_the_same_queries_for_3_and_30_messages(db):
    def queries(count: int, prefix: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            outbox_enqueue_many(_draft(f"{prefix}:{n}") for n in range(count))
        return len(captured)

    assert queries(3, "small") == queries(30, "large")
    assert OutboxMessage.objects.count() == 33


def test_a_held_message_waits_for_its_time_then_the_flush_sends_it(
    db, email_backend, django_capture_on_commit_callbacks
):
    opening = T0 + timedelta(hours=1)
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        held, due = outbox_enqueue_many(
            [
                _draft("held:1", to="customer@example.test", not_before=opening),
                _draft("due:1", to="staff@example.test"),
            ]
        )

    assert [m.to for m in mail.outbox] == [["staff@example.test"]]
    due.refresh_from_db()
    held.refresh_from_db()
    assert due.state == OutboxMessage.State.SENT
    assert (held.state, held.next_attempt_at) == (OutboxMessage.State.PENDING, opening)
    with time_machine.travel(opening - timedelta(seconds=1), tick=False):
        assert outbox_flush.delay().get() == 0
        assert outbox_deliver.delay(held.pk).get() == "skipped"

    with time_machine.travel(opening, tick=False):
        assert outbox_flush.delay().get() == 1

    held.refresh_from_db()
    assert held.state == OutboxMessage.State.SENT
    assert [m.to for m in mail.outbox] == [["staff@example.test"], ["customer@example.test"]]


def test_a_single_message_can_be_held_too(db, email_backend, django_capture_on_commit_callbacks):
    opening = T0 + timedelta(minutes=30)
    with (
        time_machine.travel(T0, tick=False),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        message = _enqueue("held:2", not_before=opening)

    assert callbacks == [], "a held message is left to the flush"
    assert message.next_attempt_at == opening
    with time_machine.travel(opening, tick=False):
        assert outbox_flush.delay().get() == 1
    assert len(mail.outbox) == 1


def test_an_unsupported_language_in_a_batch_falls_back_to_english(db):
    [message] = outbox_enqueue_many([_draft("batch:de", language="de")])

    assert message.language == "en"


# Failure, backoff, retries


def test_a_failing_transport_records_the_error_and_schedules_a_retry(failed_message):
    assert failed_message.state == OutboxMessage.State.FAILED
    assert failed_message.attempts == 1
    assert failed_message.last_error == "SMTPException: 451 4.3.0 mailbox busy, try later"
    assert failed_message.next_attempt_at == T0 + timedelta(minutes=1)
    assert mail.outbox == []


def test_a_failed_message_is_not_retried_before_its_backoff_ends(failed_message, email_backend):
    email_backend(LOCMEM)

    with time_machine.travel(T0 + timedelta(seconds=59), tick=False):
        assert outbox_flush.delay().get() == 0
        assert outbox_deliver.delay(failed_message.pk).get() == "skipped"

    assert mail.outbox == []


def test_the_flush_retries_after_the_backoff_and_succeeds(failed_message, email_backend):
    email_backend(LOCMEM)

    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        assert outbox_flush.delay().get() == 1

    failed_message.refresh_from_db()
    assert failed_message.state == OutboxMessage.State.SENT
    assert failed_message.attempts == 2
    assert failed_message.next_attempt_at is None
    assert len(mail.outbox) == 1


def test_the_backoff_doubles_from_one_minute_up_to_an_hour(failed_message, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 20
    waits = [failed_message.next_attempt_at - T0]
    now = failed_message.next_attempt_at
    for _ in range(7):
        with time_machine.travel(now, tick=False):
            outbox_flush.delay().get()
        failed_message.refresh_from_db()
        waits.append(failed_message.next_attempt_at - now)
        now = failed_message.next_attempt_at

    assert [w // timedelta(minutes=1) for w in waits] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert failed_message.attempts == 8


def test_retries_stop_at_the_maximum_number_of_attempts(failed_message, email_backend, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    for minutes in (1, 3):
        with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
            outbox_flush.delay().get()
    failed_message.refresh_from_db()
    assert (failed_message.state, failed_message.attempts) == (OutboxMessage.State.FAILED, 3)
    assert failed_message.next_attempt_at is None

    email_backend(LOCMEM)  # even a working transport gets nothing more
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        assert outbox_flush.delay().get() == 0
        assert outbox_deliver.delay(failed_message.pk).get() == "skipped"
    assert mail.outbox == []


def test_a_delivery_interrupted_mid_send_is_retried_after_five_minutes(db, email_backend):
    message = OutboxMessage.objects.create(
        idempotency_key="stuck:1",
        to_email="ada@example.test",
        language="en",
        template="rendered",
        context={"subject": "Hi", "text": "Body"},
        state=OutboxMessage.State.SENDING,
        attempts=1,
        claimed_at=T0,
    )

    with time_machine.travel(T0 + timedelta(minutes=4), tick=False):
        assert outbox_flush.delay().get() == 0
    with time_machine.travel(T0 + timedelta(minutes=6), tick=False):
        assert outbox_flush.delay().get() == 1

    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxMessage.State.SENT, 2)
    assert len(mail.outbox) == 1


def test_a_template_error_is_recorded_not_raised(db, email_backend):
    message = _enqueue(template="no_such_template")

    outbox_deliver.delay(message.pk).get()

    message.refresh_from_db()
    assert message.state == OutboxMessage.State.FAILED
    assert message.last_error.startswith("TemplateDoesNotExist: email/no_such_template")


# Admin


@pytest.fixture
def support_admin(make_user):
    """A superuser with an authenticator app, as the admin requires."""
    user = make_user("admin@vendor.test", staff=True, is_superuser=True)
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


def test_staff_see_the_state_and_error_of_a_message(client, support_admin, failed_message):
    client.force_login(support_admin)

    listing = client.get(ADMIN_LIST)
    detail = client.get(f"{ADMIN_LIST}{failed_message.pk}/change/")

    assert listing.status_code == 200
    assert "ada@example.test" in listing.content.decode()
    assert "Failed" in listing.content.decode()
    assert "451 4.3.0 mailbox busy, try later" in detail.content.decode()


def test_the_admin_retry_action_requeues_failed_messages(
    client,
    support_admin,
    failed_message,
    email_backend,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.OUTBOX_MAX_ATTEMPTS = 1  # the failure used the only attempt: only staff can retry
    email_backend(LOCMEM)
    with django_capture_on_commit_callbacks(execute=True):
        sent = _enqueue("other:1", to="bob@example.test")
    mail.outbox.clear()
    client.force_login(support_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ADMIN_LIST,
            {"action": "retry_selected", "_selected_action": [failed_message.pk, sent.pk]},
            follow=True,
        )

    assert "1 email queued again." in response.content.decode()
    failed_message.refresh_from_db()
    assert failed_message.state == OutboxMessage.State.SENT
    assert [m.to for m in mail.outbox] == [["ada@example.test"]], "a sent message is not resent"


# Rendering


@pytest.fixture
def probe_template(settings, tmp_path):
    """An email template using a string Django itself translates ("January")."""
    folder = tmp_path / "email"
    folder.mkdir()
    (folder / "probe_subject.txt").write_text('{% load i18n %}{% translate "January" %} report')
    (folder / "probe.txt").write_text(
        '{% extends "email/base.txt" %}{% load i18n %}'
        '{% block content %}{% translate "January" %}: {{ count }} cases{% endblock %}'
    )
    (folder / "probe.html").write_text(
        '{% extends "email/base.html" %}{% load i18n %}'
        '{% block content %}<p>{% translate "January" %}: {{ count }} cases</p>{% endblock %}'
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    return "probe"


@pytest.mark.parametrize(("language", "month"), [("en", "January"), ("fr", "janvier")])
def test_an_email_has_text_and_html_parts_in_the_recipients_language(
    db, probe_template, settings, language, month
):
    message = _enqueue(template=probe_template, language=language, context={"count": 3})

    email = outbox_render(message)

    assert email.subject == f"{month} report"
    assert f"{month}: 3 cases" in email.body
    assert settings.SITE_URL in email.body, "the text part has the common footer"
    [(html, mime)] = email.alternatives
    assert mime == "text/html"
    assert f"<p>{month}: 3 cases</p>" in html
    assert f'<html lang="{language}">' in html
    assert email.extra_headers["X-Connect-Outbox-Id"] == str(message.pk)


def test_an_unsupported_language_falls_back_to_english(db):
    message = _enqueue(language="de")

    assert message.language == "en"
