"""The typed environment readers behind portal/settings.py (issue 2, settings)."""

from __future__ import annotations

import pytest

from portal.env import (
    EnvError,
    env_bool,
    env_cache,
    env_database,
    env_email,
    env_int,
    env_list,
    env_str,
)


def test_env_str_returns_the_value_or_the_default():
    assert env_str("SITE_URL", "http://x", environ={"SITE_URL": "https://a"}) == "https://a"
    assert env_str("SITE_URL", "http://x", environ={}) == "http://x"


def test_env_str_without_default_requires_the_variable():
    with pytest.raises(EnvError, match=r"^SECRET_KEY is required but not set$"):
        env_str("SECRET_KEY", environ={})


def test_env_str_without_default_refuses_an_empty_value():
    with pytest.raises(EnvError, match=r"^SECRET_KEY is required but empty$"):
        env_str("SECRET_KEY", environ={"SECRET_KEY": ""})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[("1", True), ("true", True), (" Yes ", True), ("ON", True)],
        *[("0", False), ("false", False), ("no", False), ("off", False), ("", False)],
    ],
)
def test_env_bool_reads_the_usual_spellings(raw, expected):
    assert env_bool("DEBUG", not expected, environ={"DEBUG": raw}) is expected


def test_env_bool_falls_back_to_the_default():
    assert env_bool("DEBUG", True, environ={}) is True
    assert env_bool("DEBUG", False, environ={}) is False


def test_env_bool_refuses_anything_else_naming_the_variable():
    with pytest.raises(EnvError, match=r"^DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG", False, environ={"DEBUG": "maybe"})


def test_env_int_reads_an_integer_or_the_default():
    assert env_int("OUTBOX_MAX_ATTEMPTS", 8, environ={"OUTBOX_MAX_ATTEMPTS": "3"}) == 3
    assert env_int("OUTBOX_MAX_ATTEMPTS", 8, environ={}) == 8


@pytest.mark.parametrize("raw", ["three", "3.5", ""])
def test_env_int_refuses_a_non_integer_naming_the_variable(raw):
    with pytest.raises(EnvError, match=r"^SECURE_HSTS_SECONDS=.* is not an integer$"):
        env_int("SECURE_HSTS_SECONDS", 0, environ={"SECURE_HSTS_SECONDS": raw})


def test_env_list_splits_on_commas_and_drops_blanks():
    raw = " a.example , b.example,,"
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": raw}) == [
        "a.example",
        "b.example",
    ]
    assert env_list("ALLOWED_HOSTS", ["localhost"], environ={}) == ["localhost"]
    assert env_list("ALLOWED_HOSTS", ["localhost"], environ={"ALLOWED_HOSTS": ""}) == []


def test_env_database_reads_a_postgres_url():
    raw = "postgres://connect:s3cret@db.internal:6543/portal"
    config = env_database("DATABASE_URL", "sqlite:///x", environ={"DATABASE_URL": raw})
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 6543, "portal")
    assert (config["USER"], config["PASSWORD"]) == ("connect", "s3cret")
    assert config["CONN_MAX_AGE"] == 60


def test_env_database_default_is_a_sqlite_file_shared_safely_between_processes(tmp_path):
    config = env_database("DATABASE_URL", f"sqlite:///{tmp_path}/p.sqlite3", environ={})
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == f"{tmp_path}/p.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("nonsense", "is not a sqlite:// or postgres:// URL"),
        ("mysql://u@h/db", "is not a sqlite:// or postgres:// URL"),
        ("postgres://u@h:port/db", "cannot be parsed"),
        ("postgres://u@h/", "names no database"),
        ("postgres://u@[::1/db", "is not a valid URL"),
    ],
)
def test_env_database_refuses_a_bad_url_naming_the_variable(raw, message):
    with pytest.raises(EnvError, match=rf"^DATABASE_URL=.*{message}"):
        env_database("DATABASE_URL", "sqlite:///x", environ={"DATABASE_URL": raw})


def test_env_errors_never_print_a_password():
    raw = "mysql://connect:hunter2@db.internal/portal"
    with pytest.raises(EnvError) as caught:
        env_database("DATABASE_URL", "sqlite:///x", environ={"DATABASE_URL": raw})
    assert "hunter2" not in str(caught.value)
    assert "connect:***@db.internal" in str(caught.value)


def test_env_email_reads_smtp_with_starttls():
    raw = "smtp://mailer:pw@mail.example.com:587?starttls=1"
    config = env_email("EMAIL_URL", "memory://", environ={"EMAIL_URL": raw})
    assert config == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.com",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "pw",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
        "EMAIL_TIMEOUT": 20,
    }


def test_env_email_smtps_means_implicit_tls_on_465():
    config = env_email("EMAIL_URL", "memory://", environ={"EMAIL_URL": "smtps://mail.example"})
    assert (config["EMAIL_PORT"], config["EMAIL_USE_SSL"], config["EMAIL_USE_TLS"]) == (
        465,
        True,
        False,
    )


@pytest.mark.parametrize(
    ("raw", "backend", "path"),
    [
        ("file:///srv/mail", "filebased", "/srv/mail"),
        ("file://var/mail", "filebased", "var/mail"),
        ("console://", "console", None),
        ("memory://", "locmem", None),
    ],
)
def test_env_email_reads_the_local_transports(raw, backend, path):
    config = env_email("EMAIL_URL", "memory://", environ={"EMAIL_URL": raw})
    assert config["EMAIL_BACKEND"] == f"django.core.mail.backends.{backend}.EmailBackend"
    assert config.get("EMAIL_FILE_PATH") == path


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("smtp://", "has no host"),
        ("smtp://mail.example:abc", "has a bad port"),
        ("file://", "names no folder"),
        ("smtp://[mail.example", "is not a valid URL"),
        ("sendmail://localhost", "is not an smtp://"),
        ("nonsense", "is not an smtp://"),
    ],
)
def test_env_email_refuses_a_bad_url_naming_the_variable(raw, message):
    with pytest.raises(EnvError, match=rf"^EMAIL_URL=.*{message}"):
        env_email("EMAIL_URL", "memory://", environ={"EMAIL_URL": raw})


@pytest.mark.parametrize(
    ("raw", "backend", "location"),
    [
        ("redis://127.0.0.1:6379/14", "redis.RedisCache", "redis://127.0.0.1:6379/14"),
        ("file:///srv/cache", "filebased.FileBasedCache", "/srv/cache"),
        ("locmem://", "locmem.LocMemCache", None),
    ],
)
def test_env_cache_reads_each_kind(raw, backend, location):
    config = env_cache("CACHE_URL", "locmem://", environ={"CACHE_URL": raw})
    assert config["BACKEND"] == f"django.core.cache.backends.{backend}"
    assert config.get("LOCATION") == location


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("memcached://h", "is not a redis://"),
        ("file://", "names no folder"),
        ("redis://[::1:6379", "is not a valid URL"),
    ],
)
def test_env_cache_refuses_a_bad_url_naming_the_variable(raw, message):
    with pytest.raises(EnvError, match=rf"^CACHE_URL=.*{message}"):
        env_cache("CACHE_URL", "locmem://", environ={"CACHE_URL": raw})
