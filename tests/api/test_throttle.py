"""Rate limits: the token endpoint is strict (per address and per account); the API is throttled."""

from __future__ import annotations

import datetime as dt

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
