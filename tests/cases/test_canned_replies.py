"""Canned replies (issue 14, item 2): kept by supervisors, filled for the case on the reply form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cases.admin.case_canned import canned_fill, canned_values, placeholders_unknown
from cases.models import CannedReply, Status

pytestmark = pytest.mark.django_db

VALUES = {
    "case_number": "C-000042",
    "case_title": "Feed rates",
    "contact_name": "Ada",
    "due_at": "",
}


@pytest.mark.parametrize(
    ("body", "filled"),
    [
        ("Hello {contact_name}, about {case_number}.", "Hello Ada, about C-000042."),
        ("{case_title}: {case_title}", "Feed rates: Feed rates"),
        # Unknown names, format syntax and stray braces stay as written; nothing is evaluated.
        ("Dear {customer}", "Dear {customer}"),
        ("{case_number.__class__} {case_number!r} {case_number:>20}", None),
        ("{0} {} {{case_number}} { case_number } %(case_number)s", None),
        ("unbalanced { and } and {case_number", None),
        # Known, but the case has no value: left visible for the agent to fill in.
        ("We will answer by {due_at}.", "We will answer by {due_at}."),
    ],
)
def test_placeholders_are_filled_and_anything_else_is_left_as_written(body, filled):
    expected = body if filled is None else filled
    if "{{case_number}}" in body:
        expected = body.replace("{{case_number}}", "{C-000042}")

    assert canned_fill(body, VALUES) == expected


def test_the_admin_names_unknown_placeholders_once_each():
    assert placeholders_unknown("{case_numbr} {case_number} {case_numbr} {Due}") == [
        "case_numbr",
        "Due",
    ]


def test_the_values_come_from_the_case_with_the_due_instant_in_the_site_zone(case_in, acme_admin):
    case = case_in(Status.IN_PROGRESS)
    case.contact = acme_admin
    case.queue_due_at = datetime(2026, 3, 3, 20, 30, tzinfo=UTC)

    values = canned_values(case)

    assert values == {
        "case_number": case.number,
        "case_title": "Post-processor output stops at line 200",
        "contact_name": acme_admin.full_name or acme_admin.email,
        "due_at": "2026-03-03 14:30 CST",
    }
    case.contact = None
    assert canned_values(case)["contact_name"] == (case.reporter.full_name or case.reporter.email)


@pytest.fixture
def replies(db):
    CannedReply.objects.bulk_create(
        [
            CannedReply(name="Ask for the log", language="en", body="Hi {contact_name}, the log?"),
            CannedReply(name="Demander le journal", language="fr", body="Bonjour {contact_name}"),
            CannedReply(name="Answer by", language="en", body="{case_number}: by {due_at}"),
            CannedReply(name="Retired", language="en", body="Old text", is_active=False),
        ]
    )
    return {reply.name: reply for reply in CannedReply.objects.all()}


@pytest.fixture
def agent_client(staff_agent, staff_login):
    return staff_login(staff_agent)


def test_the_reply_panel_offers_replies_in_use_own_language_first(
    staff_agent, staff_login, open_case, replies
):
    staff_agent.language = "fr"
    staff_agent.save(update_fields=["language"])
    client = staff_login(staff_agent)
    case = open_case()

    response = client.get(f"/admin/cases/case/{case.pk}/panel/reply/")

    groups = [
        (label, [reply.name for reply in items])
        for label, items in response.context["case_panel"].canned_groups
    ]
    assert groups == [
        ("Dans votre langue", ["Demander le journal"]),
        ("Autres langues", ["Answer by", "Ask for the log"]),
    ]
    page = response.content.decode()
    assert f'hx-get="/admin/cases/case/{case.pk}/canned/" hx-trigger="change"' in page
    assert 'hx-target="#id_reply-body" hx-swap="outerHTML"' in page
    assert "Retired" not in page


def test_choosing_a_reply_returns_the_box_filled_for_this_case(
    agent_client, case_in, replies, acme_agent
):
    case = case_in(Status.IN_PROGRESS)

    response = agent_client.get(
        f"/admin/cases/case/{case.pk}/canned/", {"canned": replies["Ask for the log"].pk}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<textarea name="reply-body"')
    assert 'id="id_reply-body"' in html
    assert f"Hi {acme_agent.full_name or acme_agent.email}, the log?</textarea>" in html


def test_the_due_instant_is_the_next_one_in_the_site_time_zone(agent_client, case_in, replies):
    # P2 proposed at 08:00 CST on Monday: the response is due 8 support hours later (SLP-5).
    new = case_in(Status.NEW)
    # Waiting on the customer, support owes nothing timed: the placeholder stays visible.
    waiting = case_in(Status.WAITING_ON_CUSTOMER)
    url = "/admin/cases/case/{}/canned/"

    html = agent_client.get(url.format(new.pk), {"canned": replies["Answer by"].pk})
    paused = agent_client.get(url.format(waiting.pk), {"canned": replies["Answer by"].pk})

    assert f"{new.number}: by 2026-03-02 16:00 CST</textarea>" in html.content.decode()
    assert f"{waiting.number}: by {{due_at}}</textarea>" in paused.content.decode()


@pytest.mark.parametrize("choice", ["", "abc", "999999", "retired"])
def test_no_reply_or_a_retired_one_leaves_the_box_alone(agent_client, open_case, replies, choice):
    case = open_case()
    value = str(replies["Retired"].pk) if choice == "retired" else choice

    response = agent_client.get(f"/admin/cases/case/{case.pk}/canned/", {"canned": value})

    assert response.status_code == 204


def test_a_reply_with_bad_placeholders_fills_without_a_crash(agent_client, open_case):
    case = open_case()
    reply = CannedReply.objects.create(
        name="Typo", language="en", body="{case_numbr} {case_number.__class__} {{ {0} }"
    )

    html = agent_client.get(
        f"/admin/cases/case/{case.pk}/canned/", {"canned": reply.pk}
    ).content.decode()

    assert "{case_numbr} {case_number.__class__} {{ {0} }</textarea>" in html


def test_without_javascript_insert_opens_the_reply_form_filled(agent_client, open_case, replies):
    case = open_case()

    response = agent_client.get(
        f"/admin/cases/case/{case.pk}/change/",
        {"action": "reply", "canned": replies["Answer by"].pk},
    )

    assert (
        response.context["case_panel"].form["body"].value()
        == f"{case.number}: by 2026-03-02 16:00 CST"
    )


def test_a_role_that_cannot_reply_gets_no_canned_text(
    staff_contract_admin, staff_login, open_case, replies
):
    case = open_case()
    client = staff_login(staff_contract_admin)

    response = client.get(
        f"/admin/cases/case/{case.pk}/canned/", {"canned": replies["Answer by"].pk}
    )

    assert response.status_code == 403


# --- The admin of canned replies -------------------------------------------------------------

ADD = "/admin/cases/cannedreply/add/"
LIST = "/admin/cases/cannedreply/"


def _new(name: str, body: str, language: str = "en") -> dict:
    return {"name": name, "language": language, "body": body, "is_active": "on"}


@pytest.mark.parametrize("role", ["staff_supervisor", "staff_manager"])
def test_supervisors_write_canned_replies(request, staff_login, role):
    user = request.getfixturevalue(role)
    client = staff_login(user)

    form = client.get(ADD)
    response = client.post(ADD, _new("Log please", "Hello {contact_name}, send the log."))

    assert "{case_number}" in form.content.decode()  # the placeholder help
    assert response.status_code == 302
    reply = CannedReply.objects.get(name="Log please")
    assert reply.updated_by == user


@pytest.mark.parametrize("role", ["staff_agent", "staff_sponsor", "staff_contract_admin"])
def test_other_staff_read_canned_replies_but_do_not_change_them(
    request, staff_login, role, replies
):
    client = staff_login(request.getfixturevalue(role))
    reply = replies["Ask for the log"]

    listed = client.get(LIST)
    change = client.post(f"{LIST}{reply.pk}/change/", _new("Edited", "Edited"))

    assert listed.status_code == 200
    assert "Ask for the log" in listed.content.decode()
    assert client.get(ADD).status_code == 403
    assert change.status_code == 403
    reply.refresh_from_db()
    assert reply.name == "Ask for the log"


def test_an_unknown_placeholder_is_refused_with_the_known_ones(staff_supervisor, staff_login):
    client = staff_login(staff_supervisor)

    response = client.post(ADD, _new("Typo", "About {case_numbr}"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    assert errors == [
        "Unknown placeholder {case_numbr}; the placeholders are {case_number}, {case_title}, "
        "{contact_name}, {due_at}."
    ]
    assert not CannedReply.objects.filter(name="Typo").exists()


def test_the_list_filters_by_language_and_searches(staff_agent, staff_login, replies):
    client = staff_login(staff_agent)

    french = client.get(LIST, {"language__exact": "fr"})
    found = client.get(LIST, {"q": "log"})

    assert [r.name for r in french.context["cl"].result_list] == ["Demander le journal"]
    assert {r.name for r in found.context["cl"].result_list} == {"Ask for the log"}
