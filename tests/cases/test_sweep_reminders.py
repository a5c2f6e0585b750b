"""Status-update reminders: the assignee hears when an update to the customer is due (SLP-11)."""

from __future__ import annotations

import pytest
import time_machine

from cases.models import CaseEvent, EventKind
from cases.services import case_assign, case_comment, case_triage
from mail.models import OutboxMessage
from mail.services.outbox import outbox_render
from tests.cases.sweep_fixtures import (  # noqa: F401 (fixtures are found by name)
    chicago,
    fixture_fresh_engines,
    fixture_open_sweep_case,
    fixture_sweep_world,
    sweep_at,
)

# The P1 update cadence of the default policy is 120 support minutes.


def _answered(case, staff, *, at, assignee=None):
    """Triage as P1 (assigning when asked) and give the first response at `at`."""
    with time_machine.travel(at, tick=False):
        case = case_triage(case=case, by=staff, priority="P1", at=at)
        if assignee is not None:
            case = case_assign(case=case, by=staff, assignee=assignee, at=at)
        return case_comment(case=case, by=staff, body="We are on it.", at=at)


def _reminders(case):
    return list(CaseEvent.objects.filter(case=case, kind=EventKind.UPDATE_REMINDER))


@pytest.fixture
def answered(open_sweep_case, staff_agent, staff_supervisor):
    case = open_sweep_case(chicago(3, 9))
    return _answered(case, staff_supervisor, at=chicago(3, 9, 30), assignee=staff_agent)


def test_an_update_is_due_one_cadence_after_the_response(answered):
    answered.refresh_from_db()
    assert answered.next_update_due_at == chicago(3, 11, 30)


def test_the_assignee_is_reminded_when_the_update_falls_due_not_before(answered, staff_agent):
    assert sweep_at(chicago(3, 11, 29, 59)).reminders == 0

    assert sweep_at(chicago(3, 11, 30)).reminders == 1

    [reminder] = _reminders(answered)
    assert reminder.public is False
    assert reminder.data == {"clock": "update", "due_at": chicago(3, 11, 30).isoformat()}
    [email] = OutboxMessage.objects.filter(template="sla_update_reminder")
    assert email.to_email == staff_agent.email
    rendered = outbox_render(email)
    assert (
        rendered.subject
        == f"Status update due on {answered.number} since {email.context['due_display']}"
    )
    assert "(SLP-11)" in rendered.body


def test_a_reminder_is_raised_once_and_the_next_falls_one_cadence_later(answered):
    assert [sweep_at(chicago(3, 11, 30)).reminders for _ in range(2)] == [1, 0]

    answered.refresh_from_db()
    assert answered.next_update_due_at == chicago(3, 13, 30)
    assert OutboxMessage.objects.filter(template="sla_update_reminder").count() == 1


def test_a_public_reply_restarts_the_cadence(answered, staff_agent):
    sweep_at(chicago(3, 11, 30))
    with time_machine.travel(chicago(3, 12), tick=False):
        case_comment(case=answered, by=staff_agent, body="Still on it.")

    answered.refresh_from_db()
    assert answered.next_update_due_at == chicago(3, 14)
    assert sweep_at(chicago(3, 13, 30)).reminders == 0


def test_an_unassigned_case_reminds_the_supervisors(open_sweep_case, staff_supervisor):
    case = _answered(open_sweep_case(chicago(3, 9)), staff_supervisor, at=chicago(3, 9, 30))

    sweep_at(chicago(3, 11, 30))

    [email] = OutboxMessage.objects.filter(template="sla_update_reminder")
    assert email.to_email == staff_supervisor.email
    assert email.context["unassigned"] is True
    assert len(_reminders(case)) == 1


def test_a_reminder_due_at_closing_waits_for_the_opening_without_shifting_the_next(
    open_sweep_case, staff_agent, staff_supervisor
):
    case = open_sweep_case(chicago(3, 14, 55))
    case = _answered(case, staff_supervisor, at=chicago(3, 15), assignee=staff_agent)
    assert case.next_update_due_at == chicago(3, 17)

    assert sweep_at(chicago(3, 17)).reminders == 0
    assert sweep_at(chicago(4, 8)).reminders == 1

    case.refresh_from_db()
    # 120 support minutes after the held reminder's due instant: 2 hours into Wednesday.
    assert case.next_update_due_at == chicago(4, 10)


def test_after_three_days_of_downtime_the_case_gets_one_reminder_not_a_flood(answered):
    # Due Tuesday 11:30; nothing swept until Friday 10:00: fourteen cadence windows missed.
    assert [sweep_at(chicago(6, 10)).reminders for _ in range(3)] == [1, 0, 0]
    assert [sweep_at(chicago(6, 10, minute)).reminders for minute in (1, 2, 3)] == [0, 0, 0]

    answered.refresh_from_db()
    # The first grid point after Friday 10:00: 1,680 support minutes after Tuesday 9:30.
    assert answered.next_update_due_at == chicago(6, 10, 30)
    assert len(_reminders(answered)) == 1
    assert sweep_at(chicago(6, 10, 30)).reminders == 1


def test_two_sweeps_at_one_instant_change_nothing_the_second_time(answered):
    sweep_at(chicago(6, 10))
    answered.refresh_from_db()
    before = (
        answered.next_update_due_at,
        answered.sla_next_due_at,
        CaseEvent.objects.count(),
        OutboxMessage.objects.count(),
    )

    assert sweep_at(chicago(6, 10)) == (0, 0, 0)

    answered.refresh_from_db()
    after = (
        answered.next_update_due_at,
        answered.sla_next_due_at,
        CaseEvent.objects.count(),
        OutboxMessage.objects.count(),
    )
    assert after == before
