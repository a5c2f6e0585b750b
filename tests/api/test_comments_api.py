"""/api/v1/cases/{number}/comments/: customers read public comments and add their own."""

from __future__ import annotations

import pytest

from cases.models import CaseEvent, EventKind
from cases.services import case_comment

pytestmark = pytest.mark.django_db


def _url(case) -> str:
    return f"/api/v1/cases/{case.number}/comments/"


def _comments(case):
    return CaseEvent.objects.filter(case=case, kind=EventKind.COMMENT)


def test_customers_see_public_comments_never_internal_notes(
    api_as, acme_viewer, acme_case, staff_agent
):
    case_comment(case=acme_case, by=staff_agent, body="Please send the post log.")
    case_comment(case=acme_case, by=staff_agent, body="Internal: known defect D-42.", public=False)

    response = api_as(acme_viewer).get(_url(acme_case))

    assert response.status_code == 200
    [comment] = response.json()["results"]
    assert comment["body"] == "Please send the post log."
    assert comment["author"] == staff_agent.full_name
    assert comment["by_staff"] is True
    assert comment["public"] is True
    assert "D-42" not in response.content.decode()


def test_staff_see_internal_notes_too(api_as, staff_agent, acme_case):
    case_comment(case=acme_case, by=staff_agent, body="Internal: known defect D-42.", public=False)

    rows = api_as(staff_agent).get(_url(acme_case)).json()["results"]

    assert [(row["body"], row["public"]) for row in rows] == [
        ("Internal: known defect D-42.", False)
    ]


def test_an_agent_adds_a_public_comment(api_as, acme_agent, acme_case):
    response = api_as(acme_agent).post(
        _url(acme_case), {"body": "Log attached to the next comment."}, format="json"
    )

    assert response.status_code == 201, response.content
    comment = _comments(acme_case).get()
    assert response.json()["id"] == comment.pk
    assert response.json()["by_staff"] is False
    assert comment.public is True
    assert comment.actor == acme_agent


def test_a_form_post_without_the_public_box_is_still_public(api_as, acme_agent, acme_case):
    response = api_as(acme_agent).post(_url(acme_case), {"body": "Sent as a form."})

    assert response.status_code == 201
    assert _comments(acme_case).get().public is True


def test_a_customer_cannot_write_an_internal_note(api_as, acme_agent, acme_case):
    response = api_as(acme_agent).post(
        _url(acme_case), {"body": "Secret?", "public": False}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"public"}
    assert not _comments(acme_case).exists()


def test_staff_write_internal_notes_customers_never_receive(
    api_as, staff_agent, acme_agent, acme_case
):
    response = api_as(staff_agent).post(
        _url(acme_case), {"body": "Internal: escalate to R&D.", "public": False}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["public"] is False
    assert api_as(acme_agent).get(_url(acme_case)).json()["results"] == []


@pytest.mark.parametrize("data", [{}, {"body": ""}, {"body": "   "}])
def test_an_empty_comment_gets_a_field_error_and_saves_nothing(api_as, acme_agent, acme_case, data):
    response = api_as(acme_agent).post(_url(acme_case), data, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"body"}
    assert not _comments(acme_case).exists()


def test_a_closed_case_takes_no_more_comments(api_as, acme_agent, closed_case):
    response = api_as(acme_agent).post(_url(closed_case), {"body": "Again?"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "final"
    assert "new case" in response.json()["detail"]
    assert not _comments(closed_case).exists()


def test_a_viewer_cannot_comment(api_as, acme_viewer, acme_case):
    response = api_as(acme_viewer).post(_url(acme_case), {"body": "Hello"}, format="json")

    assert response.status_code == 403
    assert not _comments(acme_case).exists()


def test_another_tenants_case_is_404_for_reading_and_writing(
    api_as, acme_agent, acme_viewer, globex_case
):
    agent, viewer = api_as(acme_agent), api_as(acme_viewer)

    assert agent.get(_url(globex_case)).status_code == 404
    assert agent.post(_url(globex_case), {"body": "Hi"}, format="json").status_code == 404
    assert viewer.post(_url(globex_case), {"body": "Hi"}, format="json").status_code == 404
    assert agent.get("/api/v1/cases/C-999999/comments/").status_code == 404
    assert not _comments(globex_case).exists()


def test_without_credentials_it_is_401(anon, acme_case):
    assert anon.get(_url(acme_case)).status_code == 401
    assert anon.post(_url(acme_case), {"body": "Hi"}, format="json").status_code == 401
    assert not _comments(acme_case).exists()


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_for_3_or_30_comments(
    api_as, acme_agent, acme_case, staff_agent, django_assert_num_queries, count
):
    client = api_as(acme_agent)
    for index in range(count):
        author = staff_agent if index % 2 else acme_agent
        case_comment(case=acme_case, by=author, body=f"Comment {index}")

    with django_assert_num_queries(5):
        response = client.get(_url(acme_case))

    assert len(response.json()["results"]) == count
