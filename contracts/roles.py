"""Roles: what a portal member or a staff member may do."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    """The support roles of staff; each is a Django group of the same English name."""

    AGENT = "agent", _("Support agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    SUPPORT_MANAGEMENT = "support_management", _("Support management")
    EXECUTIVE_SPONSOR = "executive_sponsor", _("Executive sponsor / customer success manager")
    CONTRACT_ADMINISTRATOR = "contract_administrator", _("Contract administrator")

    @property
    def label_en(self) -> str:
        """Return the English label, the stable name of the role's group."""
        return _GROUP_NAMES[self.value]


_GROUP_NAMES = {
    "agent": "Support agent",
    "supervisor": "Supervisor",
    "support_management": "Support management",
    "executive_sponsor": "Executive sponsor / customer success manager",
    "contract_administrator": "Contract administrator",
}


def staff_groups_ensure() -> None:
    """Create the group of every staff role (idempotent)."""
    from django.contrib.auth.models import Group

    for name in _GROUP_NAMES.values():
        Group.objects.get_or_create(name=name)
