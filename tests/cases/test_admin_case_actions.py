"""The case page's action forms (issues 5 and 14): each calls its service or says why not."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import EscalationLevel, EventKind, Status

pytestmark = pytest.mark.django_db


def act(client, case, action: str, data: dict | None = None, **kwargs):
    prefixed = {f"{action}-{key}": value for key, value in (data or {}).items()}
    return client.post(f"/admin/cases/case/{case.pk}/act/{action}/", prefixed, **kwargs)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def refused_form(response, action: str):
    """Return the form shown again, open in the panel under the action bar."""
    panel = response.context["case_panel"]
    assert panel.button.name == action
    return panel.form


@pytest.fixture
def agent_client(staff_agent, staff_login):
    return staff_login(staff_agent)


@pytest.fixture
def supervisor_client(staff_supervisor, staff_login):
    return staff_login(staff_supervisor)


def test_a_public_reply_is_the_response_and_goes_back_to_the_case(agent_client, open_case):
    case = open_case()

    response = act(
        agent_client, case, "reply", {"body": "Please try patch 2026.2.", "visibility": "public"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/admin/cases/case/{case.pk}/change/"
    case.refresh_from_db()
    comment = case.events.get(kind=EventKind.COMMENT)
    assert (comment.body, comment.public) == ("Please try patch 2026.2.", True)
    assert case.events.filter(kind=EventKind.RESPONSE).exists()  # SLP-9
    assert case.response_state == "met"
    assert f"{case.number}: Reply sent to the customer." in messages_of(response)


def test_an_internal_note_stays_internal_and_is_no_response(agent_client, open_case):
    case = open_case()

    act(
        agent_client,
        case,
        "reply",
        {"body": "Looks like the post's block limit.", "visibility": "internal"},
    )

    comment = case.events.get(kind=EventKind.COMMENT)
    assert comment.public is False
    assert not case.events.filter(kind=EventKind.RESPONSE).exists()


def test_an_empty_reply_is_refused_next_to_the_field_and_nothing_is_recorded(
    agent_client, open_case
):
    case = open_case()

    response = act(agent_client, case, "reply", {"body": "  ", "visibility": "public"})

    assert response.status_code == 200
    assert refused_form(response, "reply").errors["body"]
    assert '<a href="#action-reply">Reply: please correct the errors below.</a>' in messages_of(
        response
    )
    assert case.events.count() == 1


def test_triage_sets_priority_and_category(agent_client, open_case):
    case = open_case()

    act(agent_client, case, "triage", {"priority": "P1", "category": "problem"})

    case.refresh_from_db()
    assert (case.status, case.priority, case.category) == (Status.TRIAGED, "P1", "problem")


def test_request_information_waits_on_the_customer(agent_client, case_in):
    case = case_in(Status.TRIAGED)

    act(agent_client, case, "request_information", {"body": "Please send the .nc file."})

    case.refresh_from_db()
    assert case.status == Status.WAITING_ON_CUSTOMER
    assert case.events.get(kind=EventKind.INFO_REQUESTED).body == "Please send the .nc file."


def test_start_work_moves_a_triaged_case_in_progress(agent_client, case_in):
    case = case_in(Status.TRIAGED)

    act(agent_client, case, "start_work")

    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_a_plan_resolution_needs_its_plan(agent_client, case_in):
    case = case_in(Status.IN_PROGRESS)

    response = act(agent_client, case, "resolve", {"kind": "plan", "body": "Fixed in 2026.3."})

    assert "plan" in refused_form(response, "resolve").errors
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


@pytest.mark.parametrize("kind", ["settled", "plan", "not_a_defect"])
def test_resolve_records_the_kind_of_resolution(agent_client, case_in, kind):
    case = case_in(Status.IN_PROGRESS)

    act(
        agent_client,
        case,
        "resolve",
        {"kind": kind, "body": "The corrected post is attached.", "plan": "Patch 2026.3 in July."},
    )

    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert case.events.get(kind=EventKind.RESOLUTION).data["kind"] == kind  # SLP-10


def test_classify_as_bug_needs_a_reference_then_withdraws_the_resolution_target(
    agent_client, case_in
):
    case = case_in(Status.IN_PROGRESS)

    refused = act(agent_client, case, "classify", {"kind": "bug"})
    done = act(agent_client, case, "classify", {"kind": "bug", "reference": "CAM-20417"})

    assert refused.status_code == 200
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.category, case.defect_reference) == ("bug", "CAM-20417")
    assert case.resolution_state == "withdrawn"  # SLP-7
    assert case.response_state == "running"  # the response target still applies


def test_classify_out_of_scope_withdraws_the_case_with_the_reason(agent_client, open_case):
    case = open_case()

    refused = act(agent_client, case, "classify", {"kind": "out_of_scope", "exclusion": "training"})
    act(
        agent_client,
        case,
        "classify",
        {
            "kind": "out_of_scope",
            "exclusion": "training",
            "explanation": "Training is not support.",
        },
    )

    assert refused.status_code == 200
    case.refresh_from_db()
    assert (case.status, case.category, case.exclusion) == (
        Status.WITHDRAWN,
        "out_of_scope",
        "training",
    )
    assert case.events.get(kind=EventKind.WITHDRAWN).body == "Training is not support."


def test_escalation_needs_a_reason_and_moves_up_one_level(supervisor_client, open_case):
    case = open_case()

    refused = act(supervisor_client, case, "escalate", {"reason": ""})
    act(supervisor_client, case, "escalate", {"reason": "Customer calls: machines still down."})

    assert refused.status_code == 200
    case.refresh_from_db()
    assert case.escalation_level == EscalationLevel.SUPERVISOR  # SLP-12
    assert case.events.get(kind=EventKind.ESCALATION).body == "Customer calls: machines still down."


def test_reopen_and_close_a_resolved_case(agent_client, case_in):
    reopened, closed = case_in(Status.RESOLVED), case_in(Status.RESOLVED)

    act(agent_client, reopened, "reopen", {"reason": "The problem is back on machine 2."})
    act(agent_client, closed, "close", {"confirm": "on"})

    reopened.refresh_from_db()
    closed.refresh_from_db()
    assert reopened.status == Status.IN_PROGRESS
    assert closed.status == Status.CLOSED


def test_a_refused_transition_is_shown_as_a_message_and_changes_nothing(agent_client, case_in):
    case = case_in(Status.IN_PROGRESS)

    response = act(agent_client, case, "reopen", {"reason": "It is not even resolved."})

    assert response.status_code == 200
    # The service's refusal belongs to no field: it heads the form, in its open panel.
    form = refused_form(response, "reopen")
    (error,) = form.non_field_errors()
    assert error.endswith("Only a resolved case can be reopened.")
    assert "Reopen: please correct the errors below." in messages_of(response)[0]
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert not case.events.filter(kind=EventKind.REOPENED).exists()


def test_an_agent_can_only_take_a_case(agent_client, open_case, staff_agent, staff_supervisor):
    case = open_case()

    refused = act(agent_client, case, "assign", {"assignee": staff_supervisor.pk})
    act(agent_client, case, "assign", {"assignee": staff_agent.pk})

    assert refused.status_code == 200
    case.refresh_from_db()
    assert case.assignee == staff_agent


def test_a_supervisor_assigns_to_anyone_and_unassigns(supervisor_client, open_case, staff_agent):
    case = open_case()

    act(supervisor_client, case, "assign", {"assignee": staff_agent.pk})
    case.refresh_from_db()
    assert case.assignee == staff_agent
    act(supervisor_client, case, "assign", {"assignee": ""})
    case.refresh_from_db()
    assert case.assignee is None
    assert case.events.filter(kind=EventKind.ASSIGNMENT).count() == 2


def test_staff_attach_an_internal_file_and_a_bad_one_is_refused(agent_client, open_case):
    case = open_case()

    act(
        agent_client,
        case,
        "attach",
        {"file": SimpleUploadedFile("engine.log", b"toolpath engine started\n")},
    )
    refused = act(
        agent_client, case, "attach", {"file": SimpleUploadedFile("tool.exe", b"MZ\x90\x00")}
    )

    attachment = case.attachments.get()
    assert (attachment.original_name, attachment.public) == ("engine.log", False)
    assert "not accepted" in str(refused_form(refused, "attach").errors["file"])


def test_only_the_forms_that_apply_are_offered(agent_client, case_in):
    resolved = case_in(Status.RESOLVED)

    response = agent_client.get(f"/admin/cases/case/{resolved.pk}/change/")

    names = [button.name for button in response.context["case_actions"]]
    assert "reopen" in names and "close" in names
    assert "resolve" not in names and "request_information" not in names
