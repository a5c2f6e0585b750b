"""Warnings wait for support hours; breaches do not, but the customer hears at the opening (SLP-6)."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from cases.models import CaseEvent, EventKind
from cases.services.sweep import SweepResult
from mail.models import OutboxMessage
from mail.services.outbox import outbox_due_ids
from tests.cases.sweep_fixtures import (  # noqa: F401 (fixtures are found by name)
    chicago,
    fixture_fresh_engines,
    fixture_open_sweep_case,
    fixture_sweep_world,
    sweep_at,
)


@pytest.fixture
def p2_case(open_sweep_case, staff_supervisor):
    """P2 received Tuesday 11:00 in Chicago: 480-minute response target, warning at 360 minutes.

    The warning falls due at 17:00, the very instant support closes; the response is due on
    Wednesday at 10:00 (360 minutes on Tuesday, 120 on Wednesday from 08:00).
    """
    return open_sweep_case(chicago(3, 11), priority="P2")


def test_a_warning_due_at_closing_waits_for_the_next_opening(p2_case):
    assert p2_case.sla_next_warn_at == chicago(3, 17)

    held = [sweep_at(chicago(3, 17)), sweep_at(chicago(3, 23, 30)), sweep_at(chicago(4, 7, 59))]

    assert all(result.warnings == 0 for result in held)
    assert not CaseEvent.objects.filter(case=p2_case, kind=EventKind.SLA_WARNING).exists()
    assert not OutboxMessage.objects.filter(template__startswith="sla_warning").exists()
    p2_case.refresh_from_db()
    assert p2_case.sla_next_warn_at == chicago(3, 17)  # left unclaimed for the next sweep

    assert sweep_at(chicago(4, 8)) == SweepResult(warnings=1, breaches=0, reminders=0)
    templates = OutboxMessage.objects.values_list("template", flat=True)
    assert sorted(t for t in templates if t.startswith("sla_")) == [
        "sla_warning",
        "sla_warning_customer",
    ]


def test_a_warning_missed_while_the_sweep_was_down_overnight_goes_out_at_the_opening(
    open_sweep_case, staff_supervisor
):
    # P2 received Tuesday 10:00: warning at 16:00, response due Wednesday 09:00.
    case = open_sweep_case(chicago(3, 10), priority="P2")

    assert sweep_at(chicago(3, 18)).warnings == 0
    assert sweep_at(chicago(4, 8, 1)).warnings == 1

    [warning] = CaseEvent.objects.filter(case=case, kind=EventKind.SLA_WARNING)
    assert warning.at == chicago(4, 8, 1)


@pytest.fixture
def due_at_closing(open_sweep_case, staff_supervisor):
    """P1 received Tuesday 14:30: its 150-minute response target falls due at 17:00."""
    return open_sweep_case(chicago(3, 14, 30))


def test_a_breach_at_closing_is_recorded_at_once_and_alerts_staff_at_once(
    due_at_closing, staff_supervisor
):
    assert sweep_at(chicago(3, 17)) == SweepResult(warnings=0, breaches=1, reminders=0)

    [alert] = OutboxMessage.objects.filter(template="sla_breach")
    assert alert.to_email == staff_supervisor.email
    assert alert.next_attempt_at is None
    assert alert.pk in _due_at(chicago(3, 17))


def test_the_customer_breach_notice_is_held_until_the_calendar_opens(due_at_closing, acme_admin):
    sweep_at(chicago(3, 17))

    [notice] = OutboxMessage.objects.filter(template="sla_breach_customer")
    assert notice.to_email == acme_admin.email
    assert notice.next_attempt_at == chicago(4, 8)
    assert notice.pk not in _due_at(chicago(4, 7, 59))
    assert notice.pk in _due_at(chicago(4, 8))


def _due_at(at):
    with time_machine.travel(at, tick=False):
        assert timezone.now() == at
        return outbox_due_ids()
