"""Seed the demo world of DESIGN.md once; a second run changes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from contracts import demo as contracts_demo
from contracts.roles import staff_groups_ensure


class Command(BaseCommand):
    help = "Create the demo organisations, people, contracts and cases (idempotent)."

    def handle(self, *args, **options) -> None:
        staff_groups_ensure()
        people = contracts_demo.seed_people()
        self.stdout.write(f"demo people created={people}")
