"""Who receives an update notice (SLP-14): contacts of covered sites on an affected release."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from contracts.models import Contract
from mail.models import OutboxMessage
from mail.services.preferences import contact_preference_set
from notices.models import NoticeDelivery, UpdateNotice
from notices.services.publish import update_notice_fanout_run, update_notice_publish
from tests.factories import ContractFactory, OrganizationFactory, SiteFactory
from tests.notices.cast import T0, contact, notice, recipients, runs


@pytest.fixture(autouse=True)
def _at_t0():
    with time_machine.travel(T0, tick=False):
        yield


@pytest.fixture
def world(
    releases,
    acme_site,
    acme_contract,
    acme_admin,
    acme_agent,
    globex_site,
    globex_contract,
    globex_admin,
    partner_admin,
    end_customer,
    end_customer_site,
    end_customer_contract,
):
    """Acme and Initech run 2026, Globex 2027; Northwind holds Initech's contract."""
    runs(acme_site, releases["2026"])
    runs(end_customer_site, releases["2026"])
    runs(globex_site, releases["2027"])
    return releases


def send(n: UpdateNotice) -> UpdateNotice:
    update_notice_fanout_run(notice=n)
    n.refresh_from_db()
    return n


def test_a_notice_reaches_the_contacts_of_covered_sites_on_an_affected_release(world):
    sent = send(notice([world["2026"]]))

    # Globex runs 2027 only; Acme's agent is no designated contact (SLP-14).
    assert recipients(sent) == {"admin@acme.test", "admin@northwind.test"}
    assert sent.status == UpdateNotice.Status.SENT
    assert sent.recipients_count == 2
    assert sent.sites_count == 2


def test_a_site_on_an_unaffected_release_is_left_out(world):
    sent = send(notice([world["2027"]]))

    assert recipients(sent) == {"admin@globex.test"}


def test_a_site_whose_contract_has_expired_is_left_out(world, acme_contract):
    Contract.objects.filter(pk=acme_contract.pk).update(end_date=T0.date() - dt.timedelta(days=1))

    sent = send(notice([world["2026"]]))

    assert "admin@acme.test" not in recipients(sent)
    assert recipients(sent) == {"admin@northwind.test"}


def test_a_contract_marked_expired_or_not_yet_started_does_not_count(world, acme_contract):
    Contract.objects.filter(pk=acme_contract.pk).update(status=Contract.Status.EXPIRED)
    later = OrganizationFactory(name="Later Ltd")
    later_site = SiteFactory(organization=later, code="LATER-01")
    runs(later_site, world["2026"])
    contact(later, "admin@later.test")
    ContractFactory(holder=later, sites=[later_site], start_date=T0.date() + dt.timedelta(days=3))

    sent = send(notice([world["2026"]]))

    assert recipients(sent) == {"admin@northwind.test"}


def test_the_partner_serving_an_end_customer_that_holds_its_own_contract_is_included(
    world, partner_admin, partner
):
    client = OrganizationFactory(name="Umbrella", kind="end_customer", partner=partner)
    site = SiteFactory(organization=client, code="UMB-01")
    ContractFactory(holder=client, sites=[site])
    runs(site, world["2026"])
    contact(client, "admin@umbrella.test")
    sent = send(notice([world["2026"]]))

    assert {"admin@umbrella.test", "admin@northwind.test"} <= recipients(sent)
    partner_copy = NoticeDelivery.objects.get(notice=sent, user=partner_admin)
    assert partner_copy.sites == ["INITECH-DEN", "UMB-01"]


def test_the_end_customer_owning_a_site_covered_by_its_partner_hears_too(world, end_customer):
    contact(end_customer, "admin@initech.test")

    sent = send(notice([world["2026"]]))

    assert "admin@initech.test" in recipients(sent)


def test_one_message_per_person_lists_all_their_affected_sites(world, acme, acme_admin):
    second = SiteFactory(organization=acme, code="ACME-NYC", name="Acme New York")
    ContractFactory(holder=acme, sites=[second])
    runs(second, world["2026"])
    runs(second, world["2027"])

    sent = send(notice([world["2026"], world["2027"]]))

    copies = OutboxMessage.objects.filter(recipient=acme_admin)
    assert copies.count() == 1
    sites = copies.get().context["sites"]
    assert [site["code"] for site in sites] == ["ACME-CHI", "ACME-NYC"]
    assert sites[1]["runs"] == "CONNECT CAM 2026, CONNECT CAM 2027"
    assert NoticeDelivery.objects.get(notice=sent, user=acme_admin).sites == [
        "ACME-CHI",
        "ACME-NYC",
    ]


def test_an_opted_out_member_gets_urgent_notices_but_not_scheduled_ones(world, acme_admin):
    contact_preference_set(user=acme_admin, scheduled_updates_opt_out=True)

    urgent = send(notice([world["2026"]]))
    scheduled = notice([world["2026"]], kind=UpdateNotice.Kind.SCHEDULED, publish_at=T0)
    scheduled = send(scheduled)

    assert "admin@acme.test" in recipients(urgent)
    assert "admin@acme.test" not in recipients(scheduled)
    assert recipients(scheduled) == {"admin@northwind.test"}


def test_inactive_people_and_memberships_are_left_out(world, acme_admin, partner_admin):
    acme_admin.is_active = False
    acme_admin.save()
    partner_admin.memberships.update(is_active=False)

    sent = send(notice([world["2026"]]))

    assert recipients(sent) == set()
    assert sent.status == UpdateNotice.Status.SENT


def test_each_person_reads_the_notice_in_their_language(
    world, acme, django_capture_on_commit_callbacks
):
    contact(acme, "responsable@acme.test", language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        send(notice([world["2026"]]))

    by_address = {email.to[0]: email for email in mail.outbox}
    french = by_address["responsable@acme.test"]
    assert "Correctif du plantage du post-processeur" in french.subject
    assert "Installez le correctif 2026.4" in french.body
    assert "Install patch 2026.4" in by_address["admin@acme.test"].body


def test_the_audience_is_taken_on_the_day_the_notice_goes_out(world, acme_contract):
    # Acme's contract ends before the scheduled notice's publish day.
    Contract.objects.filter(pk=acme_contract.pk).update(end_date=T0.date())
    scheduled = notice(
        [world["2026"]],
        kind=UpdateNotice.Kind.SCHEDULED,
        publish_at=T0 + dt.timedelta(days=2),
    )
    update_notice_publish(notice=scheduled)

    with time_machine.travel(T0 + dt.timedelta(days=2, minutes=1), tick=False):
        sent = send(scheduled)

    assert recipients(sent) == {"admin@northwind.test"}
