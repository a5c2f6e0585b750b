"""A quiet demo (issue 12): the seeded history is not mailed again, rundemo says one line a minute."""

from __future__ import annotations

import io
import signal
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cases.models import Case, CaseEvent, EventKind, Status
from mail.models import OutboxMessage
from mail.services.history import HISTORY_HEADER, HISTORY_NOTE
from portal.management.commands import rundemo
from portal.management.commands.rundemo import demo_summary

pytestmark = pytest.mark.django_db

# The demo's notices are about release 2027, shipped 2026-10-15: seed after that.
TODAY = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
State = OutboxMessage.State


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _seed(at: datetime = TODAY) -> str:
    out = io.StringIO()
    with time_machine.travel(at, tick=False):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def _outbox() -> list[tuple]:
    return list(
        OutboxMessage.objects.order_by("pk").values_list("pk", "state", "sent_at", "headers")
    )


# --- seed_demo ---------------------------------------------------------------------------


def test_seeding_records_its_history_emails_as_sent_and_delivers_none(
    django_capture_on_commit_callbacks,
):
    # The commit hooks run too: the delivery tasks the services queued find nothing to send.
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        output = _seed()

    assert hooks
    assert mail.outbox == []
    assert not OutboxMessage.objects.filter(
        state__in=[State.PENDING, State.FAILED, State.SENDING]
    ).exists()
    recorded = OutboxMessage.objects.filter(state=State.SENT)
    assert recorded.exists()
    assert all(message.headers[HISTORY_HEADER] == HISTORY_NOTE for message in recorded)
    assert all(message.sent_at == TODAY for message in recorded)
    assert f"demo history emails recorded as sent, not delivered={recorded.count()}" in output


def test_seeding_twice_adds_and_changes_no_email():
    _seed()
    before = _outbox()

    output = _seed(TODAY + timedelta(hours=1))

    assert _outbox() == before
    assert "demo history emails recorded as sent, not delivered=0" in output


# --- rundemo: the summary line -----------------------------------------------------------

NOW = datetime(2026, 11, 26, 12, 4, tzinfo=UTC)
SINCE = NOW - timedelta(minutes=1)


@pytest.fixture
def two_cases(acme, acme_site, acme_contract, acme_agent, release_2026):
    """Two Acme cases opened through the intake service, one of them closed since."""
    from cases.services import case_open

    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        cases = [
            case_open(
                reporter=acme_agent,
                organization=acme,
                site=acme_site,
                release=release_2026,
                title=f"Feed rates doubled, program {n}",
                description="All feed rates in the Okuma program are twice the operation's.",
                proposed_priority="P2",
                channel="portal",
            )
            for n in (1, 2)
        ]
    Case.objects.filter(pk=cases[1].pk).update(status=Status.CLOSED)
    OutboxMessage.objects.all().delete()  # their intake emails: the test writes its own
    return cases


def _email(key: str, state: str, **fields) -> OutboxMessage:
    return OutboxMessage.objects.create(
        idempotency_key=key, to_email="ada@example.test", language="en", template="t",
        state=state, **fields,
    )  # fmt: skip


def _event(case: Case, kind: str, at: datetime) -> None:
    CaseEvent.objects.create(case=case, kind=kind, at=at, public=False)


def test_the_summary_counts_the_last_minute_and_what_waits_now(two_cases):
    case = two_cases[0]
    _email("sent-1", State.SENT, sent_at=NOW - timedelta(seconds=30))
    _email("sent-2", State.SENT, sent_at=NOW)
    _email("sent-before", State.SENT, sent_at=SINCE)
    _email("history", State.SENT, sent_at=NOW, headers={HISTORY_HEADER: HISTORY_NOTE})
    _email("failed", State.FAILED, claimed_at=NOW - timedelta(seconds=50), last_error="451")
    _email("failed-long-ago", State.FAILED, claimed_at=NOW - timedelta(hours=1))
    _email("pending", State.PENDING)
    _email("held", State.PENDING, next_attempt_at=NOW + timedelta(hours=3))
    _event(case, EventKind.SLA_WARNING, NOW - timedelta(seconds=40))
    _event(case, EventKind.SLA_BREACH, NOW - timedelta(seconds=10))
    _event(case, EventKind.SLA_BREACH, NOW)
    _event(case, EventKind.SLA_BREACH, SINCE)  # the previous line counted it
    _event(case, EventKind.UPDATE_REMINDER, NOW - timedelta(days=2))
    _event(case, EventKind.COMMENT, NOW - timedelta(seconds=5))

    with time_machine.travel(NOW, tick=False):
        line = demo_summary(since=SINCE)

    assert line == (
        "12:04 emails sent=2 failed=1 pending=2"
        " | sweep: warnings=1 breaches=2 reminders=0 | cases open=1"
    )


