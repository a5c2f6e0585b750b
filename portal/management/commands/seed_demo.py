"""Seed the demo world of DESIGN.md once; a second run changes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from cases import demo as cases_demo
from contracts import demo as contracts_demo
from contracts.roles import staff_groups_ensure
from notices import demo as notices_demo
from portal import demo as portal_demo
from portal.staff_roles import staff_roles_sync


class Command(BaseCommand):
    help = "Create the demo organisations, people, contracts and cases (idempotent)."

    def handle(self, *args, **options) -> None:
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
