"""/api/v1/cases/{number}/escalations/: a customer escalates with a reason (SLP-12)."""

from __future__ import annotations

import pytest

from cases.models import Case, CaseEvent, EventKind
from cases.services import case_escalate
from mail.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _url(case) -> str:
    return f"/api/v1/cases/{case.number}/escalations/"


def _escalations(case):
    return CaseEvent.objects.filter(case=case, kind=EventKind.ESCALATION)


def test_an_agent_escalates_to_the_supervisor_who_gets_the_escalation_request(
    api_as, acme_agent, acme_case, staff_supervisor
):
    """SLP-12: first the supervisor, who receives the Escalation Request email."""
    response = api_as(acme_agent).post(
        _url(acme_case), {"reason": "Production is stopped on two machines."}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["level"] == 1
    assert response.json()["reason"] == "Production is stopped on two machines."
    assert response.json()["author"] == acme_agent.full_name
    assert Case.objects.get(pk=acme_case.pk).escalation_level == 1
    message = OutboxMessage.objects.get(template="case_escalation")
    assert message.to_email == staff_supervisor.email
    assert message.context["reason"] == "Production is stopped on two machines."


def test_each_escalation_climbs_one_level(api_as, acme_admin, acme_case, staff_supervisor):
    client = api_as(acme_admin)

    levels = [
        client.post(_url(acme_case), {"reason": f"Still stuck ({n})"}, format="json").json()[
            "level"
        ]
        for n in range(3)
    ]

    assert levels == [1, 2, 3]
    rows = client.get(_url(acme_case)).json()["results"]
    assert [row["level"] for row in rows] == [1, 2, 3]


def test_beyond_the_top_level_the_refusal_says_who_is_reviewing(api_as, acme_agent, acme_case):
    for level in range(3):
        case_escalate(case=acme_case, by=acme_agent, reason=f"Level {level + 1}")

    response = api_as(acme_agent).post(_url(acme_case), {"reason": "More!"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "top_level"
    assert _escalations(acme_case).count() == 3


def test_a_closed_case_cannot_be_escalated(api_as, acme_agent, closed_case):
    response = api_as(acme_agent).post(_url(closed_case), {"reason": "Why closed?"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "final"
    assert not _escalations(closed_case).exists()


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "  "}])
def test_a_reason_is_required_and_nothing_is_saved_without_one(
    api_as, acme_agent, acme_case, staff_supervisor, data
):
    response = api_as(acme_agent).post(_url(acme_case), data, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"reason"}
    assert not _escalations(acme_case).exists()
    assert Case.objects.get(pk=acme_case.pk).escalation_level == 0
    assert not OutboxMessage.objects.filter(template="case_escalation").exists()


def test_a_viewer_cannot_escalate(api_as, acme_viewer, acme_case):
    response = api_as(acme_viewer).post(_url(acme_case), {"reason": "Urgent"}, format="json")

    assert response.status_code == 403
    assert not _escalations(acme_case).exists()


def test_a_viewer_reads_the_escalations(api_as, acme_viewer, acme_agent, acme_case):
    case_escalate(case=acme_case, by=acme_agent, reason="Line down")

    rows = api_as(acme_viewer).get(_url(acme_case)).json()["results"]

    assert [(row["level"], row["reason"]) for row in rows] == [(1, "Line down")]


def test_another_tenants_case_is_404_for_reading_and_writing(
    api_as, acme_agent, acme_viewer, globex_case
):
    agent = api_as(acme_agent)

    assert agent.get(_url(globex_case)).status_code == 404
    assert agent.post(_url(globex_case), {"reason": "x"}, format="json").status_code == 404
    assert (
        api_as(acme_viewer).post(_url(globex_case), {"reason": "x"}, format="json").status_code
        == 404
    )
    assert agent.post("/api/v1/cases/C-999999/escalations/", {"reason": "x"}).status_code == 404
    assert not _escalations(globex_case).exists()


def test_without_credentials_it_is_401(anon, acme_case):
    assert anon.get(_url(acme_case)).status_code == 401
    assert anon.post(_url(acme_case), {"reason": "x"}, format="json").status_code == 401
    assert not _escalations(acme_case).exists()


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_for_3_or_30_escalations(
    api_as, acme_agent, acme_case, django_assert_num_queries, count
):
    """Escalation events are appended directly: the service stops at the third level."""
    for index in range(count):
        CaseEvent.objects.create(
            case=acme_case,
            kind=EventKind.ESCALATION,
            actor=acme_agent,
            at=acme_case.received_at,
            body=f"Reason {index}",
            new_value=str(index % 3 + 1),
            data={"level": index % 3 + 1},
        )
    client = api_as(acme_agent)

    with django_assert_num_queries(5):
        response = client.get(_url(acme_case))

    assert len(response.json()["results"]) == count