def test_the_summary_of_a_quiet_minute_says_zero(db, settings):
    settings.TIME_ZONE = "Europe/Paris"

    # The server's time zone, whatever a request left active in this thread.
    with time_machine.travel(NOW, tick=False), timezone.override("UTC"):
        line = demo_summary(since=SINCE)

    assert line == (
        "13:04 emails sent=0 failed=0 pending=0"
        " | sweep: warnings=0 breaches=0 reminders=0 | cases open=0"
    )


# --- rundemo: the processes and their output ---------------------------------------------


class _Process:
    """A child process that runs until it is told to stop."""

    def __init__(self) -> None:
        self.returncode: int | None = None
        self.terminated = False

    def poll(self) -> int | None:
        return self.returncode

    def terminate(self) -> None:
        self.terminated = True
        self.returncode = -signal.SIGTERM

    def wait(self, timeout: float | None = None) -> int | None:
        return self.returncode


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_server_the_worker_and_beat(monkeypatch, signum):
    processes = [_Process(), _Process()]
    monkeypatch.setattr(rundemo, "_start", lambda addr, *, log_to: processes)
    monkeypatch.setattr(rundemo, "_wait_until_ready", lambda addr, running: None)
    monkeypatch.setattr(rundemo.time, "sleep", lambda seconds: signal.raise_signal(signum))
    before = signal.getsignal(signum)
    out = io.StringIO()

    call_command("rundemo", "--addr", "127.0.0.1:8099", stdout=out)

    assert all(process.terminated for process in processes)
    lines = out.getvalue().splitlines()
    assert "CONNECT Portal demo: http://127.0.0.1:8099/" in lines
    assert lines[-1] == "demo stopped"
    assert signal.getsignal(signum) is before


def test_it_stops_without_a_banner_when_a_process_dies_at_start(monkeypatch):
    processes = [_Process(), _Process()]
    processes[0].returncode = 1  # runserver: "That port is already in use."
    monkeypatch.setattr(rundemo, "_start", lambda addr, *, log_to: processes)
    out = io.StringIO()

    call_command("rundemo", "--addr", "127.0.0.1:8099", stdout=out)

    assert out.getvalue().splitlines() == ["demo stopped"]
    assert processes[1].terminated


def test_the_web_server_log_keeps_problems_and_drops_answered_requests():
    server_stderr = io.StringIO(
        '[26/Nov/2026 12:04:01] "GET /accounts/login/ HTTP/1.1" 200 5120\n'
        '[26/Nov/2026 12:04:02] "POST /accounts/login/ HTTP/1.1" 302 0\n'
        '[26/Nov/2026 12:04:02] "GET /static/portal.css HTTP/1.1" 304 0\n'
        '[26/Nov/2026 12:04:03] "GET /cases/9999/ HTTP/1.1" 404 2210\n'
        "Internal Server Error: /cases/\n"
        '[26/Nov/2026 12:04:04] "GET /cases/ HTTP/1.1" 500 145\n'
        "Error: That port is already in use.\n"
    )
    shown = io.StringIO()

    rundemo._forward_problems(server_stderr, shown)

    assert shown.getvalue().splitlines() == [
        '[26/Nov/2026 12:04:03] "GET /cases/9999/ HTTP/1.1" 404 2210',
        "Internal Server Error: /cases/",
        '[26/Nov/2026 12:04:04] "GET /cases/ HTTP/1.1" 500 145',
        "Error: That port is already in use.",
    ]
