"""Sites and contracts pages: coverage and expiry per site, supported releases (SLP-2, SLP-3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from contracts.models import Contract, SiteRelease
from tests.factories import ContractFactory, PatchFactory, SiteFactory

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 16:00 UTC: 10:00 in Chicago.
NOW = dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _contract(site, reference: str, start: str, end: str, **extra) -> Contract:
    return ContractFactory(
        reference=reference,
        holder=site.organization,
        sites=[site],
        start_date=dt.date.fromisoformat(start),
        end_date=dt.date.fromisoformat(end),
        **extra,
    )


@pytest.mark.parametrize("role", ["acme_admin", "acme_agent", "acme_viewer"])
def test_every_role_sees_its_sites(role, request, acme_site, acme_contract):
    page = _client(request.getfixturevalue(role)).get("/sites/")

    assert page.status_code == 200
    assert "Acme Chicago" in page.content.decode()


def test_the_list_shows_coverage_and_expiry_of_each_site(acme, acme_admin):
    covered = SiteFactory(organization=acme, code="A-COVERED", name="Covered plant")
    expiring = SiteFactory(organization=acme, code="A-EXPIRING", name="Expiring plant")
    lapsed = SiteFactory(organization=acme, code="A-LAPSED", name="Lapsed plant")
    SiteFactory(organization=acme, code="A-NONE", name="Bare plant")
    _contract(covered, "C-1", "2026-01-01", "2026-12-31")
    _contract(expiring, "C-2", "2025-04-01", "2026-03-31")
    _contract(lapsed, "C-3", "2025-01-01", "2025-12-31", status=Contract.Status.EXPIRED)

    html = _client(acme_admin).get("/sites/").content.decode()

    rows = {code: _row(html, code) for code in ("A-COVERED", "A-EXPIRING", "A-LAPSED", "A-NONE")}
    assert "badge-covered" in rows["A-COVERED"] and "Dec. 31, 2026" in rows["A-COVERED"]
    assert "Expiring soon" in rows["A-EXPIRING"] and "March 31, 2026" in rows["A-EXPIRING"]
    assert "Expired" in rows["A-LAPSED"] and "ended Dec. 31, 2025" in rows["A-LAPSED"]
    assert "No contract" in rows["A-NONE"]


def _row(html: str, code: str) -> str:
    start = html.index(f">{code}<")
    return html[start : html.index("</tr>", start)]


def test_a_contract_ending_today_still_covers_the_site_in_its_own_time_zone(acme, acme_admin):
    # 16:00 UTC on 2 March is 10:00 on 2 March in Chicago, but 01:00 on 3 March in Tokyo.
    tokyo = SiteFactory(organization=acme, code="A-TYO", time_zone="Asia/Tokyo", country="JP")
    chicago = SiteFactory(organization=acme, code="A-CHI", time_zone="America/Chicago")
    _contract(tokyo, "C-TYO", "2025-03-03", "2026-03-02")
    _contract(chicago, "C-CHI", "2025-03-03", "2026-03-02")

    html = _client(acme_admin).get("/sites/").content.decode()

    assert "Expired" in _row(html, "A-TYO")
    assert "Expiring soon" in _row(html, "A-CHI")


def test_the_list_shows_the_releases_each_site_runs_with_their_support_status(
    acme_admin, acme_site, acme_contract, releases
):
    SiteRelease.objects.create(site=acme_site, release=releases["2026"])
    SiteRelease.objects.create(
        site=acme_site,
        release=releases["2025"],
        patch=PatchFactory(release=releases["2025"], version="2025.3"),
    )

    row = _row(_client(acme_admin).get("/sites/").content.decode(), "ACME-CHI")

    # Before 2027 ships (2026-10-15), 2026 is current and 2025 previous (SLP-2).
    assert "CONNECT CAM 2026" in row and "Current" in row
    assert "CONNECT CAM 2025" in row and "patch 2025.3" in row and "Previous" in row


def test_after_a_new_release_ships_the_oldest_is_shown_unsupported(
    acme_admin, acme_site, acme_contract, releases, time_machine
):
    SiteRelease.objects.create(site=acme_site, release=releases["2025"])
    time_machine.move_to(dt.datetime(2026, 10, 16, 12, tzinfo=dt.UTC), tick=False)

    row = _row(_client(acme_admin).get("/sites/").content.decode(), "ACME-CHI")

    assert "Unsupported" in row


def test_it_hides_other_tenants_sites(acme_admin, acme_site, globex_site):
    html = _client(acme_admin).get("/sites/").content.decode()

    assert "ACME-CHI" in html
    assert "GLOBEX-LON" not in html


def test_a_partner_sees_its_end_customers_sites(partner_admin, end_customer_site):
    assert "INITECH-DEN" in _client(partner_admin).get("/sites/").content.decode()


def test_an_end_customer_sees_coverage_but_not_its_partners_contract(
    end_customer_user, end_customer_site, end_customer_contract
):
    client = _client(end_customer_user)

    listing = client.get("/sites/").content.decode()
    detail = client.get("/sites/INITECH-DEN/").content.decode()

    assert "supported through its partner Northwind" in listing
    assert "badge-covered" in _row(listing, "INITECH-DEN")
    assert "Held by your partner" in detail
    assert "NW-INITECH-001" not in detail


def test_the_site_page_shows_address_zone_calendar_and_contracts(acme_admin, acme_site):
    acme_site.address = "1 Main Street\nChicago IL"
    acme_site.save()
    _contract(acme_site, "ACME-2026", "2026-01-01", "2026-12-31")

    page = _client(acme_admin).get("/sites/ACME-CHI/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "1 Main Street<br>Chicago IL" in html
    assert "America/Chicago" in html
    assert "Worldwide" in html
    assert "ACME-2026" in html


def test_another_tenants_site_is_404_like_a_missing_one(acme_admin, globex_site):
    client = _client(acme_admin)

    assert client.get("/sites/GLOBEX-LON/").status_code == 404
    assert client.get("/sites/NO-SUCH-SITE/").status_code == 404


def test_pages_need_a_signed_in_user(client, acme_site):
    for url in ("/sites/", "/sites/ACME-CHI/", "/contracts/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_site_names_with_html_render_inert(acme, acme_admin):
    SiteFactory(organization=acme, code="A-XSS", name='<script>alert("x")</script>')

    for url in ("/sites/", "/sites/A-XSS/", "/contact/?site=A-XSS"):
        html = _client(acme_admin).get(url).content.decode()
        assert '<script>alert("x")</script>' not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_site_list_query_count_does_not_grow_with_sites(
    acme, acme_admin, releases, django_assert_num_queries
):
    client = _client(acme_admin)
    _sites_with_contracts_and_releases(acme, releases, count=1)
    with django_assert_num_queries(SITE_LIST_QUERIES):
        client.get("/sites/")

    _sites_with_contracts_and_releases(acme, releases, count=6)
    with django_assert_num_queries(SITE_LIST_QUERIES):
        client.get("/sites/")


# session, user, membership, brand, the two notice banners of base.html;
# sites, their contracts, site releases, visible holders, releases
SITE_LIST_QUERIES = 11


def _sites_with_contracts_and_releases(organization, releases, *, count: int) -> None:
    for _ in range(count):
        site = SiteFactory(organization=organization)
        ContractFactory(holder=organization, sites=[site])
        SiteRelease.objects.create(site=site, release=releases["2026"])


# --- Contracts ---------------------------------------------------------------------------


def test_the_contract_list_shows_holder_sites_dates_and_status(acme, acme_admin, acme_site):
    _contract(acme_site, "ACME-OK", "2026-01-01", "2026-12-31")
    _contract(acme_site, "ACME-SOON", "2025-05-01", "2026-04-15")
    _contract(acme_site, "ACME-OLD", "2024-01-01", "2024-12-31", status=Contract.Status.EXPIRED)

    html = _client(acme_admin).get("/contracts/").content.decode()

    assert "Active" in _row(html, "ACME-OK") and "Acme Chicago" in _row(html, "ACME-OK")
    assert "Expiring soon" in _row(html, "ACME-SOON")
    assert "April 15, 2026" in _row(html, "ACME-SOON")
    assert "Expired" in _row(html, "ACME-OLD")


def test_the_contract_list_hides_other_tenants_contracts(
    acme_admin, acme_contract, globex_contract
):
    html = _client(acme_admin).get("/contracts/").content.decode()

    assert "ACME-001" in html
    assert "GLOBEX-001" not in html


def test_a_partner_sees_the_contracts_it_holds_for_end_customers(
    partner_admin, end_customer_contract
):
    html = _client(partner_admin).get("/contracts/").content.decode()

    assert "NW-INITECH-001" in html and "Initech Denver" in html


def test_the_contract_list_query_count_does_not_grow_with_contracts(
    acme, acme_admin, django_assert_num_queries
):
    client = _client(acme_admin)
    _sites_with_contracts(acme, count=1)
    with django_assert_num_queries(CONTRACT_LIST_QUERIES):
        client.get("/contracts/")

    _sites_with_contracts(acme, count=8)
    with django_assert_num_queries(CONTRACT_LIST_QUERIES):
        client.get("/contracts/")


# session, user, membership, brand, the two notice banners of base.html;
# contracts with holders, their visible sites
CONTRACT_LIST_QUERIES = 8


def _sites_with_contracts(organization, *, count: int) -> None:
    for _ in range(count):
        ContractFactory(holder=organization, sites=[SiteFactory(organization=organization)])
