"""Typed readers for settings taken from the environment.

Each reader fails loudly with one line naming the variable, so a typo in a
deployment stops start-up instead of running with a silent default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import SplitResult, parse_qs, urlsplit

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(ValueError):
    """A setting read from the environment has a value that cannot be used."""


def _redacted(url: str) -> str:
    """Return the URL with its password masked, fit for an error message."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    if not password:
        return url
    netloc = parts.netloc.replace(f":{password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def _split(name: str, raw: str) -> SplitResult:
    """Split a URL read from `name`, turning a malformed one into an EnvError."""
    try:
        return urlsplit(raw)
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        raise EnvError(f"{name}={_redacted(raw)!r} is not a valid URL: {exc}") from None


def env_str(
    name: str, default: str | None = None, *, environ: Mapping[str, str] = os.environ
) -> str:
    """Return the variable as a string, or the default; raise when both are missing."""
    value = environ.get(name, default)
    if value is None:
        raise EnvError(f"{name} is required but not set")
    if not value and default is None:
        # An empty required value (SECRET_KEY=) is a deployment mistake too.
        raise EnvError(f"{name} is required but empty")
    return value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] = os.environ) -> bool:
    """Return the variable as a boolean (1/0, true/false, yes/no, on/off)."""
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int, *, environ: Mapping[str, str] = os.environ) -> int:
    """Return the variable as an integer."""
    raw = environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise EnvError(f"{name}={raw!r} is not an integer") from None


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] = os.environ
) -> list[str]:
    """Return a comma-separated variable as a list of non-empty stripped items."""
    raw = environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default: str, *, environ: Mapping[str, str] = os.environ) -> dict:
    """Return a Django DATABASES entry parsed from a database URL."""
    import dj_database_url

    raw = environ.get(name, default)
    scheme = _split(name, raw).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise EnvError(f"{name}={_redacted(raw)!r} is not a sqlite:// or postgres:// URL")
    try:
        config = dj_database_url.parse(raw, conn_max_age=60 if scheme != "sqlite" else 0)
    except Exception as exc:  # dj_database_url raises several types for one cause
        raise EnvError(f"{name}={_redacted(raw)!r} cannot be parsed: {exc}") from None
    if not config.get("NAME"):
        raise EnvError(f"{name}={_redacted(raw)!r} names no database")
    if scheme == "sqlite":
        # Several processes (web, worker, beat) share the file: wait for locks
        # instead of failing at once, and write through a WAL journal.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


def env_email(name: str, default: str, *, environ: Mapping[str, str] = os.environ) -> dict:
    """Return Django email settings parsed from an EMAIL_URL.

    Accepted: ``smtp://user:pass@host:port`` (``smtps://`` for implicit TLS,
    ``?starttls=1`` for STARTTLS), ``file:///path`` or ``file://relative/path``,
    ``console://`` and ``memory://``.
    """
    raw = environ.get(name, default)
    parts = _split(name, raw)
    if parts.scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise EnvError(f"{name}={_redacted(raw)!r} has no host")
        query = parse_qs(parts.query)
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 25)
        except ValueError:
            raise EnvError(f"{name}={_redacted(raw)!r} has a bad port") from None
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port,
            "EMAIL_HOST_USER": parts.username or "",
            "EMAIL_HOST_PASSWORD": parts.password or "",
            "EMAIL_USE_SSL": parts.scheme == "smtps",
            "EMAIL_USE_TLS": query.get("starttls", ["0"])[0] in _TRUE,
            "EMAIL_TIMEOUT": 20,
        }
    if parts.scheme == "file":
        path = (parts.netloc + parts.path) if parts.netloc else parts.path
        if not path:
            raise EnvError(f"{name}={raw!r} names no folder")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": path,
        }
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "memory":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    raise EnvError(
        f"{name}={_redacted(raw)!r} is not an smtp://, smtps://, file://, console:// or memory:// URL"
    )


def env_cache(name: str, default: str, *, environ: Mapping[str, str] = os.environ) -> dict:
    """Return a Django CACHES entry from a cache URL (redis://, file://, locmem://)."""
    raw = environ.get(name, default)
    parts = _split(name, raw)
    if parts.scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw}
    if parts.scheme == "file":
        path = (parts.netloc + parts.path) if parts.netloc else parts.path
        if not path:
            raise EnvError(f"{name}={raw!r} names no folder")
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": path}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise EnvError(f"{name}={_redacted(raw)!r} is not a redis://, file:// or locmem:// URL")
