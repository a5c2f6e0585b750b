"""The queue page itself (issue 14, item 1): htmx fragment, plain GET, pages, bad input, access."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.portal.test_csp import EVENT_HANDLER, INLINE_SCRIPT, JAVASCRIPT_URL

pytestmark = pytest.mark.django_db

QUEUE = "/admin/cases/case/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent_client(staff_agent, staff_login):
    return staff_login(staff_agent)


def _numbers(response) -> list[str]:
    return [row.number for row in response.context["rows"]]


def test_an_htmx_request_gets_the_table_and_the_views_alone(agent_client, open_case):
    case = open_case()

    response = agent_client.get(QUEUE, {"q": case.number}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "admin/cases/case/_queue_results.html"
    assert "<html" not in html
    assert case.number in html
    # The tabs and the form's hidden state follow the new query (out-of-band swaps).
    assert (
        '<nav id="queue-views" class="queue-views" aria-label="Views" hx-swap-oob="true">' in html
    )
    assert '<span id="queue-state" hx-swap-oob="true">' in html
    assert f'name="query" value="q={case.number}"' in html
    assert '<h1 id="queue-title" hx-swap-oob="true">All open cases</h1>' in html
    assert f'href="/admin/cases/case/export/?q={case.number}"' in html
    assert "HX-Request" in response["Vary"]


def test_the_whole_page_answers_a_plain_get_and_a_history_restore(agent_client, open_case):
    open_case()

    plain = agent_client.get(QUEUE, {"priority": "none"})
    restored = agent_client.get(
        QUEUE, {"priority": "none"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    for response in (plain, restored):
        html = response.content.decode()
        assert "<html" in html
        assert 'id="queue-filters"' in html
        assert '<option value="none" selected>Not set</option>' in html


def test_the_filter_form_works_without_javascript_and_swaps_the_table_with_it(
    agent_client, open_case
):
    open_case()

    html = agent_client.get(QUEUE).content.decode()

    assert 'method="get" action="/admin/cases/case/"' in html
    assert 'hx-get="/admin/cases/case/" hx-target="#queue-results" hx-push-url="true"' in html
    assert 'id="queue-results"' in html


def test_pages_follow_one_another_without_counting_the_whole_view(agent_client, open_case):
    cases = [open_case(title=f"Toolpath case {n}") for n in range(12)]

    first = agent_client.get(QUEUE, {"per_page": "10"})
    second = agent_client.get(QUEUE, {"per_page": "10", "page": "2"})

    assert _numbers(first) == [c.number for c in cases[:10]]
    assert (first.context["previous_url"], first.context["next_url"]) == (
        "",
        "?per_page=10&page=2",
    )
    assert _numbers(second) == [c.number for c in cases[10:]]
    assert (second.context["previous_url"], second.context["next_url"]) == ("?per_page=10", "")
    assert "Cases 11–12" in second.content.decode()  # noqa: RUF001 (the page writes an en dash)


def test_a_page_past_the_end_offers_the_first_page(agent_client, open_case):
    open_case()

    response = agent_client.get(QUEUE, {"page": "9"})

    assert _numbers(response) == []
    assert "No cases on this page." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"per_page": "7"}, "Select a valid choice. 7 is not one of the available choices."),
        ({"status": "lost"}, "Select a valid choice. lost is not one of the available choices."),
        ({"organization": "acme"}, "Choose an organisation from the list."),
        ({"q": "x" * 101}, "Ensure this value has at most 100 characters (it has 101)."),
    ],
)
def test_a_value_the_queue_cannot_read_is_reported_and_left_out(
    agent_client, open_case, params, error
):
    case = open_case()

    response = agent_client.get(QUEUE, params)

    assert response.status_code == 200
    assert _numbers(response) == [case.number]
    assert error in response.content.decode()


def test_the_queue_fits_its_columns_and_carries_no_inline_script(agent_client, open_case):
    case = open_case()

    html = agent_client.get(QUEUE).content.decode()

    for column in ("number", "title", "organization", "priority", "status", "assignee"):
        assert f'<col class="col-{column}">' in html
    for column in ("response", "resolution", "activity"):
        assert f'<col class="col-{column}">' in html
    assert f'title="{case.title}"' in html  # the full title on hover
    assert "/static/css/staff-queue.css" in html
    assert "/static/js/staff-queue.js" in html
    for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL):
        assert not pattern.search(html), pattern.search(html)


def test_the_keyboard_help_lists_every_shortcut(agent_client):
    html = agent_client.get(QUEUE).content.decode()

    start = html.index('id="queue-help"')
    panel = html[start : html.index("</div>", start)]
    for key in ("j", "k", "o", "Enter", "x", "/", "?", "Esc"):
        assert f"<kbd>{key}</kbd>" in panel


def test_the_queue_answers_get_only(agent_client):
    assert agent_client.post(QUEUE, {"action": "assign_me"}).status_code == 405


def test_customers_get_the_admin_login_and_staff_without_the_right_403(
    acme_agent, make_user, staff_login, open_case
):
    open_case()
    customer = Client()
    customer.force_login(acme_agent)
    bare_staff = staff_login(make_user("no-role@vendor.test", staff=True))

    response = customer.get(QUEUE)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert bare_staff.get(QUEUE).status_code == 403
