"""Query counts of the portal pages that list things and had no pin yet (issue 6, item 6).

Each page is read with a few rows, then with many, and must run the same pinned number of
queries both times, so an N+1 cannot creep in. Pinned elsewhere: the dashboard for a
direct customer (test_dashboard.py), /cases/ for a direct customer (test_case_list.py), the CSV export
(test_case_export.py), /sites/ and /contracts/ (test_sites_pages.py), /releases/
(test_releases_page.py), /team/ (test_team.py), /contact/ (test_contact.py), /updates/
(tests/contracts/test_notices_portal.py), the API lists (tests/api/) and the admin queue
(tests/cases/test_admin_queue.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from contracts.models import SiteRelease
from tests.factories import (
    ContractFactory,
    OrganizationFactory,
    PatchFactory,
    ReleaseFactory,
    SiteFactory,
)
from tests.portal.case_pages import NOW, case_for, case_numbers, signed_in, waiting

pytestmark = pytest.mark.django_db

# The queries every portal page runs: session, user, membership, brand, the two notice
# banners of base.html (policy change, software update).
PAGE = 6
# An htmx answer has no page around it: session, user, membership, and the brand of the
# host (someone signed in on another organisation's brand host is sent home first).
PARTIAL = 4


@pytest.fixture(autouse=True)
def _frozen(time_machine, settings, tmp_path):
    time_machine.move_to(NOW, tick=False)
    settings.MEDIA_ROOT = tmp_path / "media"


def _queries(client, url: str, **headers) -> int:
    client.get(url, headers=headers)  # warm the support calendar engines, built once per process
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, headers=headers).status_code == 200
    return len(context.captured_queries)


def _counts(client, pages: dict[str, tuple[str, dict]]) -> dict[str, int]:
    return {name: _queries(client, url, **headers) for name, (url, headers) in pages.items()}


# --- /cases/ as a partner: its own and its end customers' cases, every page ---------------

# The organisations the partner sees with their sites (the filter's choices), then the page:
# its cases with their relations, counted, each with its last public activity (issue 15).
CASE_LIST_QUERIES = PAGE + 2
CASE_RESULTS_QUERIES = PARTIAL + 2
# A page past the last one (a stale link) counts the cases, then reads the last page.
PAST_THE_END = 2
CASE_LIST_PAGES = {
    "first page": ("/cases/", {}),
    "open, by priority": ("/cases/?state=open&sort=priority", {}),
    "all, searched": ("/cases/?status=all&q=case", {}),
    "htmx results": ("/cases/?sort=due", {"HX-Request": "true"}),
}


@pytest.fixture
def served_sites(partner, partner_agent, end_customer_site, end_customer_contract):
    """The end customer's site and a second end customer's, both under the partner's contract."""
    other = OrganizationFactory(name="Umbrella", kind="end_customer", partner=partner)
    other_site = SiteFactory(organization=other, code="UMB-NYC", time_zone="America/New_York")
    end_customer_contract.sites.add(other_site)
    return [end_customer_site, other_site]


def _partner_cases(partner, partner_agent, sites, releases, *, count: int, first: int = 0):
    for n in range(first, first + count):
        case_for(
            reporter=partner_agent,
            organization=partner,
            site=sites[n % len(sites)],
            release=releases["2026"],
            title=f"Case {n}",
            proposed_priority=("P1", "P2", "P3", "P4")[n % 4],
        )


