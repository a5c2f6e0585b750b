"""`manage.py totp`: the demo's staff sign in without an authenticator app (issue 15, Deliver 1)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import CommandError, call_command

from contracts.demo import DEMO_TOTP_SECRET
from portal.management.commands.totp import totp_code

BASE_DIR = Path(__file__).resolve().parents[2]
# RFC 6238, appendix B: the SHA-1 secret "12345678901234567890", in base32.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
NOW = datetime(2026, 12, 9, 15, 0, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    ("unix_time", "code", "seconds_left"),
    [(59, "287082", 1), (1111111109, "081804", 1), (1234567890, "005924", 30)],
)
def test_the_code_is_the_rfc_6238_one_with_the_seconds_it_stays_valid(
    unix_time, code, seconds_left
):
    assert totp_code(RFC_SECRET, at=unix_time) == (code, seconds_left)


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("totp", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


@pytest.mark.django_db
def test_the_demo_code_signs_a_demo_staff_member_in_once(staff_agent):
    authenticator = TOTP.activate(staff_agent, DEMO_TOTP_SECRET).instance

    code, note = _run()

    assert re.fullmatch(r"\d{6}", code)
    assert note == "Valid for 23 more seconds; each code signs in once."
    with time_machine.travel(NOW, tick=False):
        assert TOTP(authenticator).validate_code(code)
        assert not TOTP(authenticator).validate_code(code)


@pytest.mark.django_db
def test_with_an_email_it_prints_that_persons_code(staff_agent):
    TOTP.activate(staff_agent, RFC_SECRET)

    code, _note = _run("--email", staff_agent.email.upper())

    assert code == totp_code(RFC_SECRET, at=NOW.timestamp())[0]
    assert code != totp_code(DEMO_TOTP_SECRET, at=NOW.timestamp())[0]


@pytest.mark.django_db
def test_it_refuses_an_unknown_email_and_a_person_without_an_authenticator(staff_agent):
    assert not Authenticator.objects.filter(user=staff_agent).exists()

    with pytest.raises(
        CommandError, match=re.escape("No user has the email “nobody@example.test”")
    ):
        _run("--email", "nobody@example.test")
    with pytest.raises(CommandError, match="has no authenticator app set up"):
        _run("--email", staff_agent.email)


def test_it_runs_as_the_demo_banner_says_with_no_database(tmp_path):
    # `DEBUG=true .venv/bin/python manage.py totp` on a machine where nothing is migrated yet.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    env |= {"DEBUG": "true", "VAR_DIR": str(tmp_path)}

    result = subprocess.run(
        [sys.executable, "manage.py", "totp"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d{6}\n", result.stdout)
    assert "each code signs in once" in result.stderr
