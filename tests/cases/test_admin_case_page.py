"""The staff case page (issue 14, item 2): header, timeline, side panel, clock explanation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from cases.models import Status
from cases.services import case_attach, case_comment, case_triage
from tests.cases.conftest import T0

pytestmark = pytest.mark.django_db


def page_url(case) -> str:
    return f"/admin/cases/case/{case.pk}/change/"


@pytest.fixture
def agent_client(staff_agent, staff_login):
    return staff_login(staff_agent)


@pytest.fixture
def worked_case(open_case, staff_agent, time_machine):
    """A P2 case answered on Monday and noted internally, then left over the weekend."""
    case = open_case()
    time_machine.move_to(T0 + timedelta(minutes=30), tick=False)
    case = case_triage(case=case, by=staff_agent, priority="P2", category="problem")
    case = case_comment(case=case, by=staff_agent, body="We are reproducing it on a Haas VF-2.")
    case = case_comment(
        case=case, by=staff_agent, body="Block limit of the demo licence?", public=False
    )
    # A week later: Monday 09:00 in Chicago, daylight saving time having started on Sunday.
    time_machine.move_to(T0 + timedelta(days=7), tick=False)
    return case


def test_the_page_shows_the_whole_timeline_newest_first_with_internal_notes_marked(
    agent_client, worked_case
):
    response = agent_client.get(page_url(worked_case))

    assert response.status_code == 200
    page = response.content.decode()
    rows = response.context["case_timeline"]
    assert [row.event.body for row in rows if row.event.body] == [
        "Block limit of the demo licence?",
        "We are reproducing it on a Haas VF-2.",
    ]
    assert rows[-1].event.get_kind_display() == "Case received"
    note = rows[0].event
    assert f'<li class="case-event case-event-comment is-internal" id="event-{note.pk}">' in page
    assert '<span class="case-tag case-tag-internal">Internal</span>' in page
    assert f"Newest first, {len(rows)} events." in page


def test_the_header_shows_who_where_how_urgent_and_both_clocks(agent_client, worked_case):
    response = agent_client.get(page_url(worked_case))

    header = {str(fact.label): fact.value for fact in response.context["case_header"]}
    assert header == {
        "Covered organisation": "Acme",
        "Site": "Acme Chicago (ACME-CHI)",
        "Priority": "P2",
        "Status": "Triaged",
        "Assignee": "Nobody",
    }
    badges = {label: (badge.text, badge.tone) for label, badge in response.context["case_badges"]}
    # As in the queue: met, and the resolution clock breached over the weekend (24 h target).
    assert badges["Response"] == ("met", "ok")
    assert badges["Resolution"][1] == "late"
    page = response.content.decode()
    assert page.index("case-head") < page.index("case-bar") < page.index("case-timeline")


def test_the_side_panel_holds_the_read_only_details(agent_client, worked_case):
    response = agent_client.get(page_url(worked_case))

    details = {str(fact.label): fact.value for fact in response.context["case_details"]}
    assert details["Channel"] == "Portal"
    assert details["Release"] == "CONNECT CAM 2026"
    assert details["Policy version"] == worked_case.policy_version.name
    assert details["Support calendar"] == worked_case.calendar.name
    assert details["Received"] == "2026-03-02 08:00 CST"
    assert details["Category"] == "Problem"
    assert "Resolved" not in details  # unset facts are left out
    texts = {str(fact.label): fact.value for fact in response.context["case_texts"]}
    assert texts == {"Description": worked_case.description}
    page = response.content.decode()
    assert page.index('class="case-main"') < page.index('class="case-side"')


def test_the_clock_explanation_is_one_click_away_not_on_the_page(agent_client, worked_case):
    page = agent_client.get(page_url(worked_case)).content.decode()

    assert "Counted, day by day" not in page
    assert f'hx-get="/admin/cases/case/{worked_case.pk}/clocks/"' in page
    assert f'href="{page_url(worked_case)}?explain=1#case-clocks"' in page


@pytest.mark.parametrize("how", ["fragment", "page"])
def test_the_clock_explanation_counts_both_clocks_day_by_day(agent_client, worked_case, how):
    url = (
        f"/admin/cases/case/{worked_case.pk}/clocks/"
        if how == "fragment"
        else page_url(worked_case) + "?explain=1"
    )
    response = agent_client.get(url)

    page = response.content.decode()
    response_clock, resolution_clock = response.context["case_clocks"]
    assert response_clock.state == "Met"
    # Resolution: P2, 1440 support minutes (SLP-5), counted from the priority at 08:30:
    # 510 + 4 x 540 + 60 minutes, across a weekend and the DST change.
    facts = dict(resolution_clock.facts)
    assert facts["Target"] == "24 h"
    assert facts["Counted so far"] == "45 h 30 min"
    assert facts["Policy version"] == worked_case.policy_version.name
    assert ("2026-03-02 Mon", 510, "08:30-17:00") in resolution_clock.days
    assert ("2026-03-07 Sat", "Weekend") in resolution_clock.closed_days
    assert "Counted, day by day" in page
    assert "Closed days skipped" in page
    assert "America/Chicago" in page


def test_the_explanation_shows_pauses_while_waiting_on_the_customer(
    agent_client, case_in, time_machine
):
    case = case_in(Status.WAITING_ON_CUSTOMER)
    time_machine.move_to(T0 + timedelta(hours=2), tick=False)

    response = agent_client.get(f"/admin/cases/case/{case.pk}/clocks/")

    resolution_clock = response.context["case_clocks"][1]
    assert resolution_clock.pauses == [
        ("2026-03-02 08:00 CST", "still paused", "waiting on the customer", 120)
    ]
    assert "still paused" in response.content.decode()


def test_the_fields_are_read_only_and_the_form_cannot_be_saved(agent_client, open_case):
    case = open_case()

    response = agent_client.get(page_url(case))
    refused = agent_client.post(page_url(case), {"title": "Edited behind the services' back"})

    page = response.content.decode()
    assert 'name="title"' not in page
    assert 'name="_save"' not in page
    assert refused.status_code == 403
    case.refresh_from_db()
    assert case.title == "Post-processor output stops at line 200"


def test_nobody_deletes_a_case(agent_client, staff_superuser, staff_login, open_case):
    case = open_case()
    root = staff_login(staff_superuser)

    assert root.post(f"/admin/cases/case/{case.pk}/delete/", {"post": "yes"}).status_code == 403
    assert case.__class__.objects.filter(pk=case.pk).exists()


def test_attachments_are_listed_with_their_access_checked_download(
    agent_client, open_case, acme_agent
):
    case = open_case()
    attachment = case_attach(
        case=case, by=acme_agent, file=ContentFile(b"N10 G90\nN20 G01 X1\n", name="haas.nc")
    )

    response = agent_client.get(page_url(case))
    download = agent_client.get(f"/cases/attachments/{attachment.pk}/")

    page = response.content.decode()
    # Inline in the timeline, and listed in the side panel.
    assert page.count(f'<a href="/cases/attachments/{attachment.pk}/">haas.nc</a>') == 2
    assert response.context["case_timeline"][0].attachment_name == "haas.nc"
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_the_action_forms_need_the_csrf_token(staff_agent, open_case):
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.conftest import STAFF_TOTP_SECRET

    TOTP.activate(staff_agent, STAFF_TOTP_SECRET)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_agent)
    case = open_case()

    response = client.post(
        f"/admin/cases/case/{case.pk}/act/reply/",
        {"reply-body": "Hello", "reply-visibility": "public"},
    )

    assert response.status_code == 403
    assert case.events.count() == 1


def test_the_actions_only_answer_post(agent_client, open_case):
    case = open_case()

    assert agent_client.get(f"/admin/cases/case/{case.pk}/act/reply/").status_code == 405


def test_an_unknown_action_or_case_is_404(agent_client, open_case):
    case = open_case()

    assert agent_client.post(f"/admin/cases/case/{case.pk}/act/delete/").status_code == 404
    assert agent_client.post("/admin/cases/case/999999/act/reply/").status_code == 404
    for fragment in ("clocks/", "presence/", "canned/", "panel/reply/"):
        assert agent_client.get(f"/admin/cases/case/999999/{fragment}").status_code == 404
        assert agent_client.get(f"/admin/cases/case/x/{fragment}").status_code == 404


def test_an_unknown_case_page_goes_back_to_the_admin_with_a_message(agent_client):
    response = agent_client.get("/admin/cases/case/999999/change/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize(
    "fragment", ["change/", "clocks/", "presence/", "canned/?canned=1", "panel/reply/"]
)
def test_customers_never_reach_the_case_page(client, acme_agent, open_case, fragment):
    case = open_case()
    client.force_login(acme_agent)

    response = client.get(f"/admin/cases/case/{case.pk}/{fragment}")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_page_keeps_the_queue_filters_it_was_opened_from(agent_client, open_case):
    case = open_case()
    filters = "status__exact=new&o=-1"

    response = agent_client.get(page_url(case), {"_changelist_filters": filters})

    page = response.content.decode()
    assert '<a href="/admin/cases/case/?status__exact=new&amp;o=-1">Cases</a>' in page
    reply = next(b for b in response.context["case_actions"] if b.name == "reply")
    assert reply.url.endswith("/act/reply/?_changelist_filters=status__exact%3Dnew%26o%3D-1")
