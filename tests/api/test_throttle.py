"""Rate limits: the token endpoint is strict (per address and per account); the API is throttled."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from rest_framework.throttling import UserRateThrottle

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"


def _guess(client, email: str = "agent@acme.test", address: str = "203.0.113.7"):
    return client.post(URL, {"email": email, "password": "wrong"}, REMOTE_ADDR=address)


def test_the_token_endpoint_allows_ten_requests_a_minute_per_address(
    anon, acme_agent, time_machine
):
    answers = [_guess(anon, f"guess{n}@acme.test").status_code for n in range(11)]

    assert answers == [400] * 10 + [429]
    assert _guess(anon, address="198.51.100.2").status_code == 400
    time_machine.shift(dt.timedelta(seconds=61))
    assert _guess(anon).status_code == 400


def test_a_refused_client_is_told_when_to_come_back(anon, acme_agent):
    for _n in range(10):
        _guess(anon)

    response = _guess(anon)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_one_account_is_limited_whatever_the_address(anon, acme_agent):
    """Guessing one password from many addresses stops after 20 tries an hour."""
    answers = [_guess(anon, address=f"192.0.2.{n}").status_code for n in range(21)]

    assert answers == [400] * 20 + [429]
    assert _guess(anon, email="other@acme.test", address="192.0.2.99").status_code == 400


def test_signed_in_clients_are_throttled_per_user(api_as, acme_agent, globex_agent, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "3/min"})
    client = api_as(acme_agent)

    answers = [client.get("/api/v1/releases/").status_code for _n in range(4)]

    assert answers == [200, 200, 200, 429]
    assert api_as(globex_agent).get("/api/v1/releases/").status_code == 200


def test_rotating_x_forwarded_for_does_not_escape_the_address_limit(anon, acme_agent):
    """With no trusted proxy (TRUSTED_PROXY_COUNT=0), the header is the client's to forge."""
    answers = [
        anon.post(
            URL,
            {"email": f"guess{n}@acme.test", "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(11)
    ]

    assert answers == [400] * 10 + [429]


def test_behind_one_trusted_proxy_the_address_it_saw_is_limited(anon, acme_agent, settings):
    """The proxy appends the address it saw; what the client put before it does not count."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    def guess(n: int, seen_by_proxy: str):
        forged = f"198.51.100.{n}, {seen_by_proxy}"
        data = {"email": f"guess{n}@acme.test", "password": "wrong"}
        return anon.post(URL, data, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forged)

    answers = [guess(n, "203.0.113.7").status_code for n in range(11)]

    assert answers == [400] * 10 + [429]
    assert guess(99, "203.0.113.8").status_code == 400


def test_an_anonymous_client_is_throttled_before_being_told_to_sign_in(anon, db):
    """DRF checks permissions first: without this, the anonymous rate (30/min) never applied."""
    answers = [anon.get("/api/v1/cases/").status_code for _n in range(31)]

    assert answers == [401] * 30 + [429]
    assert 0 < int(anon.get("/api/v1/cases/")["Retry-After"]) <= 60


def test_every_api_operation_throttles_anonymous_clients(anon, db, monkeypatch):
    """Each operation of the schema (but obtaining a token, throttled apart) answers 429."""
    from django.core.cache import cache
    from rest_framework.throttling import AnonRateThrottle

    schema = anon.get("/api/schema/", {"format": "json"}).json()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "2/min"})
    operations = [
        (re.sub(r"\{\w+\}", "X-1", path), method)
        for path, methods in schema["paths"].items()
        for method in methods
        if (path, method) != (URL, "post")
    ]
    assert len(operations) >= 12

    for path, method in operations:
        cache.clear()
        answers = [getattr(anon, method)(path).status_code for _n in range(3)]
        assert answers[:2] in ([401, 401], [403, 403]), (method, path, answers)
        assert answers[2] == 429, (method, path, answers)


def test_a_refused_member_is_throttled_too(api_as, stranger, monkeypatch):
    """A person of no organisation gets 403, until the user rate says 429."""
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "3/min"})
    client = api_as(stranger)

    answers = [client.get("/api/v1/sites/").status_code for _n in range(4)]

    assert answers == [403, 403, 403, 429]


def test_revoking_a_token_is_not_held_back_by_the_password_guessing_limit(
    anon, acme_agent, make_token
):
    for _n in range(10):
        _guess(anon, address="127.0.0.1")
    assert _guess(anon, address="127.0.0.1").status_code == 429
    anon.credentials(HTTP_AUTHORIZATION=f"Token {make_token(acme_agent)}")

    response = anon.delete(URL, REMOTE_ADDR="127.0.0.1")

    assert response.status_code == 204
