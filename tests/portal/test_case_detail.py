"""The case page: public timeline only, both SLA clocks explained, 404 for other tenants (issue 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
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


def _url(case) -> str:
    return f"/cases/{case.number}/"


@pytest.mark.parametrize("role", ["acme_admin", "acme_agent", "acme_viewer"])
def test_every_member_of_the_organisation_reads_the_case(role, request, case):
    page = signed_in(request.getfixturevalue(role)).get(_url(case))

    assert page.status_code == 200
    assert case.title in page.content.decode()


@pytest.mark.parametrize("other", ["globex_admin", "partner_admin", "end_customer_user"])
def test_another_tenant_gets_404_never_403(other, request, case):
    assert signed_in(request.getfixturevalue(other)).get(_url(case)).status_code == 404


def test_an_unknown_number_is_404_like_another_tenants(acme_admin):
    assert signed_in(acme_admin).get("/cases/C-999999/").status_code == 404


def test_the_partner_reads_the_case_it_filed_for_its_end_customer(
    partner, partner_agent, end_customer_site, end_customer_contract, end_customer_user, releases
):
    case = case_for(
        reporter=partner_agent,
        organization=partner,
        site=end_customer_site,
        release=releases["2026"],
    )

    for user in (partner_agent, end_customer_user):
        page = signed_in(user).get(_url(case))
        assert page.status_code == 200
        assert "Initech" in page.content.decode()


def test_internal_notes_and_internal_files_never_reach_the_customer(case, acme_admin, staff_agent):
    services.case_comment(case=case, by=staff_agent, body="Customer seems confused", public=False)
    services.case_attach(
        case=case,
        by=staff_agent,
        file=SimpleUploadedFile("internal-notes.txt", b"secret\n", "text/plain"),
        public=False,
    )
    services.case_comment(case=case, by=staff_agent, body="Please try patch 2026.2.")

    html = signed_in(acme_admin).get(_url(case)).content.decode()

    assert "Please try patch 2026.2." in html
    assert "Customer seems confused" not in html
    assert "internal-notes.txt" not in html
    assert "Reply from support" in html
    assert "First response from support (SLP-9)" in html


def test_public_files_are_listed_with_their_download_link(case, acme_agent, acme_admin):
    attachment = services.case_attach(
        case=case, by=acme_agent, file=SimpleUploadedFile("post.log", b"line 1\n", "text/plain")
    )

    html = signed_in(acme_admin).get(_url(case)).content.decode()

    assert f'href="/cases/attachments/{attachment.pk}/"' in html
    assert "post.log" in html


def test_times_are_shown_in_the_viewers_time_zone(case, acme_admin):
    acme_admin.time_zone = "Asia/Tokyo"
    acme_admin.save(update_fields=["time_zone"])

    html = signed_in(acme_admin).get(_url(case)).content.decode()

    # Received at 16:00 UTC on 2 March is 01:00 on 3 March in Tokyo.
    assert "March 3, 2026, 1 a.m." in html
    assert "(Asia/Tokyo)" in html


def test_both_clocks_show_their_target_policy_and_counting(case, acme_admin, time_machine):
    # Friday 6 March, 16:00 UTC: Mon-Fri counted, the weekend ahead is not in the span yet.
    time_machine.move_to(dt.datetime(2026, 3, 9, 16, 0, tzinfo=dt.UTC), tick=False)

    html = signed_in(acme_admin).get(_url(case)).content.decode()

    assert 'id="clock-response-heading"' in html and 'id="clock-resolution-heading"' in html
    assert "8 h of support time for P2" in html  # SLP-5: P2 response 8 h
    assert "Policy version" in html and case.policy_version.name in html
    assert "Support time counted, day by day" in html
    assert "Weekend" in html  # 7 and 8 March, skipped and said why
    assert "Breached" in html


def test_a_paused_resolution_clock_shows_the_pause_and_its_reason(
    case, acme_admin, staff_agent, time_machine
):
    waiting(case, staff_agent)
    time_machine.move_to(NOW + dt.timedelta(hours=1), tick=False)

    html = signed_in(acme_admin).get(_url(case)).content.decode()

    assert "Paused" in html
    assert "Support is waiting for your information" in html
    assert "Please send the post-processor log." in html


def test_a_breached_clock_puts_the_escalate_form_first(case, acme_admin, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 9, 16, 0, tzinfo=dt.UTC), tick=False)

    html = signed_in(acme_admin).get(_url(case)).content.decode()

    breach = html.index("A target of this case is breached")
    assert breach < html.index('id="timeline"')
    assert html.index(f'action="/cases/{case.number}/escalate/"') > breach
    assert html.index(f'action="/cases/{case.number}/escalate/"') < html.index('id="timeline"')


def test_a_viewer_sees_no_form_to_change_the_case(case, acme_viewer):
    html = signed_in(acme_viewer).get(_url(case)).content.decode()

    assert f"/cases/{case.number}/reply/" not in html
    assert f"/cases/{case.number}/escalate/" not in html
    assert "Your role does not allow changing it" in html


def test_a_resolved_case_offers_reopen_with_its_deadline_and_close(case, acme_admin, staff_agent):
    resolved(case, staff_agent)

    html = signed_in(acme_admin).get(_url(case)).content.decode()

    assert f'action="/cases/{case.number}/reopen/"' in html
    assert f'action="/cases/{case.number}/close/"' in html
    assert "You can reopen this case until" in html
    assert "March 16, 2026" in html  # resolved 2 March + the 14-day window


def test_a_withdrawn_case_shows_why_and_where_to_go(case, acme_admin, staff_agent):
    services.case_withdraw(
        case=case, by=staff_agent, exclusion="professional_services", explanation="SDK work."
    )

    html = signed_in(acme_admin).get(_url(case)).content.decode()

    assert "Withdrawn: outside the support policy (SLP-16)" in html
    assert "Contact professional services" in html
    assert f"/cases/{case.number}/reply/" not in html


def test_the_request_shows_what_the_customer_wrote_slp_15(
    acme, acme_site, acme_contract, acme_agent, acme_admin, releases
):
    case = case_for(
        reporter=acme_agent,
        organization=acme,
        site=acme_site,
        release=releases["2026"],
        environment="Windows 11, Haas VF-2",
        steps="Post toolpath 12.",
        business_impact="Cell 3 is idle.",
    )

    html = signed_in(acme_admin).get(_url(case)).content.decode()

    for text in (case.description, "Windows 11, Haas VF-2", "Post toolpath 12.", "Cell 3 is idle."):
        assert text in html
