"""Faults on the real services: nothing lost, nothing doubled, no 500 for saved work (issue 13).

Each test breaks one thing a production portal loses some day — a worker killed mid-batch,
the SMTP server gone mid-burst, the broker down while people file cases, PostgreSQL restarted
during the SLA sweep (test_fault_database_restart.py) — and proves that once it is back every email reaches the SMTP server
exactly once, counted there by outbox id, within a bounded time.

Time the tests cannot wait for is stood in for, and said so where it is: the broker's
visibility timeout counts seconds in the workers (fault_worker_settings), and a stale claim
or a retry's backoff is dated back by its length rather than waited out.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db.models import Count, F
from django.test import Client
from django.utils import timezone
from harness import CeleryWorker, SmtpServer, TcpProxy, publishing_to, wait_for, worker_env
from rest_framework.test import APIClient

from cases.models import Case
from mail.models import OutboxMessage
from mail.services.outbox import STALE_CLAIM, OutboxDraft, outbox_enqueue_many, outbox_flush

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.smtp,
    pytest.mark.fault,
    # The workers need committed rows; the serialized rollback brings the migrations' rows
    # (staff groups, calendars, the policy) back after each test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CONTEXT = {"subject": "Case C-000123 updated", "text": "Plain body", "html": "<p>Body</p>"}
State = OutboxMessage.State


class Workers:
    """Start real workers on the test's own queue and broker; stop them all at the end."""

    def __init__(self, *, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.started: list[CeleryWorker] = []

    def start(self, name: str, **env: str) -> CeleryWorker:
        worker = CeleryWorker(
            queue=self.env["CONNECT_TEST_QUEUE"],
            env={**self.env, **env},
            log_path=self.logs / f"{name}.log",
        )
        self.started.append(worker)
        return worker.start()

    def logs_text(self) -> str:
        return "\n".join(f"--- {w.log_path.name}\n{w.log()[-3000:]}" for w in self.started)

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()


@pytest.fixture(scope="module")
def broker() -> str:
    from portal.celery import app as celery_app

    url = celery_app.conf.broker_url
    if not url.startswith("redis://"):
        pytest.fail(f"the fault tests need CELERY_BROKER_URL on redis://, not {url!r}")
    return url


@pytest.fixture(scope="module")
def workers(restorable_db, broker, smtp_server, tmp_path_factory):
    """Workers consuming a queue of this module; the test process publishes to it too."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail("the fault tests need DATABASE_URL on PostgreSQL (the workers share it)")
    queue = f"connect-it-faults-{uuid.uuid4().hex[:10]}"
    env = worker_env(
        queue=queue,
        broker=broker,
        email_url=smtp_server.url,
        settings_module="tests.integration.fault_worker_settings",
    )
    pool = Workers(env=env, logs=tmp_path_factory.mktemp("fault-workers"))
    with publishing_to(queue):
        try:
            yield pool
        finally:
            pool.stop_all()


def _burst(prefix: str, count: int) -> None:
    """Write `count` emails at once: one delivery batch task, published after the commit."""
    outbox_enqueue_many(
        OutboxDraft(
            to_email=f"{prefix}{n}@example.test",
            template="rendered",
            language="en",
            idempotency_key=f"fault:{prefix}:{n}",
            context=CONTEXT,
        )
        for n in range(count)
    )


def _rows(prefix: str):
    return OutboxMessage.objects.filter(idempotency_key__startswith=f"fault:{prefix}:")


def _states(prefix: str) -> dict[str, int]:
    return dict(_rows(prefix).values_list("state").annotate(n=Count("id")).order_by())


def _received(server: SmtpServer, prefix: str) -> Counter:
    """Count the emails the SMTP server took, per outbox id."""
    return Counter(
        message["X-Connect-Outbox-Id"]
        for message in server.sink.messages()
        if message["X-Envelope-To"].startswith(prefix)
    )


def _assert_each_delivered_once(server: SmtpServer, prefix: str, count: int) -> None:
    received = _received(server, prefix)
    ids = {str(pk) for pk in _rows(prefix).values_list("pk", flat=True)}
    assert set(received) == ids and len(ids) == count
    assert [pk for pk, n in received.items() if n > 1] == []
    assert _states(prefix) == {State.SENT: count}


def test_a_worker_killed_mid_batch_has_every_message_sent_once_by_the_next(workers, smtp_server):
    started = time.monotonic()
    first = workers.start("killed")
    # The 150th email is on the wire, not yet taken, when the worker dies.
    smtp_server.sink.hold(at=150)
    _burst("kill", 400)
    wait_for(smtp_server.sink.holding.is_set, timeout=60, what=f"150 emails\n{first.log()}")

    first.kill()
    smtp_server.sink.release()

    assert _states("kill") == {State.SENT: 149, State.SENDING: 1, State.PENDING: 250}
    second = workers.start("after-kill")
    # The killed worker's batch was never acknowledged: the broker hands it out again once its
    # visibility timeout has passed; the message left "sending" stays claimed meanwhile.
    wait_for(
        lambda: _states("kill") == {State.SENT: 399, State.SENDING: 1},
        timeout=60,
        what=f"the batch redelivered\n{second.log()}",
    )
    # As if STALE_CLAIM had passed: the next flush takes the dead worker's claim back.
    _rows("kill").filter(state=State.SENDING).update(claimed_at=F("claimed_at") - STALE_CLAIM)
    outbox_flush.delay()
    wait_for(
        lambda: _states("kill") == {State.SENT: 400},
        timeout=30,
        what=f"the stale claim sent\n{second.log()}",
    )
    _assert_each_delivered_once(smtp_server, "kill", 400)
    assert time.monotonic() - started < 90
    second.stop()


def test_an_smtp_server_gone_mid_burst_gets_every_message_once_when_back(workers, smtp_server):
    worker = workers.start("smtp-down")
    smtp_server.sink.hold(at=60)
    _burst("smtpdown", 200)
    wait_for(smtp_server.sink.holding.is_set, timeout=60, what=f"60 emails\n{worker.log()}")

    # Mid-session: the 60th email is cut off before the server takes it.
    smtp_server.stop()
    smtp_server.sink.release()
    # The rest fail at once (connection refused) and wait for their backoff, nothing is lost.
    wait_for(
        lambda: _states("smtpdown") == {State.SENT: 59, State.FAILED: 141},
        timeout=60,
        what=f"the failures recorded\n{worker.log()}",
    )
    assert _rows("smtpdown").filter(next_attempt_at__gt=timezone.now()).count() == 141

    smtp_server.start()  # the same port
    # As if the backoff (one minute) had passed: the minutely flush sends them again.
    _rows("smtpdown").filter(state=State.FAILED).update(next_attempt_at=timezone.now())
    outbox_flush.delay()
    wait_for(
        lambda: _states("smtpdown") == {State.SENT: 200},
        timeout=60,
        what=f"the retries sent\n{worker.log()}",
    )
    _assert_each_delivered_once(smtp_server, "smtpdown", 200)
    assert _rows("smtpdown").filter(attempts=2).count() == 141
    worker.stop()


# --- The broker down while people file cases ------------------------------------------------


def _use_broker(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the test process's Celery app at another broker from its next publish on."""
    from portal.celery import app as celery_app

    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setattr(celery_app.conf, "broker_url", url)
    # What Celery itself does after a fork: the next publish builds a pool on the new URL.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_proxy(broker, monkeypatch):
    """The broker behind a relay the test can cut, used by the test process and its worker."""
    target = urlsplit(broker)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379).start()
    url = f"redis://{proxy.url}{target.path or '/0'}"
    _use_broker(url, monkeypatch)
    yield proxy, url
    proxy.stop()
    _use_broker(broker, monkeypatch)


