"""Self-service on the portal (issue 15): finish a case, escalate when SLP-12 allows, file
through the partner, and no control a person cannot use.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest

from cases import services
from cases.models import EventKind, Status
from contracts.models import Organization
from portal.permissions import filing_route, may_file_cases
from tests.portal.case_pages import NOW, case_for, resolved, signed_in, waiting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine, settings, tmp_path):
    time_machine.move_to(NOW, tick=False)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(acme, acme_site, acme_contract, acme_agent, releases):
    return case_for(
        reporter=acme_agent, organization=acme, site=acme_site, release=releases["2026"]
    )


def _page(user, url: str) -> str:
    response = signed_in(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def _finish(case, outcome: str) -> str:
    return f"/cases/{case.number}/finish/?outcome={outcome}"


# --- Marking a case solved, withdrawing it ---------------------------------------------


def test_an_open_case_offers_solved_and_withdraw_behind_a_confirm_step(
    case, acme_agent, staff_agent
):
    services.case_triage(case=case, by=staff_agent, priority="P2", category="problem")

    html = _page(acme_agent, f"/cases/{case.number}/")

    assert "Finished with this case?" in html
    assert f'href="{_finish(case, "solved")}#finish"' in html
    assert f'href="{_finish(case, "withdrawn")}#finish"' in html
    # The links only ask: nothing is posted from the case page itself.
    assert f'action="/cases/{case.number}/finish/"' not in html


def test_a_new_case_offers_only_the_withdrawal(case, acme_agent):
    html = _page(acme_agent, f"/cases/{case.number}/")

    assert _finish(case, "withdrawn") in html
    assert _finish(case, "solved") not in html
    assert "Support has not started on this case yet" in html


def test_withdrawing_asks_for_an_optional_reason_then_records_it_as_the_customers(case, acme_agent):
    confirm = _page(acme_agent, _finish(case, "withdrawn"))
    assert f"Withdraw {case.number}?" in confirm
    assert f'action="/cases/{case.number}/finish/"' in confirm
    assert 'name="reason"' in confirm and "(optional)" in confirm
    case.refresh_from_db()
    assert case.status == Status.NEW  # asking changed nothing

    client = signed_in(acme_agent)
    response = client.post(f"/cases/{case.number}/finish/", {"outcome": "withdrawn"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
    html = client.get(response["Location"]).content.decode()
    assert "The case is withdrawn." in html
    assert "Withdrawn by the customer; case closed" in html
    assert acme_agent.get_full_name() in html
    assert "Finished with this case?" not in html


def test_marking_solved_closes_the_case_with_the_customers_resolution(
    case, acme_admin, staff_agent
):
    services.case_triage(case=case, by=staff_agent, priority="P2", category="problem")

    response = signed_in(acme_admin).post(
        f"/cases/{case.number}/finish/", {"outcome": "solved", "reason": "Patch 2026.2 fixed it."}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    event = case.events.get(kind=EventKind.CLOSED)
    assert (event.actor, event.body) == (acme_admin, "Patch 2026.2 fixed it.")
    html = _page(acme_admin, f"/cases/{case.number}/")
    assert "Marked solved by the customer; case closed" in html
    assert "Patch 2026.2 fixed it." in html


def test_marking_a_new_case_solved_is_refused_above_the_form(case, acme_agent):
    response = signed_in(acme_agent).post(f"/cases/{case.number}/finish/", {"outcome": "solved"})

    assert response.status_code == 409
    assert "withdraw it instead" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.NEW


def test_a_reason_past_its_limit_comes_back_next_to_the_field(case, acme_agent):
    response = signed_in(acme_agent).post(
        f"/cases/{case.number}/finish/", {"outcome": "withdrawn", "reason": "x" * 2001}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert f"Withdraw {case.number}?" in html
    field = html[html.index('<label for="finish_reason">') : html.index('id="finish_reason"')]
    assert "2,000" in field or "2000" in field
    case.refresh_from_db()
    assert case.status == Status.NEW


def test_a_finished_case_is_not_offered_again(case, acme_agent, staff_agent):
    resolved(case, staff_agent)
    client = signed_in(acme_agent)

    assert client.get(_finish(case, "solved"))["Location"] == f"/cases/{case.number}/"
    response = client.post(f"/cases/{case.number}/finish/", {"outcome": "withdrawn"})

    assert response.status_code == 400
    assert "Only an open case can be marked solved or withdrawn." in response.content.decode()
    assert "Finished with this case?" not in response.content.decode()


def test_the_end_customer_finishes_the_case_its_partner_filed(
    partner, partner_agent, end_customer_site, end_customer_contract, end_customer_user, releases
):
    case = case_for(
        reporter=partner_agent,
        organization=partner,
        site=end_customer_site,
        release=releases["2026"],
    )

    response = signed_in(end_customer_user).post(
        f"/cases/{case.number}/finish/", {"outcome": "withdrawn"}
    )

    assert response.status_code == 302
    assert case.events.get(kind=EventKind.CLOSED).actor == end_customer_user


def test_a_viewer_may_not_even_ask(case, acme_viewer):
    client = signed_in(acme_viewer)

    assert client.get(_finish(case, "withdrawn")).status_code == 403
    assert client.post(f"/cases/{case.number}/finish/", {"outcome": "withdrawn"}).status_code == 403
    case.refresh_from_db()
    assert case.status == Status.NEW


@pytest.mark.parametrize("other", ["globex_admin", "partner_admin"])
def test_another_tenant_gets_404_on_the_confirm_step_and_the_action(other, request, case):
    client = signed_in(request.getfixturevalue(other))

    assert client.get(_finish(case, "withdrawn")).status_code == 404
    assert client.post(f"/cases/{case.number}/finish/", {"outcome": "withdrawn"}).status_code == 404


# --- Escalation only when SLP-12 allows it ---------------------------------------------


def _escalate_action(case) -> str:
    return f'action="/cases/{case.number}/escalate/"'


def test_a_fresh_case_says_when_escalation_opens_instead_of_offering_it(
    acme, acme_site, acme_contract, acme_agent, releases
):
    # Received Monday 10:00 in Chicago as P4: 48 support hours to answer, 9 a day.
    case = case_for(
        reporter=acme_agent,
        organization=acme,
        site=acme_site,
        release=releases["2026"],
        proposed_priority="P4",
    )

    html = _page(acme_agent, f"/cases/{case.number}/")

    assert _escalate_action(case) not in html
    assert "You can escalate from" in html
    # 7 h on Monday and 36 h to Friday's close make 43 h; the last 5 h end on Monday 9 March
    # at 13:00 in Chicago, on daylight time (UTC-5) since the Sunday.
    assert 'datetime="2026-03-09T18:00:00+00:00"' in html
    assert "if support has not answered by then" in html


def test_once_support_answered_the_escalate_form_is_offered(case, acme_agent, staff_agent):
    services.case_comment(case=case, by=staff_agent, body="We are looking at the log.")

    html = _page(acme_agent, f"/cases/{case.number}/")

    assert _escalate_action(case) in html
    assert "Not satisfied with progress?" in html
    assert "You can escalate from" not in html


def test_a_breached_case_offers_escalation_at_once(case, acme_agent, time_machine):
    time_machine.move_to(NOW + dt.timedelta(days=3), tick=False)

    html = _page(acme_agent, f"/cases/{case.number}/")

    assert "A target of this case is breached" in html
    assert html.count(_escalate_action(case)) == 1


@pytest.mark.parametrize("state", ["resolved", "closed", "withdrawn"])
def test_resolved_and_closed_cases_offer_no_escalation(
    state, case, acme_agent, staff_agent, time_machine
):
    if state == "resolved":
        resolved(case, staff_agent)
    elif state == "closed":
        services.case_close(case=resolved(case, staff_agent), by=acme_agent)
    else:
        services.case_customer_close(case=case, by=acme_agent, solved=False)
    time_machine.move_to(NOW + dt.timedelta(days=10), tick=False)

    html = _page(acme_agent, f"/cases/{case.number}/")

    assert _escalate_action(case) not in html
    assert "You can escalate from" not in html
    assert "A target of this case is breached" not in html


# --- Filing through the partner (SLP-1) -------------------------------------------------


def test_an_end_customer_is_shown_its_partner_instead_of_the_new_case_button(
    partner, partner_admin, partner_agent, end_customer_user
):
    html = _page(end_customer_user, "/")

    assert "/cases/new/" not in html
    assert "New cases go through Northwind" in html
    assert 'href="mailto:admin@northwind.test"' in html  # the partner's technical contact
    assert "agent@northwind.test" not in html


def test_without_a_technical_contact_the_partners_admins_are_named(
    partner, partner_admin, end_customer_user
):
    partner_admin.memberships.update(is_technical_contact=False)

    route = filing_route(end_customer_user)

    assert (route.may_file, route.partner, route.contacts) == (False, partner, (partner_admin,))


def test_the_partner_and_a_direct_customer_file_from_the_dashboard(partner_agent, acme_agent):
    for user in (partner_agent, acme_agent):
        html = _page(user, "/")
        assert 'href="/cases/new/"' in html
        assert "New cases go through" not in html


@pytest.mark.parametrize(
    ("role", "may_file"),
    [
        ("acme_admin", True),
        ("acme_agent", True),
        ("acme_viewer", False),
        ("partner_agent", True),
        ("end_customer_user", False),
        ("stranger", False),
        ("staff_agent", False),
    ],
)
def test_who_is_offered_the_new_case_form(role, may_file, request):
    assert may_file_cases(request.getfixturevalue(role)) is may_file


def test_a_suspended_organisation_is_told_why_it_cannot_file(acme, acme_agent):
    Organization.objects.filter(pk=acme.pk).update(status=Organization.Status.SUSPENDED)

    html = _page(acme_agent, "/")

    assert "/cases/new/" not in html
    assert "account is suspended" in html


# --- A viewer sees no control it cannot use ---------------------------------------------


class _Forms(HTMLParser):
    """Collect the action of every POST form of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.posts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        if tag == "form" and (values.get("method") or "").lower() == "post":
            self.posts.append(values.get("action") or "")


