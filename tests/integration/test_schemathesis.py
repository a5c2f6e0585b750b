"""The API against its own OpenAPI schema, fuzzed by schemathesis (issue 13).

The demo world is seeded, a portal admin and a staff member get tokens the way any client
does (``POST /api/v1/auth/token/``, staff with their authenticator code), and schemathesis
sends each operation of ``/api/schema/`` valid and invalid requests through the WSGI app,
in-process. Every answer must be no 500 and, where the schema documents its status, match it.
Runs with CONNECT_INTEGRATION=1 (``.ci/run``), on PostgreSQL there.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator

import pytest
import schemathesis
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from contracts.demo import DEMO_TOTP_SECRET
from portal.wsgi import application

pytestmark = pytest.mark.django_db

# README, "Running the demo": every demo login uses this password.
DEMO_PASSWORD = "connect-demo"
# Per operation, role and mode: about 30 operations-and-modes a role, under 2 minutes in all.
EXAMPLES = 8
NOT_FUZZED = {"DELETE /api/v1/auth/token/"}
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def _token(email: str, **extra: str) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": email, "password": DEMO_PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.fixture
def tokens(settings) -> dict[str, str]:
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]  # schemathesis's WSGI host
    call_command("seed_demo", verbosity=0)
    code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))
    return {
        "portal admin": _token("distributor@demo.test"),
        "staff": _token("agent@demo.test", code=code),
    }


@pytest.fixture
def _connection_kept(tokens):
    """Keep the test's connection across requests, as Django's test client does.

    At the end of a request Django closes the connection, which here holds the test's
    transaction (and the seeded world). After the tokens: the test client puts it back.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def server_errors() -> Iterator[list[str]]:
    """Collect the traceback of every exception the app raised, to show with its failure."""
    found: list[str] = []

    def keep(sender, **kwargs) -> None:
        found.append(traceback.format_exc(limit=-6))

    got_request_exception.connect(keep, dispatch_uid="schemathesis-errors")
    yield found
    got_request_exception.disconnect(dispatch_uid="schemathesis-errors")


def _fuzz(operation, mode: GenerationMode, headers: dict[str, str]) -> str | None:
    """Run one operation's examples; return what failed, or None."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        cache.clear()  # the fuzzing outpaces the API's throttles
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:  # nothing of the operation can be made invalid
        return None
    except (AssertionError, BaseExceptionGroup) as exc:  # each reported, named by operation
        return f"{operation.label} ({mode.value}): {exc}"
    return None


def test_the_api_answers_every_request_as_its_schema_says(tokens, server_errors, _connection_kept):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    # Revoking the token would end the run's own session.
    operations = [
        operation
        for operation in (result.ok() for result in schema.get_all_operations())
        if operation.label not in NOT_FUZZED
    ]
    assert len(operations) >= 12

    failures = [
        failure
        for headers in ({"Authorization": f"Token {token}"} for token in tokens.values())
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (failure := _fuzz(operation, mode, headers)) is not None
    ]

    assert not failures, "\n\n".join([*failures, *server_errors[:5]])
