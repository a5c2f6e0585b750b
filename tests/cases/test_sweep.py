"""The SLA sweep: warnings at the threshold, breaches at the due instant, once each (SLP-5, SLP-12)."""

from __future__ import annotations

import pytest
import time_machine

from cases.models import CaseEvent, ClockState, EventKind
from cases.services import case_assign, case_comment
from cases.services.sweep import SweepResult
from mail.models import OutboxMessage
from mail.services.outbox import outbox_render
from tests.cases.sweep_fixtures import (  # noqa: F401 (fixtures are found by name)
    chicago,
    fixture_fresh_engines,
    fixture_open_sweep_case,
    fixture_sweep_world,
    sweep_at,
)

# A P1 case received Tuesday 09:00 in Chicago: response target 150 support minutes, warning
# at 75 % of it, rounded up: 113 minutes, so 10:53; due at 11:30.
RECEIVED = chicago(3, 9)
WARN_AT = chicago(3, 10, 53)
DUE_AT = chicago(3, 11, 30)


def _events(case, kind):
    return list(CaseEvent.objects.filter(case=case, kind=kind))


def _mail(template, **filters):
    return list(OutboxMessage.objects.filter(template=template, **filters).order_by("to_email"))


@pytest.fixture
def p1_case(open_sweep_case, staff_supervisor):
    return open_sweep_case(RECEIVED)


def test_the_row_points_the_sweep_at_the_threshold_and_the_due_instant(p1_case):
    assert (p1_case.sla_next_warn_at, p1_case.sla_next_due_at) == (WARN_AT, DUE_AT)


def test_it_warns_at_the_policys_threshold_not_a_minute_before(p1_case):
    assert sweep_at(chicago(3, 10, 52, 59)) == SweepResult(warnings=0, breaches=0, reminders=0)

    assert sweep_at(WARN_AT) == SweepResult(warnings=1, breaches=0, reminders=0)

    [warning] = _events(p1_case, EventKind.SLA_WARNING)
    assert warning.data == {"clock": "response", "due_at": DUE_AT.isoformat()}
    assert warning.public is False
    assert warning.at == WARN_AT


def test_a_warning_alerts_the_supervisors_of_an_unassigned_case_and_the_customer(
    p1_case, staff_supervisor, acme_admin
):
    sweep_at(WARN_AT)

    assert [m.to_email for m in _mail("sla_warning")] == [staff_supervisor.email]
    assert [m.to_email for m in _mail("sla_warning_customer")] == [acme_admin.email]


def test_a_warning_goes_to_the_assignee_alone_once_the_case_is_assigned(
    p1_case, staff_agent, staff_supervisor
):
    with time_machine.travel(chicago(3, 9, 5), tick=False):
        case_assign(case=p1_case, by=staff_supervisor, assignee=staff_agent)

    sweep_at(WARN_AT)

    assert [m.to_email for m in _mail("sla_warning")] == [staff_agent.email]


def test_it_records_a_breach_at_the_due_instant_not_before(p1_case):
    sweep_at(WARN_AT)
    assert sweep_at(chicago(3, 11, 29, 59)).breaches == 0

    assert sweep_at(DUE_AT) == SweepResult(warnings=0, breaches=1, reminders=0)

    [breach] = _events(p1_case, EventKind.SLA_BREACH)
    assert breach.data == {"clock": "response", "due_at": DUE_AT.isoformat()}
    assert breach.public is False
    p1_case.refresh_from_db()
    assert p1_case.response_state == ClockState.BREACHED


def test_a_late_sweep_records_the_breach_without_a_warning_it_skipped_over(p1_case):
    assert sweep_at(chicago(3, 12)) == SweepResult(warnings=0, breaches=1, reminders=0)

    assert _events(p1_case, EventKind.SLA_WARNING) == []
    assert _mail("sla_warning") == []


def test_two_sweeps_in_a_row_raise_one_event_and_one_email_each(p1_case, staff_supervisor):
    first = [sweep_at(WARN_AT), sweep_at(WARN_AT)]
    second = [sweep_at(DUE_AT), sweep_at(DUE_AT)]

    assert [r.warnings for r in first] == [1, 0]
    assert [r.breaches for r in second] == [1, 0]
    assert len(_events(p1_case, EventKind.SLA_WARNING)) == 1
    assert len(_events(p1_case, EventKind.SLA_BREACH)) == 1
    assert len(_mail("sla_warning", to_email=staff_supervisor.email)) == 1
    assert len(_mail("sla_breach", to_email=staff_supervisor.email)) == 1


