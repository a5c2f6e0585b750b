"""The lifecycle services: who may do what, what they record, what they refuse (DESIGN.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services
from cases.models import Case, CaseEvent, EventKind, Status
from cases.selectors import case_public_events
from cases.services import TransitionRefused
from mail.models import OutboxMessage
from mail.services.outbox import outbox_render
from tests.cases.conftest import T0


def _kinds(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))


# Triage and assignment


def test_triage_sets_priority_and_category_and_records_both(open_case, staff_agent):
    case = services.case_triage(
        case=open_case(), by=staff_agent, priority="P1", category="question"
    )

    assert (case.status, case.priority, case.category) == (Status.TRIAGED, "P1", "question")
    assert _kinds(case)[-3:] == [EventKind.STATUS, EventKind.PRIORITY, EventKind.CLASSIFICATION]


def test_customers_cannot_triage(open_case, acme_admin):
    with pytest.raises(PermissionDenied):
        services.case_triage(case=open_case(), by=acme_admin, priority="P1")


def test_triage_refuses_an_unknown_priority_and_a_bug_category(open_case, staff_agent):
    case = open_case()
    with pytest.raises(ValidationError) as bad_priority:
        services.case_triage(case=case, by=staff_agent, priority="P0")
    with pytest.raises(ValidationError) as bad_category:
        services.case_triage(case=case, by=staff_agent, priority="P2", category="bug")

    assert "priority" in bad_priority.value.message_dict
    assert "category" in bad_category.value.message_dict
    assert Case.objects.get(pk=case.pk).status == Status.NEW


def test_triaging_again_without_a_change_is_an_error_not_a_silent_no_op(case_in, staff_agent):
    case = case_in("triaged")

    with pytest.raises(ValidationError, match="already has this priority"):
        services.case_triage(case=case, by=staff_agent, priority="P2", category="problem")


def test_assignment_is_internal_and_only_to_staff(
    case_in, staff_agent, staff_supervisor, acme_admin
):
    case = case_in("triaged")
    with pytest.raises(ValidationError):
        services.case_assign(case=case, by=staff_agent, assignee=acme_admin)

    case = services.case_assign(case=case, by=staff_agent, assignee=staff_supervisor)

    assert case.assignee == staff_supervisor
    event = CaseEvent.objects.get(case=case, kind=EventKind.ASSIGNMENT)
    assert (event.public, event.new_value) == (False, staff_supervisor.email)
    assert event not in case_public_events(case)


# Comments


def test_an_internal_note_never_reaches_the_customer(case_in, staff_agent):
    case = case_in("in_progress")
    OutboxMessage.objects.all().delete()

    services.case_comment(
        case=case, by=staff_agent, body="Customer runs a cracked licence?", public=False
    )

    assert not OutboxMessage.objects.exists()
    assert not [e for e in case_public_events(case) if "cracked" in e.body]
    assert CaseEvent.objects.filter(case=case, body__contains="cracked", public=False).exists()


def test_a_public_staff_reply_is_emailed_to_the_customer(
    case_in, staff_agent, acme_agent, acme_admin
):
    case = case_in("in_progress")

    services.case_comment(case=case, by=staff_agent, body="Please try patch 2026.2.")

    emails = [outbox_render(m) for m in OutboxMessage.objects.filter(template="case_reply")]
    assert {e.to[0] for e in emails} == {acme_agent.email, acme_admin.email}
    assert all("Please try patch 2026.2." in e.body for e in emails)


def test_customer_comments_are_always_public(case_in, acme_agent):
    case = case_in("in_progress")

    with pytest.raises(ValidationError):
        services.case_comment(case=case, by=acme_agent, body="secret", public=False)
    services.case_comment(case=case, by=acme_agent, body="Same on the second machine.")

    assert CaseEvent.objects.get(case=case, kind=EventKind.COMMENT).public is True


def test_a_customer_comment_while_waiting_does_not_count_as_the_information(case_in, acme_agent):
    case = case_in("waiting_on_customer")

    case = services.case_comment(case=case, by=acme_agent, body="Will send it tomorrow.")

    assert case.status == Status.WAITING_ON_CUSTOMER
    assert case.resolution_state == "paused"


def test_a_viewer_and_another_tenant_cannot_comment(case_in, acme_viewer, globex_agent):
    case = case_in("in_progress")

    for person in (acme_viewer, globex_agent):
        with pytest.raises(PermissionDenied):
            services.case_comment(case=case, by=person, body="Hello")


def test_customers_cannot_comment_on_a_closed_case(case_in, acme_agent):
    with pytest.raises(ValidationError, match="open a new case"):
        services.case_comment(case=case_in("closed"), by=acme_agent, body="One more thing")


def test_an_empty_comment_is_refused(case_in, staff_agent):
    with pytest.raises(ValidationError) as refused:
        services.case_comment(case=case_in("in_progress"), by=staff_agent, body="  \n ")

    assert "body" in refused.value.message_dict


# Information, resolution, reopening, closing


def test_an_information_request_is_emailed_and_is_the_first_response(case_in, staff_agent):
    case = case_in("triaged")

    services.case_request_information(case=case, by=staff_agent, body="Which controller?")

    assert CaseEvent.objects.filter(case=case, kind=EventKind.RESPONSE).count() == 1
    [first, *_] = OutboxMessage.objects.filter(template="case_info_requested")
    assert "Which controller?" in outbox_render(first).body


def test_a_plan_resolution_needs_its_plan(case_in, staff_agent):
    with pytest.raises(ValidationError) as refused:
        services.case_resolve(
            case=case_in("in_progress"), by=staff_agent, kind="plan", body="Later."
        )

    assert "plan" in refused.value.message_dict


def test_an_unknown_resolution_kind_is_refused(case_in, staff_agent):
    with pytest.raises(ValidationError) as refused:
        services.case_resolve(case=case_in("in_progress"), by=staff_agent, kind="magic", body="x")

    assert "kind" in refused.value.message_dict


def test_the_resolution_email_names_its_kind_and_plan(case_in, staff_agent):
    case = case_in("in_progress")

    services.case_resolve(
        case=case,
        by=staff_agent,
        kind="plan",
        body="A fix is planned.",
        plan="Patch 2026.3 in April.",
    )

    [message, *_] = OutboxMessage.objects.filter(template="case_resolved")
    body = outbox_render(message).body
    assert "(ii) A plan and timeline" in body and "Patch 2026.3 in April." in body


def test_reopening_is_refused_after_the_window_with_the_window_explained(
    case_in, acme_agent, time_machine
):
    case = case_in("resolved")  # resolved at T0; the default window is 14 days
    time_machine.move_to(T0 + timedelta(days=14, minutes=1), tick=False)

    with pytest.raises(TransitionRefused) as refused:
        services.case_reopen(case=case, by=acme_agent, reason="Back again.")

    # 14 x 24 hours after the resolution, shown in the site's zone (now on summer time).
    assert "reopen window of 14 days ended on 2026-03-16 09:00 (America/Chicago)" in str(
        refused.value
    )
    assert case.number in str(refused.value)


def test_reopening_on_the_last_minute_of_the_window_works(case_in, acme_agent, time_machine):
    case = case_in("resolved")
    time_machine.move_to(T0 + timedelta(days=14), tick=False)

    case = services.case_reopen(case=case, by=acme_agent, reason="Back again.")

    assert case.status == Status.IN_PROGRESS and case.resolved_at is None


def test_a_reopen_needs_a_reason(case_in, acme_agent):
    with pytest.raises(ValidationError) as refused:
        services.case_reopen(case=case_in("resolved"), by=acme_agent, reason="")

    assert "reason" in refused.value.message_dict


def test_services_refuse_a_change_dated_before_the_timeline_ends(case_in, staff_agent):
    with pytest.raises(ValidationError, match="before the last event of the case"):
        services.case_start_work(
            case=case_in("triaged"), by=staff_agent, at=T0 - timedelta(minutes=1)
        )


# Classification and withdrawal


def test_a_bug_classification_needs_a_reference_and_an_open_case(case_in, staff_agent):
    with pytest.raises(ValidationError) as no_reference:
        services.case_classify_defect(
            case=case_in("in_progress"), by=staff_agent, kind="bug", reference=" "
        )
    with pytest.raises(ValidationError, match="Only an open case"):
        services.case_classify_defect(
            case=case_in("closed"), by=staff_agent, kind="bug", reference="B-1"
        )

    assert "reference" in no_reference.value.message_dict


def test_triage_cannot_turn_a_bug_back_into_a_problem(case_in, staff_agent):
    case = case_in("in_progress")
    services.case_classify_defect(case=case, by=staff_agent, kind="defect", reference="D-9")

    with pytest.raises(ValidationError, match="SLP-7"):
        services.case_triage(case=case, by=staff_agent, priority="P1", category="problem")


def test_withdrawal_tells_the_customer_why_and_where_to_go(case_in, staff_agent, acme_agent):
    case = case_in("in_progress")

    case = services.case_withdraw(
        case=case,
        by=staff_agent,
        exclusion="hardware",
        explanation="The spindle encoder is faulty; this is a machine problem.",
    )

    assert (case.status, case.exclusion) == (Status.WITHDRAWN, "hardware")
    event = CaseEvent.objects.get(case=case, kind=EventKind.WITHDRAWN)
    assert event.public and event in case_public_events(case)
    message = OutboxMessage.objects.get(template="case_withdrawn", to_email=acme_agent.email)
    body = outbox_render(message).body
    assert "spindle encoder" in body
    assert "Hardware failure, negligence" in body
    assert "Have the hardware checked by its supplier" in body


def test_a_withdrawal_needs_a_known_exclusion_and_an_explanation(case_in, staff_agent):
    case = case_in("new")
    with pytest.raises(ValidationError) as unknown:
        services.case_withdraw(case=case, by=staff_agent, exclusion="boredom", explanation="x")
    with pytest.raises(ValidationError) as silent:
        services.case_withdraw(case=case, by=staff_agent, exclusion="training", explanation="")

    assert "exclusion" in unknown.value.message_dict
    assert "explanation" in silent.value.message_dict
    assert Case.objects.get(pk=case.pk).status == Status.NEW


def test_a_change_may_be_dated_explicitly_after_the_last_event(case_in, staff_agent):
    case = case_in("triaged")

    case = services.case_start_work(case=case, by=staff_agent, at=T0 + timedelta(hours=3))

    last = CaseEvent.objects.filter(case=case).last()
    assert (last.kind, last.at) == (EventKind.STATUS, T0 + timedelta(hours=3))
