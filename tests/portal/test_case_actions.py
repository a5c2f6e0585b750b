"""Actions on a case page: reply, attach, give information, escalate, reopen, close (issue 6).

Admins and agents act, a viewer gets 403, another tenant 404; a refusal is shown next to its
field or above the form, and nothing is half done.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.models import Attachment, CaseEvent, EscalationLevel, EventKind, Status
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


def _upload(name: str = "post.log", content: bytes = b"line 1\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "text/plain")


def _prepare(action: str, case, staff):
    """Bring the case to where the action makes sense; return the POST data."""
    if action == "information":
        waiting(case, staff)
    if action in ("reopen", "close"):
        resolved(case, staff)
    data = {
        "reply": {"body": "The log is attached."},
        "attachments": {"files": _upload()},
        "information": {"body": "Here is the post-processor log."},
        "escalate": {"reason": "Production has stopped for two days."},
        "reopen": {"reason": "The patch did not help."},
        "close": {},
    }
    return data[action]


ACTIONS = ["reply", "attachments", "information", "escalate", "reopen", "close"]
# What each action leaves on the timeline (SLP-8, SLP-12, lifecycle of DESIGN.md).
EFFECT = {
    "reply": EventKind.COMMENT,
    "attachments": EventKind.ATTACHMENT,
    "information": EventKind.INFO_RECEIVED,
    "escalate": EventKind.ESCALATION,
    "reopen": EventKind.REOPENED,
    "close": EventKind.CLOSED,
}


@pytest.mark.parametrize("role", ["acme_admin", "acme_agent"])
@pytest.mark.parametrize("action", ACTIONS)
def test_admins_and_agents_act_on_the_case(action, role, request, case, staff_agent):
    data = _prepare(action, case, staff_agent)

    response = signed_in(request.getfixturevalue(role)).post(
        f"/cases/{case.number}/{action}/", data
    )

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.number}/#timeline"
    assert case.events.filter(kind=EFFECT[action]).exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_a_viewer_is_refused_with_403_and_nothing_changes(action, case, acme_viewer, staff_agent):
    data = _prepare(action, case, staff_agent)
    before = case.events.count()

    response = signed_in(acme_viewer).post(f"/cases/{case.number}/{action}/", data)

    assert response.status_code == 403
    assert case.events.count() == before


@pytest.mark.parametrize("other", ["globex_admin", "partner_admin"])
@pytest.mark.parametrize("action", ACTIONS)
def test_another_tenant_gets_404_on_every_action(action, other, request, case, staff_agent):
    data = _prepare(action, case, staff_agent)
    before = case.events.count()

    response = signed_in(request.getfixturevalue(other)).post(
        f"/cases/{case.number}/{action}/", data
    )

    assert response.status_code == 404
    assert case.events.count() == before


def test_actions_answer_only_posts(case, acme_admin):
    assert signed_in(acme_admin).get(f"/cases/{case.number}/reply/").status_code == 405


def test_the_partner_replies_on_the_case_of_its_end_customer(
    partner, partner_agent, end_customer_site, end_customer_contract, end_customer_user, releases
):
    case = case_for(
        reporter=partner_agent,
        organization=partner,
        site=end_customer_site,
        release=releases["2026"],
    )

    for user in (partner_agent, end_customer_user):
        response = signed_in(user).post(f"/cases/{case.number}/reply/", {"body": "More detail."})
        assert response.status_code == 302
    assert case.events.filter(kind=EventKind.COMMENT).count() == 2


def test_an_empty_reply_is_refused_next_to_its_field(case, acme_agent):
    response = signed_in(acme_agent).post(f"/cases/{case.number}/reply/", {"body": "   "})

    html = response.content.decode()
    assert response.status_code == 400
    field = html[html.index('<label for="comment_body">') : html.index('id="comment_body"')]
    assert "This field is required." in field
    assert not case.events.filter(kind=EventKind.COMMENT).exists()


def test_escalating_needs_a_reason_slp_12(case, acme_agent, staff_agent):
    # Once support has answered, the page offers escalation at any time (SLP-12).
    services.case_comment(case=case, by=staff_agent, body="Looking.")
    response = signed_in(acme_agent).post(f"/cases/{case.number}/escalate/", {"reason": ""})

    html = response.content.decode()
    assert response.status_code == 400
    field = html[html.index('<label for="escalate_reason">') : html.index('id="escalate_reason"')]
    assert "This field is required." in field
    case.refresh_from_db()
    assert case.escalation_level == EscalationLevel.NONE


def test_escalation_moves_up_one_level_each_time_and_stops_at_the_top(case, acme_agent):
    client = signed_in(acme_agent)
    for _level in range(3):
        client.post(f"/cases/{case.number}/escalate/", {"reason": "No progress."})

    response = client.post(f"/cases/{case.number}/escalate/", {"reason": "Still nothing."})

    case.refresh_from_db()
    assert case.escalation_level == EscalationLevel.EXECUTIVE_SPONSOR
    # At the top level the page no longer offers the form; the refusal still says why.
    assert response.status_code == 400
    assert "already escalated to the highest level" in response.content.decode()


def test_giving_information_when_none_was_asked_shows_the_refused_move(case, acme_agent):
    response = signed_in(acme_agent).post(
        f"/cases/{case.number}/information/", {"body": "Here it is."}
    )

    assert response.status_code == 409
    assert "Support is not waiting for information on this case." in response.content.decode()
    assert not case.events.filter(kind=EventKind.INFO_RECEIVED).exists()


def test_giving_the_information_resumes_the_case(case, acme_agent, staff_agent):
    waiting(case, staff_agent)

    signed_in(acme_agent).post(f"/cases/{case.number}/information/", {"body": "Log attached."})

    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert case.events.get(kind=EventKind.INFO_RECEIVED).body == "Log attached."


def test_reopening_after_the_window_is_refused_with_its_end_date(
    case, acme_agent, staff_agent, time_machine
):
    resolved(case, staff_agent)
    time_machine.move_to(NOW + dt.timedelta(days=15), tick=False)

    response = signed_in(acme_agent).post(
        f"/cases/{case.number}/reopen/", {"reason": "It broke again."}
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "The reopen window of 14 days ended on 2026-03-16" in html
    assert 'role="alert"' in html
    case.refresh_from_db()
    assert case.status == Status.RESOLVED


def test_a_refused_file_is_explained_next_to_the_field_and_nothing_is_attached(
    case, acme_agent, settings
):
    files = [_upload("good.log"), SimpleUploadedFile("tool.exe", b"MZ\x90\x00", "application/x")]

    response = signed_in(acme_agent).post(f"/cases/{case.number}/attachments/", {"files": files})

    html = response.content.decode()
    assert response.status_code == 400
    field = html[html.index('<label for="attach_files">') : html.index('id="attach_files"')]
    assert "Files of type “.exe” are not accepted." in field
    assert not Attachment.objects.filter(case=case).exists()
    stored = settings.MEDIA_ROOT / "attachments"
    assert not stored.exists() or not any(path.is_file() for path in stored.rglob("*"))


def test_several_files_are_attached_at_once(case, acme_agent):
    files = [_upload("one.log"), _upload("two.txt")]

    response = signed_in(acme_agent).post(f"/cases/{case.number}/attachments/", {"files": files})

    assert response.status_code == 302
    names = set(Attachment.objects.filter(case=case).values_list("original_name", flat=True))
    assert names == {"one.log", "two.txt"}


def test_a_closed_case_takes_no_more_replies(case, acme_agent, staff_agent):
    resolved(case, staff_agent)
    signed_in(acme_agent).post(f"/cases/{case.number}/close/")

    response = signed_in(acme_agent).post(f"/cases/{case.number}/reply/", {"body": "One more."})

    assert response.status_code == 400
    assert "This case is closed: open a new case and quote its number." in (
        response.content.decode()
    )
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.COMMENT).exists()
