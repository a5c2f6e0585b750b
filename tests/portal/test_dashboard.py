"""The dashboard: open cases with SLA countdowns, cases waiting on the customer, news, expiries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from tests.factories import ContractFactory, SiteFactory
from tests.portal.case_pages import NOW, case_for, case_numbers, signed_in, waiting

pytestmark = pytest.mark.django_db

# Session, user, membership, brand, two notice banners; the visible organisation ids; open
# and waiting cases with their total and latest request; latest public events; expiring
# contracts with their sites.
DASHBOARD_QUERIES = 10


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def acme_case(acme, acme_site, acme_contract, acme_agent, releases):
    def _open(**fields):
        fields = {"site": acme_site, **fields}
        return case_for(reporter=acme_agent, organization=acme, release=releases["2026"], **fields)

    return _open


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def _dashboard(user) -> str:
    response = signed_in(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_open_cases_show_a_countdown_in_support_time(acme_case, acme_admin, time_machine):
    case = acme_case(proposed_priority="P2")
    time_machine.move_to(NOW + dt.timedelta(hours=5, minutes=45), tick=False)

    section = _section(_dashboard(acme_admin), "open-heading")

    assert case_numbers(section) == [case.number]
    assert "2 h 15 min left" in section  # SLP-5: 8 h response for P2, 5 h 45 min used


def test_a_countdown_skips_the_weekend_slp_6(acme_case, acme_admin, time_machine):
    # Friday 6 March, 15:00 in Chicago: two support hours that day, then the weekend.
    time_machine.move_to(dt.datetime(2026, 3, 6, 21, 0, tzinfo=dt.UTC), tick=False)
    acme_case(proposed_priority="P2")
    time_machine.move_to(dt.datetime(2026, 3, 7, 18, 0, tzinfo=dt.UTC), tick=False)

    section = _section(_dashboard(acme_admin), "open-heading")

    assert "6 h left" in section


def test_due_instants_are_shown_in_the_viewers_time_zone(acme_case, acme_admin):
    acme_admin.time_zone = "Europe/Paris"
    acme_admin.save(update_fields=["time_zone"])
    acme_case(proposed_priority="P1")

    section = _section(_dashboard(acme_admin), "open-heading")

    # Received Monday 10:00 Chicago; 2.5 support hours later is 12:30 Chicago, 19:30 Paris.
    assert 'March 2, 2026, 7:30 p.m. <span class="zone">(Europe/Paris)</span>' in section


def test_a_breached_clock_shows_how_late_it_is(acme_case, acme_admin, time_machine):
    acme_case(proposed_priority="P1")
    time_machine.move_to(NOW + dt.timedelta(hours=3, minutes=30), tick=False)

    section = _section(_dashboard(acme_admin), "open-heading")

    assert "Overdue by 1 h" in section
    assert "tone-bad" in section


def test_cases_waiting_for_the_customer_show_what_support_asked(acme_case, acme_admin, staff_agent):
    case = waiting(acme_case(), staff_agent, body="Which post-processor version?")

    html = _dashboard(acme_admin)

    assert case_numbers(_section(html, "open-heading")) == []
    waiting_section = _section(html, "waiting-heading")
    assert case.number in waiting_section
    assert "Which post-processor version?" in waiting_section


def test_recent_updates_are_public_events_of_visible_cases(
    acme_case,
    acme_admin,
    staff_agent,
    globex,
    globex_site,
    globex_contract,
    globex_agent,
    releases,
):
    case = acme_case()
    services.case_comment(case=case, by=staff_agent, body="Try patch 2026.2.")
    services.case_comment(case=case, by=staff_agent, body="Looks like user error", public=False)
    theirs = case_for(
        reporter=globex_agent, organization=globex, site=globex_site, release=releases["2026"]
    )

    section = _section(_dashboard(acme_admin), "updates-heading")

    assert "Reply from support" in section and "Try patch 2026.2." in section
    assert "user error" not in section
    assert theirs.number not in section


def test_contracts_ending_within_60_days_are_listed(acme, acme_admin, acme_site, globex):
    today = NOW.date()
    ContractFactory(
        reference="ACME-SOON",
        holder=acme,
        sites=[acme_site],
        start_date=today - dt.timedelta(days=300),
        end_date=today + dt.timedelta(days=45),
    )
    ContractFactory(
        reference="ACME-LATER",
        holder=acme,
        sites=[acme_site],
        start_date=today - dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=61),
    )
    ContractFactory(
        reference="GLOBEX-SOON",
        holder=globex,
        start_date=today - dt.timedelta(days=300),
        end_date=today + dt.timedelta(days=10),
    )

    section = _section(_dashboard(acme_admin), "expiring-heading")

    assert "ACME-SOON" in section and "ACME-CHI" in section
    assert "ACME-LATER" not in section
    assert "GLOBEX-SOON" not in section


def test_a_partner_sees_its_end_customers_cases_and_contracts(
    partner, partner_admin, end_customer_site, end_customer_contract, releases, partner_agent
):
    case = case_for(
        reporter=partner_agent,
        organization=partner,
        site=end_customer_site,
        release=releases["2026"],
    )

    html = _dashboard(partner_admin)

    assert case_numbers(_section(html, "open-heading")) == [case.number]


@pytest.mark.parametrize(("role", "offered"), [("acme_agent", True), ("acme_viewer", False)])
def test_the_new_case_button_is_offered_to_writers_only(role, offered, request):
    html = _dashboard(request.getfixturevalue(role))

    assert ('href="/cases/new/"' in html) is offered


def _queries(client) -> int:
    client.get("/")  # warm the support calendar engines, built once per process
    with CaptureQueriesContext(connection) as context:
        assert client.get("/").status_code == 200
    return len(context.captured_queries)


def test_the_query_count_does_not_grow_with_the_cases(acme, acme_case, acme_admin, staff_agent):
    client = signed_in(acme_admin)
    other_site = SiteFactory(organization=acme, code="ACME-NYC", time_zone="America/New_York")
    acme.contracts.get().sites.add(other_site)
    ContractFactory(holder=acme, sites=[other_site], end_date=NOW.date() + dt.timedelta(days=20))
    for index in range(3):
        waiting(acme_case(title=f"Case {index}"), staff_agent)
        acme_case(title=f"Open {index}", site=other_site)
    few = _queries(client)
    for index in range(27):
        waiting(acme_case(title=f"More {index}"), staff_agent)
        acme_case(title=f"Open more {index}", site=other_site)

    assert _queries(client) == few == DASHBOARD_QUERIES