# The header's own forms, on every page for everyone signed in.
_HEADER_FORMS = {"/i18n/setlang/", "/accounts/logout/"}


def _post_forms(html: str) -> list[str]:
    parser = _Forms()
    parser.feed(html)
    return [action for action in parser.posts if action not in _HEADER_FORMS]


def test_the_parser_finds_the_forms_an_agent_is_offered(case, acme_agent):
    html = _page(acme_agent, f"/cases/{case.number}/")

    assert f"/cases/{case.number}/reply/" in _post_forms(html)


@pytest.mark.parametrize("state", ["new", "waiting", "answered", "breached", "resolved"])
def test_a_viewer_sees_no_post_form_on_a_case(state, case, acme_viewer, staff_agent, time_machine):
    if state == "waiting":
        waiting(case, staff_agent)
    elif state == "answered":
        services.case_comment(case=case, by=staff_agent, body="Looking.")
    elif state == "breached":
        time_machine.move_to(NOW + dt.timedelta(days=3), tick=False)
    elif state == "resolved":
        resolved(case, staff_agent)

    html = _page(acme_viewer, f"/cases/{case.number}/")

    assert _post_forms(html) == []
    assert "/finish/" not in html
    assert "You can escalate from" not in html
    assert "Your role does not allow changing it" in html


def test_a_viewer_sees_no_post_form_on_the_dashboard_and_site_pages(
    acme_viewer, acme_site, acme_contract, case
):
    for url in ("/", "/sites/", f"/sites/{acme_site.code}/", f"/updates/sites/{acme_site.code}/"):
        html = _page(acme_viewer, url)
        assert _post_forms(html) == [], url
        assert "/cases/new/" not in html, url


def test_a_viewer_is_kept_off_the_team_page_and_shown_no_form(acme_viewer):
    response = signed_in(acme_viewer).get("/team/")

    assert response.status_code == 403
    assert _post_forms(response.content.decode()) == []
