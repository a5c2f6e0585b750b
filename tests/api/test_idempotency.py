"""Idempotency-Key on the API's POSTs: a client's retry gets the first response, files nothing twice."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import pytest
from django.db import connection
from rest_framework import exceptions
from rest_framework.test import APIClient

from cases.models import Case, CaseEvent, EventKind
from mail.models import OutboxMessage
from portal.api.idempotency import idempotency_purge
from portal.models import IdempotencyKey
from tests.api.conftest import T0

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/"


@pytest.fixture
def as_user():
    def _client(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _client


@pytest.fixture
def new_case(acme_site, acme_contract, releases) -> dict:
    return {
        "site": "ACME-CHI",
        "release": releases["2026"].pk,
        "title": "Toolpath preview freezes",
        "description": "Opening the 5-axis preview freezes the workstation.",
        "proposed_priority": "P2",
    }


def _file(client: APIClient, body: dict, key: str | None = "retry-1", url: str = URL):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(url, body, format="json", **headers)


def test_a_retried_filing_gets_the_first_response_and_opens_one_case(as_user, acme_agent, new_case):
    client = as_user(acme_agent)
    first = _file(client, new_case)
    emails = OutboxMessage.objects.count()

    retry = _file(client, new_case)

    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.content == first.content
    assert retry["Content-Type"] == first["Content-Type"] == "application/json"
    assert retry["Location"] == first["Location"]
    assert Case.objects.count() == 1
    assert emails > 0
    assert OutboxMessage.objects.count() == emails


def test_a_retried_escalation_climbs_one_level_not_two(
    as_user, acme_agent, acme_case, staff_supervisor
):
    """SLP-12: each escalation moves the case up one review level, so a double is visible."""
    client = as_user(acme_agent)
    url = f"/api/v1/cases/{acme_case.number}/escalations/"
    body = {"reason": "Production is stopped on two machines."}

    first = _file(client, body, url=url)
    retry = _file(client, body, url=url)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert Case.objects.get(pk=acme_case.pk).escalation_level == 1
    assert CaseEvent.objects.filter(case=acme_case, kind=EventKind.ESCALATION).count() == 1
    assert OutboxMessage.objects.filter(template="case_escalation").count() == 1


def test_the_same_key_with_another_body_is_422_and_files_nothing(as_user, acme_agent, acme_case):
    client = as_user(acme_agent)
    url = f"/api/v1/cases/{acme_case.number}/comments/"
    _file(client, {"body": "Log attached."}, url=url)

    response = _file(client, {"body": "Another comment."}, url=url)

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert "Idempotent-Replayed" not in response
    bodies = CaseEvent.objects.filter(case=acme_case, kind=EventKind.COMMENT).values_list(
        "body", flat=True
    )
    assert list(bodies) == ["Log attached."]


def test_the_same_key_on_another_path_is_422(as_user, acme_agent, acme_case, open_case):
    other = open_case(title="Another case")
    client = as_user(acme_agent)
    body = {"body": "Log attached."}
    _file(client, body, url=f"/api/v1/cases/{acme_case.number}/comments/")

    response = _file(client, body, url=f"/api/v1/cases/{other.number}/comments/")

    assert response.status_code == 422
    assert not CaseEvent.objects.filter(case=other, kind=EventKind.COMMENT).exists()


def test_a_retry_while_the_first_request_runs_is_409(as_user, acme_agent, acme_case, monkeypatch):
    """The retry arrives while the first request's service is still at work."""
    from cases.services import case_comment

    client = as_user(acme_agent)
    url = f"/api/v1/cases/{acme_case.number}/comments/"
    body = {"body": "Log attached."}
    retries = []

    def slow_comment(**kwargs):
        retries.append(_file(as_user(acme_agent), body, url=url))
        return case_comment(**kwargs)

    monkeypatch.setattr("portal.api.views.cases.case_comment", slow_comment)

    first = _file(client, body, url=url)

    [retry] = retries
    assert retry.status_code == 409
    assert retry.json()["code"] == "idempotency_key_in_progress"
    assert first.status_code == 201
    assert CaseEvent.objects.filter(case=acme_case, kind=EventKind.COMMENT).count() == 1
    # Once the first is done, the same retry is answered with its response.
    assert _file(client, body, url=url).json() == first.json()


@pytest.mark.parametrize("key", ["", "k" * 256, "clé", "tab\there", "line\nbreak"], ids=repr)
def test_a_bad_key_is_400_and_files_nothing(as_user, acme_agent, new_case, key):
    response = _file(as_user(acme_agent), new_case, key=key)

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not Case.objects.exists()
    assert not IdempotencyKey.objects.exists()


def test_the_longest_key_and_every_printable_character_are_accepted(as_user, acme_agent, new_case):
    printable = "".join(chr(c) for c in range(0x21, 0x7F))
    client = as_user(acme_agent)

    assert _file(client, new_case, key="k" * 255).status_code == 201
    assert _file(client, new_case, key=printable).status_code == 201
    assert Case.objects.count() == 2


def test_two_users_with_the_same_key_are_independent(as_user, acme_agent, acme_admin, new_case):
    """Keys are scoped by the authenticated user: one user's key never replays to another."""
    by_agent = _file(as_user(acme_agent), new_case, key="order-1")
    by_admin = _file(as_user(acme_admin), new_case, key="order-1")

    assert by_agent.status_code == by_admin.status_code == 201
    assert "Idempotent-Replayed" not in by_admin
    assert by_agent.json()["number"] != by_admin.json()["number"]
    assert Case.objects.count() == 2
    retry = _file(as_user(acme_admin), new_case, key="order-1")
    assert retry.json()["number"] == by_admin.json()["number"]


