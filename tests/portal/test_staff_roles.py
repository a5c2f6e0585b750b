"""Staff roles -> permissions (DESIGN.md, Tenancy and roles): each role may change what it needs."""

from __future__ import annotations

import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.test import RequestFactory

from cases.models import EscalationLevel
from contracts.roles import StaffRole
from portal import staff_roles
from portal.staff_roles import ROLE_PERMISSIONS, staff_roles_sync
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "staff_agent",
    "staff_supervisor",
    "staff_manager",
    "staff_sponsor",
    "staff_contract_admin",
]


def _group_permissions(role: StaffRole) -> set[str]:
    group = Group.objects.get(name=role.label_en)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_after_migrate_every_role_group_has_exactly_its_permissions():
    for role, names in ROLE_PERMISSIONS.items():
        assert _group_permissions(role) == set(names), role


def test_syncing_twice_changes_nothing():
    assert staff_roles_sync() == 0
    assert staff_roles_sync() == 0


def test_a_sync_restores_a_permission_taken_away_and_removes_one_given_by_hand():
    group = Group.objects.get(name=StaffRole.AGENT.label_en)
    group.permissions.remove(Permission.objects.get(codename="work_case"))
    group.permissions.add(Permission.objects.get(codename="change_calendar"))

    assert staff_roles_sync() == 1

    assert _group_permissions(StaffRole.AGENT) == set(ROLE_PERMISSIONS[StaffRole.AGENT])


def test_a_missing_group_is_created():
    Group.objects.filter(name=StaffRole.SUPERVISOR.label_en).delete()

    staff_roles_sync()

    assert _group_permissions(StaffRole.SUPERVISOR) == set(ROLE_PERMISSIONS[StaffRole.SUPERVISOR])


def test_an_unknown_permission_in_the_map_fails_loudly_and_changes_nothing(monkeypatch):
    broken = {**ROLE_PERMISSIONS, StaffRole.AGENT: frozenset({"cases.fly_case"})}
    monkeypatch.setattr(staff_roles, "ROLE_PERMISSIONS", broken)

    with pytest.raises(ImproperlyConfigured, match=r"cases\.fly_case"):
        staff_roles_sync()

    assert "cases.work_case" in _group_permissions(StaffRole.AGENT)


def test_the_post_migrate_hook_resyncs_the_groups():
    Group.objects.get(name=StaffRole.SUPPORT_MANAGEMENT.label_en).permissions.clear()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default", plan=[])

    assert _group_permissions(StaffRole.SUPPORT_MANAGEMENT) == set(
        ROLE_PERMISSIONS[StaffRole.SUPPORT_MANAGEMENT]
    )


def test_the_hook_leaves_a_flushed_database_alone():
    Group.objects.get(name=StaffRole.SUPPORT_MANAGEMENT.label_en).permissions.clear()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what flush sends

    assert _group_permissions(StaffRole.SUPPORT_MANAGEMENT) == set()


def test_the_command_reports_the_groups_it_changed():
    Group.objects.get(name=StaffRole.AGENT.label_en).permissions.clear()
    out = io.StringIO()

    call_command("sync_staff_roles", stdout=out)

    assert out.getvalue().strip() == "staff role groups changed=1"


# What each role may add (a) or change (c) in the admin; every role views (v) all of these.
_CASE_WORKER = {"cases.case": "av"}
_MANAGEMENT = {
    **_CASE_WORKER,
    "sla.calendar": "acv",
    "sla.sitecalendar": "acv",
    "sla.policyversion": "acv",
    "notices.updatenotice": "acv",
    "mail.outboxmessage": "cv",  # retry failed emails; every field stays read-only
}
_CONTRACTS = {
    f"contracts.{model}": "acv"
    for model in [
        "organization",
        "site",
        "membership",
        "contract",
        "product",
        "release",
        "siterelease",
        "user",
    ]
} | {"notices.updatenotice": "acv", "portal.brand": "acv"}
# Supervisors and management keep the canned replies (cases.admin.canned).
_CANNED = {"cases.cannedreply": "acv"}
EXPECTED_WRITES = {
    "staff_agent": _CASE_WORKER,
    "staff_supervisor": _CASE_WORKER | _CANNED,
    "staff_manager": _MANAGEMENT | _CANNED,
    "staff_sponsor": {},
    "staff_contract_admin": _CONTRACTS,
}
VIEWED_BY_ALL = {
    "cases.attachment",
    "cases.cannedreply",
    "cases.case",
    "cases.caseevent",
    "contracts.contract",
    "contracts.importrun",
    "contracts.membership",
    "contracts.organization",
    "mail.outboxmessage",
    "contracts.product",
    "contracts.release",
    "contracts.site",
    "contracts.siterelease",
    "notices.updatenotice",
    "contracts.user",
    "portal.brand",
    "sla.calendar",
    "sla.policyversion",
    "sla.sitecalendar",
}


