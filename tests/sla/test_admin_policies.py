"""Staff admin of policy versions (SLP-5, SLP-17): drafts edited, published read-only, publishing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from sla.models import PolicyVersion
from sla.services.policies import policy_version_create_draft, policy_version_set_targets

pytestmark = pytest.mark.django_db

TOTP_SECRET = "JBSWY3DPEHPK3PXP"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TARGETS = {
    "P1": {"response_minutes": 120, "resolution_minutes": 480, "update_minutes": 120},
    "P2": {"response_minutes": 480, "resolution_minutes": 1440, "update_minutes": 480},
    "P3": {"response_minutes": 1440, "resolution_minutes": 2880, "update_minutes": 1440},
    "P4": {"response_minutes": 2880, "resolution_minutes": 3600, "update_minutes": 2880},
}


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Serve static URLs without the collectstatic manifest production uses."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _frozen_now():
    """Freeze the clock before logging in, so the session is fresh at the frozen instant."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def admin_client(_frozen_now, client, make_user):
    user = make_user("policies@vendor.test", staff=True, is_superuser=True)
    TOTP.activate(user, TOTP_SECRET)
    client.force_login(user)
    return client


def seeded() -> PolicyVersion:
    return PolicyVersion.objects.get(name="CONNECT SLP 1")


def draft(name: str, *, days: int = 45, notice: datetime | None = NOW) -> PolicyVersion:
    version = policy_version_create_draft(
        name=name, effective_from=NOW + timedelta(days=days), notice_sent_at=notice
    )
    policy_version_set_targets(version=version, targets=TARGETS)
    return version


def run_action(client, action: str, *versions: PolicyVersion) -> str:
    response = client.post(
        reverse("admin:sla_policyversion_changelist"),
        {"action": action, "_selected_action": [v.pk for v in versions]},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def add_post(**targets_override) -> dict:
    data = {
        "name": "SLP 2",
        "effective_from_0": "2026-05-01",
        "effective_from_1": "00:00:00",
        "notice_sent_at_0": "",
        "notice_sent_at_1": "",
        "warning_threshold": "75",
        "reopen_window_days": "14",
        "notes": "",
        "targets-TOTAL_FORMS": "4",
        "targets-INITIAL_FORMS": "0",
    }
    for i, (priority, values) in enumerate(TARGETS.items()):
        values = {**values, **targets_override.get(priority, {})}
        data[f"targets-{i}-priority"] = priority
        for field, value in values.items():
            data[f"targets-{i}-{field}"] = str(value)
    return data


def test_the_version_list_shows_the_version_in_force(admin_client):
    response = admin_client.get(reverse("admin:sla_policyversion_changelist"))
    assert response.status_code == 200
    assert "CONNECT SLP 1" in response.content.decode()


def test_a_version_in_force_opens_read_only(admin_client):
    response = admin_client.get(reverse("admin:sla_policyversion_change", args=[seeded().pk]))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    html = response.content.decode()
    assert 'name="name"' not in html
    assert 'name="targets-0-response_minutes"' not in html
    assert "150" in html and "3600" in html


def test_a_version_in_force_cannot_be_changed_by_post(admin_client):
    url = reverse("admin:sla_policyversion_change", args=[seeded().pk])
    response = admin_client.post(url, add_post())
    assert response.status_code == 403
    assert seeded().name == "CONNECT SLP 1"


def test_the_add_page_offers_a_row_per_priority(admin_client):
    response = admin_client.get(reverse("admin:sla_policyversion_add"))
    assert response.status_code == 200
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 4


def test_staff_can_add_a_draft_with_its_targets(admin_client):
    response = admin_client.post(reverse("admin:sla_policyversion_add"), add_post())
    assert response.status_code == 302
    version = PolicyVersion.objects.get(name="SLP 2")
    assert version.status == PolicyVersion.Status.DRAFT
    assert version.targets.count() == 4


def test_a_response_longer_than_the_resolution_is_refused_next_to_the_field(admin_client):
    data = add_post(P2={"response_minutes": 2000})
    response = admin_client.post(reverse("admin:sla_policyversion_add"), data)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert list(formset.forms[1].errors) == ["response_minutes"]
    assert "cannot exceed the resolution target (1440 min)" in response.content.decode()
    assert not PolicyVersion.objects.filter(name="SLP 2").exists()


def test_a_draft_taking_effect_too_soon_after_its_notice_is_refused_next_to_the_field(
    admin_client,
):
    data = add_post()
    data.update({"notice_sent_at_0": "2026-04-15", "notice_sent_at_1": "00:00:00"})
    response = admin_client.post(reverse("admin:sla_policyversion_add"), data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["effective_from"]


def test_the_announce_action_sends_the_notice_and_publishes_the_draft(admin_client):
    version = draft("SLP 2", notice=None)
    html = run_action(admin_client, "announce_selected", version)
    assert "“SLP 2”: notice sent to" in html
    version.refresh_from_db()
    assert version.is_published
    assert version.notice_sent_at is not None


def test_there_is_no_way_to_publish_without_sending_the_notice(admin_client):
    response = admin_client.get(reverse("admin:sla_policyversion_changelist"))
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert "announce_selected" in actions
    assert "publish_selected" not in actions


def test_the_announce_action_reports_a_broken_rule_as_a_message(admin_client):
    version = draft("SLP 2", notice=None)
    version.targets.filter(priority="P4").delete()
    html = run_action(admin_client, "announce_selected", version)
    assert "“SLP 2”: Targets are missing for P4." in html
    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.DRAFT


def test_the_copy_action_starts_a_draft_from_a_version(admin_client):
    html = run_action(admin_client, "copy_as_draft", seeded())
    assert "set its dates, then publish it" in html
    copy = PolicyVersion.objects.get(status=PolicyVersion.Status.DRAFT)
    assert copy.targets.count() == 4
    assert copy.effective_from > NOW + timedelta(days=30)


def test_the_withdraw_action_refuses_a_version_in_force(admin_client):
    html = run_action(admin_client, "withdraw_selected", seeded())
    assert "A version in force cannot be withdrawn" in html
    assert seeded().is_published
