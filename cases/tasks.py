"""Celery tasks of the cases app: each loads what it needs and calls one service."""

from __future__ import annotations

from celery import shared_task

from cases.services.sweep import sla_sweep as sla_sweep_run


@shared_task(ignore_result=True)
def sla_sweep() -> dict[str, int]:
    """Raise the SLA warnings, breaches and reminders due now (beat, every minute).

    Safe to run twice or concurrently: each due case is claimed by a compare-and-set.
    """
    return sla_sweep_run()._asdict()
