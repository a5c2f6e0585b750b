"""The Celery application: worker and beat share this configuration."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Redis re-delivers an unacknowledged task after its visibility timeout (1 h in
# settings); a retry countdown longer than that would run twice, so every
# countdown is capped here.
MAX_COUNTDOWN = 3000


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send a task once the current transaction commits (at once outside one)."""
    from django.db import transaction

    transaction.on_commit(lambda: task.delay(*args, **kwargs))
