"""Escalation (SLP-12): supervisor, support management, then executive sponsor or CSM."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from cases import services
from cases.models import Case, CaseEvent, EscalationLevel, EventKind
from cases.services import EscalationRefused
from contracts.models import Organization
from mail.models import OutboxMessage
from mail.services.outbox import outbox_render


@pytest.fixture
def staff_roles(staff_agent, staff_supervisor, staff_manager, staff_sponsor):
    return {
        "agent": staff_agent,
        "supervisor": staff_supervisor,
        "manager": staff_manager,
        "sponsor": staff_sponsor,
    }


def _escalation_mail(case) -> list:
    return list(OutboxMessage.objects.filter(template="case_escalation").order_by("id"))


def test_each_escalation_goes_one_level_up_and_notifies_that_level(
    case_in, acme_agent, staff_roles
):
    case = case_in("in_progress")
    recipients = []

    for reason in ("No progress for two days.", "Still blocked.", "Production stopped."):
        OutboxMessage.objects.filter(template="case_escalation").delete()
        case = services.case_escalate(case=case, by=acme_agent, reason=reason)
        recipients.append([m.to_email for m in _escalation_mail(case)])

    assert case.escalation_level == EscalationLevel.EXECUTIVE_SPONSOR
    assert recipients == [
        [staff_roles["supervisor"].email],
        [staff_roles["manager"].email],
        [staff_roles["sponsor"].email],
    ]
    events = CaseEvent.objects.filter(case=case, kind=EventKind.ESCALATION)
    assert [(e.old_value, e.new_value, e.public) for e in events] == [
        ("0", "1", True),
        ("1", "2", True),
        ("2", "3", True),
    ]


def test_the_escalation_email_is_the_escalation_request_with_the_case_number(
    case_in, acme_agent, staff_supervisor
):
    case = case_in("in_progress")

    services.case_escalate(case=case, by=acme_agent, reason="Line <b>stopped</b> since Monday.")

    [message] = _escalation_mail(case)
    email = outbox_render(message)
    assert email.subject.startswith(f"Escalation Request {case.number}")
    assert "Line <b>stopped</b> since Monday." in email.body
    html = email.alternatives[0][0]
    assert "Line &lt;b&gt;stopped&lt;/b&gt; since Monday." in html
    assert "<b>stopped</b>" not in html


def test_the_escalation_subject_is_translated_for_a_french_recipient(
    case_in, acme_agent, staff_supervisor
):
    staff_supervisor.language = "fr"
    staff_supervisor.save()
    case = case_in("in_progress")

    services.case_escalate(case=case, by=acme_agent, reason="Urgent.")

    [message] = _escalation_mail(case)
    assert message.language == "fr"
    with translation.override("fr"):
        expected = translation.gettext("Escalation Request")
    assert outbox_render(message).subject.startswith(f"{expected} {case.number}")


def test_the_third_level_goes_to_the_organisations_success_manager_when_there_is_one(
    case_in, acme, acme_agent, staff_sponsor, make_user
):
    manager = make_user("csm@vendor.test", staff=True)
    Organization.objects.filter(pk=acme.pk).update(success_manager=manager)
    case = case_in("in_progress")
    case = services.case_escalate(case=case, by=acme_agent, reason="One")
    case = services.case_escalate(case=case, by=acme_agent, reason="Two")
    OutboxMessage.objects.all().delete()

    services.case_escalate(case=case, by=acme_agent, reason="Three")

    assert [m.to_email for m in _escalation_mail(case)] == ["csm@vendor.test"]


def test_escalating_past_the_top_level_is_refused(case_in, acme_agent):
    case = case_in("in_progress")
    for reason in ("One", "Two", "Three"):
        case = services.case_escalate(case=case, by=acme_agent, reason=reason)

    with pytest.raises(EscalationRefused, match="highest level"):
        services.case_escalate(case=case, by=acme_agent, reason="Four")

    assert Case.objects.get(pk=case.pk).escalation_level == 3


def test_a_reason_is_required(case_in, acme_agent):
    with pytest.raises(ValidationError) as refused:
        services.case_escalate(case=case_in("in_progress"), by=acme_agent, reason="  ")

    assert "reason" in refused.value.message_dict


def test_a_customer_may_escalate_a_resolved_case_but_not_a_closed_one(
    case_in, acme_agent, staff_supervisor
):
    resolved = services.case_escalate(case=case_in("resolved"), by=acme_agent, reason="Not fixed")
    assert resolved.escalation_level == 1

    with pytest.raises(EscalationRefused, match="closed or withdrawn"):
        services.case_escalate(case=case_in("closed"), by=acme_agent, reason="Too late")


def test_a_viewer_or_another_tenant_cannot_escalate(case_in, acme_viewer, globex_agent):
    case = case_in("in_progress")

    for person in (acme_viewer, globex_agent):
        with pytest.raises(PermissionDenied):
            services.case_escalate(case=case, by=person, reason="Please")


def test_the_assigned_representative_may_escalate_for_the_customer(
    case_in, staff_agent, staff_supervisor
):
    case = services.case_escalate(case=case_in("in_progress"), by=staff_agent, reason="Phoned in")

    assert case.escalation_level == 1


def test_the_customer_gets_a_confirmation_of_the_escalation_in_their_language(
    case_in, acme_agent, staff_supervisor
):
    case = case_in("in_progress")
    acme_agent.language = "fr"
    acme_agent.save(update_fields=["language"])

    services.case_escalate(case=case, by=acme_agent, reason="Ligne arrêtée depuis lundi.")

    confirmations = OutboxMessage.objects.filter(template="case_escalation_confirmed")
    assert acme_agent.email in {m.to_email for m in confirmations}
    assert staff_supervisor.email not in {m.to_email for m in confirmations}
    message = confirmations.get(to_email=acme_agent.email)
    email = outbox_render(message)
    assert email.subject == f"Escalade reçue : {case.number}, {case.title}"
    assert "Ligne arrêtée depuis lundi." in email.body
    assert f"/cases/{case.number}/" in email.body
    assert "superviseur" in email.body.lower()
