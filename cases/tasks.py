"""The cases app's Celery tasks, for the worker's autodiscovery; each sits beside its service."""

from cases.services.sweep import sla_sweep_task

__all__ = ["sla_sweep_task"]
