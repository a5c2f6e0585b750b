"""PostgreSQL restarted during the SLA sweep: no breach raised twice, no alert sent twice (issue 13).

A real worker sweeps hundreds of cases past both targets; PostgreSQL is stopped under it
mid-sweep and started again, and the sweep that beat would send a minute later finishes the
work through the same worker. Each case then has one breach per clock (SLP-12), each person
one alert per breach, and the SMTP server took each email once.

The restart cuts every PostgreSQL connection on the machine, a whole test run's included:
this module runs alone (marker pg_restart, CONNECT_PG_RESTART=1), in its own step of .ci/run.
"""

from __future__ import annotations

import ast
import copy
import os
import re
import subprocess
import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.db import connections
from django.db.models import CharField, Count, Q, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone
from harness import CeleryWorker, SmtpServer, publishing_to, wait_for, worker_env

from cases.models import Case, CaseEvent, EventKind
from cases.services.sweep import CLAIM_GROUP, sla_sweep_task
from mail.models import OutboxMessage
from mail.services.outbox import outbox_flush
from tests.cases.sweep_fixtures import (  # noqa: F401 (fixtures are found by name)
    fixture_fresh_engines,
    fixture_open_sweep_case,
    fixture_sweep_world,
)

pytestmark = [
    pytest.mark.pg_restart,
    pytest.mark.celery_worker,
    pytest.mark.smtp,
    pytest.mark.fault,
    pytest.mark.skipif(
        os.environ.get("CONNECT_PG_RESTART") != "1",
        reason="restarts PostgreSQL, cutting every connection on the machine: "
        "run alone with CONNECT_PG_RESTART=1 (see .ci/run)",
    ),
    # The worker needs committed rows; the serialized rollback brings the migrations' rows
    # (staff groups, calendars, the policy) back after the test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Sweeping them takes about 3 s in the worker (0.7 s to start, 5 ms a case): time to cut it
# after its first group. Each breach also emails the customer, 35 ms a delivery while their
# calendar is open: 1,000 deliveries before the next sweep's turn.
CASES = 500
CLOCKS = {"response", "resolution"}
State = OutboxMessage.State


@pytest.fixture(scope="module")
def worker(django_db_setup, smtp_server, tmp_path_factory):
    """One real worker on the test database and SMTP server, consuming a queue of this module."""
    from django.db import connection

    from portal.celery import app as celery_app

    if connection.vendor != "postgresql":
        pytest.fail("the restart test needs DATABASE_URL on PostgreSQL (the worker shares it)")
    broker = celery_app.conf.broker_url
    if not broker.startswith("redis://"):
        pytest.fail(f"the restart test needs CELERY_BROKER_URL on redis://, not {broker!r}")
    queue = f"connect-it-pg-restart-{uuid.uuid4().hex[:10]}"
    env = worker_env(
        queue=queue,
        broker=broker,
        email_url=smtp_server.url,
        settings_module="tests.integration.notice_worker_settings",
    )
    log = tmp_path_factory.mktemp("pg-restart") / "worker.log"
    process = CeleryWorker(queue=queue, env=env, log_path=log)
    with publishing_to(queue):
        try:
            yield process.start()
        finally:
            process.stop()


def _seed_breached_cases(open_sweep_case, supervisor, count: int) -> None:
    """Open and triage one P1 case two weeks ago, then copy its rows `count - 1` times.

    Both its targets (150 and 480 support minutes; the resolution clock runs once the
    priority is set) are long past: the sweep raises two breaches for each case. Intake
    costs 50 ms a case; the copies, rows as the services wrote them with a number each, cost
    a few queries for all.
    """
    from cases.services import case_triage

    received = timezone.now().replace(microsecond=0) - timedelta(days=14)
    first = open_sweep_case(received)
    with time_machine.travel(received, tick=False):
        first = case_triage(case=first, by=supervisor, priority="P1")
    timeline = list(first.events.order_by("at", "pk"))
    copies = [_copy(first, number=None) for _ in range(count - 1)]
    Case.objects.bulk_create(copies)
    Case.objects.filter(number__isnull=True).update(
        number=Concat(Value("C-"), LPad(Cast("pk", CharField()), 6, Value("0")))
    )
    CaseEvent.objects.bulk_create(_copy(e, case=case) for case in copies for e in timeline)
    due = Case.objects.filter(sla_next_due_at__lte=timezone.now(), resolution_state="running")
    assert due.count() == count


def _copy(row, **changes):
    """Return an unsaved copy of a model instance, with `changes`."""
    clone = copy.copy(row)
    clone._state = copy.copy(row._state)
    clone._state.adding = True
    clone.pk = None
    for name, value in changes.items():
        setattr(clone, name, value)
    return clone


def _sweep() -> str:
    """Send the sweep as beat does; return its task id."""
    return sla_sweep_task.delay().id


def _outcome(worker: CeleryWorker, task_id: str, *, timeout: float = 60) -> dict | str:
    """Wait for the worker to finish the task: its result, or the error it raised."""
    pattern = re.compile(
        rf"Task cases\.sla_sweep\[{task_id}\] "
        r"(?:succeeded in [\d.]+s: (?P<result>\{.*\})|raised unexpected: (?P<error>.*))"
    )
    found: list[re.Match] = []

    def finished() -> bool:
        found[:] = [m for m in [pattern.search(worker.log())] if m]
        return bool(found)

    wait_for(finished, timeout=timeout, what=f"sweep {task_id}\n{worker.log()[-3000:]}")
    [match] = found
    return ast.literal_eval(match["result"]) if match["result"] else match["error"]


def _breaches() -> int:
    return CaseEvent.objects.filter(kind=EventKind.SLA_BREACH).count()


def _pg_ctlcluster(action: str) -> None:
    """Stop or start the machine's PostgreSQL cluster as its administrator does (root)."""
    [version] = sorted(os.listdir("/etc/postgresql"))
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]
    subprocess.run(command, check=True, timeout=60, capture_output=True)


