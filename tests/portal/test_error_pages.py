"""Refusals look like the portal, in the reader's language, with a way back (issue 13, 15)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(acme):
    return MembershipFactory(organization=acme, role="viewer").user


def test_a_viewer_opening_the_team_page_gets_the_portal_403_with_a_way_back(viewer):
    client = Client()
    client.force_login(viewer)

    response = client.get("/team/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "You may not open this page" in page and 'class="site-header"' in page
    assert 'href="/"' in page


def test_an_unknown_page_is_the_portal_404_in_french(acme_admin):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.cookies["django_language"] = "fr"
    client.force_login(acme_admin)

    response = client.get("/sites/NO-SUCH-SITE/")

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_an_anonymous_404_shows_the_sign_in_link(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "/accounts/login/" in response.content.decode()


def test_the_favicon_address_leads_to_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
    assert 'rel="icon"' in client.get("/accounts/login/").content.decode()
