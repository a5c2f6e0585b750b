"""Presence on the case page (issue 14, item 2): who else has the case open, and who changed it
since the page was loaded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from cases.admin.presence import PRESENCE_SECONDS, presence_touch
from cases.models import CaseEvent, EventKind, Status
from cases.services import case_comment, case_triage
from tests.cases.conftest import T0

pytestmark = pytest.mark.django_db


def page_url(case) -> str:
    return f"/admin/cases/case/{case.pk}/change/"


def presence(client, case, since: int | None = None):
    query = {} if since is None else {"since": since}
    return client.get(f"/admin/cases/case/{case.pk}/presence/", query, HTTP_HX_REQUEST="true")


@pytest.fixture
def two_staff(staff_agent, staff_supervisor):
    """Two signed-in staff members, each with a browser of their own."""
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.conftest import STAFF_TOTP_SECRET

    clients = []
    for user in (staff_agent, staff_supervisor):
        user.full_name = {"support-agent@vendor.test": "Ann Agent"}.get(user.email, "Sam Super")
        user.save(update_fields=["full_name"])
        TOTP.activate(user, STAFF_TOTP_SECRET)
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_a_second_staff_member_sees_who_else_has_the_case_open(two_staff, open_case):
    ann, sam = two_staff
    case = open_case()

    first = ann.get(page_url(case)).content.decode()
    second = sam.get(page_url(case)).content.decode()
    poll = presence(ann, case).content.decode()

    assert "also has this case open" not in first  # nobody else yet; never oneself
    assert "Ann Agent also has this case open." in second
    assert "Sam Super also has this case open." in poll
    assert "Ann Agent also has" not in poll


def test_someone_who_left_more_than_two_minutes_ago_is_no_longer_shown(
    two_staff, open_case, time_machine
):
    ann, sam = two_staff
    case = open_case()
    ann.get(page_url(case))

    time_machine.move_to(T0 + timedelta(seconds=PRESENCE_SECONDS - 10), tick=False)
    still = sam.get(page_url(case)).content.decode()
    time_machine.move_to(T0 + timedelta(seconds=PRESENCE_SECONDS + 1), tick=False)
    gone = presence(sam, case).content.decode()

    assert "Ann Agent also has this case open." in still
    assert "also has this case open" not in gone


def test_each_poll_keeps_the_viewer_present(staff_agent, staff_supervisor, time_machine):
    for minute in range(5):
        time_machine.move_to(T0 + timedelta(seconds=30 * minute), tick=False)
        presence_touch(7, staff_agent)

    assert presence_touch(7, staff_supervisor) == [staff_agent.full_name or staff_agent.email]


def test_the_notice_polls_every_thirty_seconds_from_the_last_event_seen(two_staff, open_case):
    ann, _sam = two_staff
    case = open_case()
    last = case.events.latest("pk").pk

    page = ann.get(page_url(case)).content.decode()
    poll = presence(ann, case, since=last).content.decode()

    expected = (
        f'hx-get="/admin/cases/case/{case.pk}/presence/?since={last}" hx-trigger="every 30s" '
        'hx-select="#case-presence" hx-swap="outerHTML"'
    )
    assert expected in page
    assert expected in poll
    assert poll.lstrip().startswith('<div id="case-presence"')


def test_a_reply_by_someone_else_since_the_page_was_loaded_is_announced(
    two_staff, open_case, staff_supervisor
):
    ann, _sam = two_staff
    case = open_case()
    last = case.events.latest("pk").pk
    ann.get(page_url(case))

    case_comment(case=case, by=staff_supervisor, body="I call the customer now.")
    poll = presence(ann, case, since=last).content.decode()

    assert "Sam Super replied since you opened the case." in poll
    assert f'<a href="{page_url(case)}">Reload the page</a>' in poll


def test_changes_name_each_person_once_and_leave_out_ones_own(
    two_staff, case_in, staff_agent, staff_supervisor, acme_agent
):
    ann, _sam = two_staff
    case = case_in(Status.NEW)
    last = case.events.latest("pk").pk

    case_triage(case=case, by=staff_supervisor, priority="P1")
    case_comment(case=case, by=staff_agent, body="My own note.", public=False)
    case_comment(case=case, by=acme_agent, body="Any news?")
    CaseEvent.objects.create(
        case=case, at=T0, kind=EventKind.SLA_WARNING, public=False, data={"clock": "response"}
    )
    notices = [change.text() for change in presence(ann, case, since=last).context["case_changes"]]

    customer = acme_agent.full_name or acme_agent.email
    assert notices == [
        "The SLA sweep changed the case since you opened it.",
        f"{customer} replied since you opened the case.",
        "Sam Super changed the case since you opened it.",
    ]


def test_nothing_new_means_no_notice(two_staff, open_case):
    ann, _sam = two_staff
    case = open_case()

    poll = presence(ann, case, since=case.events.latest("pk").pk)

    assert poll.context["case_changes"] == []
    assert "since you opened" not in poll.content.decode()


def test_presence_needs_staff_and_a_visible_case(client, acme_agent, two_staff, open_case):
    ann, _sam = two_staff
    case = open_case()
    client.force_login(acme_agent)

    assert presence(client, case).status_code == 302  # to the admin's login
    assert ann.get("/admin/cases/case/999999/presence/").status_code == 404
    assert ann.post(f"/admin/cases/case/{case.pk}/presence/").status_code == 405
