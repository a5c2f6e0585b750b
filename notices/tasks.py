"""The notices app's Celery tasks, for the worker's autodiscovery; each sits beside its service."""

from notices.services.fanout import notice_fanout, notice_fanout_chunk
from notices.services.publish import notices_publish_due

__all__ = ["notice_fanout", "notice_fanout_chunk", "notices_publish_due"]
