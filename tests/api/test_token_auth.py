"""`Authorization: Token <key>`: named tokens that expire, can be revoked, and may be read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models.tokens import ApiToken

pytestmark = pytest.mark.django_db


def _client(anon, key: str):
    anon.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return anon


def test_an_expired_token_is_401_saying_when_it_expired(anon, acme_agent, make_token, time_machine):
    client = _client(anon, make_token(acme_agent, days=30))
    time_machine.shift(dt.timedelta(days=29, hours=23))
    assert client.get("/api/v1/sites/").status_code == 200

    time_machine.shift(dt.timedelta(hours=1))
    response = client.get("/api/v1/sites/")

    assert response.status_code == 401
    assert response.json() == {
        "detail": "This token expired on 2026-04-01 14:00 UTC: create a new one on your "
        "profile page.",
        "code": "token_expired",
    }
    assert response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_is_401(anon, acme_agent, make_token):
    client = _client(anon, make_token(acme_agent))
    ApiToken.objects.update(revoked_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))

    response = client.get("/api/v1/sites/")

    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


def test_the_token_of_a_deactivated_account_is_401(anon, acme_agent, make_token):
    client = _client(anon, make_token(acme_agent))
    acme_agent.is_active = False
    acme_agent.save(update_fields=["is_active"])

    response = client.get("/api/v1/sites/")

    assert response.status_code == 401
    assert "deactivated" in response.json()["detail"]


def test_a_read_only_token_reads_but_any_write_is_403(anon, acme_agent, make_token, acme_case):
    client = _client(anon, make_token(acme_agent, scope="read"))
    comments = f"/api/v1/cases/{acme_case.number}/comments/"

    assert client.get("/api/v1/cases/").status_code == 200
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(comments, {"body": "Any news?"}, format="json")
        assert response.status_code == 403, method
        assert response.json() == {
            "detail": "This token is read-only: create a read-write token to make changes.",
            "code": "read_only_token",
        }
    assert not acme_case.events.filter(kind="comment").exists()


def test_a_read_write_token_of_an_agent_writes(anon, acme_agent, make_token, acme_case):
    client = _client(anon, make_token(acme_agent))

    response = client.post(
        f"/api/v1/cases/{acme_case.number}/comments/", {"body": "Any news?"}, format="json"
    )

    assert response.status_code == 201


def test_a_read_write_token_does_not_lift_a_viewers_role(anon, acme_viewer, make_token, acme_case):
    client = _client(anon, make_token(acme_viewer))

    response = client.post(
        f"/api/v1/cases/{acme_case.number}/comments/", {"body": "Any news?"}, format="json"
    )

    assert response.status_code == 403
    assert "only allows reading" in response.json()["detail"]


def _token_updates(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/releases/").status_code == 200
    return sum(
        1 for q in queries if q["sql"].startswith("UPDATE") and "portal_apitoken" in q["sql"]
    )


def test_last_use_is_written_at_most_once_a_minute(anon, acme_agent, make_token, time_machine):
    client = _client(anon, make_token(acme_agent))

    writes = [_token_updates(client)]
    first_use = ApiToken.objects.get().last_used_at
    time_machine.shift(dt.timedelta(seconds=59))
    writes.append(_token_updates(client))
    time_machine.shift(dt.timedelta(seconds=2))
    writes.append(_token_updates(client))

    assert writes == [1, 0, 1]
    assert first_use == dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)
    assert ApiToken.objects.get().last_used_at == first_use + dt.timedelta(seconds=61)


def test_a_person_may_hold_several_tokens_each_working(anon, acme_agent, make_token):
    keys = [make_token(acme_agent, name=f"client {n}") for n in range(3)]

    for key in keys:
        assert _client(anon, key).get("/api/v1/sites/").status_code == 200


def test_the_schema_describes_the_token_header(anon):
    schema = anon.get("/api/schema/", {"format": "json"}).json()

    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert "Token <key>" in scheme["description"]
