"""Policy-change notices (SLP-17): every covered contact told, 30 days ahead, before publishing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract
from mail.models import OutboxMessage
from sla.admin.policy_notices import announce_selected
from sla.models import PolicyVersion
from sla.services.policies import policy_version_create_draft, policy_version_set_targets
from sla.services.policy_notices import policy_version_announce
from tests.factories import ContractFactory, MembershipFactory, OrganizationFactory, UserFactory

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
# Publication checks plus a few outbox queries per batch; the same for 3 or 9 contacts.
QUERIES_TO_ANNOUNCE = 52
NEW_TARGETS = {
    "P1": {"response_minutes": 120, "resolution_minutes": 480, "update_minutes": 120},
    "P2": {"response_minutes": 480, "resolution_minutes": 1440, "update_minutes": 480},
    "P3": {"response_minutes": 1440, "resolution_minutes": 2880, "update_minutes": 1440},
    "P4": {"response_minutes": 2880, "resolution_minutes": 3600, "update_minutes": 2880},
}


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with time_machine.travel(NOW, tick=False):
        yield


def draft(*, days: float = 45, targets: dict | None = NEW_TARGETS) -> PolicyVersion:
    version = policy_version_create_draft(
        name="CONNECT SLP 2", effective_from=NOW + timedelta(days=days)
    )
    if targets:
        policy_version_set_targets(version=version, targets=targets)
    return version


@pytest.fixture
def covered(acme_contract, acme_admin, end_customer_contract, partner_admin, globex, globex_admin):
    """Acme and Northwind hold contracts in force; Globex's contract has expired."""
    ContractFactory(holder=globex, start_date=NOW.date() - timedelta(days=400),
                    end_date=NOW.date() - timedelta(days=36), status=Contract.Status.EXPIRED)  # fmt: skip
    french = UserFactory(email="responsable@acme.test", language="fr", time_zone="Europe/Paris")
    MembershipFactory(user=french, organization=acme_contract.holder, is_technical_contact=True)


def test_the_notice_reaches_every_covered_contact_once_and_publishes_the_version(
    covered, staff_manager, django_capture_on_commit_callbacks
):
    version = draft()

    with django_capture_on_commit_callbacks(execute=True):
        announcement = policy_version_announce(version=version, by=staff_manager)

    assert announcement.recipients == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "admin@acme.test",
        "admin@northwind.test",
        "responsable@acme.test",
    ]
    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.PUBLISHED
    assert version.notice_sent_at == NOW


def test_the_email_shows_old_and_new_targets_per_priority_and_the_effective_date(
    covered, staff_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        policy_version_announce(version=draft(), by=staff_manager)

    english = next(m for m in mail.outbox if m.to == ["admin@acme.test"])
    assert "Dec. 17, 2026" in english.subject
    assert "P1 - Urgent *" in english.body
    assert "Response: 2.5 h → 2 h" in english.body
    assert "Resolution: 8 h → 8 h" in english.body
    assert "P2 - Critical\n" in english.body
    assert "mandatory service message" in english.body
    html = english.alternatives[0][0]
    assert '<td align="center">2.5 h</td><td align="center"><strong>2 h</strong></td>' in html


def test_each_contact_reads_it_in_their_language_and_time_zone(
    covered, staff_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        policy_version_announce(version=draft(), by=staff_manager)

    french = OutboxMessage.objects.get(to_email="responsable@acme.test")
    assert french.language == "fr"
    assert french.context["rows"][0]["old_response_minutes"] == "2,5 h"
    assert french.context["effective_time_display"] == "11:00 (Europe/Paris)"


def test_a_version_less_than_30_days_after_the_notice_is_refused_before_sending_anything(
    covered, staff_manager, django_capture_on_commit_callbacks
):
    version = draft(days=29.9)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as caught,
    ):
        policy_version_announce(version=version, by=staff_manager)

    assert "at least 30 days after its notice (SLP-17)" in str(caught.value.message_dict)
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []
    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.DRAFT
    assert version.notice_sent_at is None


def test_a_version_missing_targets_is_refused_and_nothing_is_sent(
    covered, staff_manager, django_capture_on_commit_callbacks
):
    version = draft(targets={"P1": NEW_TARGETS["P1"]})

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError, match="Targets are missing for P2, P3, P4"),
    ):
        policy_version_announce(version=version, by=staff_manager)

    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_announcing_a_published_version_again_is_refused(
    covered, staff_manager, django_capture_on_commit_callbacks
):
    version = draft()
    with django_capture_on_commit_callbacks(execute=True):
        policy_version_announce(version=version, by=staff_manager)

    with pytest.raises(ValidationError, match="is published"):
        policy_version_announce(version=version, by=staff_manager)

    assert len(mail.outbox) == 3


def test_the_partner_serving_an_end_customer_holding_a_contract_is_told(
    partner, partner_admin, staff_manager
):
    client = OrganizationFactory(name="Umbrella", kind="end_customer", partner=partner)
    ContractFactory(holder=client)

    policy_version_announce(version=draft(), by=staff_manager)

    assert list(OutboxMessage.objects.values_list("to_email", flat=True)) == [
        "admin@northwind.test"
    ]


def test_the_portal_shows_the_upcoming_change_until_it_takes_effect(
    client, covered, acme_admin, staff_manager
):
    client.force_login(acme_admin)
    assert "Service Level Policy changes" not in client.get("/").content.decode()

    policy_version_announce(version=draft(), by=staff_manager)

    banner = client.get("/").content.decode()
    assert "The CONNECT Service Level Policy changes on Dec. 17, 2026" in banner
    with time_machine.travel(NOW + timedelta(days=46), tick=False):
        client.force_login(acme_admin)
        assert "Service Level Policy changes" not in client.get("/").content.decode()


def test_the_admin_action_announces_and_reports_each_version(
    rf, covered, staff_manager, django_capture_on_commit_callbacks
):
    good, too_soon = (
        draft(),
        policy_version_create_draft(name="Too soon", effective_from=NOW + timedelta(days=10)),
    )
    request = rf.post("/admin/sla/policyversion/")
    request.user = staff_manager
    request.session = {}
    request._messages = FallbackStorage(request)

    with django_capture_on_commit_callbacks(execute=True):
        announce_selected(
            admin.site._registry[PolicyVersion],
            request,
            PolicyVersion.objects.filter(pk__in=[good.pk, too_soon.pk]),
        )

    texts = [str(m) for m in get_messages(request)]
    assert texts[0].startswith("“Too soon”: A version takes effect at least 30 days")
    assert texts[1].startswith("“CONNECT SLP 2”: notice sent to 3 contacts")
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("extra_contacts", [0, 6])
def test_announcing_writes_the_outbox_in_batches_whatever_the_audience_size(
    extra_contacts, covered, acme_contract, staff_manager, django_capture_on_commit_callbacks
):
    for n in range(extra_contacts):
        MembershipFactory(
            user=UserFactory(email=f"contact{n}@acme.test"),
            organization=acme_contract.holder,
            is_technical_contact=True,
        )
    version = draft()

    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        announcement = policy_version_announce(version=version, by=staff_manager)

    assert announcement.recipients == 3 + extra_contacts
    assert OutboxMessage.objects.count() == 3 + extra_contacts
    # One delivery task for the batch, and no query per recipient.
    assert len(callbacks) == 1
    assert len(queries) == QUERIES_TO_ANNOUNCE