def test_a_breach_is_never_raised_twice_even_after_later_changes(p1_case, staff_supervisor):
    sweep_at(DUE_AT)
    with time_machine.travel(chicago(3, 11, 45), tick=False):
        case_comment(case=p1_case, by=staff_supervisor, body="Looking into it.", public=False)

    assert sweep_at(chicago(3, 16)).breaches == 0
    assert len(_events(p1_case, EventKind.SLA_BREACH)) == 1


def test_a_breach_alerts_the_assignee_and_every_supervisor(
    p1_case, staff_agent, staff_supervisor, make_user
):
    from contracts.roles import StaffRole
    from tests.factories import UserFactory

    second = UserFactory(email="night-supervisor@vendor.test", staff_role=StaffRole.SUPERVISOR)
    with time_machine.travel(chicago(3, 9, 5), tick=False):
        case_assign(case=p1_case, by=staff_supervisor, assignee=staff_agent)

    sweep_at(DUE_AT)

    recipients = {m.to_email for m in _mail("sla_breach")}
    assert recipients == {staff_agent.email, staff_supervisor.email, second.email}


def test_the_customer_breach_notice_says_the_target_was_missed_and_how_to_escalate(
    p1_case, acme_admin
):
    sweep_at(DUE_AT)

    [notice] = _mail("sla_breach_customer")
    assert notice.to_email == acme_admin.email
    email = outbox_render(notice)
    assert f"/cases/{p1_case.number}/" in email.body
    assert "escalate" in email.subject
    assert "Escalate" in email.body
    # Due 11:30 in Chicago; Acme's admin keeps the default zone, UTC.
    assert "March 3, 2026, 5:30 p.m. (UTC)" in email.body


def test_emails_use_each_recipients_language_and_time_zone(p1_case, acme_admin, staff_supervisor):
    acme_admin.language, acme_admin.time_zone = "fr", "Europe/Paris"
    acme_admin.save(update_fields=["language", "time_zone"])
    staff_supervisor.time_zone = "America/Los_Angeles"
    staff_supervisor.save(update_fields=["time_zone"])

    sweep_at(DUE_AT)

    [customer] = _mail("sla_breach_customer")
    [staff] = _mail("sla_breach")
    assert customer.language == "fr"
    # Due 11:30 in Chicago is 18:30 in Paris and 9:30 in Los Angeles.
    assert "18:30" in customer.context["due_display"]
    assert "Europe/Paris" in customer.context["due_display"]
    assert "9:30" in staff.context["due_display"]
    assert "America/Los_Angeles" in staff.context["due_display"]


def test_a_paused_clock_past_its_threshold_warns_staff_but_not_the_customer(
    p1_case, staff_agent, staff_supervisor
):
    from cases.services import case_request_information, case_triage

    with time_machine.travel(chicago(3, 9), tick=False):
        case = case_triage(case=p1_case, by=staff_supervisor, priority="P1")
        case = case_assign(case=case, by=staff_supervisor, assignee=staff_agent)
        case = case_comment(case=case, by=staff_agent, body="We are on it.")
    # Resolution: 480 minutes from 09:00, warning at 360 (15:00); paused at 15:30, unwarned.
    with time_machine.travel(chicago(3, 15, 30), tick=False):
        case_request_information(case=case, by=staff_agent, body="Send the post-processor log.")

    assert sweep_at(chicago(3, 15, 31)).warnings == 1

    [warning] = _events(p1_case, EventKind.SLA_WARNING)
    assert warning.data == {"clock": "resolution", "due_at": None}
    [email] = _mail("sla_warning")
    assert (email.to_email, email.context["paused"]) == (staff_agent.email, True)
    assert _mail("sla_warning_customer") == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_sweep_email_renders_in_the_recipients_language(
    p1_case, staff_supervisor, acme_admin, language
):
    for user in (staff_supervisor, acme_admin):
        user.language = language
        user.save(update_fields=["language"])
    sweep_at(WARN_AT)
    sweep_at(DUE_AT)

    messages = OutboxMessage.objects.filter(template__startswith="sla_")
    assert sorted(m.template for m in messages) == [
        "sla_breach",
        "sla_breach_customer",
        "sla_warning",
        "sla_warning_customer",
    ]
    for message in messages:
        email = outbox_render(message)
        assert message.language == language
        assert p1_case.number in email.subject
        assert p1_case.number in email.body
        assert f"/cases/{p1_case.number}/" in email.alternatives[0][0]
