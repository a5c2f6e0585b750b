"""HTML and script in titles, comments and file names render inert in pages and emails (issue 6)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from mail.models import OutboxMessage
from mail.services.outbox import outbox_render
from tests.portal.case_pages import NOW, case_for, signed_in

pytestmark = pytest.mark.django_db

TITLE = '<script>alert("title")</script>'
COMMENT = '<img src=x onerror="alert(1)"><b>bold</b>'
ESCAPED_TITLE = "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;"
ESCAPED_COMMENT = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;b&gt;bold&lt;/b&gt;"


@pytest.fixture(autouse=True)
def _frozen(time_machine, settings, tmp_path):
    time_machine.move_to(NOW, tick=False)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(acme, acme_site, acme_contract, acme_agent, releases):
    return case_for(
        reporter=acme_agent,
        organization=acme,
        site=acme_site,
        release=releases["2026"],
        title=TITLE,
        description=COMMENT,
    )


def _assert_inert(html: str) -> None:
    assert TITLE not in html and COMMENT not in html
    assert "<script>alert" not in html
    assert "<img src=x" not in html and "<b>bold" not in html


@pytest.mark.parametrize("url", ["/", "/cases/", "/cases/{number}/"])
def test_a_title_renders_as_text_on_every_case_page(url, case, acme_admin):
    html = signed_in(acme_admin).get(url.format(number=case.number)).content.decode()

    assert ESCAPED_TITLE in html
    _assert_inert(html)


def test_a_comment_renders_as_text_in_the_timeline_and_the_dashboard(case, acme_agent, acme_admin):
    """The description (shown on the case page) carries the same payload as the comment."""
    services.case_comment(case=case, by=acme_agent, body=COMMENT)
    client = signed_in(acme_admin)

    for url in (f"/cases/{case.number}/", "/"):
        html = client.get(url).content.decode()
        assert ESCAPED_COMMENT in html
        _assert_inert(html)


def test_a_file_name_renders_as_text(case, acme_agent, acme_admin):
    hostile = SimpleUploadedFile('<script>x</script>O\'Brien & "co".txt', b"log\n", "text/plain")
    attachment = services.case_attach(case=case, by=acme_agent, file=hostile)

    html = signed_in(acme_admin).get(f"/cases/{case.number}/").content.decode()

    # The service drops characters that are unsafe in file names; the page escapes the rest.
    assert "<script>x" not in html
    assert "O&#x27;Brien &amp; co.txt" in html
    assert attachment.original_name == "scriptO'Brien & co.txt"


def test_a_title_typed_into_a_refused_new_case_comes_back_as_text(acme_agent, acme_site, releases):
    data = {
        "site": acme_site.code,
        "release": releases["2026"].pk,
        "topic": "support",
        "proposed_priority": "P3",
        "title": TITLE,
        "description": COMMENT,
    }

    response = signed_in(acme_agent).post("/cases/new/", data)

    html = response.content.decode()
    assert response.status_code == 400  # no contract: refused, the form comes back
    assert f'value="{ESCAPED_TITLE}"' in html
    assert ESCAPED_COMMENT in html
    _assert_inert(html)


def test_the_reply_email_escapes_the_title_and_the_reply(case, staff_agent):
    services.case_comment(case=case, by=staff_agent, body=COMMENT)

    message = OutboxMessage.objects.filter(template="case_reply").first()
    email = outbox_render(message)
    html = email.alternatives[0][0]

    assert ESCAPED_TITLE in html and ESCAPED_COMMENT in html
    _assert_inert(html)
    # The text part is plain text: the raw characters are fine there, never HTML.
    assert COMMENT in email.body


def test_the_receipt_email_escapes_the_title(case):
    message = OutboxMessage.objects.filter(template="case_received").first()

    html = outbox_render(message).alternatives[0][0]

    assert ESCAPED_TITLE in html
    _assert_inert(html)


@pytest.mark.parametrize(
    "url",
    ["/", "/cases/", "/cases/?q=x", "/cases/new/", "/cases/new/?site=ACME-CHI", "/cases/{n}/"],
)
def test_case_pages_carry_no_inline_script_style_or_handler_for_the_csp(
    url, acme, acme_site, acme_contract, acme_agent, acme_admin, releases
):
    from tests.portal.test_csp import EVENT_HANDLER, INLINE_SCRIPT, INLINE_STYLE, JAVASCRIPT_URL

    # A plain case: the hostile texts above would match these patterns even once escaped.
    case = case_for(
        reporter=acme_agent, organization=acme, site=acme_site, release=releases["2026"]
    )
    services.case_comment(case=case, by=acme_agent, body="The log is attached.")

    response = signed_in(acme_admin).get(url.format(n=case.number))

    html = response.content.decode()
    assert response.status_code == 200
    for pattern in (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER, JAVASCRIPT_URL):
        assert not pattern.search(html), pattern.search(html)
