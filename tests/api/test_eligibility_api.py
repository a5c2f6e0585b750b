"""GET /api/v1/eligibility/?site=&release=: may my organisation file a covered case now?"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/eligibility/"


def _ask(client, site: str, release) -> dict:
    response = client.get(URL, {"site": site, "release": release.pk})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_covered_site_and_a_supported_release_are_eligible(
    api_as, acme_viewer, acme_contract, releases
):
    answer = _ask(api_as(acme_viewer), "ACME-CHI", releases["2026"])

    assert answer == {
        "eligible": True,
        "site": "ACME-CHI",
        "release": releases["2026"].pk,
        "site_date": "2026-03-02",
        "release_status": "current",
        "contract": "ACME-001",
        "reasons": [],
    }


def test_a_site_without_contract_gets_the_reason_and_the_next_step(
    api_as, acme_agent, acme_site, releases
):
    """SLP-3: support needs an active CONNECT contract for the site."""
    ContractFactory(
        reference="ACME-OLD",
        holder=acme_site.organization,
        sites=[acme_site],
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2026, 2, 28),
    )

    answer = _ask(api_as(acme_agent), "ACME-CHI", releases["2026"])

    assert answer["eligible"] is False
    [reason] = answer["reasons"]
    assert reason["code"] == "no_active_contract"
    assert "ACME-OLD" in reason["message"]
    assert reason["next_step"].startswith("Renew the site's CONNECT contract")


def test_an_unsupported_release_is_refused_naming_the_supported_ones(
    api_as, acme_agent, acme_contract, releases, time_machine
):
    """SLP-2: only the current and the previous release are covered."""
    time_machine.move_to(dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC), tick=False)

    answer = _ask(api_as(acme_agent), "ACME-CHI", releases["2025"])

    assert answer["release_status"] == "unsupported"
    assert [r["code"] for r in answer["reasons"]] == ["release_unsupported"]
    assert "2027" in answer["reasons"][0]["next_step"]


def test_an_end_customer_is_sent_to_its_partner_without_seeing_the_partners_contract(
    api_as, end_customer_user, end_customer_contract, releases
):
    """SLP-1: an end customer is supported through its partner."""
    answer = _ask(api_as(end_customer_user), "INITECH-DEN", releases["2026"])

    assert answer["eligible"] is False
    assert [r["code"] for r in answer["reasons"]] == ["end_customer"]
    assert answer["contract"] is None


def test_the_partner_may_file_for_its_end_customers_site(
    api_as, partner_agent, end_customer_contract, releases
):
    answer = _ask(api_as(partner_agent), "INITECH-DEN", releases["2026"])

    assert answer["eligible"] is True
    assert answer["contract"] == "NW-INITECH-001"


def test_staff_get_the_answer_of_the_organisation_that_would_file(
    api_as, staff_agent, end_customer_contract, releases
):
    answer = _ask(api_as(staff_agent), "INITECH-DEN", releases["2026"])

    assert answer["eligible"] is True


def test_another_tenants_site_is_404(api_as, acme_agent, acme_contract, globex_contract, releases):
    client = api_as(acme_agent)

    assert (
        client.get(URL, {"site": "GLOBEX-LON", "release": releases["2026"].pk}).status_code == 404
    )
    assert client.get(URL, {"site": "NOPE", "release": releases["2026"].pk}).status_code == 404


@pytest.mark.parametrize(
    "params, fields",
    [
        ({}, {"site", "release"}),
        ({"site": "ACME-CHI"}, {"release"}),
        ({"site": "ACME-CHI", "release": "abc"}, {"release"}),
        ({"site": "ACME-CHI", "release": "999999"}, {"release"}),
    ],
)
def test_bad_questions_get_400_naming_the_fields(
    api_as, acme_agent, acme_contract, releases, params, fields
):
    response = api_as(acme_agent).get(URL, params)

    assert response.status_code == 400
    assert set(response.json()) == fields


def test_a_person_of_no_organisation_gets_403(api_as, stranger, acme_contract, releases):
    response = api_as(stranger).get(URL, {"site": "ACME-CHI", "release": releases["2026"].pk})

    assert response.status_code == 403


def test_without_credentials_it_is_401(anon, acme_contract, releases):
    assert anon.get(URL, {"site": "ACME-CHI", "release": releases["2026"].pk}).status_code == 401
