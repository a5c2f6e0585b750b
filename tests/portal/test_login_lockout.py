"""Failed-login lockouts count per account and address, and answer 429 with Retry-After (issue 13).

The rules (ACCOUNT_RATE_LIMITS["login_failed"] = "10/m/ip,5/5m/key", the key being account and
address, portal.adapters.AccountAdapter):

- 5 wrong passwords for one account from one address lock that account from that address for
  5 minutes; the same account signs in from any other address;
- 10 failed logins from one address within a minute, for any accounts, lock that address for
  every account until the minute has passed;
- the client address is REMOTE_ADDR, or with TRUSTED_PROXY_COUNT=n the n-th address from the
  right of X-Forwarded-For (the one the nearest trusted proxy saw).
"""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"
NOW = dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC)
PROXY = "10.0.0.2"
ADDRESS_A = "203.0.113.5"
ADDRESS_B = "198.51.100.7"


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def behind_one_proxy(settings):
    """One nginx in front: it appends the client's address to X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def no_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0


@pytest.fixture
def other_customer(make_user):
    user = make_user("other@example.test")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _login(client, email: str, password: str, *, via: str = ADDRESS_A, **extra):
    """Sign in through the proxy, for a client at `via` (X-Forwarded-For)."""
    return client.post(
        LOGIN,
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=via,
        **extra,
    )


def _assert_locked(response, retry_after: int) -> None:
    assert response.status_code == 429
    assert response["Retry-After"] == str(retry_after)
    assert "Too many failed login attempts" in response.content.decode()


def test_five_wrong_passwords_lock_the_account_from_that_address_only(
    behind_one_proxy, client, customer, password
):
    for _ in range(5):
        assert _login(client, customer.email, "wrong").status_code == 200

    _assert_locked(_login(client, customer.email, password), retry_after=300)
    elsewhere = _login(client, customer.email, password, via=ADDRESS_B)

    assert elsewhere.status_code == 302 and elsewhere["Location"] == "/"


def test_ten_failures_lock_the_address_for_every_account_for_a_minute(
    behind_one_proxy, client, customer, other_customer, password, time_machine
):
    for _ in range(10):
        _login(client, customer.email, "wrong")

    _assert_locked(_login(client, other_customer.email, password), retry_after=60)
    _assert_locked(_login(client, customer.email, password), retry_after=300)

    time_machine.move_to(NOW + dt.timedelta(seconds=60), tick=False)

    assert _login(Client(), other_customer.email, password)["Location"] == "/"
    _assert_locked(_login(client, customer.email, password), retry_after=240)


def test_a_spray_over_many_accounts_is_limited_per_address(
    behind_one_proxy, client, customer, password
):
    for number in range(10):
        assert _login(client, f"guess{number}@example.test", "wrong").status_code == 200

    _assert_locked(_login(client, customer.email, password), retry_after=60)
    assert _login(client, customer.email, password, via=ADDRESS_B)["Location"] == "/"


def test_the_proxy_chain_counts_only_the_address_the_trusted_proxy_saw(
    behind_one_proxy, client, customer, password
):
    """A client prepending forged addresses stays the address nginx appended last."""
    for number in range(5):
        _login(client, customer.email, "wrong", via=f"192.0.2.{number}, {ADDRESS_A}")

    _assert_locked(_login(client, customer.email, password, via=f"192.0.2.99, {ADDRESS_A}"), 300)


def test_without_trusted_proxies_a_rotating_forwarded_for_does_not_escape(
    no_trusted_proxy, client, customer, password
):
    for number in range(5):
        _login(client, customer.email, "wrong", via=f"192.0.2.{number}")

    _assert_locked(_login(client, customer.email, password, via="192.0.2.200"), retry_after=300)


def test_without_trusted_proxies_a_rotating_forwarded_for_spray_is_limited(
    no_trusted_proxy, client, customer, password
):
    for number in range(10):
        _login(client, f"guess{number}@example.test", "wrong", via=f"192.0.2.{number}")

    _assert_locked(_login(client, customer.email, password, via="192.0.2.200"), retry_after=60)


def test_the_locked_out_page_speaks_the_browsers_language(
    behind_one_proxy, client, customer, password
):
    for _ in range(5):
        _login(client, customer.email, "wrong")

    response = _login(client, customer.email, password, headers={"accept-language": "fr"})

    assert response.status_code == 429
    # allauth's French catalogue.
    assert "Trop de tentatives de connexion échouées" in response.content.decode()


def test_the_admin_login_is_the_same_locked_sign_in(behind_one_proxy, client, staff_user, password):
    for _ in range(5):
        _login(client, staff_user.email, "wrong")

    # The admin's own form never checks a password: it sends everyone to allauth's.
    admin = client.post(
        "/admin/login/",
        {"username": staff_user.email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=ADDRESS_A,
    )
    assert admin.status_code == 302 and admin["Location"].startswith(f"{LOGIN}?next=")
    locked = client.post(
        admin["Location"],
        {"login": staff_user.email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=ADDRESS_A,
    )

    _assert_locked(locked, retry_after=300)
    assert "_auth_user_id" not in client.session


def test_other_allauth_limits_answer_429_with_retry_after(behind_one_proxy, client, db):
    """reset_password allows 20 requests a minute from one address."""
    for number in range(20):
        sent = client.post(
            RESET,
            {"email": f"n{number}@example.test"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=ADDRESS_A,
        )
        assert sent.status_code == 302

    refused = client.post(
        RESET,
        {"email": "n99@example.test"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=ADDRESS_A,
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Soyez patient, vous envoyez trop de requêtes." in refused.content.decode()


def test_a_limit_per_email_address_answers_the_longest_window(behind_one_proxy, client, db):
    """5 resets a minute for one address: allauth does not say which limit refused."""
    for number in range(5):
        client.post(
            RESET,
            {"email": "one@example.test"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )

    refused = client.post(
        RESET, {"email": "one@example.test"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ADDRESS_B
    )

    assert refused.status_code == 429
    assert refused["Retry-After"] == "300"  # the 5 minutes of login_failed's per-account limit
