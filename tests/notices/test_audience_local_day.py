"""The audience's contracts are those in force on each site's local date at the publish time."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

import pytest
import time_machine

from notices.models import UpdateNotice
from notices.services.audience import notice_affected_sites, notice_audience, notice_audience_day
from notices.services.publish import update_notice_fanout_run
from tests.factories import ContractFactory, OrganizationFactory, SiteFactory
from tests.notices.cast import contact, notice, recipients, runs

NOV_1, NOV_2, NOV_3 = dt.date(2026, 11, 1), dt.date(2026, 11, 2), dt.date(2026, 11, 3)


def customer(name: str, time_zone: str, *, start: dt.date, end: dt.date, release, partner=None):
    """Make a customer whose one site, in the zone, runs the release under a contract."""
    org = OrganizationFactory(
        name=name, kind="end_customer" if partner else "direct_customer", partner=partner
    )
    site = SiteFactory(organization=org, code=name.upper(), time_zone=time_zone)
    runs(site, release)
    ContractFactory(holder=partner or org, sites=[site], start_date=start, end_date=end)
    contact(org, f"admin@{name}.test")
    return site


def sent_at(instant: datetime, release) -> UpdateNotice:
    """Publish an urgent notice about the release at the instant and write all its messages."""
    with time_machine.travel(instant, tick=False):
        urgent = notice([release])
        update_notice_fanout_run(notice=urgent)
    urgent.refresh_from_db()
    return urgent


def test_a_contract_starting_on_tokyos_date_counts_before_the_utc_date_turns(releases):
    # 23:30 UTC on 1 November is 08:30 on 2 November in Tokyo, 23:30 on 1 November in London.
    customer(
        "tokyo",
        "Asia/Tokyo",
        start=NOV_2,
        end=NOV_2 + dt.timedelta(days=364),
        release=releases["2026"],
    )
    customer(
        "london",
        "Europe/London",
        start=NOV_2,
        end=NOV_2 + dt.timedelta(days=364),
        release=releases["2026"],
    )

    sent = sent_at(datetime(2026, 11, 1, 23, 30, tzinfo=UTC), releases["2026"])

    assert recipients(sent) == {"admin@tokyo.test"}
    assert (sent.status, sent.recipients_count, sent.sites_count) == ("sent", 1, 1)


def test_a_contract_ending_at_chicagos_midnight_counts_until_then(releases):
    # Chicago is on CST (UTC-6) from 1 November 2026: its 1 November ends at 06:00 UTC.
    customer(
        "chicago",
        "America/Chicago",
        start=NOV_1 - dt.timedelta(days=364),
        end=NOV_1,
        release=releases["2026"],
    )
    customer(
        "london",
        "Europe/London",
        start=NOV_1 - dt.timedelta(days=364),
        end=NOV_1,
        release=releases["2026"],
    )

    before = sent_at(datetime(2026, 11, 2, 0, 30, tzinfo=UTC), releases["2026"])
    after = sent_at(datetime(2026, 11, 2, 6, 30, tzinfo=UTC), releases["2026"])

    assert recipients(before) == {"admin@chicago.test"}
    assert (before.status, before.recipients_count, before.sites_count) == ("sent", 1, 1)
    assert recipients(after) == set()
    assert after.status == "sent"


def test_the_partner_and_its_end_customer_in_tokyo_hear_on_the_tokyo_date(
    releases, partner, partner_admin
):
    customer(
        "osaka",
        "Asia/Tokyo",
        start=NOV_3,
        end=NOV_3 + dt.timedelta(days=364),
        release=releases["2026"],
        partner=partner,
    )

    early = sent_at(datetime(2026, 11, 2, 14, 59, tzinfo=UTC), releases["2026"])
    late = sent_at(datetime(2026, 11, 2, 15, 1, tzinfo=UTC), releases["2026"])

    # 15:00 UTC is midnight in Tokyo (UTC+9, no daylight saving time).
    assert recipients(early) == set()
    assert recipients(late) == {"admin@osaka.test", "admin@northwind.test"}
    assert late.sites_count == 1


@pytest.mark.parametrize(
    ("hour", "expected"),
    [(0, {"KIRITIMATI", "LONDON"}), (9, {"KIRITIMATI", "LONDON"}), (10, {"HONOLULU", "LONDON"})],
)
def test_each_site_counts_its_own_date_around_the_world(releases, hour, expected):
    # Contracts in force on 2 November only: Kiritimati (UTC+14) leaves it at 10:00 UTC,
    # when Honolulu (UTC-10) enters it.
    zones = {"kiritimati": "Pacific/Kiritimati", "honolulu": "Pacific/Honolulu"}
    for name, zone in {**zones, "london": "Europe/London"}.items():
        customer(name, zone, start=NOV_2, end=NOV_2, release=releases["2026"])
    instant = datetime(2026, 11, 2, hour, 0, tzinfo=UTC)
    with time_machine.travel(instant, tick=False):
        urgent = notice([releases["2026"]])
    urgent.published_at = instant
    day = notice_audience_day(urgent)

    sites = set(notice_affected_sites(urgent, day).values_list("code", flat=True))

    assert sites == expected
    assert notice_audience(urgent, day=day).count() == len(expected)


def test_a_calendar_date_still_means_that_date_at_every_site(releases):
    customer("tokyo", "Asia/Tokyo", start=NOV_2, end=NOV_2, release=releases["2026"])
    customer("chicago", "America/Chicago", start=NOV_2, end=NOV_2, release=releases["2026"])
    with time_machine.travel(datetime(2026, 11, 1, 12, 0, tzinfo=UTC), tick=False):
        urgent = notice([releases["2026"]])

    sites = notice_affected_sites(urgent, NOV_2).values_list("code", flat=True)

    assert sorted(sites) == ["CHICAGO", "TOKYO"]
