"""Seed the demo world of DESIGN.md once; a second run changes nothing.

The history is played through the real services, so it writes every email it would have
sent. Those are recorded as sent (mail.services.history), not delivered: the seeding is one
transaction, its emails are marked before it commits, and the delivery tasks its services
queue on commit run in this process, where they find nothing left to send. Queued on the
broker instead, they would hold up the demo worker for twenty minutes (about 1,300 tasks at
the filesystem transport's one a second) before it reached the live work.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max

from cases import demo as cases_demo
from contracts import demo as contracts_demo
from contracts.roles import staff_groups_ensure
from mail.models import OutboxMessage
from mail.services.history import outbox_record_as_sent
from notices import demo as notices_demo
from portal import demo as portal_demo
from portal.celery import app as celery_app
from portal.staff_roles import staff_roles_sync


class Command(BaseCommand):
    help = "Create the demo organisations, people, contracts and cases (idempotent)."

    def handle(self, *args, **options) -> None:
        with _tasks_in_process(), transaction.atomic():
            # Read inside the transaction: on SQLite (the demo's database) it holds the write
            # lock from its start, so every row past this id is one the seeding wrote.
            last_id = OutboxMessage.objects.aggregate(last=Max("pk"))["last"] or 0
            self._seed()
            written = OutboxMessage.objects.filter(
                pk__gt=last_id, state__in=[OutboxMessage.State.PENDING, OutboxMessage.State.FAILED]
            ).values_list("pk", flat=True)
            recorded = outbox_record_as_sent(list(written))
        self.stdout.write(f"demo history emails recorded as sent, not delivered={recorded}")

    def _seed(self) -> None:
        staff_groups_ensure()
        self.stdout.write(f"staff role groups changed={staff_roles_sync()}")
        people = contracts_demo.seed_people()
        self.stdout.write(f"demo people created={people}")
        world = contracts_demo.seed_world()
        self.stdout.write(f"demo world rows created={world}")
        with transaction.atomic():
            site_releases = contracts_demo.seed_site_releases()
        notices = notices_demo.seed_notices()
        self.stdout.write(f"demo site releases and notices created={site_releases + notices}")
        brands = portal_demo.seed_brands()
        self.stdout.write(f"demo brands created={brands}")
        self.stdout.write(f"demo cases created={cases_demo.seed_cases()}")


@contextmanager
def _tasks_in_process():
    """Run the tasks queued meanwhile in this process, without a log line for each."""
    trace = logging.getLogger("celery.app.trace")  # INFO: one line per task run; warnings stay
    eager, level = celery_app.conf.task_always_eager, trace.level
    celery_app.conf.task_always_eager = True
    trace.setLevel(logging.WARNING)
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = eager
        trace.setLevel(level)
