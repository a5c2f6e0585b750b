"""Issue 11: the admin pages of the outbox and update notices answer at their old address too."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/contracts/outboxmessage/", "/admin/mail/outboxmessage/"),
        (
            "/admin/contracts/outboxmessage/?state__exact=failed",
            "/admin/mail/outboxmessage/?state__exact=failed",
        ),
        ("/admin/contracts/updatenotice/", "/admin/notices/updatenotice/"),
        ("/admin/contracts/updatenotice/7/preview/", "/admin/notices/updatenotice/7/preview/"),
    ],
)
def test_an_old_admin_address_redirects_to_the_new_app(client, old, new):
    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == new


@pytest.mark.django_db
def test_the_new_address_still_asks_for_a_staff_login(client):
    response = client.get("/admin/contracts/updatenotice/", follow=True)

    assert response.redirect_chain[0] == ("/admin/notices/updatenotice/", 301)
    assert "/login/" in response.redirect_chain[-1][0]


@pytest.mark.django_db
def test_other_contracts_admin_pages_are_not_redirected(client):
    assert client.get("/admin/contracts/organization/").status_code == 302
    assert client.get("/admin/contracts/organization/")["Location"].startswith("/admin/login/")
