"""Bulk actions of the queue (issue 14, item 1): each through its case service, reported per case."""

from __future__ import annotations

import pytest

from cases.models import CaseEvent, EventKind, Status
from cases.services import case_assign

pytestmark = pytest.mark.django_db

QUEUE = "/admin/cases/case/"
BULK = "/admin/cases/case/bulk/"


@pytest.fixture
def agent_client(staff_agent, staff_login):
    return staff_login(staff_agent)


def _post(client, action: str, cases, **fields):
    data = {"action": action, "case": [case.pk for case in cases], **fields}
    response = client.post(BULK, data)
    assert response.status_code == 302, response.content[:500]
    return client.get(response["Location"]).content.decode(), response["Location"]


def _numbers(cases) -> str:
    return ", ".join(case.number for case in cases)


def test_a_supervisor_assigns_cases_to_anyone(
    staff_login, staff_supervisor, staff_agent, open_case
):
    cases = [open_case(), open_case()]

    page, _ = _post(staff_login(staff_supervisor), "assign", cases, assignee=str(staff_agent.pk))

    assert f"2 cases assigned to {staff_agent.full_name}: {_numbers(cases)}." in page
    for case in cases:
        case.refresh_from_db()
        assert case.assignee == staff_agent
        assert case.events.get(kind=EventKind.ASSIGNMENT).actor == staff_supervisor


def test_a_supervisor_unassigns_cases(staff_login, staff_supervisor, staff_agent, open_case):
    case = case_assign(case=open_case(), by=staff_agent, assignee=staff_agent)

    page, _ = _post(staff_login(staff_supervisor), "assign", [case], assignee="none")

    assert f"1 case unassigned: {case.number}." in page
    case.refresh_from_db()
    assert case.assignee is None


def test_assigning_others_needs_the_right(agent_client, staff_supervisor, open_case):
    case = open_case()

    page = agent_client.get(QUEUE).content.decode()
    refused = agent_client.post(
        BULK, {"action": "assign", "case": [case.pk], "assignee": str(staff_supervisor.pk)}
    )

    assert 'value="assign_me"' in page
    assert 'value="assign"' not in page
    assert refused.status_code == 403
    case.refresh_from_db()
    assert case.assignee is None


def test_an_assignee_must_be_active_staff(staff_login, staff_supervisor, acme_agent, open_case):
    case = open_case()

    page, _ = _post(staff_login(staff_supervisor), "assign", [case], assignee=str(acme_agent.pk))

    assert "Choose an active staff member, or nobody." in page
    case.refresh_from_db()
    assert case.assignee is None


def test_cases_already_assigned_are_left_alone_and_said_once(agent_client, staff_agent, open_case):
    taken = [case_assign(case=open_case(), by=staff_agent, assignee=staff_agent) for _ in range(2)]
    free = open_case()

    page, _ = _post(agent_client, "assign_me", [*taken, free])

    assert f"1 case assigned to you: {free.number}." in page
    assert f"Already assigned to you, left as they are: {_numbers(taken)}." in page
    assert "already assigned to that person" not in page
    assert CaseEvent.objects.filter(kind=EventKind.ASSIGNMENT).count() == 3


def test_set_priority_reports_done_left_alone_and_refused(agent_client, case_in, open_case):
    fresh = open_case()  # proposed P2, no priority yet: triaged at P2
    already = case_in(Status.TRIAGED)  # P2 already
    closed = case_in(Status.CLOSED)

    page, _ = _post(agent_client, "priority", [fresh, already, closed], priority="P2")

    assert f"1 case set to P2: {fresh.number}." in page
    assert f"Already P2, left as they are: {already.number}." in page
    assert f"1 case refused ({closed.number}): A case that is “Closed” cannot become" in page
    fresh.refresh_from_db()
    assert (fresh.priority, fresh.status) == ("P2", Status.TRIAGED)


def test_start_work_moves_triaged_cases_and_refuses_the_others_with_the_reason(
    agent_client, case_in, open_case
):
    triaged = [case_in(Status.TRIAGED), case_in(Status.TRIAGED)]
    started = case_in(Status.IN_PROGRESS)
    fresh = [open_case(), open_case()]

    page, _ = _post(agent_client, "start_work", [*triaged, started, *fresh])

    assert f"Work started on 2 cases: {_numbers(triaged)}." in page
    assert f"Already in progress, left as they are: {started.number}." in page
    # One message for the one reason, naming both cases.
    assert f"2 cases refused ({_numbers(fresh)}): A case that is “New” cannot become" in page
    assert "Work starts on a triaged case" in page
    for case in triaged:
        case.refresh_from_db()
        assert case.status == Status.IN_PROGRESS


def test_close_closes_resolved_cases_only(agent_client, case_in):
    resolved = case_in(Status.RESOLVED)
    working = case_in(Status.IN_PROGRESS)

    page, _ = _post(agent_client, "close", [resolved, working])

    assert f"1 case closed: {resolved.number}." in page
    assert f"1 case refused ({working.number}):" in page
    resolved.refresh_from_db()
    working.refresh_from_db()
    assert (resolved.status, working.status) == (Status.CLOSED, Status.IN_PROGRESS)


def test_an_internal_note_is_added_to_each_case_and_never_public(agent_client, open_case):
    cases = [open_case(), open_case()]

    page, _ = _post(agent_client, "note", cases, note="Customer called: same issue on site B.")

    assert f"Internal note added to 2 cases: {_numbers(cases)}." in page
    notes = CaseEvent.objects.filter(kind=EventKind.COMMENT, body__startswith="Customer called")
    assert notes.count() == 2
    assert not notes.filter(public=True).exists()


def test_an_empty_note_is_refused_once_and_nothing_is_added(agent_client, open_case):
    cases = [open_case(), open_case()]

    page, _ = _post(agent_client, "note", cases, note="   ")

    assert page.count("Write the note to add.") == 1
    assert not CaseEvent.objects.filter(kind=EventKind.COMMENT).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "assign_me"}, "Select at least one case."),
        ({"action": "assign_me", "case": ["1", "x"]}, "The selection is not a list of cases."),
        ({"action": "assign_me", "case": [str(n) for n in range(101)]}, "at most 100 cases"),
        ({"action": "delete", "case": ["1"]}, "Select a valid choice."),
        ({"case": ["1"]}, "Choose an action."),
    ],
)
def test_a_bad_request_is_explained_and_changes_nothing(agent_client, open_case, data, message):
    open_case()

    response = agent_client.post(BULK, data, follow=True)

    assert message in response.content.decode()
    assert not CaseEvent.objects.filter(kind=EventKind.ASSIGNMENT).exists()


def test_the_queue_comes_back_with_its_filters(agent_client, open_case):
    case = open_case()

    response = agent_client.post(
        BULK, {"action": "assign_me", "case": [case.pk], "next": "view=unassigned&sort=-number"}
    )

    assert response["Location"] == f"{QUEUE}?view=unassigned&sort=-number"


def test_the_way_back_is_only_ever_the_queue(agent_client, open_case):
    case = open_case()

    response = agent_client.post(
        BULK, {"action": "assign_me", "case": [case.pk], "next": "https://evil.example/?view=mine"}
    )

    assert response["Location"].startswith(QUEUE)


def test_bulk_actions_are_posts_only(agent_client):
    assert agent_client.get(BULK).status_code == 405
