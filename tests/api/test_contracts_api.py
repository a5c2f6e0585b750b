"""GET /api/v1/contracts/: the contracts the user may see, with coverage today (SLP-3)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import ContractFactory, SiteFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/contracts/"


def test_a_member_sees_own_contracts_with_dates_coverage_and_sites(
    api_as, acme_viewer, acme_contract, globex_contract
):
    response = api_as(acme_viewer).get(URL)

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "reference": "ACME-001",
            "holder": "Acme",
            "start_date": acme_contract.start_date.isoformat(),
            "end_date": acme_contract.end_date.isoformat(),
            "status": "active",
            "coverage": "covered",
            "sites": ["ACME-CHI"],
            "renewed_from": None,
        }
    ]


def test_coverage_tells_expiring_ended_upcoming_and_cancelled_apart(api_as, acme, acme_agent):
    """Dates are compared with today, 2 March 2026; "expiring" starts with the first notice."""
    ContractFactory(
        reference="SOON", holder=acme, start_date=dt.date(2025, 3, 3), end_date=dt.date(2026, 3, 9)
    )
    ContractFactory(
        reference="OLD", holder=acme, start_date=dt.date(2024, 1, 1), end_date=dt.date(2025, 1, 1)
    )
    ContractFactory(
        reference="NEXT", holder=acme, start_date=dt.date(2026, 4, 1), end_date=dt.date(2027, 3, 31)
    )
    ContractFactory(reference="GONE", holder=acme, status="cancelled")

    rows = api_as(acme_agent).get(URL).json()["results"]

    assert {row["reference"]: row["coverage"] for row in rows} == {
        "SOON": "expiring",
        "OLD": "ended",
        "NEXT": "upcoming",
        "GONE": "cancelled",
    }


def test_a_renewal_names_the_contract_it_renews(api_as, acme, acme_agent):
    old = ContractFactory(
        reference="ACME-2025",
        holder=acme,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
    )
    ContractFactory(reference="ACME-2026", holder=acme, renewed_from=old)

    response = api_as(acme_agent).get(f"{URL}ACME-2026/")

    assert response.json()["renewed_from"] == "ACME-2025"


def test_a_partner_sees_its_contracts_and_the_end_customer_sites_they_cover(
    api_as, partner_agent, end_customer_contract, acme_contract
):
    rows = api_as(partner_agent).get(URL).json()["results"]

    assert [(row["reference"], row["sites"]) for row in rows] == [
        ("NW-INITECH-001", ["INITECH-DEN"])
    ]


def test_an_end_customer_does_not_see_its_partners_contract(
    api_as, end_customer_user, end_customer_contract
):
    client = api_as(end_customer_user)

    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}NW-INITECH-001/").status_code == 404


def test_a_contract_lists_only_the_sites_the_user_may_see(api_as, acme, acme_agent, globex_site):
    """A contract covering another tenant's site too must not name that site."""
    own = SiteFactory(organization=acme, code="ACME-NYC")
    ContractFactory(reference="ACME-MIXED", holder=acme, sites=[own, globex_site])

    response = api_as(acme_agent).get(f"{URL}ACME-MIXED/")

    assert response.json()["sites"] == ["ACME-NYC"]


def test_another_tenants_contract_is_404(api_as, acme_agent, acme_contract, globex_contract):
    client = api_as(acme_agent)

    assert client.get(f"{URL}GLOBEX-001/").status_code == 404
    assert client.get(f"{URL}NO-SUCH-REF/").status_code == 404
    assert client.get(f"{URL}ACME-001/").status_code == 200


def test_a_person_of_no_organisation_gets_403(api_as, stranger, acme_contract):
    assert api_as(stranger).get(URL).status_code == 403
    assert api_as(stranger).get(f"{URL}ACME-001/").status_code == 403


def test_without_credentials_it_is_401(anon, acme_contract):
    assert anon.get(URL).status_code == 401
    assert anon.get(f"{URL}ACME-001/").status_code == 401


def test_contracts_are_read_only(api_as, acme_admin, acme_contract):
    client = api_as(acme_admin)

    assert client.post(URL, {"reference": "NEW"}).status_code == 405
    assert client.delete(f"{URL}ACME-001/").status_code == 405


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_for_3_or_30_contracts(
    api_as, acme, acme_agent, django_assert_num_queries, count
):
    client = api_as(acme_agent)
    for index in range(count):
        sites = [SiteFactory(organization=acme), SiteFactory(organization=acme)]
        ContractFactory(reference=f"ACME-{index:03d}", holder=acme, sites=sites)

    with django_assert_num_queries(5):
        response = client.get(URL)

    assert len(response.json()["results"]) == count
