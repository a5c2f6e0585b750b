"""The profile page: a person's own language and time zone, links to MFA and password (issue 6)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def _client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _save(client: Client, **fields):
    data = {"full_name": "Vera Viewer", "language": "en", "time_zone": "UTC", **fields}
    return client.post("/profile/", data)


def test_the_page_links_to_two_factor_setup_and_password_change(acme_viewer):
    html = _client(acme_viewer).get("/profile/").content.decode()

    assert 'href="/accounts/2fa/"' in html
    assert 'href="/accounts/password/change/"' in html
    assert '<label for="id_time_zone">' in html and '<label for="id_language">' in html


def test_a_viewer_may_edit_its_own_profile(acme_viewer):
    response = _save(_client(acme_viewer), language="fr", time_zone="Europe/Paris")

    acme_viewer.refresh_from_db()
    assert response.status_code == 302
    assert acme_viewer.language == "fr" and acme_viewer.time_zone == "Europe/Paris"
    assert acme_viewer.full_name == "Vera Viewer"


def test_the_saved_language_wins_over_an_earlier_language_switch(acme_viewer):
    client = _client(acme_viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    _save(client, language="fr")
    page = client.get("/profile/")

    assert page["Content-Language"] == "fr"


def test_pages_show_times_in_the_saved_time_zone(acme_viewer):
    client = _client(acme_viewer)

    _save(client, time_zone="Asia/Tokyo")

    assert "Asia/Tokyo" in client.get("/contact/").content.decode()


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../../etc/passwd", "EST5EDT,M3.2.0"])
def test_an_unknown_time_zone_is_refused_next_to_its_field(acme_viewer, zone):
    response = _save(_client(acme_viewer), time_zone=zone)

    html = response.content.decode()
    acme_viewer.refresh_from_db()
    assert response.status_code == 400
    assert 'id="id_time_zone_error"' in html
    assert acme_viewer.time_zone == "UTC"


def test_an_unknown_language_is_refused(acme_viewer):
    response = _save(_client(acme_viewer), language="de")

    acme_viewer.refresh_from_db()
    assert response.status_code == 400
    assert acme_viewer.language == "en"


def test_a_post_without_csrf_token_is_refused(acme_viewer):
    response = _save(_client(acme_viewer, enforce_csrf_checks=True), time_zone="Asia/Tokyo")

    acme_viewer.refresh_from_db()
    assert response.status_code == 403
    assert acme_viewer.time_zone == "UTC"


def test_the_page_needs_a_signed_in_user(client, db):
    assert client.get("/profile/").status_code == 302


def test_a_name_with_html_renders_inert(acme_viewer):
    acme_viewer.full_name = '"><script>alert(1)</script>'
    acme_viewer.save()

    html = _client(acme_viewer).get("/profile/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&quot;&gt;&lt;script&gt;" in html
