"""The case page's action bar (issue 14, item 2): one button per action allowed now, each
opening its form in place, and a refused form shown open with the error beside its field."""

from __future__ import annotations

import re

import pytest

from cases.models import EventKind, Status

pytestmark = pytest.mark.django_db


def page_url(case) -> str:
    return f"/admin/cases/case/{case.pk}/change/"


def bar(page: str) -> list[str]:
    return re.findall(r'class="case-bar-button[^"]*" data-action="([a-z_]+)"', page)


@pytest.fixture
def agent_client(staff_agent, staff_login):
    return staff_login(staff_agent)


def test_the_bar_offers_what_the_case_allows_now(agent_client, case_in):
    new, resolved = case_in(Status.NEW), case_in(Status.RESOLVED)

    new_page = agent_client.get(page_url(new)).content.decode()
    resolved_page = agent_client.get(page_url(resolved)).content.decode()

    assert bar(new_page) == [
        "reply",
        "triage",
        "request_information",
        "classify",
        "assign",
        "attach",
    ]
    assert bar(resolved_page) == ["reply", "reopen", "close", "assign", "attach"]
    # The bar comes before the timeline; no form is on the page until one is opened.
    assert new_page.index('class="case-bar"') < new_page.index('id="case-timeline"')
    assert 'id="case-panel" class="case-panel-area"></div>' in new_page


def test_a_supervisor_also_escalates(staff_supervisor, staff_login, open_case):
    case = open_case()
    client = staff_login(staff_supervisor)

    assert "escalate" in bar(client.get(page_url(case)).content.decode())


@pytest.mark.parametrize("role", ["staff_contract_admin", "staff_sponsor"])
def test_a_role_that_cannot_act_sees_no_bar(request, staff_login, role, case_in):
    # The sponsor may escalate, but not a closed case.
    case = case_in(Status.CLOSED)
    client = staff_login(request.getfixturevalue(role))

    response = client.get(page_url(case))

    page = response.content.decode()
    assert response.context["case_actions"] == []
    assert 'class="case-bar"' not in page
    assert "Your role lets you read this case, not change it." in page
    assert client.get(f"/admin/cases/case/{case.pk}/panel/reply/").status_code == 403


def test_each_button_loads_its_form_in_place(agent_client, case_in):
    case = case_in(Status.IN_PROGRESS)

    page = agent_client.get(page_url(case)).content.decode()
    panel = agent_client.get(f"/admin/cases/case/{case.pk}/panel/resolve/", HTTP_HX_REQUEST="true")

    assert (
        f'href="{page_url(case)}?action=resolve#action-resolve" '
        f'hx-get="/admin/cases/case/{case.pk}/panel/resolve/" hx-target="#case-panel"'
    ) in page
    fragment = panel.content.decode()
    assert panel.status_code == 200
    assert "<html" not in fragment
    assert 'id="action-resolve"' in fragment
    assert f'action="/admin/cases/case/{case.pk}/act/resolve/#action-resolve"' in fragment
    assert 'name="resolve-kind"' in fragment and "csrfmiddlewaretoken" in fragment
    assert "autofocus" in fragment


def test_without_javascript_the_button_opens_the_page_with_its_form(agent_client, case_in):
    case = case_in(Status.IN_PROGRESS)

    response = agent_client.get(page_url(case), {"action": "resolve"})

    page = response.content.decode()
    assert response.context["case_panel"].button.name == "resolve"
    assert 'id="action-resolve"' in page
    assert 'aria-current="true">Resolve</a>' in page


def test_an_action_that_does_not_apply_opens_nothing(agent_client, case_in):
    case = case_in(Status.NEW)

    response = agent_client.get(page_url(case), {"action": "reopen"})
    panel = agent_client.get(f"/admin/cases/case/{case.pk}/panel/reopen/")

    assert response.context["case_panel"] is None
    assert "This action no longer applies to the case as it is now." in panel.content.decode()
    assert agent_client.get(f"/admin/cases/case/{case.pk}/panel/fly/").status_code == 404


def test_a_plan_resolution_without_its_plan_shows_the_error_beside_the_field_open(
    agent_client, case_in
):
    case = case_in(Status.IN_PROGRESS)

    response = agent_client.post(
        f"/admin/cases/case/{case.pk}/act/resolve/",
        {"resolve-kind": "plan", "resolve-body": "Fixed in 2026.3."},
    )

    page = response.content.decode()
    assert response.status_code == 200
    # The top message points to the open section; the section is there, the error in its row.
    assert '<a href="#action-resolve">Resolve: please correct the errors below.</a>' in page
    section = page[page.index('<section class="case-panel is-refused" id="action-resolve"') :]
    section = section[: section.index("</section>")]
    row = section[section.index('<div class="form-row errors">') :]
    assert row.index("A resolution of kind (ii) needs the plan and its timeline.") < row.index(
        'name="resolve-plan"'
    )
    assert re.search(r'<textarea name="resolve-plan"[^>]*autofocus', row)
    # What was typed is kept; the form is sent again to the same place, scrolled to.
    assert "Fixed in 2026.3." in section
    assert f'action="/admin/cases/case/{case.pk}/act/resolve/#action-resolve"' in section
    # The bar stays, so another action is one click away.
    assert "resolve" in bar(page)
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert not case.events.filter(kind=EventKind.RESOLUTION).exists()


def test_a_refused_form_is_shown_even_if_the_case_moved_on(agent_client, case_in):
    case = case_in(Status.RESOLVED)

    response = agent_client.post(
        f"/admin/cases/case/{case.pk}/act/resolve/",
        {"resolve-kind": "settled", "resolve-body": "Done."},
    )

    assert response.status_code == 200
    panel = response.context["case_panel"]
    assert panel.button.name == "resolve"
    assert panel.form.non_field_errors()
    assert "resolve" not in bar(response.content.decode())


def test_a_successful_action_goes_back_to_the_page_and_the_queue_filters(agent_client, open_case):
    case = open_case()

    response = agent_client.post(
        f"/admin/cases/case/{case.pk}/act/reply/?_changelist_filters=status__exact%3Dnew",
        {"reply-body": "We are on it.", "reply-visibility": "public"},
    )

    assert response.status_code == 302
    assert response["Location"] == (
        f"/admin/cases/case/{case.pk}/change/?_changelist_filters=status__exact%3Dnew"
    )
