"""Case emails: user text is escaped in HTML, each recipient gets their language and zone."""

from __future__ import annotations

import pytest

from cases import services
from cases.models import CaseEvent, EventKind
from cases.services.notifications import case_email_reply
from mail.models import OutboxMessage
from mail.services.outbox import outbox_render

EVIL = 'Crash <script>alert("x")</script> & co'


@pytest.fixture
def evil_case(case_in):
    return case_in("in_progress", title=EVIL)


def _rendered(template: str):
    return [outbox_render(m) for m in OutboxMessage.objects.filter(template=template)]


@pytest.mark.parametrize(
    ("template", "act"),
    [
        ("case_received", lambda case, staff: None),
        ("case_reply", lambda case, staff: services.case_comment(case=case, by=staff, body=EVIL)),
        (
            "case_info_requested",
            lambda case, staff: services.case_request_information(case=case, by=staff, body=EVIL),
        ),
        (
            "case_resolved",
            lambda case, staff: services.case_resolve(
                case=case, by=staff, kind="plan", body=EVIL, plan=EVIL
            ),
        ),
        (
            "case_withdrawn",
            lambda case, staff: services.case_withdraw(
                case=case, by=staff, exclusion="training", explanation=EVIL
            ),
        ),
        (
            "case_escalation",
            lambda case, staff: services.case_escalate(case=case, by=staff, reason=EVIL),
        ),
    ],
)
def test_user_text_is_escaped_in_html_and_kept_verbatim_in_text(
    evil_case, staff_agent, staff_supervisor, template, act
):
    act(evil_case, staff_agent)

    [email, *_] = _rendered(template)
    html = email.alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert EVIL in email.body
    assert "&lt;" not in email.subject and "&amp;" not in email.subject


def test_emails_are_written_in_each_recipients_language(
    case_in, acme_admin, acme_agent, staff_agent
):
    acme_admin.language = "fr"
    acme_admin.save()
    case = case_in("in_progress")

    services.case_comment(case=case, by=staff_agent, body="Bonjour")

    languages = dict(
        OutboxMessage.objects.filter(template="case_reply").values_list("to_email", "language")
    )
    assert languages == {acme_admin.email: "fr", acme_agent.email: "en"}


def test_each_email_has_a_key_per_event_and_recipient_so_it_goes_once(
    case_in, staff_agent, acme_agent
):
    case = case_in("in_progress")
    services.case_comment(case=case, by=staff_agent, body="Hello")
    event = CaseEvent.objects.get(case=case, kind=EventKind.COMMENT)

    case_email_reply(case, event)  # a retry of the same send

    [message] = OutboxMessage.objects.filter(template="case_reply")
    assert message.idempotency_key == f"case:{case.pk}:{event.pk}:{acme_agent.pk}"


def test_an_internal_note_cannot_be_sent_as_a_reply(case_in, staff_agent):
    case = case_in("in_progress")
    services.case_comment(case=case, by=staff_agent, body="internal", public=False)
    event = CaseEvent.objects.get(case=case, kind=EventKind.COMMENT)

    with pytest.raises(ValueError, match="never emailed"):
        case_email_reply(case, event)