def _admin_rights(user) -> dict[str, str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return {
        f"{app['app_label']}.{model['object_name'].lower()}": "".join(
            flag[0] for flag in ("add", "change", "delete", "view") if model["perms"].get(flag)
        )
        for app in admin.site.get_app_list(request)
        for model in app["models"]
    }


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_shows_each_role_what_it_may_change_and_nothing_more(request, role):
    rights = _admin_rights(request.getfixturevalue(role))

    assert set(rights) == VIEWED_BY_ALL
    writes = {label: flags for label, flags in rights.items() if flags != "v"}
    assert writes == EXPECTED_WRITES[role]
    assert not any("d" in flags for flags in rights.values())  # deleting is for superusers


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/admin/cases/case/add/", {"staff_agent", "staff_supervisor", "staff_manager"}),
        ("/admin/sla/calendar/add/", {"staff_manager"}),
        ("/admin/sla/policyversion/add/", {"staff_manager"}),
        ("/admin/contracts/organization/add/", {"staff_contract_admin"}),
        ("/admin/contracts/user/add/", {"staff_contract_admin"}),
        ("/admin/cases/case/", set(ROLES)),
        ("/admin/sla/calendar/", set(ROLES)),
    ],
)
def test_pages_answer_each_role_by_its_permissions(request, staff_login, path, allowed):
    for role in ROLES:
        client = staff_login(request.getfixturevalue(role))

        expected = 200 if role in allowed else 403
        assert client.get(path).status_code == expected, (role, path)


@pytest.mark.parametrize("role", ["staff_agent", "staff_sponsor", "staff_contract_admin"])
def test_a_calendar_opens_read_only_for_roles_that_do_not_keep_calendars(
    request, staff_login, role
):
    from sla.models import Calendar

    calendar = Calendar.objects.get(name="UK")
    client = staff_login(request.getfixturevalue(role))
    url = f"/admin/sla/calendar/{calendar.pk}/change/"

    page = client.get(url)
    refused = client.post(url, {"name": "Edited"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert refused.status_code == 403
    calendar.refresh_from_db()
    assert calendar.name == "UK"


def test_support_management_may_edit_a_calendar(staff_login, staff_manager):
    from sla.models import Calendar

    calendar = Calendar.objects.get(name="UK")
    client = staff_login(staff_manager)

    page = client.get(f"/admin/sla/calendar/{calendar.pk}/change/")

    assert 'name="_save"' in page.content.decode()


@pytest.fixture
def open_case(acme, acme_site, acme_contract, acme_agent, release_2026):
    """Open an Acme case through the intake service."""
    from cases.services import case_open

    def _open():
        return case_open(
            reporter=acme_agent,
            organization=acme,
            site=acme_site,
            release=release_2026,
            title="Feed rates doubled in posted program",
            description="All feed rates in the Okuma program are twice the operation's values.",
            proposed_priority="P1",
            channel="portal",
        )

    return _open


def _act(client, case, action: str, data: dict):
    prefixed = {f"{action}-{key}": value for key, value in data.items()}
    return client.post(f"/admin/cases/case/{case.pk}/act/{action}/", prefixed)


REPLY = {"body": "We are on it.", "visibility": "public"}
ESCALATE = {"reason": "Customer called: operations stopped."}


def test_a_contract_administrator_reads_cases_but_cannot_act_on_them(
    staff_login, staff_contract_admin, open_case
):
    case = open_case()
    client = staff_login(staff_contract_admin)

    page = client.get(f"/admin/cases/case/{case.pk}/change/")

    assert page.status_code == 200
    assert page.context["case_actions"] == []
    assert "Your role lets you read this case, not change it." in page.content.decode()
    assert _act(client, case, "reply", REPLY).status_code == 403
    assert _act(client, case, "escalate", ESCALATE).status_code == 403
    assert case.events.count() == 1


def test_the_sponsor_only_escalates_until_the_case_is_escalated(
    staff_login, staff_sponsor, open_case
):
    case = open_case()
    client = staff_login(staff_sponsor)

    assert _act(client, case, "reply", REPLY).status_code == 403
    assert _act(client, case, "escalate", ESCALATE).status_code == 302
    case.refresh_from_db()
    assert case.escalation_level == EscalationLevel.SUPERVISOR

    assert _act(client, case, "reply", REPLY).status_code == 302
    assert case.events.filter(kind="comment", actor=staff_sponsor).exists()


def test_an_agent_works_cases_but_leaves_escalating_and_assigning_others_to_supervisors(
    staff_login, staff_agent, staff_supervisor, open_case
):
    case = open_case()
    client = staff_login(staff_agent)

    assert _act(client, case, "reply", REPLY).status_code == 302
    assert _act(client, case, "escalate", ESCALATE).status_code == 403
    assert _act(client, case, "assign", {"assignee": staff_supervisor.pk}).status_code == 200
    case.refresh_from_db()
    assert (case.escalation_level, case.assignee) == (EscalationLevel.NONE, None)


def test_a_contract_administrator_edits_sites(staff_login, staff_contract_admin, acme):
    site = SiteFactory(organization=acme, code="ACME-NEW")
    client = staff_login(staff_contract_admin)

    page = client.get(f"/admin/contracts/site/{site.pk}/change/")

    assert 'name="_save"' in page.content.decode()
