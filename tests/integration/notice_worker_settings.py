"""Settings of the notice fan-out test's worker: tasks it sends stay on the test's own queue.

The shared worker fixture consumes a queue of its own, but a task the worker sends itself
(the fan-out's chunks, their deliveries) would go to Celery's default queue, which nobody
consumes there.
"""

import os

from portal.settings import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["CONNECT_TEST_QUEUE"]
