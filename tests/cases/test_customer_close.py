"""A customer marks its case solved or withdraws it; when it may escalate (issue 15, SLP-10, SLP-12)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services
from cases.models import Case, ClockState, EscalationLevel, EventKind, Status
from cases.services import EscalationRule, TransitionRefused
from mail.models import OutboxMessage
from mail.services.outbox import outbox_render
from tests.cases.conftest import T0

# P2 cases of Acme Chicago (08:00-17:00, UTC-6 in March): the response is due 8 support hours
# after receipt at T0 (Mon 2 March, 08:00), at 17:00 that day; the resolution 24 support hours
# after triage, on Wed 4 March at 14:00.
RESPONSE_DUE = dt.datetime(2026, 3, 2, 23, 0, tzinfo=dt.UTC)
RESOLUTION_DUE = dt.datetime(2026, 3, 4, 20, 0, tzinfo=dt.UTC)


def _events(case: Case) -> list[tuple[str, str, str]]:
    """Return the events after triage as (kind, actor email, new value)."""
    return [
        (e.kind, e.actor.email if e.actor else "", e.new_value)
        for e in case.events.order_by("id")
        if e.kind in (EventKind.STATUS, EventKind.RESOLUTION, EventKind.CLOSED)
    ]


def _mails() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template="case_customer_closed").order_by("id"))


def test_solved_in_time_closes_the_case_as_the_customers_resolution_met(case_in, acme_agent):
    case = case_in("in_progress")

    case = services.case_customer_close(
        case=case, by=acme_agent, solved=True, reason="The new post-processor works."
    )

    case.refresh_from_db()
    assert (case.status, case.resolved_at, case.closed_at) == (Status.CLOSED, T0, T0)
    assert _events(case)[-4:] == [
        ("status", "agent@acme.test", "resolved"),
        ("resolution", "agent@acme.test", "settled"),
        ("status", "agent@acme.test", "closed"),
        ("closed", "agent@acme.test", ""),
    ]
    closed = case.events.get(kind=EventKind.CLOSED)
    assert closed.public and closed.body == "The new post-processor works."
    assert closed.data == {"customer_close": "solved", "by_staff": False}
    # SLP-10 (i) at that instant; support never answered, so no response was given.
    assert case.resolution_state == ClockState.MET
    assert case.response_state == ClockState.WITHDRAWN
    assert case.sla_next_due_at is None and case.queue_due_at is None


def test_solved_after_the_resolution_was_due_counts_as_missed(
    case_in, acme_agent, staff_agent, time_machine
):
    case = case_in("in_progress")
    services.case_comment(case=case, by=staff_agent, body="Looking.")
    time_machine.move_to(RESOLUTION_DUE + dt.timedelta(hours=1), tick=False)

    case = services.case_customer_close(case=case, by=acme_agent, solved=True)

    case.refresh_from_db()
    assert case.resolution_state == ClockState.MISSED
    assert case.response_state == ClockState.MET


def test_solved_before_the_resolution_clock_started_withdraws_it_never_met(
    open_case, acme_agent, staff_agent
):
    # Support asked for information before setting a priority: no resolution target runs.
    case = services.case_request_information(
        case=open_case(), by=staff_agent, body="Which controller?"
    )

    case = services.case_customer_close(case=case, by=acme_agent, solved=True)

    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert not case.events.filter(kind=EventKind.RESOLUTION).exists()
    assert case.resolution_state == ClockState.WITHDRAWN
    assert case.response_state == ClockState.MET  # the information request was the response


def test_a_new_case_can_be_withdrawn_but_not_marked_solved(open_case, acme_agent):
    case = open_case()
    before = case.events.count()

    with pytest.raises(TransitionRefused, match="withdraw it instead"):
        services.case_customer_close(case=case, by=acme_agent, solved=True)

    assert case.events.count() == before
    assert Case.objects.get(pk=case.pk).status == Status.NEW
    assert not services.customer_may_solve(case)


def test_withdrawing_stops_both_clocks_withdrawn_never_met(open_case, acme_admin):
    case = open_case()

    case = services.case_customer_close(
        case=case, by=acme_admin, solved=False, reason="Found it in the manual."
    )

    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
    assert _events(case) == [
        ("status", "admin@acme.test", "withdrawn"),
        ("closed", "admin@acme.test", ""),
    ]
    assert case.events.get(kind=EventKind.CLOSED).data["customer_close"] == "withdrawn"
    assert (case.response_state, case.resolution_state) == (ClockState.WITHDRAWN,) * 2
    # Not the SLP-16 withdrawal: no exclusion, no out-of-scope classification.
    assert case.exclusion == "" and case.category == ""
    assert case.closed_at is None and case.resolved_at is None


def test_withdrawing_a_breached_case_keeps_the_breach(open_case, acme_agent, time_machine):
    case = open_case()
    time_machine.move_to(RESPONSE_DUE + dt.timedelta(minutes=30), tick=False)

    case = services.case_customer_close(case=case, by=acme_agent, solved=False)

    case.refresh_from_db()
    assert case.response_state == ClockState.BREACHED
    assert case.resolution_state == ClockState.WITHDRAWN


@pytest.mark.parametrize("solved", [True, False])
def test_the_assignee_is_told_of_the_customers_word_with_a_link_to_the_case(
    case_in, acme_agent, staff_agent, solved
):
    case = services.case_assign(case=case_in("in_progress"), by=staff_agent, assignee=staff_agent)

    services.case_customer_close(case=case, by=acme_agent, solved=solved, reason="All good.")

    [message] = _mails()
    assert message.to_email == staff_agent.email
    email = outbox_render(message)
    word = "marked solved" if solved else "withdrawn"
    assert word in email.subject.lower() and case.number in email.subject
    assert f"{acme_agent.get_full_name()} of Acme" in email.body and "All good." in email.body
    assert f"/cases/{case.number}/" in email.body


def test_nobody_is_emailed_when_nobody_is_assigned(case_in, acme_agent):
    services.case_customer_close(case=case_in("in_progress"), by=acme_agent, solved=False)

    assert _mails() == []


def test_viewers_staff_and_other_tenants_may_not_close_a_case(
    case_in, acme_viewer, globex_agent, staff_agent
):
    case = case_in("in_progress")
    before = case.events.count()

    for person in (acme_viewer, globex_agent, staff_agent):
        with pytest.raises(PermissionDenied):
            services.case_customer_close(case=case, by=person, solved=False)

    assert case.events.count() == before


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED, Status.WITHDRAWN])
def test_only_an_open_case_is_marked_solved_or_withdrawn(case_in, acme_agent, status):
    case = case_in(status)

    for solved in (True, False):
        with pytest.raises(ValidationError) as refused:
            services.case_customer_close(case=case, by=acme_agent, solved=solved)
        assert refused.value.code == "not_open"

    assert Case.objects.get(pk=case.pk).status == status


def test_a_reason_past_its_limit_is_refused_on_its_field(case_in, acme_agent):
    with pytest.raises(ValidationError) as refused:
        services.case_customer_close(
            case=case_in("in_progress"), by=acme_agent, solved=False, reason="x" * 2001
        )

    assert "reason" in refused.value.message_dict


# --- When the customer may escalate (SLP-12) ---------------------------------------------


def _window(case: Case, at: dt.datetime | None = None):
    case.refresh_from_db()
    return services.escalation_window(case, services.case_clocks(case, now=at or T0))


def test_before_any_answer_escalation_opens_when_the_response_falls_due(open_case):
    case = open_case(proposed_priority="P4")

    window = _window(case)

    assert window.rule == EscalationRule.NOT_YET and not window.allowed
    # P4: 48 support hours, 9 a day from Monday 08:00 in Chicago: 45 by Friday's close, the
    # last 3 on Monday 9 March, 11:00, after the switch to daylight time (UTC-5).
    assert window.opens_at == dt.datetime(2026, 3, 9, 16, 0, tzinfo=dt.UTC)
    assert _window(case, window.opens_at).rule == EscalationRule.BREACHED


def test_once_support_answered_the_customer_may_escalate_at_any_time(case_in, staff_agent):
    case = case_in("triaged")
    services.case_comment(case=case, by=staff_agent, body="We are on it.")

    window = _window(case)

    assert (window.rule, window.allowed, window.opens_at) == (EscalationRule.PROGRESS, True, None)


@pytest.mark.parametrize(
    ("status", "rule"),
    [
        (Status.RESOLVED, EscalationRule.RESOLVED),
        (Status.CLOSED, EscalationRule.FINAL),
        (Status.WITHDRAWN, EscalationRule.FINAL),
    ],
)
def test_resolved_and_final_cases_are_never_escalated(case_in, status, rule):
    window = _window(case_in(status), T0 + dt.timedelta(days=30))

    assert (window.rule, window.allowed) == (rule, False)


def test_nothing_is_offered_above_the_third_level(case_in, acme_agent, time_machine):
    case = case_in("in_progress")
    time_machine.move_to(RESOLUTION_DUE, tick=False)
    for reason in ("One", "Two", "Three"):
        case = services.case_escalate(case=case, by=acme_agent, reason=reason)

    window = _window(case, RESOLUTION_DUE)

    assert case.escalation_level == EscalationLevel.EXECUTIVE_SPONSOR
    assert (window.rule, window.allowed) == (EscalationRule.TOP_LEVEL, False)
