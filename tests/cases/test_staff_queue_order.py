"""The queue's order (issue 14, item 1): most urgent first by default, then by any column."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.models import Case, Status
from cases.services import case_assign
from tests.cases.conftest import T0

pytestmark = pytest.mark.django_db

QUEUE = "/admin/cases/case/"


@pytest.fixture
def agent_client(staff_agent, staff_login):
    return staff_login(staff_agent)


def _order(response) -> list[str]:
    return [row.number for row in response.context["rows"]]


@pytest.fixture
def cases(open_case, case_in, time_machine):
    """Received Monday in Chicago: by 13:00 the P1 (due 11:30) has breached."""
    waiting = case_in(Status.WAITING_ON_CUSTOMER)  # paused: nothing due from support
    p2 = open_case(proposed_priority="P2", title="Due at 16:00")  # due Monday 16:00
    time_machine.move_to(T0 + timedelta(hours=1), tick=False)
    p1 = open_case(proposed_priority="P1", title="Due at 11:30")  # 150 support minutes
    p4 = open_case(proposed_priority="P4", title="Due later this week")
    time_machine.move_to(T0 + timedelta(hours=5), tick=False)
    return {"waiting": waiting, "p2": p2, "p1": p1, "p4": p4}


def test_the_most_urgent_case_comes_first_and_nothing_due_comes_last(agent_client, cases):
    response = agent_client.get(QUEUE)

    # The P1's stored state is still "running" (no sweep yet): its past due instant sorts first.
    assert _order(response) == [cases[k].number for k in ("p1", "p2", "p4", "waiting")]
    rows = {row.number: row for row in response.context["rows"]}
    assert rows[cases["p1"].number].breached
    assert not rows[cases["p2"].number].breached


def test_equal_due_instants_keep_the_older_case_first(agent_client, open_case):
    first, second = open_case(), open_case()
    assert first.queue_due_at == second.queue_due_at

    assert _order(agent_client.get(QUEUE)) == [first.number, second.number]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("number", ["waiting", "p2", "p1", "p4"]),
        ("-number", ["p4", "p1", "p2", "waiting"]),
        # The customer's proposal counts until support sets a priority; ties by urgency.
        ("priority", ["p1", "p2", "waiting", "p4"]),
        ("-priority", ["p4", "p2", "waiting", "p1"]),
        ("status", ["p1", "p2", "p4", "waiting"]),
        ("-status", ["waiting", "p1", "p2", "p4"]),
        # Last activity: the newest first on the first click.
        ("-activity", ["p1", "p4", "p2", "waiting"]),
    ],
)
def test_a_column_sorts_the_queue(agent_client, cases, sort, expected):
    response = agent_client.get(QUEUE, {"sort": sort})

    assert _order(response) == [cases[key].number for key in expected]


def test_the_assignee_column_puts_unassigned_cases_last(
    agent_client, cases, staff_agent, staff_supervisor
):
    case_assign(case=cases["p4"], by=staff_supervisor, assignee=staff_supervisor)
    case_assign(case=cases["p2"], by=staff_agent, assignee=staff_agent)
    names = {staff_agent.pk: staff_agent.full_name, staff_supervisor.pk: staff_supervisor.full_name}
    first, second = sorted(names.values())

    order = _order(agent_client.get(QUEUE, {"sort": "assignee"}))

    by_number = {case.number: case for case in Case.objects.select_related("assignee")}
    shown = [by_number[n].assignee.full_name if by_number[n].assignee else "" for n in order]
    assert shown == [first, second, "", ""]


def test_a_header_sorts_by_its_column_then_the_other_way(agent_client, cases):
    columns = {c.key: c for c in agent_client.get(QUEUE).context["columns"]}
    assert columns["number"].url == "?sort=number"
    assert columns["activity"].url == "?sort=-activity"
    assert columns["title"].url == ""  # the title does not sort

    sorted_up = {c.key: c for c in agent_client.get(QUEUE, {"sort": "number"}).context["columns"]}

    assert (sorted_up["number"].sorted, sorted_up["number"].url) == ("ascending", "?sort=-number")
    assert 'aria-sort="ascending"' in agent_client.get(QUEUE, {"sort": "number"}).content.decode()


def test_a_sort_link_keeps_the_filters_and_goes_back_to_the_first_page(agent_client, cases):
    response = agent_client.get(QUEUE, {"priority": "none", "page": "2", "per_page": "10"})

    columns = {c.key: c for c in response.context["columns"]}

    assert columns["status"].url == "?priority=none&sort=status&per_page=10"