@pytest.fixture
def hung_broker():
    """A port that takes TCP connections and never answers, as a hung broker or a bad route."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    listener.close()


def _new_case_form(site, release) -> dict:
    return {
        "site": site.code,
        "release": release.pk,
        "topic": "support",
        "proposed_priority": "P2",
        "title": "Toolpath preview freezes",
        "description": "The preview freezes on large parts.",
        "environment": "Windows 11, 32 GB",
        "steps": "Open part 42, press preview.",
        "business_impact": "Two programmers blocked.",
    }


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.mark.parametrize("outage", ["refused", "hung"])
def test_a_case_filed_with_the_broker_down_is_saved_and_its_email_sent_later(
    outage,
    workers,
    smtp_server,
    broker_proxy,
    hung_broker,
    monkeypatch,
    caplog,
    acme_agent,
    acme_site,
    acme_contract,
    releases,
):
    proxy, url = broker_proxy
    worker = workers.start(f"broker-{outage}", CELERY_BROKER_URL=url)
    portal = Client()
    portal.force_login(acme_agent)
    api = APIClient()
    api.force_authenticate(acme_agent)
    form = _new_case_form(acme_site, releases["2027"])
    # One case filed with the broker up: what is timed below is a filing, not a first request.
    assert portal.post("/cases/new/", {**form, "title": "Warm-up"}).status_code == 302
    outage_from = timezone.now()
    if outage == "refused":
        proxy.stop()  # the worker loses the broker too, and keeps trying
    else:
        _use_broker(hung_broker, monkeypatch)

    page, page_time = _timed(lambda: portal.post("/cases/new/", form))
    created, api_time = _timed(
        lambda: api.post("/api/v1/cases/", {**form, "title": "Filed by API"}, format="json")
    )

    assert page.status_code == 302, page.context["form"].errors if page.context else page
    assert created.status_code == 201, created.content[:2000]
    # Each request publishes once: 0.5 s at most for a broker that never answers.
    assert max(page_time, api_time) < 2, (page_time, api_time)
    assert Case.objects.filter(received_at__gte=outage_from).count() == 2
    emails = OutboxMessage.objects.filter(template="case_received", created_at__gte=outage_from)
    assert emails.count() == 2 and set(emails.values_list("state", flat=True)) == {State.PENDING}
    warnings = [r.getMessage() for r in caplog.records if r.name == "common.publishing"]
    assert len(warnings) == 2 and all("mail.outbox_deliver" in w for w in warnings), warnings

    # The broker is back: the worker reconnects by itself, and the minutely flush sends them.
    if outage == "refused":
        proxy.start()
    else:
        _use_broker(url, monkeypatch)
    outbox_flush.delay()
    wait_for(
        lambda: set(emails.values_list("state", flat=True)) == {State.SENT},
        timeout=60,
        what=f"the flush after the outage\n{worker.log()}",
    )
    received = _received(smtp_server, "")
    assert [received[str(pk)] for pk in emails.values_list("pk", flat=True)] == [1, 1]
    worker.stop()
