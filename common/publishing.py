"""Publish Celery work once the transaction commits, without ever failing the request.

The work a task is sent for is saved before it is published (an outbox row, a notice being
sent), and a periodic job picks up what no task was published for: the outbox flush every
minute, the notices beat for a fan-out lost for 5 minutes. So a broker that is down costs a
delay, never the request: the publish is logged and dropped, and the person who saved gets
their page, not a 500 that makes them save it again (README, Failure behaviour).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# What a broker that refuses, drops or never answers the connection raises: kombu wraps the
# transport's errors in OperationalError; socket errors and timeouts may come through as such.
BROKER_ERRORS = (OperationalError, ConnectionError, OSError, TimeoutError)


def publish_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send the task with these arguments once the current transaction commits."""
    transaction.on_commit(lambda: task_publish(task, *args, **kwargs))


def task_publish(task: Task, *args: Any, **kwargs: Any) -> bool:
    """Send the task now; on a broker error log one warning and return False."""
    if task.app.conf.task_always_eager:
        # Nothing is published: the task runs here, and its own errors are not the broker's.
        task.apply_async(args, kwargs)
        return True
    try:
        task.apply_async(args, kwargs)
    except BROKER_ERRORS as exc:
        logger.warning(
            "could not publish %s (left to its periodic catch-up): %s: %s",
            task.name,
            type(exc).__name__,
            exc,
        )
        return False
    return True
