"""The sweep's cost follows the cases due, never the open cases; concurrent sweeps raise once."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseEvent, EventKind
from cases.services import sweep as sweep_module
from cases.services.sweep import SweepResult
from mail.models import OutboxMessage
from tests.cases.sweep_fixtures import (  # noqa: F401 (fixtures are found by name)
    chicago,
    fixture_fresh_engines,
    fixture_open_sweep_case,
    fixture_sweep_world,
    sweep_at,
)

# P1 cases received Tuesday 09:00 are due at 11:30; ones received at 11:00 are not due at 11:30.
DUE_AT = chicago(3, 11, 30)


def _open_many(open_sweep_case, count: int) -> None:
    for n in range(count):
        open_sweep_case(chicago(3, 11), title=f"Not due yet {n}")


def _queries_of_sweep(at) -> int:
    with CaptureQueriesContext(connection) as queries:
        sweep_at(at)
    return len(queries)


def test_nothing_due_costs_three_queries_whatever_the_number_of_open_cases(
    open_sweep_case, staff_supervisor, django_assert_num_queries
):
    _open_many(open_sweep_case, 5)
    with django_assert_num_queries(3):  # one indexed range query per due column
        assert sweep_at(DUE_AT) == SweepResult(0, 0, 0)

    _open_many(open_sweep_case, 45)
    assert Case.objects.open().count() == 50
    with django_assert_num_queries(3):
        assert sweep_at(DUE_AT) == SweepResult(0, 0, 0)


def test_the_query_count_with_one_case_due_does_not_grow_with_open_cases(
    open_sweep_case, staff_supervisor
):
    open_sweep_case(chicago(3, 9))
    _open_many(open_sweep_case, 5)
    with_five = _queries_of_sweep(DUE_AT)

    open_sweep_case(chicago(3, 9), title="Another one due")
    _open_many(open_sweep_case, 45)
    with_fifty = _queries_of_sweep(DUE_AT)

    assert Case.objects.open().count() == 52
    assert with_five == with_fifty


def test_a_case_that_fails_is_left_for_the_next_sweep_and_the_others_go_on(
    open_sweep_case, staff_supervisor, monkeypatch, caplog
):
    broken, fine = open_sweep_case(chicago(3, 9)), open_sweep_case(chicago(3, 9))
    real = sweep_module.case_clocks

    def failing(case, **kwargs):
        if case.pk == broken.pk:
            raise RuntimeError("calendar unreadable")
        return real(case, **kwargs)

    monkeypatch.setattr(sweep_module, "case_clocks", failing)
    assert sweep_at(DUE_AT).breaches == 1
    assert f"case {broken.pk} failed" in caplog.text
    broken.refresh_from_db()
    assert broken.sla_next_due_at == DUE_AT  # the claim was rolled back with the rest
    assert not CaseEvent.objects.filter(case=broken, kind=EventKind.SLA_BREACH).exists()

    monkeypatch.setattr(sweep_module, "case_clocks", real)
    assert sweep_at(DUE_AT).breaches == 1
    assert CaseEvent.objects.filter(kind=EventKind.SLA_BREACH).count() == 2
    assert fine.pk != broken.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sweeps_on_postgresql_raise_one_breach_and_send_one_email(
    open_sweep_case, staff_agent, staff_supervisor, acme_admin
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    from cases.services import case_assign

    case = open_sweep_case(chicago(3, 9))
    case_assign(case=case, by=staff_supervisor, assignee=staff_agent, at=chicago(3, 9, 5))
    mail.outbox = []
    results = _race(sweep_module.sla_sweep, now=DUE_AT, workers=4)

    assert sum(result.breaches for result in results) == 1
    assert CaseEvent.objects.filter(case=case, kind=EventKind.SLA_BREACH).count() == 1
    for user in (staff_agent, staff_supervisor):
        assert OutboxMessage.objects.filter(template="sla_breach", to_email=user.email).count() == 1
    sent = sorted(message.to[0] for message in mail.outbox if "SLA breach" in message.subject)
    assert sent == sorted([staff_agent.email, staff_supervisor.email])


def _race(sweep, *, now, workers: int) -> list[SweepResult]:
    """Start `workers` sweeps at the same instant, each on its own connection."""
    start = threading.Barrier(workers)
    results: list[SweepResult] = []
    errors: list[BaseException] = []

    def worker() -> None:
        from django.db import connection as thread_connection

        try:
            start.wait(timeout=10)
            results.append(sweep(now=now))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return results
