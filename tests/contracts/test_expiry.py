"""The daily contract task: expiry notices 60 and 30 days ahead, once each, and expiry (issue 3)."""

from __future__ import annotations

import datetime as dt
from datetime import UTC

import pytest
import time_machine

from contracts.models import Contract
from contracts.services.contracts import contract_renew, contracts_daily, contracts_expire
from mail.models import OutboxMessage
from tests.factories import ContractFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

END = dt.date(2027, 1, 25)
SIXTY_DAYS_BEFORE = dt.datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
THIRTY_DAYS_BEFORE = dt.datetime(2026, 12, 26, 6, 0, tzinfo=UTC)


@pytest.fixture
def contract(acme, acme_site):
    return ContractFactory(
        reference="ACME-2026",
        holder=acme,
        sites=[acme_site],
        start_date=dt.date(2026, 1, 26),
        end_date=END,
    )


@pytest.fixture
def french_contact(acme):
    user = UserFactory(email="technicien@acme.test", language="fr", full_name="Théo Technicien")
    MembershipFactory(user=user, organization=acme, role="agent", is_technical_contact=True)
    return user


@pytest.fixture
def not_contacts(acme):
    """People of the holder who must not be written to."""
    MembershipFactory(organization=acme, is_technical_contact=False)
    MembershipFactory(organization=acme, is_technical_contact=True, is_active=False)
    MembershipFactory(
        organization=acme, is_technical_contact=True, user=UserFactory(is_active=False)
    )


def _run_daily(at: dt.datetime, capture) -> None:
    with time_machine.travel(at, tick=False), capture(execute=True):
        contracts_daily.delay()


