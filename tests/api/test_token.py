"""POST /api/v1/auth/token/: email and password for a new named token; staff add their code."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from portal.models.tokens import ApiToken
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"
SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _with_password(user):
    user.set_password(TEST_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _current_code() -> str:
    return format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))


def test_a_verified_member_trades_email_and_password_for_a_working_token(anon, acme_agent):
    _with_password(acme_agent)

    response = anon.post(URL, {"email": "agent@acme.test", "password": TEST_PASSWORD})

    assert response.status_code == 200
    body = response.json()
    token = ApiToken.objects.get(user=acme_agent)
    assert body == {
        "token": body["token"],
        "id": token.pk,
        "name": "API token",
        "prefix": body["token"][:12],
        "scope": "read_write",
        "created_at": "2026-03-02T14:00:00Z",
        "expires_at": "2026-05-31T14:00:00Z",  # 90 days
    }
    assert "no-store" in response["Cache-Control"]
    anon.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert anon.get("/api/v1/sites/").status_code == 200


def test_only_the_hash_of_the_key_is_stored(anon, acme_agent):
    _with_password(acme_agent)

    key = anon.post(URL, {"email": acme_agent.email, "password": TEST_PASSWORD}).json()["token"]

    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(list(ApiToken.objects.values_list()))


def test_the_client_names_its_token_and_chooses_scope_and_life(anon, acme_agent):
    _with_password(acme_agent)
    data = {"email": acme_agent.email, "password": TEST_PASSWORD}

    response = anon.post(
        URL, {**data, "name": "ERP sync", "scope": "read", "expires_in_days": 7}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["scope"]) == ("ERP sync", "read")
    assert body["expires_at"] == "2026-03-09T14:00:00Z"


@pytest.mark.parametrize("days", [0, 366, "soon"])
def test_a_life_outside_1_to_365_days_is_refused(anon, acme_agent, days):
    _with_password(acme_agent)
    data = {"email": acme_agent.email, "password": TEST_PASSWORD, "expires_in_days": days}

    response = anon.post(URL, data, format="json")

    assert response.status_code == 400
    assert "expires_in_days" in response.json()
    assert not ApiToken.objects.exists()


def test_a_viewer_gets_a_read_only_token_and_cannot_ask_for_more(anon, acme_viewer):
    _with_password(acme_viewer)
    data = {"email": acme_viewer.email, "password": TEST_PASSWORD}

    default = anon.post(URL, data)
    wider = anon.post(URL, {**data, "scope": "read_write"})

    assert default.status_code == 200 and default.json()["scope"] == "read"
    assert wider.status_code == 400
    assert "only allows reading" in wider.json()["scope"][0]
    assert ApiToken.objects.count() == 1


def test_the_email_address_is_matched_whatever_its_case(anon, acme_agent):
    _with_password(acme_agent)

    response = anon.post(URL, {"email": "Agent@ACME.test", "password": TEST_PASSWORD})

    assert response.status_code == 200


def test_asking_twice_makes_two_tokens_that_both_work(anon, acme_agent):
    _with_password(acme_agent)
    data = {"email": acme_agent.email, "password": TEST_PASSWORD}

    first = anon.post(URL, data).json()["token"]
    second = anon.post(URL, data).json()["token"]

    assert first != second
    assert ApiToken.objects.filter(user=acme_agent).count() == 2
    for key in (first, second):
        anon.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert anon.get("/api/v1/sites/").status_code == 200


@pytest.mark.parametrize(
    "email, password",
    [("agent@acme.test", "not-the-password"), ("nobody@acme.test", TEST_PASSWORD)],
)
def test_bad_credentials_get_400_and_no_token(anon, acme_agent, email, password):
    _with_password(acme_agent)

    response = anon.post(URL, {"email": email, "password": password})

    assert response.status_code == 400
    assert "token" not in response.json()
    assert not ApiToken.objects.exists()


def test_missing_fields_get_field_errors(anon):
    response = anon.post(URL, {"email": "not an address"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"email", "password"}
    assert not ApiToken.objects.exists()


def test_an_unconfirmed_address_gets_no_token(anon, acme_agent):
    _with_password(acme_agent)
    EmailAddress.objects.filter(user=acme_agent).update(verified=False)

    response = anon.post(URL, {"email": acme_agent.email, "password": TEST_PASSWORD})

    assert response.status_code == 400
    assert "Confirm your email address" in str(response.json())
    assert not ApiToken.objects.exists()


def test_a_deactivated_account_gets_no_token(anon, acme_agent):
    _with_password(acme_agent)
    acme_agent.is_active = False
    acme_agent.save(update_fields=["is_active"])

    response = anon.post(URL, {"email": acme_agent.email, "password": TEST_PASSWORD})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_staff_also_give_the_code_of_their_authenticator_app(anon, staff_agent):
    """A staff token reads every tenant's cases: the same second factor as the admin."""
    _with_password(staff_agent)
    TOTP.activate(staff_agent, SECRET)
    data = {"email": staff_agent.email, "password": TEST_PASSWORD}

    without = anon.post(URL, data)
    wrong = anon.post(URL, {**data, "code": "000000" if _current_code() != "000000" else "111111"})
    right = anon.post(URL, {**data, "code": _current_code()})

    assert without.status_code == 400 and "code" in without.json()
    assert wrong.status_code == 400 and "code" in wrong.json()
    assert right.status_code == 200
    key = right.json()["token"]
    assert (
        ApiToken.objects.get(user=staff_agent).key_hash == hashlib.sha256(key.encode()).hexdigest()
    )


