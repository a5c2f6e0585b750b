"""The staff queue of cases (issue 5, Deliver 7; issue 14): columns, SLA badges, filters, search.

Views, order, bulk actions, export and query counts have their own test_staff_queue_*.py files.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.models import CaseEvent, EventKind, Status
from cases.services import case_close, case_escalate, case_resolve, case_triage
from sla.services.calendars import support_calendar_cache_clear
from tests.cases.conftest import T0

pytestmark = pytest.mark.django_db

QUEUE = "/admin/cases/case/"
BULK = "/admin/cases/case/bulk/"


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
    return {row.number for row in response.context["rows"]}


def test_the_queue_shows_each_case_with_its_columns(agent_client, open_case, staff_agent):
    case = open_case()

    response = agent_client.get(QUEUE)

    assert response.status_code == 200
    page = response.content.decode()
    for text in (case.number, case.title, "Acme", 'title="(P2 proposed)"', "New"):
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

    page = agent_client.get(QUEUE, {"view": "all"}).content.decode()

    assert ">met<" in page
    assert ">withdrawn<" in page


def test_it_filters_by_priority_and_status(agent_client, open_case, staff_agent):
    urgent = case_triage(case=open_case(), by=staff_agent, priority="P1")
    untouched = open_case()

    assert _numbers(agent_client.get(QUEUE, {"priority": "P1"})) == {urgent.number}
    assert _numbers(agent_client.get(QUEUE, {"priority": "none"})) == {untouched.number}
    assert _numbers(agent_client.get(QUEUE, {"status": "new"})) == {untouched.number}


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


def test_it_filters_escalated_cases_or_the_others(agent_client, open_case, acme_agent):
    escalated = case_escalate(case=open_case(), by=acme_agent, reason="Machines still down.")
    calm = open_case()

    assert _numbers(agent_client.get(QUEUE, {"escalated": "yes"})) == {escalated.number}
    assert _numbers(agent_client.get(QUEUE, {"escalated": "no"})) == {calm.number}


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


def test_a_malformed_assignee_filter_is_reported_and_left_out_instead_of_failing(
    agent_client, open_case
):
    case = open_case()

    # "²" passes str.isdigit() but is not a number int() accepts.
    response = agent_client.get(QUEUE, {"assignee": "²"})

    assert response.status_code == 200
    assert _numbers(response) == {case.number}
    assert "Choose me, unassigned or a staff member." in response.content.decode()


def test_it_filters_by_organisation(agent_client, open_case, globex_case, globex):
    open_case()

    response = agent_client.get(QUEUE, {"organization": str(globex.pk)})

    assert _numbers(response) == {globex_case.number}


def test_the_organisation_filter_finds_a_partners_end_customer_cases(
    agent_client,
    partner,
    partner_agent,
    end_customer,
    end_customer_site,
    end_customer_contract,
    release_2026,
    open_case,
):
    from cases.services import case_open

    served = case_open(
        reporter=partner_agent,
        organization=partner,
        end_customer=end_customer,
        site=end_customer_site,
        release=release_2026,
        title="Licence server unreachable",
        description="The licence server refuses every seat since this morning.",
        proposed_priority="P2",
        channel="portal",
    )
    open_case()

    by_end_customer = agent_client.get(QUEUE, {"organization": str(end_customer.pk)})
    by_partner = agent_client.get(QUEUE, {"organization": str(partner.pk)})

    assert _numbers(by_end_customer) == _numbers(by_partner) == {served.number}
    assert "Northwind / Initech" in by_partner.content.decode()


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
        BULK, {"action": "assign_me", "case": [c.pk for c in cases]}, follow=True
    )

    numbers = ", ".join(c.number for c in cases)
    assert f"2 cases assigned to you: {numbers}." in response.content.decode()
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

    agent_client.post(BULK, {"action": "priority", "priority": "P1", "case": [case.pk]})

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
        BULK, {"action": "priority", "priority": "P1", "case": [closed.pk]}, follow=True
    )

    assert f"1 case refused ({closed.number}): " in response.content.decode()
    closed.refresh_from_db()
    assert closed.priority == "P2"
    assert CaseEvent.objects.filter(case=closed).count() == events


def test_roles_that_may_not_work_cases_get_no_actions(staff_login, staff_sponsor, open_case):
    case = open_case()
    client = staff_login(staff_sponsor)

    response = client.get(QUEUE)
    assert response.status_code == 200
    assert response.context["may_bulk"] is False
    assert 'name="action"' not in response.content.decode()
    refused = client.post(BULK, {"action": "priority", "priority": "P1", "case": [case.pk]})

    assert refused.status_code == 403
    case.refresh_from_db()
    assert case.priority == ""


def test_resolved_cases_stay_in_the_queue_with_their_status(agent_client, case_in, staff_agent):
    resolved = case_resolve(
        case=case_in(Status.IN_PROGRESS), by=staff_agent, kind="settled", body="Fixed."
    )
    closed = case_close(case=case_in(Status.RESOLVED), by=staff_agent)

    response = agent_client.get(QUEUE, {"status": "resolved"})

    assert _numbers(response) == {resolved.number}
    assert closed.number not in _numbers(response)
