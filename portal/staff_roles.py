"""Staff roles -> Django permissions (DESIGN.md, Tenancy and roles).

"The admin shows each role what it may change, nothing more": each support role is a Django
group (contracts.roles.StaffRole) and this map is the one place that says what each group may
view, add and change. `staff_roles_sync` makes the groups match it exactly; it runs after every
`migrate` (portal.apps) and in `seed_demo`, and `manage.py sync_staff_roles` runs it by hand.
Deleting is left to superusers throughout: records of customers and cases are kept.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction

from cases.admin.permissions import CUSTOM_PERMISSIONS
from contracts.roles import StaffRole


def _perms(app_label: str, actions: Iterable[str], models: Iterable[str]) -> frozenset[str]:
    return frozenset(f"{app_label}.{action}_{model}" for action in actions for model in models)


_VIEW = ("view",)
_EDIT = ("view", "add", "change")

# Every staff member may look at the cases, the customers and the policy they are held to.
EVERY_STAFF_VIEWS = (
    _perms("cases", _VIEW, ["case", "caseevent", "attachment", "cannedreply"])
    | _perms(
        "contracts",
        _VIEW,
        [
            "organization",
            "site",
            "membership",
            "contract",
            "product",
            "release",
            "patch",
            "siterelease",
            "importrun",
            "user",
        ],
    )
    | _perms("notices", _VIEW, ["updatenotice"])
    | _perms("mail", _VIEW, ["outboxmessage"])
    | _perms(
        "sla",
        _VIEW,
        [
            "calendar",
            "openingwindow",
            "closure",
            "calendarcountry",
            "sitecalendar",
            "policyversion",
            "policytarget",
        ],
    )
    | _perms("portal", _VIEW, ["brand"])
)

# Working the queue: log phone cases and act on cases through the services (cases.admin).
WORKS_CASES = frozenset({"cases.add_case", "cases.work_case"})
# Supervisors and management also hand cases to others and escalate them (SLP-12), and keep
# the canned replies every staff member may insert on the case page.
LEADS_CASES = frozenset({"cases.assign_case", "cases.escalate_case"}) | _perms(
    "cases", _EDIT, ["cannedreply"]
)
# Support management keeps the calendars (SLP-6) and drafts policy versions (SLP-17): a
# published version stays read-only in its admin whatever the permissions.
KEEPS_SLA = (
    _perms("sla", _EDIT, ["calendar", "sitecalendar", "policyversion", "policytarget"])
    | _perms("sla", [*_EDIT, "delete"], ["openingwindow", "closure", "calendarcountry"])
    | _perms("notices", _EDIT, ["updatenotice"])
    # Retrying a failed email is a change of the outbox row.
    | frozenset({"mail.change_outboxmessage"})
)
# Contract administrators keep who is covered: customers, people, contracts, releases.
KEEPS_CUSTOMERS = (
    _perms(
        "contracts",
        _EDIT,
        [
            "organization",
            "site",
            "membership",
            "contract",
            "product",
            "release",
            "patch",
            "siterelease",
            "importrun",
            "user",
        ],
    )
    | _perms("notices", _EDIT, ["updatenotice"])
    | _perms("portal", _EDIT, ["brand"])
)

ROLE_PERMISSIONS: dict[StaffRole, frozenset[str]] = {
    StaffRole.AGENT: EVERY_STAFF_VIEWS | WORKS_CASES,
    StaffRole.SUPERVISOR: EVERY_STAFF_VIEWS | WORKS_CASES | LEADS_CASES,
    StaffRole.SUPPORT_MANAGEMENT: EVERY_STAFF_VIEWS | WORKS_CASES | LEADS_CASES | KEEPS_SLA,
    # Reads everything; acts on a case once it is escalated, and may escalate it further.
    StaffRole.EXECUTIVE_SPONSOR: EVERY_STAFF_VIEWS
    | frozenset({"cases.work_escalated_case", "cases.escalate_case"}),
    StaffRole.CONTRACT_ADMINISTRATOR: EVERY_STAFF_VIEWS | KEEPS_CUSTOMERS,
}


def _custom_permissions_ensure(using: str) -> None:
    """Create the case permissions no model declares (cases.admin.permissions)."""
    content_type = ContentType.objects.db_manager(using).get_by_natural_key("cases", "case")
    for codename, name in CUSTOM_PERMISSIONS:
        Permission.objects.using(using).get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )


def _permissions_by_name(names: set[str], using: str) -> dict[str, Permission]:
    found = {
        f"{perm.content_type.app_label}.{perm.codename}": perm
        for perm in Permission.objects.using(using).select_related("content_type")
        if f"{perm.content_type.app_label}.{perm.codename}" in names
    }
    missing = sorted(names - found.keys())
    if missing:
        # A renamed or removed model: the map must follow, never silently grant less.
        raise ImproperlyConfigured(f"staff roles name unknown permissions: {', '.join(missing)}")
    return found


def staff_roles_sync(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Give each staff role's group exactly the permissions of ROLE_PERMISSIONS; return groups changed."""
    with transaction.atomic(using=using):
        _custom_permissions_ensure(using)
        wanted = set().union(*ROLE_PERMISSIONS.values())
        permissions = _permissions_by_name(wanted, using)
        changed = 0
        for role, names in ROLE_PERMISSIONS.items():
            group, _created = Group.objects.using(using).get_or_create(name=role.label_en)
            current = set(group.permissions.values_list("pk", flat=True))
            target = {permissions[name].pk for name in names}
            if current != target:
                group.permissions.set(target)
                changed += 1
    return changed


def staff_roles_sync_after_migrate(sender, *, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Sync the staff groups once `migrate` is done; connected by portal.apps."""
    from django.apps import apps

    if "plan" not in kwargs:
        # `flush` emits post_migrate too, without a plan: the data is gone and comes back
        # from a fixture or a test's serialized rollback, which would clash with groups
        # recreated here under new ids.
        return
    from django.contrib.auth.management import create_permissions

    # post_migrate reaches each app in turn; the permissions of apps after this one may not
    # exist yet, so create them all first (idempotent, as Django does itself).
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    staff_roles_sync(using=using)
