"""The portal's Celery tasks, for the worker's autodiscovery; each sits beside its service."""

from portal.api.idempotency import idempotency_purge

__all__ = ["idempotency_purge"]
