"""The preview page frames each email whole, as a browser renders it (srcdoc)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from notices.admin.display import notice_preview
from tests.notices.cast import ADMIN, notice

pytestmark = pytest.mark.usefixtures("admin_pages")


class Frames(HTMLParser):
    """Collect the attributes of every iframe, unescaped as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "iframe":
            self.frames.append(dict(attrs))


def frames_of(page: str) -> list[dict[str, str | None]]:
    parser = Frames()
    parser.feed(page)
    return parser.frames


def test_each_frame_holds_the_whole_email_in_its_language(sender, admin_world):
    draft = notice([admin_world["2026"]])

    page = sender.get(f"{ADMIN}{draft.pk}/preview/").content.decode()

    english, french = frames_of(page)
    assert english["srcdoc"].startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<html" in french["srcdoc"] and '<html lang="fr">' in french["srcdoc"]
    assert "Fix for the post-processor crash</h1>" in english["srcdoc"]
    assert "Correctif du plantage du post-processeur</h1>" in french["srcdoc"]
    assert english["srcdoc"].rstrip().endswith("</html>")
    # Sandboxed: the email's links and any script stay inert in the admin.
    assert "sandbox" in english and english["sandbox"] in (None, "")


def test_the_email_is_escaped_once_in_the_attribute(sender, admin_world):
    draft = notice([admin_world["2026"]], title_en='Fix "quoted" & <tagged>')

    page = sender.get(f"{ADMIN}{draft.pk}/preview/").content.decode()

    assert 'srcdoc="&lt;!DOCTYPE html&gt;' in page
    assert 'lang=" en"=""' not in page
    # Read back as a browser does, the attribute is the email, its own escaping intact.
    assert frames_of(page)[0]["srcdoc"] == notice_preview(draft, "en")["html"]
    assert "Fix &quot;quoted&quot; &amp; &lt;tagged&gt;</h1>" in frames_of(page)[0]["srcdoc"]


def test_the_preview_leads_to_the_confirmation_not_straight_to_sending(sender, admin_world):
    draft = notice([admin_world["2026"]])

    page = sender.get(f"{ADMIN}{draft.pk}/preview/").content.decode()

    assert f'id="publish-link" href="{ADMIN}{draft.pk}/publish/">Publish now</a>' in page


def test_staff_who_may_not_send_see_no_publish_link(admin_world, staff_agent, staff_login):
    draft = notice([admin_world["2026"]])

    page = staff_login(staff_agent).get(f"{ADMIN}{draft.pk}/preview/").content.decode()

    assert "publish-link" not in page
