"""Publishing a task after the commit never fails the request that saved the work (issue 13)."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from common.publishing import publish_on_commit
from mail.services.outbox import outbox_deliver
from portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
APPS = ("common", "mail", "contracts", "sla", "notices", "cases", "portal")


@pytest.fixture
def published(monkeypatch):
    """Record what outbox_deliver is sent, with a broker to publish to (not eager)."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    sent: list[tuple] = []
    monkeypatch.setattr(outbox_deliver, "apply_async", lambda args, kwargs: sent.append(args))
    return sent


@pytest.mark.django_db
def test_it_publishes_once_the_transaction_commits_and_not_after_a_rollback(
    published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            publish_on_commit(outbox_deliver, 7)
        assert published == []
    assert published == [(7,)]

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        publish_on_commit(outbox_deliver, 8)
        raise RuntimeError("the write failed")
    assert (callbacks, published) == ([], [(7,)])


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
        ConnectionResetError("Connection reset by peer"),
        TimeoutError("Timeout reading from socket"),
    ],
)
@pytest.mark.django_db
def test_a_broker_that_fails_the_publish_is_logged_once_not_raised(
    monkeypatch, caplog, error, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)

    def refuse(args, kwargs):
        raise error

    monkeypatch.setattr(outbox_deliver, "apply_async", refuse)

    with (
        caplog.at_level(logging.WARNING, logger="common.publishing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        publish_on_commit(outbox_deliver, 7)

    [record] = [r for r in caplog.records if r.name == "common.publishing"]
    assert record.levelno == logging.WARNING
    assert "mail.outbox_deliver" in record.getMessage()
    assert str(error) in record.getMessage()


@pytest.mark.django_db
def test_an_error_of_an_eager_task_itself_is_not_taken_for_the_broker(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broken(args, kwargs):
        raise OSError("the task's own file is missing")

    monkeypatch.setattr(outbox_deliver, "apply_async", broken)

    with pytest.raises(OSError, match="own file"), django_capture_on_commit_callbacks(execute=True):
        publish_on_commit(outbox_deliver, 7)


def _publishes_in_on_commit(node: ast.Call) -> bool:
    """Tell whether a call is on_commit(...) given a lambda that sends a task."""
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    if name != "on_commit":
        return False
    return any(
        isinstance(inner, ast.Attribute) and inner.attr in {"delay", "apply_async"}
        for argument in node.args
        for inner in ast.walk(argument)
    )


def test_every_publish_after_a_commit_goes_through_publish_on_commit():
    raw = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path.name == "publishing.py" and path.parent.name == "common":
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Call) and _publishes_in_on_commit(node):
                    raw.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert raw == []
