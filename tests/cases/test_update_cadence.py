"""When the next status update to the customer is due (SLP-11): the row's next_update_due_at.

Default cadences (sla migration 0002): P1 every 120 support minutes, P2 every 480.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from cases import services
from cases.models import CaseEvent, EventKind
from cases.services import case_clocks_recompute

CHICAGO = ZoneInfo("America/Chicago")


def chicago(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=CHICAGO).astimezone(UTC)


@pytest.fixture
def at(time_machine):
    def _at(day: int, hour: int, minute: int = 0) -> datetime:
        instant = chicago(day, hour, minute)
        time_machine.move_to(instant, tick=False)
        return instant

    return _at


def test_no_update_is_owed_before_the_response(case_in):
    assert case_in("in_progress").next_update_due_at is None


def test_the_next_update_is_due_a_cadence_after_the_last_public_staff_message(
    case_in, at, staff_agent
):
    case = case_in("in_progress")  # P2
    at(2, 10)
    case = services.case_comment(case=case, by=staff_agent, body="Reproduced it.")
    assert case.next_update_due_at == chicago(3, 9)  # 420 on Monday, 60 on Tuesday

    at(3, 8, 30)
    case = services.case_comment(case=case, by=staff_agent, body="Fix under test.")

    assert case.next_update_due_at == chicago(3, 16, 30)


def test_internal_notes_and_customer_comments_are_not_updates(case_in, at, staff_agent, acme_agent):
    case = case_in("in_progress")
    at(2, 10)
    case = services.case_comment(case=case, by=staff_agent, body="Reproduced it.")
    at(2, 11)
    services.case_comment(case=case, by=staff_agent, body="Ask dev team.", public=False)
    case = services.case_comment(case=case, by=acme_agent, body="Thanks!")

    assert case.next_update_due_at == chicago(3, 9)


def test_no_update_is_owed_while_waiting_on_the_customer_or_once_resolved(case_in, at, staff_agent):
    case = case_in("waiting_on_customer")
    assert case.next_update_due_at is None

    resolved = case_in("resolved")
    assert resolved.next_update_due_at is None


def test_each_reminder_pushes_the_next_update_one_cadence_on(case_in, at, staff_agent):
    case = case_in("in_progress")
    services.case_triage(case=case, by=staff_agent, priority="P1")
    at(2, 10)
    case = services.case_comment(case=case, by=staff_agent, body="Looking.")
    assert case.next_update_due_at == chicago(2, 12)

    # What the sweep writes when an update is overdue (issue 5, sweep).
    CaseEvent.objects.create(
        case=case, kind=EventKind.UPDATE_REMINDER, at=at(2, 12), public=False, data={}
    )
    case_clocks_recompute(case)

    case.refresh_from_db()
    assert case.next_update_due_at == chicago(2, 14)


def test_the_cadence_restarts_when_the_customer_answers(case_in, at, staff_agent, acme_agent):
    # Nothing was owed while the customer held the case (issue 12, found by bench/simulate.py).
    case = case_in("waiting_on_customer")  # P2, information asked on Monday
    at(3, 22, 49)
    case = services.case_provide_information(case=case, by=acme_agent, body="Log attached.")

    # 480 support minutes from the answer: Wednesday opens at 08:00, so 16:00.
    assert case.next_update_due_at == chicago(4, 16)
