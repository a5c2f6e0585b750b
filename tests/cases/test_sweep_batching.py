"""The sweep writes each claimed group at once: one delivery task, failures isolated per case."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import CaseEvent, EventKind
from cases.services import sweep as sweep_module
from mail.models import OutboxMessage
from tests.cases.sweep_fixtures import (  # noqa: F401 (fixtures are found by name)
    chicago,
    fixture_fresh_engines,
    fixture_open_sweep_case,
    fixture_sweep_world,
    sweep_at,
)

# P1 cases received Tuesday 09:00 in Chicago are due at 11:30, while support is open.
DUE_AT = chicago(3, 11, 30)


def _breaches(case) -> int:
    return CaseEvent.objects.filter(case=case, kind=EventKind.SLA_BREACH).count()


def _emails(case) -> int:
    return OutboxMessage.objects.filter(idempotency_key__startswith=f"sla:{case.pk}:").count()


def test_a_group_queues_one_delivery_task_for_all_its_emails(
    open_sweep_case, staff_supervisor, django_capture_on_commit_callbacks
):
    cases = [open_sweep_case(chicago(3, 9), title=f"Due {n}") for n in range(3)]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sweep_at(DUE_AT).breaches == 3

    # The group's emails in one task; the supervisor's three alerts as one digest (issue 12).
    assert len(callbacks) == 2
    assert all(_emails(case) >= 2 for case in cases), "the supervisor and the customer"
    states = set(OutboxMessage.objects.filter(template__startswith="sla_").values_list("state"))
    assert states == {(OutboxMessage.State.SENT,), (OutboxMessage.State.BUNDLED,)}


def test_the_queries_of_a_group_do_not_grow_with_the_cases_due_in_it(
    open_sweep_case, staff_supervisor
):
    # Two at least, so both sweeps bundle the supervisor's alerts into a digest.
    open_sweep_case(chicago(3, 9))
    open_sweep_case(chicago(3, 9))
    with CaptureQueriesContext(connection) as one_due:
        assert sweep_at(DUE_AT).breaches == 2

    for n in range(4):
        open_sweep_case(chicago(3, 9, 30), title=f"Due at noon {n}")
    with CaptureQueriesContext(connection) as four_due:
        assert sweep_at(chicago(3, 12)).breaches == 4

    assert len(four_due) == len(one_due)


def test_a_case_that_fails_after_drafting_leaves_no_event_and_no_email(
    open_sweep_case, staff_supervisor, monkeypatch, caplog
):
    broken, fine = open_sweep_case(chicago(3, 9)), open_sweep_case(chicago(3, 9))
    real = sweep_module.case_clocks_recompute

    def failing(case, **kwargs):
        if case.pk == broken.pk:  # after its breach event and emails were drafted
            raise RuntimeError("clock columns unwritable")
        return real(case, **kwargs)

    monkeypatch.setattr(sweep_module, "case_clocks_recompute", failing)
    assert sweep_at(DUE_AT).breaches == 1

    assert f"case {broken.pk} failed" in caplog.text
    assert (_breaches(broken), _emails(broken)) == (0, 0)
    assert _breaches(fine) == 1
    assert _emails(fine) >= 2
    broken.refresh_from_db()
    assert broken.sla_next_due_at == DUE_AT, "its claim is given back"

    monkeypatch.setattr(sweep_module, "case_clocks_recompute", real)
    assert sweep_at(DUE_AT).breaches == 1
    assert _breaches(broken) == 1
    assert _emails(broken) == _emails(fine)


def test_when_a_groups_writes_fail_its_cases_are_redone_one_by_one(
    open_sweep_case, staff_supervisor, monkeypatch, caplog
):
    broken, fine = open_sweep_case(chicago(3, 9)), open_sweep_case(chicago(3, 9))
    real = sweep_module.outbox_enqueue_many

    def refusing(drafts):
        drafts = list(drafts)
        if any(d.idempotency_key.startswith(f"sla:{broken.pk}:") for d in drafts):
            raise ValueError("an email the outbox refuses")
        return real(drafts)

    monkeypatch.setattr(sweep_module, "outbox_enqueue_many", refusing)
    assert sweep_at(DUE_AT).breaches == 1

    assert "writing 2 cases failed" in caplog.text
    assert f"case {broken.pk} failed" in caplog.text
    assert (_breaches(broken), _emails(broken)) == (0, 0)
    assert _breaches(fine) == 1
    assert _emails(fine) >= 2
    broken.refresh_from_db()
    assert broken.sla_next_due_at == DUE_AT, "its claim is given back"

    monkeypatch.setattr(sweep_module, "outbox_enqueue_many", real)
    assert sweep_at(DUE_AT).breaches == 1
    assert _breaches(broken) == 1
