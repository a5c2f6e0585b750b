"""The case list: visible cases only, open ones by default, filters, sort, compact rows with the
assignee and the last public activity, 50 a page, a pinned query count.

The search has its own file (test_case_search.py), and so have saved filters
(test_saved_filters.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.models import Case
from portal.selectors.case_list import case_list_scope, cases_in_scope
from tests.factories import SiteFactory
from tests.portal.case_pages import NOW, case_for, case_numbers, resolved, signed_in, waiting

pytestmark = pytest.mark.django_db

# Session, user, membership, brand, the visible organisations with their sites (the site
# filter's choices), the page (counted, with each row's last public activity), two notice
# banners. Issue 15 asks for at most 8.
LIST_QUERIES = 8
# An htmx answer: session, user, membership, brand, the organisations, the page.
RESULTS_QUERIES = 6


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
    assert _numbers(acme_admin, "?status=closed") == [closed.number]  # the status closed
    assert _numbers(acme_admin, "?status=all&priority=P2") == [closed.number, waiting_p2.number]
    assert _numbers(acme_admin, "?priority=P2") == [waiting_p2.number]
    assert _numbers(acme_admin, "?priority=P1") == [new_p1.number]
    assert _numbers(acme_admin, "?site=ACME-LAB") == []
    assert _numbers(acme_admin, "?status=all&site=ACME-LAB") == [closed.number]
    # Links made before the status filter took the open-or-closed one's place.
    assert _numbers(acme_admin, "?state=closed") == [closed.number]
    assert _numbers(acme_admin, "?state=open") == [waiting_p2.number, new_p1.number]


def test_open_cases_by_default_closed_and_all_on_request(
    acme_case, acme_admin, acme_agent, staff_agent
):
    still_open = acme_case(title="Still open")
    done = resolved(acme_case(title="Resolved"), staff_agent)
    closed = services.case_close(
        case=resolved(acme_case(title="Closed"), staff_agent), by=acme_agent
    )

    default = signed_in(acme_admin).get("/cases/").content.decode()

    assert case_numbers(default) == [still_open.number]
    assert "1 open case." in default
    assert '<option value="open" selected>Open cases</option>' in default
    assert _numbers(acme_admin, "?status=closed") == [closed.number, done.number]
    assert _numbers(acme_admin, "?status=all") == [closed.number, done.number, still_open.number]
    assert _numbers(acme_admin, "?status=resolved") == [done.number]
    assert _numbers(acme_admin, "?status=nonsense") == [still_open.number]


def test_no_open_case_offers_the_closed_ones(acme_case, acme_admin, acme_agent, staff_agent):
    services.case_close(case=resolved(acme_case(), staff_agent), by=acme_agent)

    html = signed_in(acme_admin).get("/cases/").content.decode()

    assert case_numbers(html) == []
    assert "No open case." in html
    assert 'href="/cases/?status=all"' in html


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


@pytest.mark.parametrize("page", ["3", "99999999999999999999999999999999999999"])
def test_a_page_past_the_last_is_the_last_page_however_far(acme_case, acme_admin, page):
    cases = [acme_case(title=f"Case {index}") for index in range(52)]

    # A database offset overflows past 2**63: the page number is capped before the query.
    assert _numbers(acme_admin, f"?sort=received&page={page}") == [c.number for c in cases[50:]]


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
    # The save form travels with the results, so it always holds the filters shown.
    assert '<input type="hidden" name="query" value="q=Post">' in html


def test_the_back_button_gets_the_whole_page(acme_case, acme_admin):
    """htmx asks again for a page its history cache lost: the page, not the results alone."""
    acme_case()

    response = signed_in(acme_admin).get(
        "/cases/?q=Post", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" in response.content.decode()


def test_the_filter_form_works_without_javascript_and_applies_itself_with_it(acme_admin):
    html = signed_in(acme_admin).get("/cases/").content.decode()

    assert '<form method="get" action="/cases/"' in html
    assert 'hx-get="/cases/"' in html
    assert 'hx-trigger="change, submit, input changed delay:300ms from:#id_q' in html
    # Without JavaScript a button applies the filters; with it, changing one does.
    assert (
        '<noscript><div class="filter-actions"><button type="submit">Apply</button></div></noscript>'
        in html
    )
    for field in ("q", "status", "priority", "site", "sort"):
        assert f'<label for="id_{field}">' in html


def test_rows_show_the_assignee_and_the_last_public_activity(
    acme_case, acme_admin, staff_agent, time_machine
):
    staff_agent.full_name = "Sam Support"
    staff_agent.save(update_fields=["full_name"])
    assigned = acme_case(title="Assigned")
    services.case_assign(case=assigned, by=staff_agent, assignee=staff_agent)
    time_machine.move_to(NOW + dt.timedelta(hours=2), tick=False)
    services.case_comment(case=assigned, by=staff_agent, body="We are on it.")
    time_machine.move_to(NOW + dt.timedelta(hours=5), tick=False)
    # An internal note is activity the customer must not learn of.
    services.case_comment(case=assigned, by=staff_agent, body="Looks like a bug.", public=False)
    unassigned = acme_case(title="Nobody yet")
    time_machine.move_to(NOW + dt.timedelta(hours=6), tick=False)

    html = signed_in(acme_admin).get("/cases/").content.decode()

    rows = dict(zip(case_numbers(html), html.split("<tr>")[2:], strict=True))
    assert "Sam Support" in rows[assigned.number]
    assert "4\xa0hours ago" in rows[assigned.number]  # the reply, not the internal note
    assert "Unassigned" in rows[unassigned.number]
    assert "an hour ago" in rows[unassigned.number]  # filed an hour ago, nothing since
    assert "Last activity" in html and "Assignee" in html


def test_a_page_past_the_last_shows_the_last_page(acme_case, acme_admin):
    cases = [acme_case(title=f"Case {index}") for index in range(52)]

    html = signed_in(acme_admin).get("/cases/?sort=received&page=9").content.decode()

    assert case_numbers(html) == [case.number for case in cases[50:]]
    assert "Page 2 of 2" in html


def test_open_cases_show_their_countdowns_in_support_time(acme_case, acme_admin, time_machine):
    acme_case(proposed_priority="P2")
    # Monday 10:00 in Chicago plus 2 h 15 min of support time.
    time_machine.move_to(NOW + dt.timedelta(hours=5, minutes=45), tick=False)

    html = signed_in(acme_admin).get("/cases/").content.decode()

    assert "2 h 15 min left" in html


def _queries(client, url: str, **headers) -> int:
    client.get(url, **headers)  # warm the support calendar engines, built once per process
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, **headers).status_code == 200
    return len(context.captured_queries)


def test_the_query_count_does_not_grow_with_the_cases(acme_case, acme_admin, staff_agent):
    client = signed_in(acme_admin)
    urls = ("/cases/?sort=due", "/cases/?status=all&q=more", "/cases/?priority=P3&sort=priority")
    for index in range(5):
        acme_case(title=f"Case {index}")
    few = [_queries(client, url) for url in urls]
    for index in range(55):
        case = acme_case(title=f"More {index}", proposed_priority="P3")
        services.case_assign(case=case, by=staff_agent, assignee=staff_agent)
        services.case_comment(case=case, by=staff_agent, body=f"Reply {index}")

    many = [_queries(client, url) for url in urls]

    assert few == many == [LIST_QUERIES] * len(urls)
    assert _queries(client, "/cases/?sort=due", HTTP_HX_REQUEST="true") == RESULTS_QUERIES


def test_the_scope_is_the_rule_of_case_visibility(
    acme_case,
    acme_admin,
    globex,
    globex_site,
    globex_contract,
    globex_agent,
    partner,
    partner_agent,
    end_customer_site,
    end_customer_contract,
    end_customer_user,
    stranger,
    staff_agent,
    releases,
):
    """The list resolves the organisations once; what it lists is Case.objects.visible_to."""
    acme_case()
    case_for(reporter=globex_agent, organization=globex, site=globex_site, release=releases["2026"])
    case_for(
        reporter=partner_agent,
        organization=partner,
        site=end_customer_site,
        release=releases["2026"],
    )
    acme_admin.is_active = False
    people = [acme_admin, globex_agent, partner_agent, end_customer_user, stranger, staff_agent]

    for person in people:
        listed = set(cases_in_scope(case_list_scope(person)).values_list("number", flat=True))
        expected = set(Case.objects.visible_to(person).values_list("number", flat=True))
        assert listed == expected, person


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
