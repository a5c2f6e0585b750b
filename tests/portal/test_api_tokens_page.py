"""/profile/tokens/: a person lists, creates (the key shown once) and revokes API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from portal.models.tokens import ApiToken
from portal.services.tokens import token_create

pytestmark = pytest.mark.django_db

URL = "/profile/tokens/"


@pytest.fixture(autouse=True)
def _static_root(settings, tmp_path):
    # WhiteNoise warns on every client when the collected-static folder is missing.
    settings.STATIC_ROOT = tmp_path


def _client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _create(client: Client, **fields):
    return client.post(URL, {"name": "ERP sync", "scope": "read", "expires_in_days": 30, **fields})


def _shown_key(html: str) -> str:
    return re.search(r'id="new-token" type="text" readonly value="([^"]+)"', html).group(1)


def test_the_profile_page_links_to_the_tokens(acme_viewer):
    html = _client(acme_viewer).get("/profile/").content.decode()

    assert f'href="{URL}"' in html


def test_a_new_token_is_shown_once_and_works(acme_agent):
    client = _client(acme_agent)

    response = _create(client, scope="read_write")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = _shown_key(response.content.decode())
    token = ApiToken.objects.get(user=acme_agent)
    assert (token.name, token.scope) == ("ERP sync", "read_write")
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in client.get(URL).content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/sites/").status_code == 200


def test_the_list_shows_a_persons_own_tokens_with_their_dates(acme_agent, globex_agent):
    mine, _key = token_create(acme_agent, name="Nightly export", expires_in_days=7)
    token_create(globex_agent, name="Globex secret robot")

    html = _client(acme_agent).get(URL).content.decode()

    assert "Nightly export" in html and mine.prefix in html
    assert "Globex secret robot" not in html
    assert "Read and write" in html and "Never" in html


def test_the_list_costs_the_same_queries_for_1_or_10_tokens(acme_agent, django_assert_num_queries):
    client = _client(acme_agent)
    token_create(acme_agent, name="first")
    with django_assert_num_queries(7) as one:
        client.get(URL)
    for n in range(9):
        token_create(acme_agent, name=f"more {n}")

    with django_assert_num_queries(len(one.captured_queries)):
        client.get(URL)


def test_a_viewer_may_only_create_read_only_tokens(acme_viewer):
    client = _client(acme_viewer)

    refused = _create(client, scope="read_write")
    page = client.get(URL).content.decode()

    assert refused.status_code == 400
    assert 'id="id_scope_error"' in refused.content.decode()
    assert not ApiToken.objects.exists()
    assert 'value="read_write"' not in page
    assert _create(client).status_code == 200


def test_a_name_is_required(acme_agent):
    response = _create(_client(acme_agent), name="  ")

    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_life_not_offered_is_refused(acme_agent):
    response = _create(_client(acme_agent), expires_in_days=1000)

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_staff_give_their_authenticator_code(staff_with_totp, totp_code):
    client = _client(staff_with_totp)

    without = _create(client, code="")
    wrong = _create(client, code="000000" if totp_code() != "000000" else "111111")
    right = _create(client, code=totp_code())

    assert without.status_code == 400 and 'id="id_code_error"' in without.content.decode()
    assert wrong.status_code == 400 and "current code" in wrong.content.decode()
    assert right.status_code == 200
    assert ApiToken.objects.filter(user=staff_with_totp).count() == 1


def test_revoking_stops_the_token_at_once(acme_agent):
    token, key = token_create(acme_agent, name="Old script")
    client = _client(acme_agent)

    response = client.post(f"{URL}{token.pk}/revoke/")

    token.refresh_from_db()
    assert response.status_code == 302
    assert token.revoked_at is not None
    assert "Old script is revoked" in client.get(URL).content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/sites/").status_code == 401


def test_another_persons_token_is_404_and_stays(acme_agent, globex_agent):
    theirs, _key = token_create(globex_agent, name="Globex robot")

    response = _client(acme_agent).post(f"{URL}{theirs.pk}/revoke/")

    theirs.refresh_from_db()
    assert response.status_code == 404
    assert theirs.revoked_at is None


def test_revoking_needs_a_post_with_the_csrf_token(acme_agent):
    token, _key = token_create(acme_agent, name="Old script")

    assert _client(acme_agent).get(f"{URL}{token.pk}/revoke/").status_code == 405
    strict = _client(acme_agent, enforce_csrf_checks=True)
    assert strict.post(f"{URL}{token.pk}/revoke/").status_code == 403
    assert (
        strict.post(URL, {"name": "x", "scope": "read", "expires_in_days": 30}).status_code == 403
    )
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_expired_token_is_listed_as_expired_without_a_revoke_button(acme_agent, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC), tick=False)
    token, _key = token_create(acme_agent, name="Short-lived", expires_in_days=1)
    time_machine.shift(dt.timedelta(days=2))

    html = _client(acme_agent).get(URL).content.decode()

    assert "Expired" in html
    assert f"{URL}{token.pk}/revoke/" not in html


def test_the_page_needs_a_signed_in_user(client, db):
    assert client.get(URL).status_code == 302
