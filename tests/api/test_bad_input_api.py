"""Bad input to the API gets a clear 4xx in the API's format, never a 500 (issue 13).

Three doors: the middleware (NUL and control characters in the path, query or a form), the
JSON parser (too deep a body, NUL, control or lone surrogate characters in a key or string),
and Django's error handlers (an unknown route, a crash), which answer JSON under /api/.
"""

from __future__ import annotations

import json

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.test import APIClient

from cases.models import Case
from common.text import TextProblem
from portal.api.parsers import MAX_DEPTH, first_text_problem, nesting_exceeds
from portal.inputs import PROBLEM_MESSAGES

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def member(acme_agent, acme_contract, releases) -> APIClient:
    client = APIClient()
    client.force_authenticate(acme_agent)
    return client


@pytest.fixture
def new_case(acme_site, releases) -> dict:
    return {
        "site": "ACME-CHI",
        "release": releases["2026"].pk,
        "title": "Toolpath preview freezes",
        "description": "Opening the 5-axis preview freezes the workstation.",
        "proposed_priority": "P2",
    }


def _refusal(response, code: str) -> dict:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    return body


def _json(client: APIClient, url: str, body: str):
    return client.generic("POST", url, body, content_type="application/json")


# --- The middleware: the path and the query -------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/sites/%00/",
        "/api/v1/contracts/%00/",
        "/api/v1/cases/%00/",
        "/api/v1/cases/C-%00/comments/",
        "/api/v1/releases/?product=a%00",
    ],
)
def test_a_nul_in_the_address_is_a_json_400(url, member):
    body = _refusal(member.get(url), "nul_character")

    assert "NUL character" in body["detail"]


def test_anonymous_callers_get_the_json_400_too(anon):
    _refusal(anon.get("/api/v1/cases/%00/"), "nul_character")


def test_the_refusal_speaks_the_language_of_the_request(anon, monkeypatch):
    # Refused before LocaleMiddleware runs; "Home" stands in for a message already in French.
    monkeypatch.setitem(PROBLEM_MESSAGES, TextProblem.NUL, gettext_lazy("Home"))

    response = anon.get("/api/v1/sites/%00/", headers={"accept-language": "fr"})

    assert _refusal(response, "nul_character")["detail"] == "Accueil"


def test_a_control_character_in_a_form_post_is_refused(member, new_case):
    response = member.post("/api/v1/cases/", {**new_case, "title": "bell\x07"}, format="multipart")

    _refusal(response, "control_character")
    assert not Case.objects.exists()


# --- The JSON parser --------------------------------------------------------------------


def test_a_nul_in_a_json_field_is_refused_before_any_lookup(member, new_case):
    response = _json(member, "/api/v1/cases/", json.dumps({**new_case, "site": "NW\u0000"}))

    _refusal(response, "nul_character")
    assert not Case.objects.exists()


@pytest.mark.parametrize("field", ["proposed_priority", "topic", "title"])
def test_a_lone_surrogate_in_a_json_field_is_a_400(member, new_case, field):
    # json.dumps writes "\ud800" as the escape a client would send.
    response = _json(member, "/api/v1/cases/", json.dumps({**new_case, field: "\ud800"}))

    _refusal(response, "lone_surrogate")


def test_a_lone_surrogate_in_a_key_is_a_400(member, new_case):
    _refusal(
        _json(member, "/api/v1/cases/", json.dumps({**new_case, "\udc00": 1})), "lone_surrogate"
    )


def test_a_lone_surrogate_on_the_anonymous_token_endpoint_is_a_400(anon):
    body = json.dumps({"email": "a\ud800@example.test", "password": "x"})

    _refusal(_json(anon, TOKEN_URL, body), "lone_surrogate")


@pytest.mark.parametrize("url", ["/api/v1/cases/", TOKEN_URL])
def test_a_body_5000_levels_deep_is_a_400_not_a_recursion_error(url, request):
    client = request.getfixturevalue("member" if url != TOKEN_URL else "anon")

    response = _json(client, url, "[" * 5000 + "]" * 5000)

    body = _refusal(response, "nesting_too_deep")
    assert str(MAX_DEPTH) in body["detail"]


def test_a_whole_surrogate_pair_and_ordinary_text_pass(member, new_case):
    text = "Posting stops \U0001f600\tafter line 200\r\nof the \u202eRTL\u202c toolpath"
    response = _json(member, "/api/v1/cases/", json.dumps({**new_case, "description": text}))

    assert response.status_code == 201, response.content
    assert Case.objects.get().description == text


def test_the_depth_is_counted_outside_strings_only():
    assert not nesting_exceeds("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert nesting_exceeds("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert nesting_exceeds('{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1))
    assert not nesting_exceeds(json.dumps({"text": "[" * 5000, "quote": 'say "[[[["'}))


def test_the_text_check_walks_nested_data_without_recursing():
    deep: list = ["fine"]
    for _level in range(5000):
        deep = [deep]

    assert first_text_problem(deep) is None
    assert first_text_problem({"a": [{"b": ["ok", "\x00"]}]}) == "nul_character"


def test_an_invalid_json_body_is_still_drfs_parse_error(member):
    body = _refusal(_json(member, "/api/v1/cases/", "{nope"), "parse_error")

    assert body["detail"].startswith("JSON parse error")


# --- Error handlers and the exception handler: JSON, never an HTML page ----------------------


@pytest.mark.parametrize("url", ["/api/v1/nope/", "/api/nope", "/api/v1/cases/C-1/nope/"])
def test_an_unknown_api_route_is_a_json_404(url, anon):
    response = anon.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_drf_refusals_carry_their_code(anon, member):
    assert anon.get("/api/v1/cases/").json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }
    assert member.get("/api/v1/cases/C-999999/").json()["code"] == "not_found"


def test_a_crash_in_the_api_is_a_json_500(member, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("portal.api.views.contracts.site_list_for_user", crash)
    member.raise_request_exception = False

    response = member.get("/api/v1/sites/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "A server error occurred.", "code": "error"}
