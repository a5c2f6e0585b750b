"""Start-up of `manage.py` under real environments (issue 2, settings and deploy check)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # A clean environment: nothing from the developer's shell or the test run leaks in.
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": env["VAR_DIR"]}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    """The production example of README.md, on a throw-away SQLite file."""
    return {
        "VAR_DIR": str(tmp_path),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "support.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://support.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path}/portal.sqlite3",
        "EMAIL_URL": "smtp://mailer:secret@mail.example.com:587?starttls=1",
        "CACHE_URL": "locmem://",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "nonsense"),
        ("EMAIL_URL", "carrier-pigeon://"),
        ("CACHE_URL", "redis://[::1:6379"),
    ],
)
def test_a_bad_value_stops_start_up_with_one_line_naming_the_variable(
    production_env, variable, value
):
    result = _manage("check", env={**production_env, variable: value})

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"configuration error: {variable}=")
    assert "Traceback" not in result.stderr


def test_a_missing_secret_key_stops_start_up_when_debug_is_off(production_env):
    del production_env["SECRET_KEY"]

    result = _manage("check", env=production_env)

    assert result.returncode != 0
    assert result.stderr.strip() == "configuration error: SECRET_KEY is required but not set"


def test_debug_runs_without_a_secret_key(tmp_path):
    result = _manage("check", env={"VAR_DIR": str(tmp_path), "DEBUG": "true"})

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_production_example_passes_the_deploy_check(production_env):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=production_env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_catches_a_weakened_production_setting(production_env):
    """Proves the deploy check above is live: switching HSTS off must fail it."""
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**production_env, "SECURE_HSTS_SECONDS": "0"},
    )

    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
