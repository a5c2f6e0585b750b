"""A one-click English/Français switch in the admin header, through Django's set_language."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOME = "/admin/"
QUEUE = "/admin/cases/case/"


def _switch(html: str) -> str:
    match = re.search(r'<form id="admin-language".*?</form>', html, re.S)
    assert match, "no language switch on the page"
    return match[0]


def test_every_admin_page_has_the_switch_posting_to_set_language(staff_login, staff_agent):
    client = staff_login(staff_agent)

    for path in (HOME, QUEUE, "/admin/sla/calendar/?q=uk&o=1"):
        form = _switch(client.get(path).content.decode())

        assert f'action="{reverse("set_language")}"' in form
        assert 'method="post"' in form
        assert 'name="csrfmiddlewaretoken"' in form
        assert f'name="next" value="{path.replace("&", "&amp;")}"' in form
        assert (
            '<button type="submit" name="language" value="fr" lang="fr">Français</button>' in form
        )
        assert 'value="en" lang="en" aria-current="true" disabled>English</button>' in form


def test_one_click_shows_the_admin_in_french_and_back(staff_login, staff_agent):
    client = staff_login(staff_agent)

    response = client.post(reverse("set_language"), {"language": "fr", "next": QUEUE})

    assert response.status_code == 302
    assert response["Location"] == QUEUE
    html = client.get(HOME).content.decode()
    assert '<html lang="fr"' in html
    assert 'value="fr" lang="fr" aria-current="true" disabled>Français</button>' in _switch(html)

    client.post(reverse("set_language"), {"language": "en", "next": HOME})
    assert '<html lang="en"' in client.get(HOME).content.decode()


def test_the_switch_wins_over_the_saved_language_for_this_browser(staff_login, staff_agent):
    staff_agent.language = "fr"
    staff_agent.save(update_fields=["language"])
    client = staff_login(staff_agent)
    assert '<html lang="fr"' in client.get(HOME).content.decode()

    client.post(reverse("set_language"), {"language": "en", "next": HOME})

    assert '<html lang="en"' in client.get(HOME).content.decode()


def test_a_next_to_another_site_is_not_followed(staff_login, staff_agent):
    client = staff_login(staff_agent)

    response = client.post(
        reverse("set_language"), {"language": "fr", "next": "https://evil.example/"}
    )

    assert not response.get("Location", "").startswith("https://evil.example")


def test_the_header_keeps_the_branding_and_runs_no_inline_script(staff_login, staff_agent):
    response = staff_login(staff_agent).get(HOME)
    html = response.content.decode()

    assert "<title>Site administration | CONNECT Support</title>" in html
    assert '<div id="site-name"><a href="/admin/">CONNECT Support</a></div>' in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert (
        "'unsafe-inline'"
        not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(" src=" in tag for tag in scripts)
    assert not re.search(r"\son[a-z]+=", _switch(html))


def test_signed_out_people_get_no_switch_from_the_admin(client, db):
    response = client.get(HOME)

    assert response.status_code == 302
    assert 'id="admin-language"' not in response.content.decode()