def test_a_key_older_than_24_hours_is_never_replayed(as_user, acme_agent, new_case, time_machine):
    client = as_user(acme_agent)
    first = _file(client, new_case)
    time_machine.move_to(T0 + dt.timedelta(hours=24), tick=False)

    again = _file(client, {**new_case, "title": "Another request under the old key"})

    assert again.status_code == 201, again.content
    assert "Idempotent-Replayed" not in again
    assert again.json()["number"] != first.json()["number"]
    assert Case.objects.count() == 2
    assert IdempotencyKey.objects.get().created_at == T0 + dt.timedelta(hours=24)


def test_a_key_just_inside_24_hours_is_still_replayed(as_user, acme_agent, new_case, time_machine):
    client = as_user(acme_agent)
    _file(client, new_case)
    time_machine.move_to(T0 + dt.timedelta(hours=24) - dt.timedelta(seconds=1), tick=False)

    assert _file(client, new_case)["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


def test_the_daily_purge_deletes_only_expired_keys(acme_agent, acme_admin, time_machine):
    IdempotencyKey.objects.create(owner=acme_agent, key="old", fingerprint="0" * 64)
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    IdempotencyKey.objects.create(owner=acme_admin, key="young", fingerprint="0" * 64)
    time_machine.move_to(T0 + dt.timedelta(hours=24), tick=False)

    assert idempotency_purge.delay().get() == 1
    assert idempotency_purge.delay().get() == 0
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["young"]


def test_the_purge_runs_daily_on_beat(settings):
    from celery.schedules import crontab

    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "idempotency" in e["task"]]

    assert entry == {"task": "portal.idempotency_purge", "schedule": crontab(hour=3, minute=30)}


@pytest.mark.parametrize(
    "failure", [RuntimeError("database went away"), exceptions.APIException()], ids=repr
)
def test_a_5xx_is_not_stored_so_the_retry_runs(as_user, acme_agent, new_case, monkeypatch, failure):
    from cases.services import case_open

    def failing_open(**kwargs):
        raise failure

    client = as_user(acme_agent)
    client.raise_request_exception = False
    monkeypatch.setattr("portal.api.views.cases.case_open", failing_open)
    assert _file(client, new_case).status_code == 500
    assert not IdempotencyKey.objects.exists()

    monkeypatch.setattr("portal.api.views.cases.case_open", case_open)
    retry = _file(client, new_case)

    assert retry.status_code == 201, retry.content
    assert "Idempotent-Replayed" not in retry
    assert Case.objects.count() == 1


def test_a_refusal_under_500_is_stored_and_replayed(as_user, acme_agent, new_case):
    client = as_user(acme_agent)
    first = _file(client, {**new_case, "title": ""})

    retry = _file(client, {**new_case, "title": ""})

    assert first.status_code == retry.status_code == 400
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.content == first.content


def test_without_the_header_nothing_is_stored_and_each_post_files(as_user, acme_agent, new_case):
    client = as_user(acme_agent)

    responses = [_file(client, new_case, key=None) for _ in range(2)]

    assert [r.status_code for r in responses] == [201, 201]
    assert not any("Idempotent-Replayed" in r for r in responses)
    assert Case.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_the_schema_documents_the_header_and_its_refusals_on_each_post(anon):
    schema = json.loads(anon.get("/api/schema/", {"format": "json"}).content)

    for path in (URL, "/api/v1/cases/{number}/comments/", "/api/v1/cases/{number}/escalations/"):
        post = schema["paths"][path]["post"]
        [header] = [p for p in post["parameters"] if p["name"] == "Idempotency-Key"]
        assert header["in"] == "header"
        assert not header.get("required", False)
        assert {"201", "400", "409", "422"} <= set(post["responses"])
        assert "idempotency" not in json.dumps(schema["paths"][path]["get"]).lower()
    assert "Idempotency-Key" not in json.dumps(schema["paths"]["/api/v1/auth/token/"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_requests_with_one_key_file_once_on_postgresql(
    as_user, acme_agent, new_case, monkeypatch
):
    """The unique (owner, key) row is inserted first: one request runs, the other gets 409."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    from cases.services import case_open

    def slow_open(**kwargs):
        # Keeps the winner running while the other request arrives.
        time.sleep(0.5)
        return case_open(**kwargs)

    monkeypatch.setattr("portal.api.views.cases.case_open", slow_open)
    start = threading.Barrier(2)
    statuses: list[int] = []

    def post() -> None:
        from django.db import connection as thread_connection

        try:
            client = as_user(acme_agent)
            start.wait(timeout=10)
            statuses.append(_file(client, new_case, key="together").status_code)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [201, 409]
    assert Case.objects.count() == 1
    assert IdempotencyKey.objects.get().status_code == 201


def test_a_form_post_is_fingerprinted_even_once_its_stream_is_read(as_user, acme_agent, acme_case):
    """A middleware that parses the form (text checks, CSRF) leaves no raw body to hash."""
    client = as_user(acme_agent)
    url = f"/api/v1/cases/{acme_case.number}/comments/"

    def post(body: str):
        return client.post(url, {"body": body}, format="multipart", HTTP_IDEMPOTENCY_KEY="form-1")

    first, retry, other = post("Log attached."), post("Log attached."), post("Another.")

    assert first.status_code == 201, first.content
    assert retry["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert CaseEvent.objects.filter(case=acme_case, kind=EventKind.COMMENT).count() == 1
