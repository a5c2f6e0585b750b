"""Queries of the staff case page (issue 14, item 4): as many with 0 comments as with 6.

Counted after one warm-up request, so the support calendar's engine (cached per process, by the
calendar's updated_at) is built; every query of the request is counted, the session, the user,
the staff member's second factor and permissions included.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from cases.models import CannedReply
from cases.services import case_attach, case_comment, case_triage
from sla.services.calendars import support_calendar_cache_clear

pytestmark = pytest.mark.django_db

# session, user, authenticator (staff MFA), the case with what it points to, its reporter,
# contact and assignee (one query), the user's and the groups' permissions, the timeline with
# actors and attachments. The admin's app list is not built: the page has no sidebar.
PAGE_QUERIES = 8
# session, user, authenticator, the case, its people, two permission queries, then what the
# fragment reads.
FRAGMENT_BASE = 7


@pytest.fixture(autouse=True)
def _fresh_engines():
    support_calendar_cache_clear()
    yield
    support_calendar_cache_clear()


@pytest.fixture
def agent_client(staff_agent, staff_login):
    return staff_login(staff_agent)


@pytest.fixture
def case_with(open_case, staff_agent, staff_supervisor, acme_agent):
    """A triaged case with `n` comments from staff and the customer, every third with a file."""

    def _with(n: int):
        case = case_triage(case=open_case(), by=staff_agent, priority="P2", category="problem")
        authors = [staff_agent, acme_agent, staff_supervisor]
        for i in range(n):
            author = authors[i % 3]
            public = author is acme_agent or i % 2 == 0
            case_comment(case=case, by=author, body=f"Comment {i}", public=public)
            if i % 3 == 2:
                case_attach(case=case, by=author, file=ContentFile(b"N10\n", name=f"log{i}.nc"))
        return case

    return _with


@pytest.mark.parametrize("comments", [0, 1, 2, 3, 4, 5, 6])
def test_the_page_costs_the_same_queries_whatever_the_number_of_comments(
    agent_client, case_with, comments, django_assert_num_queries
):
    case = case_with(comments)
    url = f"/admin/cases/case/{case.pk}/change/"
    agent_client.get(url)

    with django_assert_num_queries(PAGE_QUERIES):
        response = agent_client.get(url)

    assert response.status_code == 200
    assert sum(row.event.kind == "comment" for row in response.context["case_timeline"]) == comments


def test_a_supervisor_page_costs_the_same(
    staff_supervisor, staff_login, case_with, django_assert_num_queries
):
    client = staff_login(staff_supervisor)
    case = case_with(6)
    url = f"/admin/cases/case/{case.pk}/change/"
    client.get(url)

    with django_assert_num_queries(PAGE_QUERIES):
        client.get(url)


@pytest.mark.parametrize(
    ("fragment", "reads"),
    [
        ("panel/reply/", 1),  # the canned replies
        ("panel/assign/", 1),  # the staff to assign to
        ("panel/resolve/", 0),
        ("clocks/", 2),  # the timeline, the policy's targets
        ("canned/?canned={canned}", 1),  # the canned reply
    ],
)
def test_each_fragment_reads_only_what_it_shows(
    agent_client, case_with, fragment, reads, django_assert_num_queries
):
    case = case_with(6)
    canned = CannedReply.objects.create(name="Log", language="en", body="{case_number}")
    url = f"/admin/cases/case/{case.pk}/{fragment.format(canned=canned.pk)}"
    agent_client.get(url)

    with django_assert_num_queries(FRAGMENT_BASE + reads):
        response = agent_client.get(url)

    assert response.status_code == 200


def test_the_presence_poll_is_two_cheap_queries_past_the_session(
    agent_client, case_with, django_assert_num_queries
):
    case = case_with(6)
    url = f"/admin/cases/case/{case.pk}/presence/?since=1"
    agent_client.get(url)

    # session, user, authenticator, the case exists, permissions (2), the events since.
    with django_assert_num_queries(7):
        agent_client.get(url)


def test_a_reply_and_its_redirect(agent_client, case_with, django_assert_num_queries):
    case = case_with(3)
    agent_client.get(f"/admin/cases/case/{case.pk}/change/")
    data = {"reply-body": "Patch 2026.2 fixes it.", "reply-visibility": "public"}

    # The action's own reads and writes are case_comment's (its email included); the page
    # adds the session, the user, the authenticator, the case, its people and the permissions.
    with django_assert_num_queries(25):
        response = agent_client.post(f"/admin/cases/case/{case.pk}/act/reply/", data)

    assert response.status_code == 302
