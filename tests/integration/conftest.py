"""Integration tests on real services: a Celery worker on Redis, an SMTP server, Chromium.

They run only with CONNECT_INTEGRATION=1 (as `.ci/run` sets); then a missing
service is a failure, never a skip.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from harness import CeleryWorker, SmtpServer, publishing_to, worker_env

HERE = Path(__file__).resolve().parent
ENABLED = os.environ.get("CONNECT_INTEGRATION") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ENABLED:
        return
    skip = pytest.mark.skip(reason="integration test: set CONNECT_INTEGRATION=1 (see .ci/run)")
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def restorable_db(django_db_setup, django_db_blocker):
    """Empty the test database before a module of serialized-rollback tests.

    Each such test restores the rows the migrations made (staff groups, calendars, the
    policy) from the snapshot taken after migrating. Tests run before it may have made those
    rows again under other keys (a transactional test's flush and post_migrate, a migration
    test relabelling content types), which the restore would collide with: so start empty,
    as a serialized test leaves the database.
    """
    from django.core.management import call_command
    from django.db import connections

    with django_db_blocker.unblock():
        for alias in connections:
            if getattr(connections[alias], "_test_serialized_contents", None) is not None:
                call_command(
                    "flush",
                    database=alias,
                    interactive=False,
                    inhibit_post_migrate=True,
                    verbosity=0,
                )


@pytest.fixture(scope="module")
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 collecting what it accepts."""
    server = SmtpServer().start()
    yield server
    server.stop()


def _require_redis(url: str) -> None:
    import redis

    if not url.startswith(("redis://", "rediss://")):
        pytest.fail(f"CELERY_BROKER_URL must be a redis:// URL for a real worker, not {url!r}")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {url}: {exc}")


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, smtp_server, tmp_path_factory):
    """A real `celery worker` process on Redis, using the test database and the SMTP server.

    The test process sends its tasks to a queue of its own, so no other worker
    on the same Redis takes them.
    """
    from django.db import connection

    from portal.celery import app as celery_app

    if connection.vendor != "postgresql":
        pytest.fail("the worker test needs DATABASE_URL on PostgreSQL (the worker shares the DB)")
    broker = celery_app.conf.broker_url
    _require_redis(broker)
    queue = f"connect-it-{uuid.uuid4().hex[:10]}"
    env = worker_env(queue=queue, broker=broker, email_url=smtp_server.url)
    worker = CeleryWorker(
        queue=queue, env=env, log_path=tmp_path_factory.mktemp("celery") / "worker.log"
    )
    with publishing_to(queue):
        try:
            yield worker.start()
        finally:
            worker.stop()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable} (apt-get install chromium)")
    # Playwright's sync API keeps an event loop in the test thread, which Django
    # takes for async code; the test's ORM calls are still plain synchronous ones.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def chromium(django_db_setup, django_db_blocker, request):
    """The shared browser, on a test database the serialized rollback can restore.

    Two things stand in its way. Playwright's sync API runs an event loop in the test thread,
    and Django then keeps connections per async context: the connection the database was
    serialized on (before the loop) is no longer the tests' one. And a transactional test
    without serialized rollback, run before this module, leaves the rows post_migrate made
    again (the staff groups) under new keys, which the restore would collide with.
    """
    from django.core.management import call_command
    from django.db import connections

    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    browser = request.getfixturevalue("browser")
    aliases = [alias for alias, contents in serialized.items() if contents is not None]
    with django_db_blocker.unblock():
        for alias in aliases:
            connections[alias]._test_serialized_contents = serialized[alias]
            # Empty, as a serialized test leaves it: each test's setup restores every row.
            call_command(
                "flush", database=alias, interactive=False, inhibit_post_migrate=True, verbosity=0
            )
    yield browser
    # The database stays as any serialized test leaves it (empty). The loop's own
    # connections, left open, would keep the test database from being dropped at the end.
    connections.close_all()
