"""/api/v1/cases/: list, retrieve by number, open a case through the API (channel "api")."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.models import Case, CaseEvent
from cases.services import case_comment
from mail.models import OutboxMessage
from tests.factories import ContractFactory, PatchFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/"
INTERNAL_FIELDS = {
    "sla_next_warn_at",
    "sla_next_due_at",
    "next_update_due_at",
    "policy_version",
    "calendar",
    "assignee",
    "defect_reference",
}


@pytest.fixture
def new_case(acme_site, releases) -> dict:
    return {
        "site": "ACME-CHI",
        "release": releases["2026"].pk,
        "title": "Toolpath preview freezes",
        "description": "Opening the 5-axis preview freezes the workstation.",
        "proposed_priority": "P2",
        "environment": "Windows 11, RTX A2000",
    }


def test_a_member_lists_own_cases_newest_first_with_clocks(
    api_as, acme_viewer, open_case, globex_case, time_machine
):
    first = open_case(title="First")
    time_machine.move_to(dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC), tick=False)
    second = open_case(title="Second")

    rows = api_as(acme_viewer).get(URL).json()["results"]

    assert [row["number"] for row in rows] == [second.number, first.number]
    row = rows[0]
    assert row["status"] == "new"
    assert row["channel"] == "portal"
    assert row["site"] == "ACME-CHI"
    assert row["release"]["version"] == "2026"
    assert row["clocks"]["response"] == {
        "state": "running",
        "due_at": second.response_due_at.isoformat().replace("+00:00", "Z"),
    }
    assert row["clocks"]["resolution"]["state"] == "not_started"
    assert not INTERNAL_FIELDS & set(row)


def test_the_list_filters_by_status(api_as, acme_agent, open_case, closed_case):
    client = api_as(acme_agent)
    still_open = open_case(title="Still open")

    assert [r["number"] for r in client.get(URL, {"status": "open"}).json()["results"]] == [
        still_open.number
    ]
    assert [r["number"] for r in client.get(URL, {"status": "closed"}).json()["results"]] == [
        closed_case.number
    ]


def test_an_unknown_status_filter_is_400(api_as, acme_agent, acme_case):
    response = api_as(acme_agent).get(URL, {"status": "lost"})

    assert response.status_code == 400
    assert "status" in response.json()


def test_the_detail_shows_the_public_timeline_only(api_as, acme_agent, acme_case, staff_agent):
    case_comment(
        case=acme_case, by=staff_agent, body="Looks like the 2026.1 regression.", public=False
    )
    case_comment(case=acme_case, by=staff_agent, body="We are looking into it.")

    response = api_as(acme_agent).get(f"{URL}{acme_case.number}/")

    assert response.status_code == 200
    case = response.json()
    assert case["number"] == acme_case.number
    assert case["description"].startswith("Posting any toolpath")
    assert not INTERNAL_FIELDS & set(case)
    assert all(event["public"] for event in case["timeline"])
    bodies = [event["body"] for event in case["timeline"]]
    assert "We are looking into it." in bodies
    assert "Looks like the 2026.1 regression." not in str(case)


def test_staff_see_internal_notes_in_the_timeline(api_as, staff_agent, acme_case):
    case_comment(case=acme_case, by=staff_agent, body="Internal: check the licence.", public=False)

    case = api_as(staff_agent).get(f"{URL}{acme_case.number}/").json()

    assert "Internal: check the licence." in [event["body"] for event in case["timeline"]]


def test_another_tenants_case_is_404(api_as, acme_agent, acme_case, globex_case):
    client = api_as(acme_agent)

    assert client.get(f"{URL}{globex_case.number}/").status_code == 404
    assert client.get(f"{URL}C-999999/").status_code == 404
    assert [r["number"] for r in client.get(URL).json()["results"]] == [acme_case.number]


def test_a_partner_sees_the_cases_of_its_end_customers(
    api_as, partner_agent, end_customer_contract, releases, acme_case
):
    created = api_as(partner_agent).post(
        URL,
        {
            "site": "INITECH-DEN",
            "release": releases["2026"].pk,
            "title": "Licence server refuses seats",
            "description": "Seats stay locked after a crash.",
            "proposed_priority": "P3",
        },
        format="json",
    )

    assert created.status_code == 201, created.content
    assert created.json()["organization"] == "Northwind"
    assert created.json()["end_customer"] == "Initech"
    rows = api_as(partner_agent).get(URL).json()["results"]
    assert [row["number"] for row in rows] == [created.json()["number"]]


def test_an_agent_opens_a_case_through_the_api(
    api_as, acme_agent, acme_contract, new_case, releases
):
    patch = PatchFactory(release=releases["2026"], version="2026.1")

    response = api_as(acme_agent).post(URL, {**new_case, "patch": patch.pk}, format="json")

    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert response["Location"] == f"/api/v1/cases/{case.number}/"
    body = response.json()
    assert body["number"] == case.number
    assert body["channel"] == "api"
    assert body["reporter"] == acme_agent.full_name
    assert body["patch"] == {"id": patch.pk, "version": "2026.1"}
    assert body["timeline"][0]["kind"] == "received"
    assert case.channel == "api"
    assert case.reporter == acme_agent
    assert case.environment == "Windows 11, RTX A2000"
    assert OutboxMessage.objects.filter(template="case_received").exists()


def test_a_case_that_is_not_covered_is_refused_with_codes_and_next_steps(
    api_as, acme_agent, acme_site, new_case
):
    """SLP-3 and SLP-16: no case without an active contract; the answer says what to do."""
    ContractFactory(
        reference="ACME-OLD",
        holder=acme_site.organization,
        sites=[acme_site],
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2026, 2, 28),
    )

    response = api_as(acme_agent).post(URL, new_case, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_eligible"
    [reason] = body["reasons"]
    assert reason["code"] == "no_active_contract"
    assert "ACME-OLD" in reason["message"]
    assert reason["next_step"]
    assert not Case.objects.exists()


def test_professional_services_requests_are_refused_with_a_referral(
    api_as, acme_agent, acme_contract, new_case
):
    """SLP-16: SDK and post-processor work is professional services, not support."""
    response = api_as(acme_agent).post(
        URL, {**new_case, "topic": "professional_services"}, format="json"
    )

    assert response.status_code == 400
    assert [r["code"] for r in response.json()["reasons"]] == ["professional_services"]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "change, fields",
    [
        ({"title": ""}, {"title"}),
        ({"description": None}, {"description"}),
        ({"proposed_priority": "P9"}, {"proposed_priority"}),
        ({"site": "GLOBEX-LON"}, {"site"}),
        ({"release": 999999}, {"release"}),
        ({"topic": "gossip"}, {"topic"}),
        ({"title": "x" * 201}, {"title"}),
    ],
)
def test_bad_input_gets_field_errors_and_saves_nothing(
    api_as, acme_agent, acme_contract, globex_site, new_case, change, fields
):
    response = api_as(acme_agent).post(URL, {**new_case, **change}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == fields
    assert not Case.objects.exists()


def test_a_patch_of_another_release_is_refused_by_the_service(
    api_as, acme_agent, acme_contract, new_case, releases
):
    patch = PatchFactory(release=releases["2025"])

    response = api_as(acme_agent).post(URL, {**new_case, "patch": patch.pk}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"patch"}
    assert not Case.objects.exists()


def test_a_viewer_cannot_open_a_case(api_as, acme_viewer, acme_contract, new_case):
    response = api_as(acme_viewer).post(URL, new_case, format="json")

    assert response.status_code == 403
    assert not Case.objects.exists()


def test_staff_record_cases_in_the_admin_not_the_api(api_as, staff_agent, acme_contract, new_case):
    response = api_as(staff_agent).post(URL, new_case, format="json")

    assert response.status_code == 403
    assert not Case.objects.exists()


def test_without_credentials_it_is_401(anon, acme_case, new_case):
    assert anon.get(URL).status_code == 401
    assert anon.get(f"{URL}{acme_case.number}/").status_code == 401
    assert anon.post(URL, new_case, format="json").status_code == 401
    assert Case.objects.count() == 1


def test_a_person_of_no_organisation_gets_403(api_as, stranger, acme_case):
    assert api_as(stranger).get(URL).status_code == 403
    assert api_as(stranger).get(f"{URL}{acme_case.number}/").status_code == 403


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_for_3_or_30_cases(
    api_as, acme_agent, open_case, django_assert_num_queries, count
):
    client = api_as(acme_agent)
    for index in range(count):
        open_case(title=f"Case {index}")

    with django_assert_num_queries(4):
        response = client.get(URL)

    assert len(response.json()["results"]) == count


def test_the_detail_costs_the_same_queries_for_a_long_timeline(
    api_as, acme_agent, acme_case, staff_agent, django_assert_num_queries
):
    client = api_as(acme_agent)
    for index in range(20):
        case_comment(case=acme_case, by=staff_agent, body=f"Update {index}")
    assert CaseEvent.objects.filter(case=acme_case).count() > 20

    with django_assert_num_queries(4):
        client.get(f"{URL}{acme_case.number}/")
