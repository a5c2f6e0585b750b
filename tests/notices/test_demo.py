"""The demo's site releases and update notices (issue 7, Deliver 7), seeded once by seed_demo."""

from __future__ import annotations

import datetime as dt
import io
from datetime import UTC

import pytest
import time_machine
from django.core.management import call_command

from contracts.models import SiteRelease
from contracts.selectors import sites_on_unsupported_releases
from mail.models import OutboxMessage
from notices.models import NoticeDelivery, UpdateNotice

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed() -> str:
    out = io.StringIO()
    with time_machine.travel(TODAY, tick=False):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_demo_has_a_sent_scheduled_notice_a_sent_urgent_one_and_a_draft():
    seed()

    kinds = {(n.kind, n.status) for n in UpdateNotice.objects.all()}
    assert kinds == {
        (UpdateNotice.Kind.SCHEDULED, UpdateNotice.Status.SENT),
        (UpdateNotice.Kind.URGENT, UpdateNotice.Status.SENT),
        (UpdateNotice.Kind.SCHEDULED, UpdateNotice.Status.DRAFT),
    }
    urgent = UpdateNotice.objects.get(kind=UpdateNotice.Kind.URGENT)
    assert urgent.published_at == TODAY - dt.timedelta(days=3)
    # Northwind (own site and its end customers'), Great Lakes, Rocky Mountain (its site is
    # covered by Northwind's contract), UNP, Kaizen, Midlands; Pacific Mold's contract expired.
    assert set(
        NoticeDelivery.objects.filter(notice=urgent).values_list("user__email", flat=True)
    ) == {
        "distributor@demo.test",
        "greatlakes-admin@demo.test",
        "rockymountain-agent@demo.test",
        "distributor2@demo.test",
        "oem@demo.test",
        "customer@demo.test",
    }
    assert OutboxMessage.objects.filter(template="update_notice").count() == (
        NoticeDelivery.objects.count()
    )


def test_demo_sites_record_their_releases_and_two_run_an_unsupported_one():
    seed()

    assert SiteRelease.objects.count() == 10
    with time_machine.travel(TODAY, tick=False):
        flagged = {site.code for site in sites_on_unsupported_releases()}
    assert flagged == {"PMD-LAX-01", "PMD-SEA-01", "KMT-OSA-01"}


def test_seeding_twice_creates_no_second_notice_nor_message():
    seed()
    counts = (
        UpdateNotice.objects.count(),
        NoticeDelivery.objects.count(),
        OutboxMessage.objects.count(),
    )

    output = seed()

    assert "demo site releases and notices created=0" in output
    assert (
        UpdateNotice.objects.count(),
        NoticeDelivery.objects.count(),
        OutboxMessage.objects.count(),
    ) == counts
