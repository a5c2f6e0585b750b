"""The API refuses free text past its limit with the same message as the portal (issue 13)."""

from __future__ import annotations

import pytest

from cases.models import Case, EventKind
from common.limits import CASE_TEXT_MAX_CHARS, COMMENT_MAX_CHARS, REASON_MAX_CHARS
from mail.models import OutboxMessage

pytestmark = pytest.mark.django_db

TWO_MB = "x" * (2 * 1024 * 1024)


def message(limit: int, count: int) -> str:
    return f"Keep this to at most {limit:,} characters; it has {count:,}."


def test_a_comment_one_past_the_limit_is_a_400_naming_the_field(api_as, acme_agent, acme_case):
    response = api_as(acme_agent).post(
        f"/api/v1/cases/{acme_case.number}/comments/",
        {"body": "x" * (COMMENT_MAX_CHARS + 1)},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["body"] == [message(COMMENT_MAX_CHARS, COMMENT_MAX_CHARS + 1)]
    assert not acme_case.events.filter(kind=EventKind.COMMENT).exists()


def test_a_two_megabyte_comment_is_refused_and_nothing_is_stored(api_as, acme_agent, acme_case):
    response = api_as(acme_agent).post(
        f"/api/v1/cases/{acme_case.number}/comments/", {"body": TWO_MB}, format="json"
    )

    # 413 if the request's size is refused first, otherwise the field's 400.
    assert response.status_code in (400, 413)
    if response.status_code == 400:
        assert response.json()["body"] == [message(COMMENT_MAX_CHARS, len(TWO_MB))]
    assert not acme_case.events.filter(kind=EventKind.COMMENT).exists()


def test_an_oversize_escalation_reason_is_a_400_and_mails_nobody(
    api_as, acme_agent, acme_case, staff_supervisor
):
    mails = OutboxMessage.objects.count()

    response = api_as(acme_agent).post(
        f"/api/v1/cases/{acme_case.number}/escalations/",
        {"reason": "r" * (REASON_MAX_CHARS + 1)},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["reason"] == [message(REASON_MAX_CHARS, REASON_MAX_CHARS + 1)]
    assert OutboxMessage.objects.count() == mails
    assert not acme_case.events.filter(kind=EventKind.ESCALATION).exists()


def test_an_oversize_case_description_opens_no_case(api_as, acme_agent, acme_site, releases):
    response = api_as(acme_agent).post(
        "/api/v1/cases/",
        {
            "site": "ACME-CHI",
            "release": releases["2026"].pk,
            "title": "Toolpath preview freezes",
            "description": "d" * (CASE_TEXT_MAX_CHARS + 1),
            "proposed_priority": "P2",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["description"] == [message(CASE_TEXT_MAX_CHARS, CASE_TEXT_MAX_CHARS + 1)]
    assert not Case.objects.exists()


def test_the_schema_documents_the_limits(api_as, acme_agent):
    schema = api_as(acme_agent).get("/api/schema/?format=json").json()["components"]["schemas"]

    assert schema["CommentCreate"]["properties"]["body"]["maxLength"] == COMMENT_MAX_CHARS
    assert schema["EscalationCreate"]["properties"]["reason"]["maxLength"] == REASON_MAX_CHARS
