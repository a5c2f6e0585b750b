"""The state machine as data: every allowed move works, every other move is a named error."""

from __future__ import annotations

import itertools

import pytest
from django.utils.functional import Promise

from cases import services
from cases.models import Case, CaseEvent, EventKind, Status
from cases.transitions import TRANSITIONS, TransitionRefused, transition_check

S = Status
# DESIGN.md, Case lifecycle, written out again so a change to the table is a visible decision.
EXPECTED = {
    S.NEW: {S.TRIAGED, S.WAITING_ON_CUSTOMER, S.WITHDRAWN},
    S.TRIAGED: {S.IN_PROGRESS, S.WAITING_ON_CUSTOMER, S.RESOLVED, S.WITHDRAWN},
    S.IN_PROGRESS: {S.WAITING_ON_CUSTOMER, S.RESOLVED, S.WITHDRAWN},
    S.WAITING_ON_CUSTOMER: {S.NEW, S.IN_PROGRESS, S.RESOLVED, S.WITHDRAWN},
    S.RESOLVED: {S.IN_PROGRESS, S.CLOSED},
    S.CLOSED: set(),
    S.WITHDRAWN: set(),
}
PAIRS = list(itertools.product(Status, Status))
ALLOWED = [(a, b) for a, b in PAIRS if b in EXPECTED[a]]
REFUSED = [(a, b) for a, b in PAIRS if b not in EXPECTED[a]]


def test_the_table_is_the_designed_one():
    assert {k: set(v) for k, v in TRANSITIONS.items()} == EXPECTED


def test_every_open_state_can_be_withdrawn_and_final_states_lead_nowhere():
    for status in (S.NEW, S.TRIAGED, S.IN_PROGRESS, S.WAITING_ON_CUSTOMER):
        assert S.WITHDRAWN in TRANSITIONS[status]
    assert not TRANSITIONS[S.CLOSED] and not TRANSITIONS[S.WITHDRAWN]


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_transition_check_allows_the_tables_moves(from_status, to_status):
    transition_check(Case(status=from_status), to_status)


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_transition_check_refuses_every_other_move_with_a_named_error(from_status, to_status):
    with pytest.raises(TransitionRefused) as refused:
        transition_check(Case(status=from_status), to_status)

    assert (refused.value.from_status, refused.value.to_status) == (from_status, to_status)
    assert refused.value.code == "transition_refused"
    assert isinstance(refused.value.message, Promise)  # translated when read
    text = str(refused.value)
    assert str(from_status.label) in text and str(to_status.label) in text


def test_a_refusal_says_what_may_follow_instead():
    with pytest.raises(TransitionRefused) as refused:
        transition_check(Case(status=S.RESOLVED), S.WAITING_ON_CUSTOMER)

    assert "“In progress”" in str(refused.value) and "“Closed”" in str(refused.value)


# The same table, driven through the services on real cases.


def _move(to_status, case, staff, customer):
    """Ask the service that makes `to_status` to move the case there."""
    calls = {
        S.TRIAGED: lambda: services.case_triage(case=case, by=staff, priority="P3"),
        S.IN_PROGRESS: lambda: services.case_start_work(case=case, by=staff),
        S.WAITING_ON_CUSTOMER: lambda: services.case_request_information(
            case=case, by=staff, body="Which controller?"
        ),
        S.RESOLVED: lambda: services.case_resolve(
            case=case, by=staff, kind="settled", body="Fixed by patch 2026.2."
        ),
        S.CLOSED: lambda: services.case_close(case=case, by=customer),
        S.WITHDRAWN: lambda: services.case_withdraw(
            case=case, by=staff, exclusion="training", explanation="Training request."
        ),
    }
    return calls[to_status]()


