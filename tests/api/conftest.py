"""Fixtures of the API tests: a frozen clock, clients signed in by token, cases in any state."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

import pytest

# Monday 2 March 2026, 08:00 in Chicago: releases 2026 (current), 2025 (previous), 2027 (upcoming).
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    """Start every API test at T0, before the cast is built."""
    time_machine.move_to(T0, tick=False)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # WhiteNoise warns on every client when the collected-static folder is missing.
    settings.STATIC_ROOT = tmp_path


@pytest.fixture
def anon():
    from rest_framework.test import APIClient

    return APIClient()


def token_for(user, *, scope: str = "read_write", days: int = 90, **fields) -> str:
    """Store an API token of the user and return its key (the service's checks are tested apart).

    Made here rather than through token_create: staff would spend their one-time code.
    """
    import secrets

    from django.utils import timezone

    from portal.models.tokens import TOKEN_MARK, TOKEN_PREFIX_LENGTH, ApiToken, token_hash

    key = TOKEN_MARK + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        name=fields.pop("name", "Test client"),
        prefix=key[:TOKEN_PREFIX_LENGTH],
        key_hash=token_hash(key),
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=days),
        **fields,
    )
    return key


@pytest.fixture
def make_token(db):
    """Return token_for: store a token of a user, get its key."""
    return token_for


@pytest.fixture
def api_as(db):
    """Return an API client sending a token of the user (staff get their authenticator first)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.utils import timezone
    from rest_framework.test import APIClient

    def _client(user, **options):
        if user.is_staff and not Authenticator.objects.filter(user=user).exists():
            TOTP.activate(user, STAFF_TOTP_SECRET)
        client = APIClient()
        # Used a moment ago, as a client's token mostly is: pinned query counts then measure
        # a request that only looks the token up (test_token_auth.py pins the use's write).
        options.setdefault("last_used_at", timezone.now())
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user, **options)}")
        return client

    return _client


@pytest.fixture
def open_case(acme, acme_site, acme_contract, acme_agent, release_2026):
    """Open an Acme case through the intake service; keyword arguments override the defaults."""
    from cases.services import case_open

    def _open(**overrides):
        fields = {
            "reporter": acme_agent,
            "organization": acme,
            "site": acme_site,
            "release": release_2026,
            "title": "Post-processor output stops at line 200",
            "description": "Posting any toolpath for the Haas VF-2 stops after 200 lines.",
            "proposed_priority": "P2",
            "channel": "portal",
            **overrides,
        }
        return case_open(**fields)

    return _open


@pytest.fixture
def acme_case(open_case):
    return open_case()


@pytest.fixture
def globex_case(globex, globex_site, globex_contract, globex_agent, release_2026):
    from cases.services import case_open

    return case_open(
        reporter=globex_agent,
        organization=globex,
        site=globex_site,
        release=release_2026,
        title="Globex's own trouble",
        description="Something only Globex may read.",
        proposed_priority="P3",
        channel="portal",
    )


@pytest.fixture
def closed_case(acme_case, staff_agent):
    """An Acme case triaged, resolved and closed by support."""
    from cases import services

    case = services.case_triage(case=acme_case, by=staff_agent, priority="P2", category="problem")
    case = services.case_resolve(case=case, by=staff_agent, kind="settled", body="Apply 2026.2.")
    return services.case_close(case=case, by=staff_agent)
