"""Fixtures of the portal tests: accounts, MFA codes, the outbox rows they write."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

# A fixed base32 secret, so a failing test can be replayed in an authenticator app.
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture
def totp_code():
    """Return a function giving the code an authenticator app shows now (or at `at`)."""

    def _code(secret: str = TOTP_SECRET, *, at: float | None = None) -> str:
        counter = int(time.time() if at is None else at) // 30
        return format_hotp_value(hotp_value(secret, counter))

    return _code


@pytest.fixture
def staff_with_totp(staff_user):
    """A staff member who has set up an authenticator app."""
    TOTP.activate(staff_user, TOTP_SECRET)
    return staff_user


@pytest.fixture
def unverified_user(make_user):
    """A new account whose email address has not been confirmed yet."""
    from allauth.account.models import EmailAddress

    user = make_user("newcomer@example.test")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    return user
