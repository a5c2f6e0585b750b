"""The contracts app's Celery tasks, for the worker's autodiscovery; each sits beside its service."""

from contracts.services.contracts import contracts_daily

__all__ = ["contracts_daily"]
