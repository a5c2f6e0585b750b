"""Free text has a maximum length on every entry path, refused with one clear message (issue 13).

A 2 MB comment or escalation reason used to be stored (and the reason mailed to every
supervisor); now the services, the portal forms, the admin forms and the model fields all
refuse text past its limit in common/limits.py, and nothing is stored.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cases import services
from cases.admin.forms import ReplyForm, ResolveForm
from cases.models import Case, CaseEvent, EventKind
from common.limits import (
    CASE_TEXT_MAX_CHARS,
    COMMENT_MAX_CHARS,
    REASON_MAX_CHARS,
    TITLE_MAX_CHARS,
    chars_check,
)
from mail.models import OutboxMessage
from notices.models import UpdateNotice
from portal.forms.cases import CommentForm, EscalateForm
from portal.forms.team import InviteForm
from tests.portal.case_pages import signed_in

pytestmark = pytest.mark.django_db

TWO_MB = "x" * (2 * 1024 * 1024)


def message(limit: int, count: int) -> str:
    return f"Keep this to at most {limit:,} characters; it has {count:,}."


def test_the_message_says_the_limit_and_the_length_in_the_readers_language():
    with pytest.raises(ValidationError) as caught:
        chars_check("x" * 20_001, limit=20_000, field="body")
    assert caught.value.message_dict == {"body": [message(20_000, 20_001)]}
    with translation.override("fr"):
        # French groups thousands with a (non-breaking) space.
        assert "20\xa0000" in caught.value.message_dict["body"][0]


def test_a_comment_at_the_limit_is_kept_and_one_past_it_is_refused(case_in, acme_agent):
    case = case_in("in_progress")

    services.case_comment(case=case, by=acme_agent, body="x" * COMMENT_MAX_CHARS)
    with pytest.raises(ValidationError) as caught:
        services.case_comment(case=case, by=acme_agent, body=TWO_MB)

    assert caught.value.message_dict["body"] == [message(COMMENT_MAX_CHARS, len(TWO_MB))]
    assert [len(e.body) for e in case.events.filter(kind=EventKind.COMMENT)] == [COMMENT_MAX_CHARS]


def test_an_oversize_escalation_reason_is_neither_stored_nor_mailed(case_in, acme_agent):
    case = case_in("in_progress")
    mails = OutboxMessage.objects.count()

    with pytest.raises(ValidationError) as caught:
        services.case_escalate(case=case, by=acme_agent, reason="r" * (REASON_MAX_CHARS + 1))

    assert caught.value.message_dict["reason"] == [message(REASON_MAX_CHARS, REASON_MAX_CHARS + 1)]
    assert not case.events.filter(kind=EventKind.ESCALATION).exists()
    assert OutboxMessage.objects.count() == mails
    case.refresh_from_db()
    assert case.escalation_level == 0


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("title", TITLE_MAX_CHARS),
        ("description", CASE_TEXT_MAX_CHARS),
        ("environment", CASE_TEXT_MAX_CHARS),
        ("steps", CASE_TEXT_MAX_CHARS),
        ("business_impact", CASE_TEXT_MAX_CHARS),
    ],
)
def test_an_oversize_case_text_opens_no_case(open_case, field, limit):
    with pytest.raises(ValidationError) as caught:
        open_case(**{field: "y" * (limit + 1)})

    assert caught.value.message_dict[field] == [message(limit, limit + 1)]
    assert not Case.objects.exists()


def test_a_resolution_plan_and_a_reopen_reason_have_their_limits(case_in, staff_agent):
    case = case_in("in_progress")
    with pytest.raises(ValidationError) as caught:
        services.case_resolve(
            case=case, by=staff_agent, kind="plan", body="Fixed in 2026.2.", plan="p" * 20_001
        )
    assert "plan" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.case_request_information(case=case, by=staff_agent, body=TWO_MB)
    assert "body" in caught.value.message_dict
    assert not case.events.filter(kind__in=[EventKind.RESOLUTION, EventKind.INFO_REQUESTED])


def test_the_portal_reply_form_shows_the_message_and_stores_nothing(case_in, acme_agent):
    case = case_in("in_progress")
    before = case.events.count()

    response = signed_in(acme_agent).post(f"/cases/{case.number}/reply/", {"body": TWO_MB})

    assert response.status_code == 400
    assert message(COMMENT_MAX_CHARS, len(TWO_MB)) in response.content.decode()
    assert case.events.count() == before


def test_the_portal_escalation_form_refuses_a_long_reason_before_any_mail(case_in, acme_agent):
    case = case_in("in_progress")
    mails = OutboxMessage.objects.count()

    response = signed_in(acme_agent).post(
        f"/cases/{case.number}/escalate/", {"reason": "r" * (REASON_MAX_CHARS + 1)}
    )

    assert response.status_code == 400
    assert message(REASON_MAX_CHARS, REASON_MAX_CHARS + 1) in response.content.decode()
    assert OutboxMessage.objects.count() == mails


@pytest.mark.parametrize(
    ("form", "data", "field"),
    [
        (CommentForm, {"body": TWO_MB}, "body"),
        (EscalateForm, {"reason": "r" * 2_001}, "reason"),
        (
            InviteForm,
            {"email": "new@acme.test", "full_name": "n" * 151, "role": "agent"},
            "full_name",
        ),
        (ReplyForm, {"body": TWO_MB, "visibility": "public"}, "body"),
        (ResolveForm, {"kind": "plan", "body": "Done.", "plan": TWO_MB}, "plan"),
    ],
)
def test_each_form_refuses_text_past_its_limit_with_one_message(form, data, field):
    bound = form(data)

    assert not bound.is_valid()
    [error] = bound.errors[field]
    assert error.startswith("Keep this to at most ")


def test_model_fields_carry_the_limit_for_model_forms_and_serializers():
    event = CaseEvent(body=TWO_MB)
    with pytest.raises(ValidationError) as caught:
        event.clean_fields(exclude=[f.name for f in CaseEvent._meta.fields if f.name != "body"])
    assert caught.value.message_dict["body"] == [message(COMMENT_MAX_CHARS, len(TWO_MB))]
    notice = UpdateNotice(body_en=TWO_MB)
    with pytest.raises(ValidationError) as caught:
        notice.clean_fields(exclude=["kind", "title_en"])
    assert list(caught.value.message_dict) == ["body_en"]
