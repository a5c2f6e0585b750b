"""The queue's stored fields: kept by every service and by the sweep, filled for old rows."""

from __future__ import annotations

import pytest
import time_machine
from django.apps import apps

from cases.models import Case
from cases.services import case_assign, case_comment, case_request_information, case_triage
from tests.cases.sweep_fixtures import (  # noqa: F401 (fixtures are found by name)
    chicago,
    fixture_fresh_engines,
    fixture_open_sweep_case,
    fixture_sweep_world,
    sweep_at,
)

pytestmark = pytest.mark.django_db

RECEIVED = chicago(3, 9)
WARN_AT = chicago(3, 10, 53)
DUE_AT = chicago(3, 11, 30)


@pytest.fixture
def p1_case(open_sweep_case, staff_supervisor):
    return open_sweep_case(RECEIVED)


def _fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_a_new_case_is_due_at_its_response_target_and_active_when_received(p1_case):
    case = _fresh(p1_case)

    assert case.queue_due_at == case.response_due_at == DUE_AT
    assert case.last_activity_at == RECEIVED
    assert (case.response_warned, case.resolution_warned) == (False, False)


def test_the_sweeps_warning_is_stored_and_is_no_activity(p1_case):
    sweep_at(WARN_AT)

    case = _fresh(p1_case)
    assert (case.response_warned, case.resolution_warned) == (True, False)
    assert case.last_activity_at == RECEIVED


def test_a_breached_clock_keeps_its_past_due_instant_so_it_sorts_first(p1_case):
    sweep_at(chicago(3, 12))

    case = _fresh(p1_case)
    assert case.response_state == "breached"
    assert case.queue_due_at == DUE_AT


def test_after_the_response_the_next_due_is_the_resolution_target(p1_case, staff_agent):
    at = chicago(3, 9, 30)
    with time_machine.travel(at, tick=False):
        case_triage(case=p1_case, by=staff_agent, priority="P1")
        case_comment(case=p1_case, by=staff_agent, body="Looking into it.", public=True)

    case = _fresh(p1_case)
    assert case.response_state == "met"
    assert case.resolution_state == "running"
    assert case.queue_due_at == case.resolution_due_at
    assert case.last_activity_at == at


def test_a_case_waiting_on_the_customer_owes_support_nothing_timed(p1_case, staff_agent):
    with time_machine.travel(chicago(3, 9, 30), tick=False):
        case_triage(case=p1_case, by=staff_agent, priority="P1")
        case_request_information(case=p1_case, by=staff_agent, body="Send the post-processor.")

    case = _fresh(p1_case)
    assert case.resolution_state == "paused"
    assert case.queue_due_at is None


def test_assigning_is_activity(p1_case, staff_agent, staff_supervisor):
    at = chicago(3, 9, 10)
    with time_machine.travel(at, tick=False):
        case_assign(case=p1_case, by=staff_supervisor, assignee=staff_agent)

    assert _fresh(p1_case).last_activity_at == at


def test_the_migration_fills_old_rows_as_the_recompute_would(p1_case):
    sweep_at(WARN_AT)
    expected = _fresh(p1_case)
    Case.objects.update(
        queue_due_at=None, response_warned=False, resolution_warned=False, last_activity_at=None
    )
    fill = __import__("cases.migrations.0004_queue_fields_fill", fromlist=["fill"]).fill

    fill(apps, None)

    case = _fresh(p1_case)
    assert case.queue_due_at == expected.queue_due_at == DUE_AT
    assert (case.response_warned, case.last_activity_at) == (True, RECEIVED)
