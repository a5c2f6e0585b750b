"""Every row of the DESIGN.md clock table, on real cases driven through the services (SLP-7..10, SLP-16).

Acme's site is in Chicago on the Worldwide calendar: 08:00-17:00 local, Monday to Friday, US
federal holidays. The case tests start on Monday 2 March 2026 at 08:00 CST (UTC-6); the US
moves to CDT (UTC-5) on Sunday 8 March.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.models import Case, CaseEvent, ClockState, EventKind
from cases.services import case_clocks, case_clocks_recompute
from sla.clocks import PauseReason, WithdrawnReason

CHICAGO = ZoneInfo("America/Chicago")


def chicago(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CHICAGO).astimezone(UTC)


@pytest.fixture
def at(time_machine):
    """Move the frozen clock to a Chicago wall time."""

    def _at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
        instant = chicago(month, day, hour, minute)
        time_machine.move_to(instant, tick=False)
        return instant

    return _at


# Response clock: starts when the case is received, never pauses, stops at the first public
# staff reply, withdrawn when out of scope.


def test_the_response_clock_starts_when_the_case_is_received(open_case):
    case = open_case(proposed_priority="P2")

    assert case.response_state == ClockState.RUNNING
    assert case.response_due_at == chicago(3, 2, 16)  # 480 support minutes from 08:00


def test_the_response_clock_skips_a_weekend_and_a_federal_holiday(open_case, at):
    at(5, 22, 15)  # Friday before Memorial Day (Monday 25 May 2026)

    case = open_case(proposed_priority="P2")

    # Friday 15:00-17:00 (120), Monday closed, Tuesday 08:00 + 360 minutes.
    assert case.response_due_at == chicago(5, 26, 14)
    clock = case_clocks(case, now=chicago(5, 26, 9)).response
    assert clock.used_minutes == 120 + 60
    assert [(d.date.isoformat(), d.closed_reason) for d in clock.explanation.closed_days] == [
        ("2026-05-23", "weekend"),
        ("2026-05-24", "weekend"),
        ("2026-05-25", "holiday: Memorial Day"),
    ]


def test_the_response_clock_crosses_the_change_to_summer_time_exactly(open_case, at):
    at(3, 6, 15)  # Friday, CST; Monday 9 March is CDT

    case = open_case(proposed_priority="P2")

    assert case.response_due_at == datetime(2026, 3, 9, 19, 0, tzinfo=UTC)  # 14:00 CDT


def test_the_response_clock_never_pauses_for_customer_comments_or_internal_notes(
    open_case, at, acme_agent, staff_agent
):
    case = open_case(proposed_priority="P2")
    at(3, 2, 9)
    services.case_comment(case=case, by=acme_agent, body="Any news?")
    at(3, 2, 10)
    services.case_comment(
        case=case, by=staff_agent, body="Looks like the 2026.1 bug.", public=False
    )

    clock = case_clocks(case, now=at(3, 2, 12)).response

    assert (clock.state, clock.used_minutes) == ("running", 240)
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.RESPONSE).exists()


def test_the_first_public_staff_reply_is_the_response(open_case, at, staff_agent):
    case = open_case(proposed_priority="P2")
    at(3, 2, 10)

    case = services.case_comment(case=case, by=staff_agent, body="We are looking into it.")
    at(3, 2, 11)
    case = services.case_comment(case=case, by=staff_agent, body="Found the cause.")

    assert case.response_state == ClockState.MET
    [response] = CaseEvent.objects.filter(case=case, kind=EventKind.RESPONSE)
    assert response.at == chicago(3, 2, 10)
    assert case_clocks(case, now=chicago(3, 2, 12)).response.stopped_at == chicago(3, 2, 10)


def test_a_late_first_reply_misses_the_response_target(open_case, at, staff_agent):
    case = open_case(proposed_priority="P1")  # due 10:30

    at(3, 2, 11)
    case = services.case_comment(case=case, by=staff_agent, body="Sorry for the wait.")

    assert case.response_state == ClockState.MISSED


def test_an_unanswered_case_past_its_due_instant_is_breached(open_case, at):
    case = open_case(proposed_priority="P1")

    at(3, 2, 10, 31)
    case_clocks_recompute(case)

    case.refresh_from_db()
    assert case.response_state == ClockState.BREACHED
    assert case.sla_next_due_at == chicago(3, 2, 10, 30)  # kept until the sweep raises it


def test_out_of_scope_withdraws_both_clocks(case_in, at, staff_agent):
    case = case_in("triaged")
    at(3, 2, 9)

    case = services.case_withdraw(
        case=case,
        by=staff_agent,
        exclusion="professional_services",
        explanation="A custom toolpath is development work.",
    )

    assert (case.response_state, case.resolution_state) == (ClockState.WITHDRAWN,) * 2
    assert (case.sla_next_due_at, case.sla_next_warn_at) == (None, None)
    clocks = case_clocks(case, now=chicago(3, 3, 9))
    assert {c.withdrawn_reason for c in clocks} == {WithdrawnReason.OUT_OF_SCOPE}
    assert clocks.resolution.withdrawn_detail == "professional_services"


# Resolution clock: starts when a priority is set and the information is in, pauses while
# waiting for the customer, stops at a resolution of kind (i), (ii) or (iii).


def test_the_resolution_clock_starts_when_support_sets_the_priority(open_case, at, staff_agent):
    case = open_case()
    assert case.resolution_state == ClockState.NOT_STARTED

    at(3, 2, 9)
    case = services.case_triage(case=case, by=staff_agent, priority="P2", category="problem")

    assert case.resolution_state == ClockState.RUNNING
    # 1440 minutes from Monday 09:00: Monday 480, Tuesday 540, Wednesday 420: 15:00.
    assert case.resolution_due_at == chicago(3, 4, 15)


def test_the_resolution_clock_waits_for_information_asked_before_the_priority(
    open_case, at, staff_agent, acme_agent
):
    case = open_case()
    at(3, 2, 8, 30)
    case = services.case_request_information(case=case, by=staff_agent, body="Which machine?")
    at(3, 2, 9)
    case = services.case_triage(case=case, by=staff_agent, priority="P2")
    assert (case.status, case.resolution_state) == ("waiting_on_customer", ClockState.NOT_STARTED)

    at(3, 3, 10)
    case = services.case_provide_information(case=case, by=acme_agent, body="Haas VF-2.")

    assert (case.status, case.resolution_state) == ("in_progress", ClockState.RUNNING)
    # From Tuesday 10:00: Tuesday 420, Wednesday 540, Thursday 480: 16:00.
    assert case.resolution_due_at == chicago(3, 5, 16)


def test_the_resolution_clock_pauses_while_waiting_on_the_customer(
    case_in, at, staff_agent, acme_agent
):
    case = case_in("in_progress")  # triaged Monday 08:00, P2
    at(3, 2, 12)
    case = services.case_request_information(case=case, by=staff_agent, body="Send the log.")
    assert (case.resolution_state, case.resolution_due_at) == (ClockState.PAUSED, None)

    at(3, 4, 12)
    case = services.case_provide_information(case=case, by=acme_agent, body="Log attached.")

    # 240 used before the pause; 1200 left from Wednesday 12:00: 300 + 540 + 360 = Friday 14:00.
    assert case.resolution_due_at == chicago(3, 6, 14)
    [pause] = case_clocks(case, now=chicago(3, 4, 13)).resolution.explanation.pauses
    assert (pause.reason, pause.minutes) == (PauseReason.WAITING_ON_CUSTOMER, 300 + 540 + 240)


@pytest.mark.parametrize(
    ("kind", "plan"),
    [("settled", ""), ("plan", "Fixed in 2026.3, due in April."), ("not_a_defect", "")],
)
def test_a_resolution_of_each_kind_stops_the_resolution_clock(case_in, at, staff_agent, kind, plan):
    case = case_in("in_progress")
    at(3, 2, 15)

    case = services.case_resolve(case=case, by=staff_agent, kind=kind, body="Done.", plan=plan)

    assert case.resolution_state == ClockState.MET
    clock = case_clocks(case, now=chicago(3, 9, 9)).resolution
    assert (clock.resolution_kind, clock.used_minutes, clock.stopped_at) == (
        kind,
        420,
        chicago(3, 2, 15),
    )
    assert case.sla_next_due_at is None


def test_an_open_case_past_its_resolution_due_instant_is_breached(case_in, at, staff_agent):
    case = case_in("in_progress")
    services.case_triage(case=case, by=staff_agent, priority="P1")  # due Monday 16:00

    at(3, 3, 9)
    case_clocks_recompute(case)

    case.refresh_from_db()
    assert case.resolution_state == ClockState.BREACHED


def test_a_priority_change_retargets_both_clocks_from_their_start(open_case, at, staff_agent):
    case = open_case(proposed_priority="P3")
    at(3, 2, 9)
    case = services.case_triage(case=case, by=staff_agent, priority="P1")
    assert (case.response_due_at, case.resolution_due_at) == (
        chicago(3, 2, 10, 30),
        chicago(3, 2, 17),
    )

    at(3, 2, 10)
    case = services.case_triage(case=case, by=staff_agent, priority="P2")

    assert case.response_due_at == chicago(3, 2, 16)  # 480 from receipt at 08:00
    assert case.resolution_due_at == chicago(3, 4, 15)  # 1440 from the start at 09:00
    assert list(
        CaseEvent.objects.filter(case=case, kind=EventKind.PRIORITY).values_list(
            "old_value", "new_value"
        )
    ) == [("", "P1"), ("P1", "P2")]


def test_reopening_resumes_the_resolution_clock_with_its_elapsed_time(
    case_in, at, staff_agent, acme_agent
):
    case = case_in("in_progress")  # P2, counting from Monday 08:00
    at(3, 2, 12)
    case = services.case_resolve(case=case, by=staff_agent, kind="settled", body="Patched.")

    at(3, 4, 8)
    case = services.case_reopen(case=case, by=acme_agent, reason="It stops again at line 200.")

    clock = case_clocks(case, now=chicago(3, 4, 9)).resolution
    assert (case.resolution_state, clock.used_minutes) == (ClockState.RUNNING, 240 + 60)
    assert case.resolution_due_at == chicago(3, 6, 10)  # 1200 left: 540 + 540 + 120
    assert [p.reason for p in clock.explanation.pauses] == [PauseReason.RESOLVED]


@pytest.mark.parametrize("kind", ["bug", "defect"])
def test_classifying_a_bug_or_defect_withdraws_the_resolution_target_visibly(
    case_in, at, staff_agent, kind
):
    case = case_in("in_progress")
    at(3, 2, 10)

    case = services.case_classify_defect(case=case, by=staff_agent, kind=kind, reference="BUG-4711")

    assert case.resolution_state == ClockState.WITHDRAWN
    assert case.response_state == ClockState.RUNNING  # SLP-7: the response target stays
    clock = case_clocks(case, now=chicago(3, 2, 11)).resolution
    assert (clock.withdrawn_reason, clock.withdrawn_detail) == (kind, "BUG-4711")
    event = CaseEvent.objects.get(case=case, kind=EventKind.CLASSIFICATION, new_value=kind)
    assert event.public and "SLP-7" in event.body and "BUG-4711" in event.body


def test_closing_a_resolved_case_keeps_the_recorded_outcome(case_in, at, acme_agent):
    case = case_in("resolved")

    at(3, 3, 9)
    case = services.case_close(case=case, by=acme_agent)

    assert (case.status, case.resolution_state) == ("closed", ClockState.MET)
    assert case.closed_at == chicago(3, 3, 9)


def test_recomputing_reads_the_timeline_in_one_query_however_long(case_in, acme_agent):
    short, long = case_in("in_progress"), case_in("in_progress")
    for n in range(20):
        services.case_comment(case=long, by=acme_agent, body=f"Note {n}")

    counts = []
    for pk in (short.pk, long.pk):
        case = Case.objects.select_related("policy_version", "site", "calendar").get(pk=pk)
        with CaptureQueriesContext(connection) as captured:
            case_clocks_recompute(case)
        assert len([q for q in captured if "cases_caseevent" in q["sql"]]) == 1
        counts.append(len(captured))

    assert counts[0] == counts[1] <= 3  # events, targets, the row's update