SERVICE_MOVES = [
    (S.NEW, S.TRIAGED),
    (S.NEW, S.WAITING_ON_CUSTOMER),
    (S.NEW, S.WITHDRAWN),
    (S.TRIAGED, S.IN_PROGRESS),
    (S.TRIAGED, S.WAITING_ON_CUSTOMER),
    (S.TRIAGED, S.RESOLVED),
    (S.TRIAGED, S.WITHDRAWN),
    (S.IN_PROGRESS, S.WAITING_ON_CUSTOMER),
    (S.IN_PROGRESS, S.RESOLVED),
    (S.IN_PROGRESS, S.WITHDRAWN),
    (S.WAITING_ON_CUSTOMER, S.RESOLVED),
    (S.WAITING_ON_CUSTOMER, S.WITHDRAWN),
    (S.RESOLVED, S.CLOSED),
]


def test_every_allowed_move_has_a_service():
    special = {
        (S.WAITING_ON_CUSTOMER, S.NEW),  # information received before triage
        (S.WAITING_ON_CUSTOMER, S.IN_PROGRESS),  # information received
        (S.RESOLVED, S.IN_PROGRESS),  # reopened
    }
    assert set(SERVICE_MOVES) | special == set(ALLOWED)


@pytest.mark.parametrize(("from_status", "to_status"), SERVICE_MOVES)
def test_each_allowed_move_works_on_a_real_case_and_is_on_the_timeline(
    case_in, staff_agent, acme_agent, from_status, to_status
):
    case = case_in(from_status)

    moved = _move(to_status, case, staff_agent, acme_agent)

    assert Case.objects.get(pk=case.pk).status == moved.status == to_status
    last = CaseEvent.objects.filter(case=case, kind=EventKind.STATUS).last()
    assert (last.old_value, last.new_value) == (from_status, to_status)


def test_information_received_before_triage_returns_the_case_to_the_queue(
    case_in, staff_agent, acme_agent
):
    case = case_in(S.NEW)
    case = services.case_request_information(case=case, by=staff_agent, body="Which machine?")

    case = services.case_provide_information(case=case, by=acme_agent, body="Haas VF-2")

    assert case.status == S.NEW


def test_information_received_after_triage_resumes_work(case_in, acme_agent):
    case = case_in(S.WAITING_ON_CUSTOMER)

    case = services.case_provide_information(case=case, by=acme_agent, body="Log attached.")

    assert case.status == S.IN_PROGRESS


def test_a_resolved_case_reopens_to_in_progress(case_in, acme_agent):
    case = case_in(S.RESOLVED)

    case = services.case_reopen(case=case, by=acme_agent, reason="Still stops at line 200.")

    assert case.status == S.IN_PROGRESS


# No service moves a case back to "new"; triaging an open case again only changes its priority.
SERVICE_REFUSALS = [
    (a, b)
    for a, b in REFUSED
    if b != S.NEW
    and not (b == S.TRIAGED and a in (S.TRIAGED, S.IN_PROGRESS, S.WAITING_ON_CUSTOMER))
]


@pytest.mark.parametrize(("from_status", "to_status"), SERVICE_REFUSALS)
def test_each_refused_move_is_a_named_error_and_changes_nothing(
    case_in, staff_agent, acme_agent, from_status, to_status
):
    case = case_in(from_status)
    events_before = CaseEvent.objects.filter(case=case).count()

    with pytest.raises(TransitionRefused):
        _move(to_status, case, staff_agent, acme_agent)

    assert Case.objects.get(pk=case.pk).status == from_status
    assert CaseEvent.objects.filter(case=case).count() == events_before


@pytest.mark.parametrize("status", [S.NEW, S.TRIAGED, S.IN_PROGRESS, S.CLOSED, S.WITHDRAWN])
def test_only_a_resolved_case_can_be_reopened(case_in, acme_agent, status):
    case = case_in(status)

    with pytest.raises(TransitionRefused):
        services.case_reopen(case=case, by=acme_agent, reason="Please look again.")


@pytest.mark.parametrize("status", [S.NEW, S.TRIAGED, S.IN_PROGRESS, S.RESOLVED])
def test_information_can_only_be_given_while_support_waits_for_it(case_in, acme_agent, status):
    case = case_in(status)

    with pytest.raises(TransitionRefused, match="not waiting for information"):
        services.case_provide_information(case=case, by=acme_agent, body="Here it is.")