def _pg_ready() -> bool:
    probe = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]
    return subprocess.run(probe, check=False, timeout=10).returncode == 0


def _received(server: SmtpServer) -> Counter:
    return Counter(message["X-Connect-Outbox-Id"] for message in server.sink.messages())


def _delivered(since) -> bool:
    """Tell whether every email is sent or bundled, but those held past `since` (customers')."""
    waiting = OutboxMessage.objects.exclude(state__in=[State.SENT, State.BUNDLED])
    return not waiting.exclude(state=State.PENDING, next_attempt_at__gt=since).exists()


def test_a_sweep_cut_by_a_postgresql_restart_raises_each_breach_once(
    worker, smtp_server, open_sweep_case, staff_supervisor, acme_admin
):
    started = time.monotonic()
    _seed_breached_cases(open_sweep_case, staff_supervisor, CASES)
    seeded = time.monotonic()

    first = _sweep()
    # A group (CLAIM_GROUP cases, two breaches each) has committed: the sweep is under way.
    wait_for(
        lambda: _breaches() >= 2 * CLAIM_GROUP,
        timeout=30,
        what=f"the sweep's first group\n{worker.log()[-3000:]}",
    )
    cut = time.monotonic()
    _pg_ctlcluster("stop")  # fast shutdown: every session is ended, open transactions undone
    time.sleep(1)  # the worker's next tasks find no server at all
    _pg_ctlcluster("start")
    wait_for(_pg_ready, timeout=60, what="PostgreSQL back")
    back = time.monotonic()
    # This process's connections died with the server; the next query opens a new one.
    connections.close_all()

    error = _outcome(worker, first)
    assert isinstance(error, str), f"the sweep finished before the restart: {error}"
    done = _breaches()
    assert 2 * CLAIM_GROUP <= done < 2 * CASES, f"{done} breaches: the sweep was not cut"

    # What beat does a minute later, through the same worker: sweep until nothing is due.
    results = [_outcome(worker, _sweep())]
    while results[-1] != {"warnings": 0, "breaches": 0, "reminders": 0} and len(results) < 4:
        results.append(_outcome(worker, _sweep()))
    assert results == [
        {"warnings": 0, "breaches": 2 * CASES - done, "reminders": 0},
        {"warnings": 0, "breaches": 0, "reminders": 0},
    ], worker.log()[-3000:]

    # One breach event per case and clock, none doubled.
    per_clock = Counter(
        CaseEvent.objects.filter(kind=EventKind.SLA_BREACH).values_list("case", "data__clock")
    )
    assert len(per_clock) == 2 * CASES and set(per_clock.values()) == {1}
    assert {clock for _case, clock in per_clock} == CLOCKS
    assert not Case.objects.filter(
        Q(sla_next_due_at__isnull=False)
        | ~Q(response_state="breached")
        | ~Q(resolution_state="breached")
    ).exists()
    # One alert per breach and person: the supervisor's, the customer admin's.
    alerts = OutboxMessage.objects.filter(template__in=["sla_breach", "sla_breach_customer"])
    keys = list(alerts.values_list("template", "recipient", "idempotency_key"))
    per_person = Counter((t, r, *k.split(":")[1:3]) for t, r, k in keys)
    assert set(per_person.values()) == {1}
    assert Counter((t, r) for t, r, *_ in per_person) == {
        ("sla_breach", staff_supervisor.pk): 2 * CASES,
        ("sla_breach_customer", acme_admin.pk): 2 * CASES,
    }

    # The worker, never restarted, delivers what the outage left: each email reaches the SMTP
    # server once; the supervisor's alerts in one digest, customers' as their calendar opens.
    flushed = timezone.now()
    outbox_flush.delay()
    wait_for(
        lambda: _delivered(flushed),
        timeout=60,
        what=f"the deliveries after the restart\n{worker.log()[-3000:]}",
    )
    assert worker.process.poll() is None, "the worker survived the restart"
    received = _received(smtp_server)
    sent = {
        str(pk)
        for pk in OutboxMessage.objects.filter(state=State.SENT).values_list("pk", flat=True)
    }
    assert set(received) == sent and set(received.values()) == {1}
    digests = OutboxMessage.objects.filter(template="sla_digest")
    assert digests.values_list("to_email", "context__count").get() == (
        staff_supervisor.email,
        2 * CASES,
    )
    assert (
        dict(alerts.values_list("state").annotate(n=Count("id")).order_by()).get(State.BUNDLED)
        == 2 * CASES
    )

    print(
        f"seed {seeded - started:.1f}s, cut after {cut - seeded:.1f}s at {done} breaches, "
        f"PostgreSQL back in {back - cut:.1f}s, total {time.monotonic() - started:.1f}s"
    )
    assert time.monotonic() - started < 90