def test_the_partners_case_list_runs_the_same_queries_for_2_or_55_cases(
    partner, partner_admin, partner_agent, served_sites, releases
):
    client = signed_in(partner_admin)
    _partner_cases(partner, partner_agent, served_sites, releases, count=2)
    few = _counts(client, CASE_LIST_PAGES)

    _partner_cases(partner, partner_agent, served_sites, releases, count=53, first=2)
    many = _counts(client, CASE_LIST_PAGES)

    assert len(case_numbers(client.get("/cases/").content.decode())) == 50
    assert len(case_numbers(client.get("/cases/?page=2").content.decode())) == 5
    expected = dict.fromkeys(CASE_LIST_PAGES, CASE_LIST_QUERIES)
    expected["htmx results"] = CASE_RESULTS_QUERIES
    assert few == many == expected
    assert _queries(client, "/cases/?page=2") == CASE_LIST_QUERIES
    assert _queries(client, "/cases/?page=3") == CASE_LIST_QUERIES + PAST_THE_END


# --- /: the dashboard of a partner, with its end customers' cases ---------------------------

# The visible organisations' ids, then one query each (issue 15, item 8): the open and waiting
# cases with their total and latest information request, the latest public events, the
# expiring contracts with their visible sites.
DASHBOARD_QUERIES = PAGE + 4


def _dashboard_world(partner, partner_agent, sites, releases, staff, *, count: int, first: int):
    """Cases of the partner's end customers: open ones, some waiting, some with replies."""
    for n in range(first, first + count):
        case = case_for(
            reporter=partner_agent,
            organization=partner,
            site=sites[n % len(sites)],
            release=releases["2026"],
            title=f"Case {n}",
        )
        if n % 3 == 0:
            waiting(case, staff, body=f"Please send log {n}.")
        elif n % 3 == 1:
            services.case_comment(case=case, by=staff, body=f"Looking at it {n}.")


def test_the_partners_dashboard_runs_the_same_queries_for_few_or_many_cases(
    partner, partner_admin, partner_agent, served_sites, releases, staff_agent
):
    client = signed_in(partner_admin)
    ContractFactory(holder=partner, sites=served_sites, end_date=NOW.date() + dt.timedelta(days=20))
    _dashboard_world(partner, partner_agent, served_sites, releases, staff_agent, count=3, first=0)
    few = _queries(client, "/")

    _dashboard_world(partner, partner_agent, served_sites, releases, staff_agent, count=45, first=3)
    html = client.get("/").content.decode()
    many = _queries(client, "/")

    assert "Please send log 45." in html and "Looking at it 46." in html
    assert "INITECH-DEN" in html and "UMB-NYC" in html
    assert few == many == DASHBOARD_QUERIES


# --- /cases/<number>/: the timeline, the files and both clocks ----------------------------

# The case with its relations, its whole timeline with actors and files (the public events
# for the page, all of them for the clocks), the policy targets (the calendar engine is cached).
CASE_PAGE_QUERIES = PAGE + 3


def _long_timeline(case, customer, staff) -> None:
    """Give the case every kind of public and internal event, several times over."""
    for n in range(3):
        services.case_comment(case=case, by=staff, body=f"Update {n}")
        services.case_comment(case=case, by=staff, body=f"Internal note {n}", public=False)
        services.case_comment(case=case, by=customer, body=f"Thanks {n}")
        services.case_attach(
            case=case,
            by=customer,
            file=SimpleUploadedFile(f"post-{n}.log", b"line 200: stopped\n", "text/plain"),
        )
    services.case_triage(case=case, by=staff, priority="P2", category="problem")
    services.case_request_information(case=case, by=staff, body="Send the post-processor.")
    services.case_provide_information(case=case, by=customer, body="Attached above.")
    services.case_escalate(case=case, by=customer, reason="Two programmers are blocked.")


def test_the_case_page_runs_the_same_queries_for_a_short_or_long_timeline(
    acme, acme_agent, acme_site, acme_contract, releases, staff_agent, staff_supervisor
):
    client = signed_in(acme_agent)
    case = case_for(
        reporter=acme_agent, organization=acme, site=acme_site, release=releases["2026"]
    )
    url = f"/cases/{case.number}/"
    few = _queries(client, url)

    _long_timeline(case, acme_agent, staff_agent)
    html = client.get(url).content.decode()
    many = _queries(client, url)

    assert html.count('class="event ') > 15
    assert "post-2.log" in html
    assert few == many == CASE_PAGE_QUERIES


