"""A password reset for an unknown address mails nobody and answers as for a known one.

allauth would otherwise send a "you have no account" email to any address typed in
(ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS): the portal has no open sign-up to offer, and the form would
let anyone make the portal write to anyone. ACCOUNT_PREVENT_ENUMERATION keeps the answers alike.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from mail.models import OutboxMessage

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _page(response) -> str:
    """The page without its CSRF tokens, which differ on every render."""
    return CSRF_TOKEN.sub("", response.content.decode())


def test_an_unknown_address_gets_no_email(client, db):
    response = client.post(RESET, {"email": "nobody@example.test"})

    assert response.status_code == 302
    assert not OutboxMessage.objects.exists()


def test_the_answer_is_the_same_for_a_known_address(client, customer):
    unknown = client.post(RESET, {"email": "nobody@example.test"}, follow=True)
    known = client.post(RESET, {"email": customer.email}, follow=True)

    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.redirect_chain == [(reverse("account_reset_password_done"), 302)]
    assert _page(unknown) == _page(known)
    assert list(OutboxMessage.objects.values_list("to_email", flat=True)) == [customer.email]
