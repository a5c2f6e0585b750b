"""Settings of the fault tests' workers: their own queue, and a killed worker's tasks back fast.

The broker's visibility timeout (settings.BROKER_VISIBILITY_TIMEOUT, five minutes) is what
brings a killed worker's unacknowledged batch back; a test cannot wait that long, so these
workers count it in seconds and look for such tasks every second.
"""

from tests.integration.notice_worker_settings import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "visibility_timeout": 6,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