# --- /cases/new/ and its htmx release field: sites, releases, patches, runs ---------------

# The visible sites with their organisations.
NEW_CASE_QUERIES = PAGE + 1
# With a site chosen: the releases with their products, the site's runs, the latest patches,
# and the eligibility check (the site's contracts, the product's releases). The htmx answer
# reads the chosen site alone instead of the visible sites.
SITE_CHOSEN_QUERIES = PAGE + 6
RELEASE_FIELD_QUERIES = PARTIAL + 6


def _more_sites_releases_and_patches(partner, site, product, releases) -> None:
    """Five more sites to choose from; the chosen one runs an old release and patched ones."""
    contract = ContractFactory(holder=partner)
    for n in range(4):
        customer = OrganizationFactory(name=f"Served {n}", kind="end_customer", partner=partner)
        contract.sites.add(SiteFactory(organization=customer))
    contract.sites.add(SiteFactory(organization=partner, code="NW-OWN"))
    old = ReleaseFactory(product=product, version="2024", release_date=dt.date(2023, 10, 15))
    for release in (old, releases["2025"], releases["2026"]):
        patches = [
            PatchFactory(release=release, release_date=release.release_date + dt.timedelta(n))
            for n in (30, 60, 90)
        ]
        SiteRelease.objects.create(site=site, release=release, patch=patches[0])


def test_the_new_case_pages_run_the_same_queries_however_many_sites_and_releases(
    partner, partner_agent, served_sites, product, releases
):
    client = signed_in(partner_agent)
    pages: dict[str, tuple[str, dict]] = {
        "form": ("/cases/new/", {}),
        "form, site chosen": ("/cases/new/?site=INITECH-DEN", {}),
        "release field": ("/cases/new/releases/?site=INITECH-DEN", {"HX-Request": "true"}),
    }
    few = _counts(client, pages)

    _more_sites_releases_and_patches(partner, served_sites[0], product, releases)
    many = _counts(client, pages)

    assert "Served 3 (end customer)" in client.get("/cases/new/").content.decode()
    field = client.get("/cases/new/releases/?site=INITECH-DEN").content.decode()
    assert "installed at this site" in field and "also runs CONNECT CAM 2024" in field
    assert "the latest patch of CONNECT CAM 2026 is" in field
    assert (
        few
        == many
        == {
            "form": NEW_CASE_QUERIES,
            "form, site chosen": SITE_CHOSEN_QUERIES,
            "release field": RELEASE_FIELD_QUERIES,
        }
    )


# --- /sites/<code>/: the site's contracts and the releases it runs -----------------------

# The visible holders, the releases' support statuses, the site, its contracts, its runs
# with releases and patches, the site's calendar.
SITE_PAGE_QUERIES = PAGE + 6


def _renewals_and_runs(site, releases, *, contracts: int) -> None:
    for n in range(contracts):
        start = dt.date(2020 + n, 1, 1)
        ContractFactory(
            holder=site.organization,
            sites=[site],
            start_date=start,
            end_date=start + dt.timedelta(days=364),
        )
    for release in releases.values():
        SiteRelease.objects.get_or_create(
            site=site, release=release, defaults={"patch": PatchFactory(release=release)}
        )


def test_the_site_page_runs_the_same_queries_however_many_contracts_and_releases(
    acme_admin, acme_site, acme_contract, releases
):
    client = signed_in(acme_admin)
    few = _queries(client, "/sites/ACME-CHI/")

    _renewals_and_runs(acme_site, releases, contracts=5)
    html = client.get("/sites/ACME-CHI/").content.decode()
    many = _queries(client, "/sites/ACME-CHI/")

    assert "CONNECT CAM 2025" in html
    assert few == many == SITE_PAGE_QUERIES
