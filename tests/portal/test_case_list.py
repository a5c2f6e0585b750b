"""The case list: visible cases only, filters, search, sort, 50 a page, a pinned query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.models import Case
from tests.factories import SiteFactory
from tests.portal.case_pages import NOW, case_for, case_numbers, resolved, signed_in, waiting

pytestmark = pytest.mark.django_db

# Session, user, membership, brand, sites of the filter, count, page, two notice banners.
LIST_QUERIES = 9


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def acme_case(acme, acme_site, acme_contract, acme_agent, releases):
    def _open(**fields) -> Case:
        fields = {"site": acme_site, **fields}
        return case_for(reporter=acme_agent, organization=acme, release=releases["2026"], **fields)

    return _open


def _numbers(user, query: str = "") -> list[str]:
    response = signed_in(user).get(f"/cases/{query}")
    assert response.status_code == 200
    return case_numbers(response.content.decode())


@pytest.mark.parametrize("role", ["acme_admin", "acme_agent", "acme_viewer"])
def test_every_member_lists_the_organisations_cases(role, request, acme_case):
    case = acme_case()

    assert _numbers(request.getfixturevalue(role)) == [case.number]


def test_other_tenants_cases_are_not_listed(
    acme_case, acme_admin, globex, globex_site, globex_contract, globex_agent, releases
):
    mine = acme_case()
    case_for(reporter=globex_agent, organization=globex, site=globex_site, release=releases["2026"])

    assert _numbers(acme_admin) == [mine.number]


def test_a_partner_lists_its_own_and_its_end_customers_cases(
    acme_case, partner, partner_agent, end_customer_site, end_customer_contract, releases
):
    acme_case()
    for_end_customer = case_for(
        reporter=partner_agent,
        organization=partner,
        site=end_customer_site,
        release=releases["2026"],
    )

    html = signed_in(partner_agent).get("/cases/").content.decode()

    assert case_numbers(html) == [for_end_customer.number]
    assert "Initech" in html


def test_search_finds_a_case_by_number_or_title(acme_case, acme_admin):
    printer = acme_case(title="Printer driver crash")
    other = acme_case(title="Licence server unreachable")

    assert _numbers(acme_admin, "?q=driver") == [printer.number]
    assert _numbers(acme_admin, f"?q={other.number}") == [other.number]


def test_filters_by_status_priority_site_and_open_or_closed(
    acme, acme_case, acme_admin, acme_agent, staff_agent, releases
):
    lab = SiteFactory(organization=acme, code="ACME-LAB", name="Acme lab")
    acme.contracts.get().sites.add(lab)
    new_p1 = acme_case(proposed_priority="P1")
    waiting_p2 = waiting(acme_case(proposed_priority="P4"), staff_agent)  # support set P2
    done = resolved(acme_case(site=lab), staff_agent)
    closed = services.case_close(case=done, by=acme_agent)

    assert _numbers(acme_admin, "?status=waiting_on_customer") == [waiting_p2.number]
    assert _numbers(acme_admin, "?priority=P2") == [closed.number, waiting_p2.number]
    assert _numbers(acme_admin, "?priority=P1") == [new_p1.number]
    assert _numbers(acme_admin, "?site=ACME-LAB") == [closed.number]
    assert _numbers(acme_admin, "?state=closed") == [closed.number]
    assert _numbers(acme_admin, "?state=open") == [waiting_p2.number, new_p1.number]


def test_sorts_by_received_priority_and_due(acme_case, acme_admin, time_machine):
    p3 = acme_case(proposed_priority="P3")
    time_machine.move_to(NOW + dt.timedelta(minutes=5), tick=False)
    p1 = acme_case(proposed_priority="P1")
    time_machine.move_to(NOW + dt.timedelta(minutes=10), tick=False)
    p2 = acme_case(proposed_priority="P2")

    assert _numbers(acme_admin) == [p2.number, p1.number, p3.number]
    assert _numbers(acme_admin, "?sort=received") == [p3.number, p1.number, p2.number]
    assert _numbers(acme_admin, "?sort=priority") == [p1.number, p2.number, p3.number]
    # SLP-5 response targets: P1 2.5 h, P2 8 h, P3 24 h from receipt.
    assert _numbers(acme_admin, "?sort=due") == [p1.number, p2.number, p3.number]


def test_fifty_cases_a_page(acme_case, acme_admin):
    cases = [acme_case(title=f"Case {index}") for index in range(52)]

    first = signed_in(acme_admin).get("/cases/?sort=received").content.decode()
    second = _numbers(acme_admin, "?sort=received&page=2")

    assert case_numbers(first) == [case.number for case in cases[:50]]
    assert second == [case.number for case in cases[50:]]
    assert "Page 1 of 2" in first
    assert 'href="?sort=received&amp;page=2"' in first


def test_another_tenants_site_is_not_a_filter_choice_and_leaks_nothing(
    acme_case, acme_admin, globex_site
):
    mine = acme_case()

    response = signed_in(acme_admin).get("/cases/?site=GLOBEX-LON")

    html = response.content.decode()
    assert "Select a valid choice." in html
    assert case_numbers(html) == [mine.number]


def test_htmx_gets_only_the_results(acme_case, acme_admin):
    case = acme_case()

    response = signed_in(acme_admin).get("/cases/?q=Post", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert case_numbers(html) == [case.number]
    assert "HX-Request" in response["Vary"]


def test_the_filter_form_works_without_javascript(acme_admin):
    html = signed_in(acme_admin).get("/cases/").content.decode()

    assert '<form method="get" action="/cases/"' in html
    assert 'hx-get="/cases/"' in html
    for field in ("q", "state", "status", "priority", "site", "sort"):
        assert f'<label for="id_{field}">' in html


def test_open_cases_show_their_countdowns_in_support_time(acme_case, acme_admin, time_machine):
    acme_case(proposed_priority="P2")
    # Monday 10:00 in Chicago plus 2 h 15 min of support time.
    time_machine.move_to(NOW + dt.timedelta(hours=5, minutes=45), tick=False)

    html = signed_in(acme_admin).get("/cases/").content.decode()

    assert "2 h 15 min left" in html


def _queries(client, url: str) -> int:
    client.get(url)  # warm the support calendar engines, built once per process
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_query_count_does_not_grow_with_the_cases(acme_case, acme_admin):
    client = signed_in(acme_admin)
    for index in range(5):
        acme_case(title=f"Case {index}")
    few = _queries(client, "/cases/?sort=due")
    for index in range(55):
        acme_case(title=f"More {index}", proposed_priority="P3")

    many = _queries(client, "/cases/?sort=due")

    assert few == many == LIST_QUERIES


def test_demo_distributor_sees_its_cases_and_the_other_distributor_gets_404(time_machine):
    """Issue 6 acceptance, on the demo world of DESIGN.md with a handful of cases filed."""
    from cases.services import case_open
    from contracts.demo import NORTHWIND, seed_world
    from contracts.models import Organization, Release, Site, User

    # Tuesday 1 December 2026: releases 2027 (current) and 2026 (previous) are supported.
    time_machine.move_to(dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC), tick=False)
    seed_world()
    dana = User.objects.get(email="distributor@demo.test")
    dimitri = User.objects.get(email="distributor2@demo.test")
    release = Release.objects.get(product__code="connect-cam", version="2027")

    def file(reporter, organization, code: str) -> Case:
        return case_open(
            reporter=reporter,
            organization=organization,
            site=Site.objects.get(code=code),
            release=release,
            title=f"Simulation crash at {code}",
            description="The simulation closes when the stock is loaded.",
            proposed_priority="P3",
            channel="portal",
        )

    # Northwind's own site, and two end customers' sites it files for (SLP-1).
    northwind = Organization.objects.get(name=NORTHWIND)
    filed = {
        file(dana, northwind, code).number for code in ("NW-NYC-01", "GLT-CHI-01", "RMA-DEN-01")
    }
    unp = Organization.objects.get(name="Usinage Numérique Partenaires")
    theirs = file(dimitri, unp, "UNP-PAR-01")
    distributor, distributor2 = signed_in(dana), signed_in(dimitri)

    listed = case_numbers(distributor.get("/cases/").content.decode())

    assert set(listed) == filed and len(listed) == 3
    for number in listed:
        assert distributor.get(f"/cases/{number}/").status_code == 200
        assert distributor2.get(f"/cases/{number}/").status_code == 404
    assert case_numbers(distributor2.get("/cases/").content.decode()) == [theirs.number]
    assert distributor.get(f"/cases/{theirs.number}/").status_code == 404
