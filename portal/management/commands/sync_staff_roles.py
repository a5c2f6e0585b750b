"""Give each staff role's group exactly the permissions of portal.staff_roles (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from portal.staff_roles import staff_roles_sync


class Command(BaseCommand):
    help = _("Sync the permissions of the staff role groups with portal.staff_roles.")

    def handle(self, *args, **options) -> None:
        changed = staff_roles_sync()
        self.stdout.write(f"staff role groups changed={changed}")
