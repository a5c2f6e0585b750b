"""The mail app's Celery tasks, for the worker's autodiscovery; each sits beside its service."""

from mail.services.outbox import outbox_deliver, outbox_deliver_batch, outbox_flush

__all__ = ["outbox_deliver", "outbox_deliver_batch", "outbox_flush"]