def test_a_refused_field_does_not_spend_the_staff_code(anon, staff_agent):
    _with_password(staff_agent)
    TOTP.activate(staff_agent, SECRET)
    data = {"email": staff_agent.email, "password": TEST_PASSWORD, "code": _current_code()}

    refused = anon.post(URL, {**data, "expires_in_days": 1000}, format="json")
    accepted = anon.post(URL, data)

    assert refused.status_code == 400
    assert accepted.status_code == 200


def test_a_staff_code_cannot_be_replayed(anon, staff_agent):
    _with_password(staff_agent)
    TOTP.activate(staff_agent, SECRET)
    data = {"email": staff_agent.email, "password": TEST_PASSWORD, "code": _current_code()}

    assert anon.post(URL, data).status_code == 200
    assert anon.post(URL, data).status_code == 400


def test_staff_without_an_authenticator_get_no_token(anon, staff_agent):
    _with_password(staff_agent)

    response = anon.post(URL, {"email": staff_agent.email, "password": TEST_PASSWORD})

    assert response.status_code == 400
    assert "two-factor" in response.json()["code"][0]
    assert not ApiToken.objects.exists()


def test_delete_revokes_the_token_used_and_only_it(anon, acme_agent, make_token):
    used, other = make_token(acme_agent), make_token(acme_agent, name="Other client")
    anon.credentials(HTTP_AUTHORIZATION=f"Token {used}")

    response = anon.delete(URL)

    assert response.status_code == 204
    assert ApiToken.objects.get(name="Test client").revoked_at is not None
    assert ApiToken.objects.get(name="Other client").revoked_at is None
    refused = anon.get("/api/v1/sites/")
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    anon.credentials(HTTP_AUTHORIZATION=f"Token {other}")
    assert anon.get("/api/v1/sites/").status_code == 200


def test_a_read_only_token_may_revoke_itself(anon, acme_agent, make_token):
    anon.credentials(HTTP_AUTHORIZATION=f"Token {make_token(acme_agent, scope='read')}")

    assert anon.delete(URL).status_code == 204
    assert ApiToken.objects.get().revoked_at is not None


def test_an_expired_token_cannot_revoke(anon, acme_agent, make_token, time_machine):
    anon.credentials(HTTP_AUTHORIZATION=f"Token {make_token(acme_agent, days=1)}")
    time_machine.shift(dt.timedelta(days=2))

    assert anon.delete(URL).status_code == 401


def test_delete_without_a_token_is_401(anon):
    assert anon.delete(URL).status_code == 401


def test_the_api_without_credentials_is_401_asking_for_a_token(anon):
    response = anon.get("/api/v1/cases/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_unknown_token_is_401(anon, acme_agent):
    anon.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    assert anon.get("/api/v1/cases/").status_code == 401


def test_a_person_of_no_organisation_gets_403_everywhere(api_as, stranger):
    client = api_as(stranger)

    for path in ("/api/v1/cases/", "/api/v1/sites/", "/api/v1/contracts/", "/api/v1/releases/"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "no organisation" in response.json()["detail"]


def test_staff_who_removed_their_authenticator_get_403(api_as, staff_agent):
    from allauth.mfa.models import Authenticator

    client = api_as(staff_agent)
    Authenticator.objects.filter(user=staff_agent).delete()

    response = client.get("/api/v1/cases/")

    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
