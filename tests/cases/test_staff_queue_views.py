"""The queue's views (issue 14, item 1): the built-in ones, and each staff member's own."""

from __future__ import annotations

import pytest

from cases.models import SavedView, Status
from cases.services import case_assign, case_escalate, case_triage

pytestmark = pytest.mark.django_db

QUEUE = "/admin/cases/case/"
SAVE = "/admin/cases/case/views/save/"


@pytest.fixture
def agent_client(staff_agent, staff_login):
    return staff_login(staff_agent)


def _numbers(response) -> set[str]:
    return {row.number for row in response.context["rows"]}


def _tabs(response) -> dict[str, bool]:
    return {tab.name: tab.active for tab in response.context["personal_views"]}


@pytest.fixture
def world(open_case, case_in, staff_agent, staff_supervisor, acme_agent):
    """One case of each kind a built-in view picks out; P4 ones fall due after today."""
    return {
        "new": open_case(proposed_priority="P4"),
        "mine": case_assign(
            case=open_case(proposed_priority="P4"), by=staff_agent, assignee=staff_agent
        ),
        "theirs": case_assign(
            case=open_case(proposed_priority="P4"), by=staff_supervisor, assignee=staff_supervisor
        ),
        # P2, received Monday 08:00 in Chicago: the response is due at 16:00 the same day.
        "due_today": open_case(proposed_priority="P2"),
        "waiting": case_in(Status.WAITING_ON_CUSTOMER, proposed_priority="P4"),
        "escalated": case_escalate(
            case=open_case(proposed_priority="P4"), by=acme_agent, reason="Machines are down."
        ),
        "closed": case_in(Status.CLOSED, proposed_priority="P4"),
    }


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("open", {"new", "mine", "theirs", "due_today", "waiting", "escalated"}),
        ("mine", {"mine"}),
        ("unassigned", {"new", "due_today", "waiting", "escalated"}),
        ("breaching_today", {"due_today"}),
        ("waiting", {"waiting"}),
        ("escalated", {"escalated"}),
        ("all", {"new", "mine", "theirs", "due_today", "waiting", "escalated", "closed"}),
    ],
)
def test_each_built_in_view_shows_its_cases(agent_client, world, staff_agent, view, expected):
    # case_in triages as the agent; the waiting case's assignee stays empty.
    response = agent_client.get(QUEUE, {"view": view})

    assert _numbers(response) == {world[key].number for key in expected}
    active = [tab.name for tab in response.context["builtin_views"] if tab.active]
    assert active == [response.context["title"]]


def test_the_default_view_is_the_open_cases(agent_client, world):
    response = agent_client.get(QUEUE)

    assert _numbers(response) == _numbers(agent_client.get(QUEUE, {"view": "open"}))
    assert response.context["title"] == "All open cases"


def test_a_status_filter_alone_looks_at_every_case(agent_client, world):
    response = agent_client.get(QUEUE, {"status": "closed"})

    assert _numbers(response) == {world["closed"].number}
    assert response.context["title"] == "All cases"


def test_filters_apply_within_the_view(agent_client, world, staff_agent):
    case_triage(case=world["mine"], by=staff_agent, priority="P1")

    response = agent_client.get(QUEUE, {"view": "mine", "priority": "P4"})

    assert _numbers(response) == set()


def test_an_unknown_view_is_reported_and_the_default_shown(agent_client, world):
    response = agent_client.get(QUEUE, {"view": "everything"})

    assert response.status_code == 200
    assert response.context["title"] == "All open cases"
    assert "closed" not in {row.status for row in response.context["rows"]}


# --- personal views ---


def test_a_staff_member_saves_the_current_filters_by_name(agent_client, staff_agent, world):
    agent_client.get(QUEUE)  # the list of views is cached from here on

    response = agent_client.post(
        SAVE, {"name": "  My   urgent ones ", "query": "?page=3&escalated=no&assignee=me"}
    )

    view = SavedView.objects.get(owner=staff_agent)
    assert (view.name, view.query) == ("My urgent ones", "assignee=me&escalated=no")
    assert response["Location"] == f"{QUEUE}?assignee=me&escalated=no"
    page = agent_client.get(response["Location"])
    assert _tabs(page) == {"My urgent ones": True}
    assert _numbers(page) == {world["mine"].number}
    assert "View “My urgent ones” saved." in page.content.decode()
    assert _tabs(agent_client.get(QUEUE)) == {"My urgent ones": False}


def test_saving_under_an_existing_name_replaces_its_filters(agent_client, staff_agent):
    agent_client.post(SAVE, {"name": "Mine", "query": "view=mine"})

    response = agent_client.post(
        SAVE, {"name": "Mine", "query": "view=mine&sla=breached"}, follow=True
    )

    assert list(SavedView.objects.values_list("name", "query")) == [
        ("Mine", "view=mine&sla=breached")
    ]
    assert "View “Mine” updated." in response.content.decode()


def test_a_view_needs_a_name(agent_client):
    response = agent_client.post(SAVE, {"name": "   ", "query": "view=mine"}, follow=True)

    assert not SavedView.objects.exists()
    assert "Give the view a name." in response.content.decode()


def test_filters_the_queue_cannot_read_are_not_saved(agent_client, staff_agent):
    agent_client.post(SAVE, {"name": "Odd", "query": "status=nonsense&priority=P1&x=1"})

    assert SavedView.objects.get(owner=staff_agent).query == "priority=P1"


def test_a_staff_member_deletes_an_own_view(agent_client, staff_agent):
    agent_client.post(SAVE, {"name": "Mine", "query": "view=mine"})
    view = SavedView.objects.get(owner=staff_agent)
    assert _tabs(agent_client.get(QUEUE)) == {"Mine": False}

    response = agent_client.post(f"{QUEUE}views/{view.pk}/delete/", {"next": "view=mine"})

    assert response["Location"] == f"{QUEUE}?view=mine"
    assert not SavedView.objects.exists()
    page = agent_client.get(QUEUE)
    assert _tabs(page) == {}
    assert "View “Mine” deleted." in page.content.decode()


def test_nobody_sees_or_deletes_another_staff_members_views(
    agent_client, staff_supervisor, staff_login
):
    theirs = SavedView.objects.create(owner=staff_supervisor, name="Team P1", query="priority=P1")

    page = agent_client.get(QUEUE)
    refused = agent_client.post(f"{QUEUE}views/{theirs.pk}/delete/")

    assert _tabs(page) == {}
    assert "Team P1" not in page.content.decode()
    assert refused.status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()


def test_a_view_name_is_shown_as_text(agent_client, staff_agent):
    agent_client.post(SAVE, {"name": "<script>alert(1)</script>", "query": "view=mine"})

    page = agent_client.get(QUEUE).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_saving_and_deleting_are_posts_only(agent_client, staff_agent):
    view = SavedView.objects.create(owner=staff_agent, name="Mine", query="view=mine")

    assert agent_client.get(SAVE).status_code == 405
    assert agent_client.get(f"{QUEUE}views/{view.pk}/delete/").status_code == 405
