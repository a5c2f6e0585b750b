"""Bad input gets a clear 400, never a 500 (issue 13): NUL and control characters at the door.

On PostgreSQL a NUL in a lookup or a saved text was a 500 ("A string literal cannot contain NUL
characters"); on SQLite it was a 404 or saved as is. Either way the answer is now a 400 page
before any view runs, and nothing is written.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.models import CaseEvent, EventKind
from common.text import TextProblem, has_control, has_lone_surrogate, has_nul, text_problem
from tests.portal.case_pages import NOW, case_for, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def case(acme, acme_site, acme_contract, acme_agent, releases):
    return case_for(
        reporter=acme_agent, organization=acme, site=acme_site, release=releases["2026"]
    )


# --- The pure checks (common/text.py) -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "multiline", "problem"),
    [
        ("ACME-CHI", True, None),
        ("two\tcolumns\r\nand lines\n", True, None),
        ("café 東京 שלום \u202e", True, None),
        ("a\x00b", True, TextProblem.NUL),
        ("bell\x07", True, TextProblem.CONTROL),
        ("escape \x1b[31m", True, TextProblem.CONTROL),
        ("line\nbreak", False, TextProblem.CONTROL),
        ("tab\t", False, TextProblem.CONTROL),
        ("half a pair \ud800", True, TextProblem.SURROGATE),
        ("\U0001f600 a whole pair", True, None),
    ],
)
def test_text_problem_names_what_no_database_takes(text, multiline, problem):
    assert text_problem(text, multiline=multiline) == problem


def test_the_single_checks():
    assert has_nul("\x00") and not has_nul("0")
    assert has_control("\x1f") and not has_control("\t\r\n")
    assert has_control("\n", multiline=False)
    assert has_lone_surrogate("\udfff") and not has_lone_surrogate("\U0001f600")


# --- The reproductions of issue 13 ----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/cases/C-%00/",
        "/sites/%00/",
        "/updates/sites/%00/",
        "/cases/new/releases/?site=a%00b",
    ],
)
def test_a_nul_in_the_address_is_a_400_page(url, acme_admin, acme_site):
    response = signed_in(acme_admin).get(url)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<h1>Bad request</h1>" in page
    assert "NUL character" in page


@pytest.mark.parametrize(
    "url",
    ["/cases/?q=%1b", "/cases/?q%0a=1", "/cases/%0d/", "/sites/?status=%7f%01"],
)
def test_other_control_characters_in_the_address_are_refused(url, acme_admin):
    response = signed_in(acme_admin).get(url)

    assert response.status_code == 400
    assert "control character" in response.content.decode()


def test_anonymous_people_get_the_400_page_too():
    response = Client().get("/cases/C-%00/")

    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_the_400_page_speaks_the_language_of_the_request(acme_admin):
    response = Client(headers={"accept-language": "fr"}).get("/sites/%00/")

    assert response.status_code == 400
    assert '<html lang="fr">' in response.content.decode()


def test_tab_and_line_breaks_in_a_query_value_pass(acme_admin, case):
    response = signed_in(acme_admin).get("/cases/", {"q": "two\twords\r\n"})

    assert response.status_code == 200


def test_a_nul_in_a_posted_field_is_refused_and_nothing_is_saved(acme_agent, case):
    client = signed_in(acme_agent)

    response = client.post(f"/cases/{case.number}/reply/", {"body": "The log\x00 follows."})

    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.COMMENT).exists()


def test_an_escape_character_in_a_multipart_field_is_refused(acme_agent, case):
    response = signed_in(acme_agent).post(
        f"/cases/{case.number}/reply/", {"body": "red \x1b[31m text"}, format="multipart"
    )

    assert response.status_code == 400


def test_a_multi_line_reply_with_tabs_is_still_taken(acme_agent, case):
    response = signed_in(acme_agent).post(
        f"/cases/{case.number}/reply/", {"body": "Steps:\r\n\t1. open\r\n\t2. post"}
    )

    assert response.status_code == 302
    assert CaseEvent.objects.filter(case=case, kind=EventKind.COMMENT).count() == 1


def test_a_nul_in_a_multipart_field_name_is_refused(acme_agent, case):
    def upload():
        return SimpleUploadedFile("log.txt", b"line 1\n", "text/plain")

    response = signed_in(acme_agent).post(
        f"/cases/{case.number}/attachments/", {"files\x00": upload(), "files": upload()}
    )

    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert not case.attachments.exists()


# --- The error pages outside /api/ stay Django's -----------------------------------------


def test_an_unknown_page_is_still_the_html_404(acme_admin):
    response = signed_in(acme_admin).get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_crash_outside_the_api_is_still_the_html_500(acme_admin, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("portal.views.sites.site_rows_for_user", crash)
    client = signed_in(acme_admin)
    client.raise_request_exception = False

    response = client.get("/sites/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert b"Something went wrong on our side" in response.content  # templates/500.html


def test_a_brand_stylesheet_name_of_the_wrong_shape_is_404_without_a_lookup(client, recwarn):
    response = client.get("/brand/" + "a" * 10_000 + ".css")

    assert response.status_code == 404
    assert not [w for w in recwarn if "CacheKeyWarning" in type(w.message).__name__]