def test_technical_contacts_get_the_60_day_notice_once(
    contract, acme_admin, french_contact, not_contacts, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    _run_daily(SIXTY_DAYS_BEFORE, django_capture_on_commit_callbacks)
    _run_daily(SIXTY_DAYS_BEFORE + dt.timedelta(hours=1), django_capture_on_commit_callbacks)
    _run_daily(SIXTY_DAYS_BEFORE + dt.timedelta(days=1), django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mailoutbox) == ["admin@acme.test", "technicien@acme.test"]
    assert set(OutboxMessage.objects.values_list("idempotency_key", flat=True)) == {
        f"contract-expiry:{contract.pk}:60:{acme_admin.pk}",
        f"contract-expiry:{contract.pk}:60:{french_contact.pk}",
    }
    contract.refresh_from_db()
    assert contract.expiry_notices_sent == [60]


def test_the_30_day_notice_follows_once_without_repeating_the_60_day_one(
    contract, acme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    _run_daily(SIXTY_DAYS_BEFORE, django_capture_on_commit_callbacks)
    _run_daily(THIRTY_DAYS_BEFORE - dt.timedelta(days=1), django_capture_on_commit_callbacks)
    _run_daily(THIRTY_DAYS_BEFORE, django_capture_on_commit_callbacks)
    _run_daily(THIRTY_DAYS_BEFORE, django_capture_on_commit_callbacks)

    assert [m.subject for m in mailoutbox] == [
        "Your CONNECT contract ACME-2026 ends in 60 days",
        "Your CONNECT contract ACME-2026 ends in 30 days",
    ]
    contract.refresh_from_db()
    assert contract.expiry_notices_sent == [30, 60]


def test_nothing_is_sent_more_than_60_days_ahead(
    contract, acme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    _run_daily(SIXTY_DAYS_BEFORE - dt.timedelta(days=1), django_capture_on_commit_callbacks)

    assert mailoutbox == []


def test_a_contract_signed_20_days_before_its_end_gets_only_the_30_day_notice(
    acme, acme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    ContractFactory(reference="SHORT", holder=acme, start_date=dt.date(2026, 11, 1), end_date=END)

    _run_daily(dt.datetime(2027, 1, 5, 6, tzinfo=UTC), django_capture_on_commit_callbacks)
    _run_daily(dt.datetime(2027, 1, 6, 6, tzinfo=UTC), django_capture_on_commit_callbacks)

    assert [m.subject for m in mailoutbox] == ["Your CONNECT contract SHORT ends in 20 days"]


def test_each_notice_is_in_the_contacts_language(
    contract, acme_admin, french_contact, mailoutbox, django_capture_on_commit_callbacks
):
    _run_daily(SIXTY_DAYS_BEFORE, django_capture_on_commit_callbacks)

    by_recipient = {m.to[0]: m for m in mailoutbox}
    french = by_recipient["technicien@acme.test"]
    english = by_recipient["admin@acme.test"]
    assert OutboxMessage.objects.get(recipient=french_contact).language == "fr"
    assert "25 janvier 2027" in french.body
    assert "Jan. 25, 2027" in english.body
    assert "ACME-CHI" in english.body
    html = english.alternatives[0].content
    assert "<strong>ACME-2026</strong>" in html


def test_a_contract_already_renewed_gets_no_notice(
    contract, acme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    contract_renew(contract=contract)

    _run_daily(SIXTY_DAYS_BEFORE, django_capture_on_commit_callbacks)

    assert mailoutbox == []


def test_without_a_technical_contact_the_notice_waits_for_one(
    contract, acme, mailoutbox, django_capture_on_commit_callbacks
):
    _run_daily(SIXTY_DAYS_BEFORE, django_capture_on_commit_callbacks)
    contract.refresh_from_db()
    assert contract.expiry_notices_sent == []

    MembershipFactory(organization=acme, is_technical_contact=True)
    _run_daily(SIXTY_DAYS_BEFORE + dt.timedelta(days=3), django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 1
    assert "57 days" in mailoutbox[0].subject


def test_contracts_whose_last_day_has_passed_are_marked_expired(acme):
    ended = ContractFactory(
        holder=acme, start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 11, 25)
    )
    last_day = ContractFactory(
        holder=acme, start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 11, 26)
    )
    cancelled = ContractFactory(
        holder=acme,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 3, 1),
        status=Contract.Status.CANCELLED,
    )

    assert contracts_expire(today=dt.date(2026, 11, 26)) == 1
    assert contracts_expire(today=dt.date(2026, 11, 26)) == 0

    statuses = {c.pk: c.status for c in Contract.objects.all()}
    assert statuses == {
        ended.pk: Contract.Status.EXPIRED,
        last_day.pk: Contract.Status.ACTIVE,
        cancelled.pk: Contract.Status.CANCELLED,
    }


def test_the_daily_task_expires_a_contract_only_once_its_last_day_is_over_everywhere(
    acme, django_capture_on_commit_callbacks
):
    """At 06:00 UTC on the 27th it is still the 26th in Los Angeles: a contract ending on the
    26th must keep covering sites there until their day is over (dates in site time)."""
    contract = ContractFactory(
        holder=acme, start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 11, 26)
    )

    _run_daily(dt.datetime(2026, 11, 27, 6, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE

    _run_daily(dt.datetime(2026, 11, 28, 6, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.EXPIRED


def test_the_daily_task_is_scheduled_by_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["contracts-daily"]

    assert entry["task"] == "contracts.contracts_daily"
    assert entry["schedule"].hour == {6}
    assert entry["schedule"].minute == {0}


@pytest.mark.parametrize(
    ("zone", "at", "sent"),
    [
        # 16:00 UTC on the 25th is already the 26th in Tokyo: 60 days left there.
        ("Asia/Tokyo", dt.datetime(2026, 11, 25, 16, 0, tzinfo=UTC), True),
        ("Asia/Tokyo", dt.datetime(2026, 11, 25, 14, 0, tzinfo=UTC), False),
        # 03:00 UTC on the 26th is still the 25th in Chicago: 61 days left there.
        ("America/Chicago", dt.datetime(2026, 11, 26, 3, 0, tzinfo=UTC), False),
        ("America/Chicago", dt.datetime(2026, 11, 26, 6, 0, tzinfo=UTC), True),
    ],
)
def test_the_notice_goes_out_on_the_sites_local_date_not_the_utc_date(
    contract, acme_site, acme_admin, django_capture_on_commit_callbacks, zone, at, sent
):
    acme_site.time_zone = zone
    acme_site.save(update_fields=["time_zone"])

    _run_daily(at, django_capture_on_commit_callbacks)

    assert OutboxMessage.objects.filter(template="contract_expiry").exists() is sent
