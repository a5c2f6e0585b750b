"""The staff queue of cases (issue 5, Deliver 7): columns, SLA badges, filters, search, actions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.models import CaseEvent, EventKind, Status
from cases.services import case_close, case_escalate, case_resolve, case_triage
from sla.services.calendars import support_calendar_cache_clear
from tests.cases.conftest import T0

pytestmark = pytest.mark.django_db

QUEUE = "/admin/cases/case/"


@pytest.fixture(autouse=True)
def _fresh_engines():
    support_calendar_cache_clear()
    yield
    support_calendar_cache_clear()


@pytest.fixture
def agent_client(staff_agent, staff_login):
    return staff_login(staff_agent)


@pytest.fixture
def globex_case(globex, globex_site, globex_contract, globex_agent, release_2026):
    from cases.services import case_open

    return case_open(
        reporter=globex_agent,
        organization=globex,
        site=globex_site,
        release=release_2026,
        title="Simulation shows false holder collisions",
        description="Machine simulation reports collisions with the BT40 holder.",
        proposed_priority="P3",
        channel="portal",
    )


def _numbers(response) -> set[str]:
    return {case.number for case in response.context["cl"].result_list}


def test_the_queue_shows_each_case_with_its_columns(agent_client, open_case, staff_agent):
    case = open_case()

    response = agent_client.get(QUEUE)

    assert response.status_code == 200
    page = response.content.decode()
    for text in (case.number, case.title, "Acme", "ACME-CHI", "(P2 proposed)", "New"):
        assert text in page


def test_the_response_badge_counts_support_time_left(agent_client, open_case, time_machine):
    # P2: 480 support minutes to respond (SLP-5), from Monday 08:00 in Chicago.
    open_case()
    time_machine.move_to(T0 + timedelta(hours=1, minutes=15), tick=False)

    page = agent_client.get(QUEUE).content.decode()

    assert "6 h 45 min left" in page
    assert "not started" in page  # no priority set yet: the resolution clock waits (SLP-8)


def test_the_badge_says_how_long_ago_a_clock_breached_in_support_time(
    agent_client, open_case, time_machine
):
    # Due Monday 16:00 in Chicago; Tuesday 09:00 is two support hours later (the night is closed).
    open_case()
    time_machine.move_to(T0 + timedelta(days=1, hours=1), tick=False)

    page = agent_client.get(QUEUE).content.decode()

    assert "breached 2 h ago" in page
    assert "sla-late" in page


def test_stopped_clocks_show_met_and_withdrawn(agent_client, case_in):
    case_in(Status.RESOLVED)
    case_in(Status.WITHDRAWN)

    page = agent_client.get(QUEUE).content.decode()

    assert ">met<" in page
    assert ">withdrawn<" in page


def test_the_queue_costs_the_same_queries_for_5_and_25_cases(
    agent_client, open_case, globex_case, django_assert_num_queries
):
    for index in range(4):
        open_case(title=f"Toolpath case {index}")
    agent_client.get(QUEUE)  # builds each calendar's engine once (cached by its updated_at)
    # Session, user, MFA, permissions (2), the assignee and organisation filters' choices,
    # counts (2), the admin sidebar's role checks (2) and one query for the whole page.

    with django_assert_num_queries(12):
        assert len(agent_client.get(QUEUE).context["cl"].result_list) == 5
    for index in range(20):
        open_case(title=f"More toolpath case {index}")
    with django_assert_num_queries(12):
        assert len(agent_client.get(QUEUE).context["cl"].result_list) == 25


def test_it_filters_by_priority_and_status(agent_client, open_case, staff_agent):
    urgent = case_triage(case=open_case(), by=staff_agent, priority="P1")
    untouched = open_case()

    assert _numbers(agent_client.get(QUEUE, {"priority__exact": "P1"})) == {urgent.number}
    assert _numbers(agent_client.get(QUEUE, {"status__exact": "new"})) == {untouched.number}


def test_it_filters_breached_and_at_risk_cases_from_the_stored_due_instants(
    agent_client, open_case, time_machine
):
    # A: received Monday 08:00 Chicago, P2: warning at 360 support minutes, due at 480.
    early = open_case(title="Licence server unreachable")
    time_machine.move_to(T0 + timedelta(hours=7), tick=False)  # Monday 15:00: 420 minutes used
    late = open_case(title="Feed rates doubled")

    assert _numbers(agent_client.get(QUEUE, {"sla": "breached"})) == set()
    assert _numbers(agent_client.get(QUEUE, {"sla": "at_risk"})) == {early.number}

    time_machine.move_to(T0 + timedelta(days=1, hours=1), tick=False)  # Tuesday 09:00
    assert _numbers(agent_client.get(QUEUE, {"sla": "breached"})) == {early.number}
    assert late.number not in _numbers(agent_client.get(QUEUE, {"sla": "at_risk"}))


def test_a_raised_warning_keeps_the_case_at_risk(agent_client, open_case, time_machine):
    from cases.services.sweep import sla_sweep

    case = open_case()
    time_machine.move_to(T0 + timedelta(hours=6, minutes=30), tick=False)
    assert sla_sweep().warnings == 1

    response = agent_client.get(QUEUE, {"sla": "at_risk"})

    assert _numbers(response) == {case.number}
    assert "sla-warn" in response.content.decode()


def test_closed_cases_are_never_at_risk(agent_client, case_in, time_machine):
    case_in(Status.CLOSED)
    time_machine.move_to(T0 + timedelta(days=5), tick=False)

    assert _numbers(agent_client.get(QUEUE, {"sla": "at_risk"})) == set()


def test_it_filters_by_escalation_level(agent_client, open_case, acme_agent):
    escalated = case_escalate(case=open_case(), by=acme_agent, reason="Machines still down.")
    open_case()

    response = agent_client.get(QUEUE, {"escalation_level__exact": "1"})

    assert _numbers(response) == {escalated.number}


def test_it_filters_by_assignee_me_unassigned_or_someone(
    agent_client, open_case, staff_agent, staff_supervisor
):
    from cases.services import case_assign

    mine = case_assign(case=open_case(), by=staff_agent, assignee=staff_agent)
    theirs = case_assign(case=open_case(), by=staff_supervisor, assignee=staff_supervisor)
    nobodys = open_case()

    assert _numbers(agent_client.get(QUEUE, {"assignee": "me"})) == {mine.number}
    assert _numbers(agent_client.get(QUEUE, {"assignee": "none"})) == {nobodys.number}
    by_id = agent_client.get(QUEUE, {"assignee": str(staff_supervisor.pk)})
    assert _numbers(by_id) == {theirs.number}


def test_a_malformed_assignee_filter_shows_every_case_instead_of_failing(agent_client, open_case):
    case = open_case()

    # "²" passes str.isdigit() but is not a number int() accepts.
    response = agent_client.get(QUEUE, {"assignee": "²"})

    assert response.status_code == 200
    assert _numbers(response) == {case.number}


def test_it_filters_by_organisation(agent_client, open_case, globex_case, globex):
    open_case()

    response = agent_client.get(QUEUE, {"organization__id__exact": str(globex.pk)})

    assert _numbers(response) == {globex_case.number}


@pytest.mark.parametrize("query", ["number", "title word", "organisation"])
def test_it_searches_by_number_title_and_organisation(agent_client, open_case, globex_case, query):
    open_case()
    text = {
        "number": globex_case.number,
        "title word": "holder collisions",
        "organisation": "Globex",
    }[query]

    assert _numbers(agent_client.get(QUEUE, {"q": text})) == {globex_case.number}


def test_assign_to_me_goes_through_the_service_and_the_timeline(
    agent_client, open_case, staff_agent
):
    cases = [open_case(), open_case()]

    response = agent_client.post(
        QUEUE, {"action": "assign_to_me", "_selected_action": [c.pk for c in cases]}, follow=True
    )

    assert "2 cases assigned to you." in response.content.decode()
    for case in cases:
        case.refresh_from_db()
        assert case.assignee == staff_agent
        event = case.events.get(kind=EventKind.ASSIGNMENT)
        assert (event.actor, event.new_value, event.public) == (
            staff_agent,
            staff_agent.email,
            False,
        )


def test_set_priority_triages_through_the_service(agent_client, open_case, staff_agent):
    case = open_case()

    agent_client.post(QUEUE, {"action": "set_priority_p1", "_selected_action": [case.pk]})

    case.refresh_from_db()
    assert (case.priority, case.status) == ("P1", Status.TRIAGED)
    assert case.events.get(kind=EventKind.PRIORITY).new_value == "P1"
    # The resolution clock starts once a priority is set (SLP-8).
    assert case.resolution_state == "running"


def test_a_refused_action_is_reported_per_case_and_changes_nothing(
    agent_client, case_in, staff_agent
):
    closed = case_in(Status.CLOSED)
    events = CaseEvent.objects.filter(case=closed).count()

    response = agent_client.post(
        QUEUE, {"action": "set_priority_p1", "_selected_action": [closed.pk]}, follow=True
    )

    assert f"{closed.number}: " in response.content.decode()
    closed.refresh_from_db()
    assert closed.priority == "P2"
    assert CaseEvent.objects.filter(case=closed).count() == events


def test_roles_that_may_not_work_cases_get_no_actions(staff_login, staff_sponsor, open_case):
    case = open_case()
    client = staff_login(staff_sponsor)

    response = client.get(QUEUE)
    assert response.status_code == 200
    assert response.context["action_form"] is None
    client.post(QUEUE, {"action": "set_priority_p1", "_selected_action": [case.pk]})

    case.refresh_from_db()
    assert case.priority == ""


def test_resolved_cases_stay_in_the_queue_with_their_status(agent_client, case_in, staff_agent):
    resolved = case_resolve(
        case=case_in(Status.IN_PROGRESS), by=staff_agent, kind="settled", body="Fixed."
    )
    closed = case_close(case=case_in(Status.RESOLVED), by=staff_agent)

    response = agent_client.get(QUEUE, {"status__exact": "resolved"})

    assert _numbers(response) == {resolved.number}
    assert closed.number not in _numbers(response)
