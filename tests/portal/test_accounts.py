"""Accounts through allauth: email login, verification, reset, rate limits (issue 2)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from contracts.models import User
from mail.models import OutboxMessage
from mail.services.secrets import unseal

LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"


def _login(client, email: str, password: str):
    return client.post(LOGIN, {"login": email, "password": password})


def test_login_page_renders_in_english_by_default(client, db):
    response = client.get(LOGIN)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Sign In" in html


def test_login_page_speaks_french_to_a_french_browser(client, db):
    response = client.get(LOGIN, headers={"accept-language": "fr"})

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    # allauth's own French catalogue.
    assert "Connexion" in html
    assert "Mot de passe" in html


def test_login_form_asks_for_email_and_password_and_no_username(client, db):
    form = client.get(LOGIN).context["form"]

    assert set(form.fields) >= {"login", "password"}
    assert "username" not in form.fields
    assert form.fields["login"].widget.input_type == "email"


def test_a_verified_user_logs_in_with_email_and_password(client, customer, password):
    response = _login(client, customer.email, password)

    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert f"You are signed in as {customer.email}" in home.content.decode()


def test_the_email_is_matched_without_regard_to_case(client, customer, password):
    response = _login(client, customer.email.upper(), password)

    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == customer


def test_a_wrong_password_logs_nobody_in(client, customer):
    response = _login(client, customer.email, "not-the-password")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get("/").status_code == 302


def test_an_unverified_account_cannot_log_in_until_it_verifies(
    client, unverified_user, password, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _login(client, unverified_user.email, password)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get("/").status_code == 302, "home must still ask for a login"
    # The verification link went out through the outbox, in one message.
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    confirm = link.group(0).split("testserver", 1)[1]
    assert client.post(confirm).status_code == 302
    response = _login(client, unverified_user.email, password)
    assert response["Location"] == "/"
    assert client.get("/").wsgi_request.user == unverified_user


def test_password_reset_answers_the_same_for_unknown_and_known_addresses(client, customer):
    known = client.post(RESET, {"email": customer.email})
    unknown = client.post(RESET, {"email": "nobody@example.test"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")


def test_password_reset_writes_one_outbox_message_then_forgets_the_link(
    client, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(RESET, {"email": customer.email})

    message = OutboxMessage.objects.get(to_email=customer.email)
    assert message.template == "rendered"
    assert message.state == OutboxMessage.State.PENDING
    # Stored sealed: the admin and a database dump see ciphertext, delivery opens it.
    assert "/accounts/password/reset/key/" not in str(message.context)
    assert "/accounts/password/reset/key/" in unseal(message.context)["text"]
    assert len(callbacks) == 1

    callbacks[0]()  # the commit: eager Celery delivers it here

    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert message.context == {"sensitive": True, "redacted": True}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [customer.email]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_password_reset_email_is_in_the_users_language(client, customer):
    customer.language = "fr"
    customer.save(update_fields=["language"])

    client.post(RESET, {"email": customer.email})

    message = OutboxMessage.objects.get(to_email=customer.email)
    assert message.language == "fr"
    assert "E-mail de réinitialisation de mot de passe" in message.context["subject"]


def test_failed_logins_are_rate_limited_on_the_shared_cache(client, customer, password):
    for _ in range(5):
        assert _login(client, customer.email, "wrong-password").status_code == 200

    blocked = _login(client, customer.email, password)

    assert blocked.status_code in (200, 429)
    assert "Too many failed login attempts" in blocked.content.decode()
    assert client.get("/").status_code == 302, "the right password must not get through"

    cache.clear()  # the limit lives in the cache: clearing it lifts the block
    assert _login(client, customer.email, password)["Location"] == "/"


def test_signup_is_closed_by_default(client, db):
    page = client.get("/accounts/signup/")
    attempt = client.post(
        "/accounts/signup/",
        {"email": "walk-in@example.test", "password1": "Xk29!pq-zz", "password2": "Xk29!pq-zz"},
    )

    assert "Sign Up Closed" in page.content.decode()
    assert attempt.status_code in (200, 302)
    assert not User.objects.filter(email="walk-in@example.test").exists()


@override_settings(ACCOUNT_ALLOW_REGISTRATION=True)
def test_signup_opens_only_when_the_setting_allows_it(client, db):
    page = client.get("/accounts/signup/")

    assert "Sign Up Closed" not in page.content.decode()
    assert "password1" in page.context["form"].fields


@pytest.mark.parametrize("path", ["/", "/accounts/2fa/", "/accounts/password/change/"])
def test_account_pages_require_a_login(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_sign_in_page_does_not_invite_to_a_closed_sign_up(client, db):
    page = client.get("/accounts/login/").content.decode()

    assert "/accounts/signup/" not in page
    assert "portal administrator invites you" in page


def test_the_sign_in_page_offers_sign_up_when_it_is_open(client, settings, db):
    settings.ACCOUNT_ALLOW_REGISTRATION = True

    page = client.get("/accounts/login/").content.decode()

    assert 'href="/accounts/signup/"' in page
