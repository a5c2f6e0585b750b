"""GET /api/v1/sites/: the user's sites with coverage today and the releases they run."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.models import SiteRelease
from tests.factories import ContractFactory, PatchFactory, SiteFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/sites/"


def test_a_member_sees_own_sites_with_coverage_and_releases(
    api_as, acme_viewer, acme_site, acme_contract, globex_site, releases
):
    patch = PatchFactory(release=releases["2026"], version="2026.1")
    SiteRelease.objects.create(site=acme_site, release=releases["2026"], patch=patch, seats=4)
    SiteRelease.objects.create(site=acme_site, release=releases["2025"])

    response = api_as(acme_viewer).get(URL)

    assert response.status_code == 200
    [site] = response.json()["results"]
    assert site["code"] == "ACME-CHI"
    assert site["organization"] == "Acme"
    assert site["time_zone"] == "America/Chicago"
    assert site["site_date"] == "2026-03-02"
    assert site["coverage"] == "covered"
    assert site["covered_until"] == acme_contract.end_date.isoformat()
    assert site["contracts"] == [
        {
            "reference": "ACME-001",
            "holder": "Acme",
            "start_date": acme_contract.start_date.isoformat(),
            "end_date": acme_contract.end_date.isoformat(),
            "coverage": "covered",
        }
    ]
    runs = {run["version"]: run for run in site["releases"]}
    assert runs["2026"]["patch"] == "2026.1"
    assert runs["2026"]["seats"] == 4
    assert runs["2026"]["support_status"] == "current"
    assert runs["2025"]["patch"] is None
    assert runs["2025"]["support_status"] == "previous"


def test_a_site_whose_contract_ended_says_so(api_as, acme_agent, acme_site):
    ContractFactory(
        reference="ACME-OLD",
        holder=acme_site.organization,
        sites=[acme_site],
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2026, 2, 28),
    )

    [site] = api_as(acme_agent).get(URL).json()["results"]

    assert site["coverage"] == "ended"
    assert site["covered_until"] == "2026-02-28"


def test_an_end_customer_sees_its_partners_contract_without_reference_or_holder(
    api_as, end_customer_user, end_customer_site, end_customer_contract
):
    response = api_as(end_customer_user).get(f"{URL}INITECH-DEN/")

    assert response.status_code == 200
    [contract] = response.json()["contracts"]
    assert contract["reference"] is None
    assert contract["holder"] is None
    assert contract["coverage"] == "covered"


def test_a_partner_sees_the_sites_of_the_end_customers_it_serves(
    api_as, partner_agent, end_customer_site, end_customer_contract, acme_site
):
    response = api_as(partner_agent).get(URL)

    assert [site["code"] for site in response.json()["results"]] == ["INITECH-DEN"]
    assert response.json()["results"][0]["contracts"][0]["reference"] == "NW-INITECH-001"


def test_another_tenants_site_is_404(api_as, acme_agent, acme_site, globex_site):
    client = api_as(acme_agent)

    assert client.get(f"{URL}GLOBEX-LON/").status_code == 404
    assert client.get(f"{URL}NO-SUCH-SITE/").status_code == 404
    assert [s["code"] for s in client.get(URL).json()["results"]] == ["ACME-CHI"]


def test_staff_see_every_tenants_sites(api_as, staff_agent, acme_site, globex_site):
    response = api_as(staff_agent).get(URL)

    assert [s["code"] for s in response.json()["results"]] == ["ACME-CHI", "GLOBEX-LON"]


def test_a_person_of_no_organisation_gets_403(api_as, stranger, acme_site):
    assert api_as(stranger).get(URL).status_code == 403
    assert api_as(stranger).get(f"{URL}ACME-CHI/").status_code == 403


def test_without_credentials_it_is_401(anon, acme_site):
    assert anon.get(URL).status_code == 401
    assert anon.get(f"{URL}ACME-CHI/").status_code == 401


def test_sites_are_read_only(api_as, acme_admin, acme_site):
    client = api_as(acme_admin)

    assert client.post(URL, {"code": "NEW", "name": "New"}).status_code == 405
    assert client.delete(f"{URL}ACME-CHI/").status_code == 405
    assert client.get(f"{URL}ACME-CHI/").json()["name"] == "Acme Chicago"


def test_a_page_number_out_of_range_is_404(api_as, acme_agent, acme_site):
    assert api_as(acme_agent).get(URL, {"page": "99"}).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_for_3_or_30_sites(
    api_as, acme, acme_agent, releases, django_assert_num_queries, count
):
    client = api_as(acme_agent)
    for index in range(count):
        site = SiteFactory(organization=acme, code=f"ACME-{index:03d}")
        ContractFactory(holder=acme, sites=[site])
        SiteRelease.objects.create(site=site, release=releases["2026"])

    with django_assert_num_queries(9):
        response = client.get(URL)

    assert len(response.json()["results"]) == count
