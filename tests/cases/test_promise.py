"""The promise before filing equals the filed case's due instants, to the microsecond (SLP-5, SLP-6, SLP-8).

Each row asks for the promise, files the case at the same frozen instant, then has support
confirm the proposed priority at that instant: the case's stored response and resolution due
instants must be the promised ones. The expected instants are also worked out by hand, so a
shared mistake in both paths cannot pass. Acme Chicago is on the Worldwide calendar (08:00-17:00
local, Mon-Fri, US federal holidays; CST to CDT on Sunday 8 March 2026, back on Sunday 1
November); Globex London is on the UK calendar (09:00-17:00 UTC, English bank holidays).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from cases import services
from cases.services.notifications import local_time_text
from cases.services.promise import case_promise, case_promise_for, promise_text
from mail.models import OutboxMessage
from mail.services.outbox import outbox_render
from sla.models import Calendar
from tests.factories import ContractFactory, SiteFactory

CHICAGO = ZoneInfo("America/Chicago")
TOKYO = ZoneInfo("Asia/Tokyo")
PARIS = ZoneInfo("Europe/Paris")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(UTC)


@pytest.fixture
def tokyo_site(acme):
    """An Acme site in Tokyo: the Worldwide calendar counts in the site's own zone."""
    site = SiteFactory(organization=acme, code="ACME-TYO", country="JP", time_zone="Asia/Tokyo")
    ContractFactory(reference="ACME-002", holder=acme, sites=[site])
    return site


@pytest.fixture
def file_now(time_machine, open_case, staff_agent):
    """Ask for the promise at `now`, file the case then, and confirm its priority then."""

    def _file(now: datetime, *, site, priority: str, **fields):
        time_machine.move_to(now, tick=False)
        promise = case_promise(site=site, priority=priority, now=now)
        case = open_case(site=site, proposed_priority=priority, **fields)
        triaged = services.case_triage(case=case, by=staff_agent, priority=priority)
        return promise, case, triaged

    return _file


# (what the row crosses, received at, site, priority, response due, resolution due)
ROWS = [
    (
        "open hours, Chicago",
        local(CHICAGO, 2026, 3, 2, 10, 0),
        "chicago",
        "P1",
        local(CHICAGO, 2026, 3, 2, 12, 30),  # 150 minutes
        local(CHICAGO, 2026, 3, 3, 9, 0),  # 420 on Monday, 60 on Tuesday
    ),
    (
        "a weekend and the change to summer time",
        local(CHICAGO, 2026, 3, 7, 10, 0),  # Saturday, CST
        "chicago",
        "P2",
        local(CHICAGO, 2026, 3, 9, 16, 0),  # Monday 08:00 (CDT now) + 480
        local(CHICAGO, 2026, 3, 11, 14, 0),  # 540 + 540 + 360
    ),
    (
        "a weekend and Memorial Day",
        local(CHICAGO, 2026, 5, 22, 16, 0),  # Friday before Monday 25 May
        "chicago",
        "P1",
        local(CHICAGO, 2026, 5, 26, 9, 30),  # 60 on Friday, 90 on Tuesday
        local(CHICAGO, 2026, 5, 26, 15, 0),  # 60 on Friday, 420 on Tuesday
    ),
    (
        "the change back to standard time",
        local(CHICAGO, 2026, 10, 30, 15, 0),  # Friday, CDT; Monday 2 November is CST
        "chicago",
        "P2",
        local(CHICAGO, 2026, 11, 2, 14, 0),  # 120 + 360
        local(CHICAGO, 2026, 11, 4, 12, 0),  # 120 + 540 + 540 + 240
    ),
    (
        "a night in Tokyo, read in Chicago",
        utc(2026, 3, 2, 16, 0),  # Tuesday 01:00 in Tokyo: closed until 08:00
        "tokyo",
        "P1",
        local(TOKYO, 2026, 3, 3, 10, 30),
        local(TOKYO, 2026, 3, 3, 16, 0),
    ),
    (
        "Good Friday and Easter Monday on the UK calendar (UTC)",
        utc(2026, 4, 2, 16, 0),  # Thursday; London is on summer time, the calendar is not
        "london",
        "P2",
        utc(2026, 4, 7, 16, 0),  # 60 on Thursday, 420 on Tuesday
        utc(2026, 4, 9, 16, 0),  # 60 + 480 + 480 + 420
    ),
]


@pytest.mark.parametrize(
    ("received", "where", "priority", "response_due", "resolution_due"),
    [row[1:] for row in ROWS],
    ids=[row[0] for row in ROWS],
)
def test_the_filed_case_is_due_exactly_when_the_promise_said(
    file_now,
    request,
    globex,
    globex_site,
    globex_contract,
    globex_agent,
    release_2026,
    received,
    where,
    priority,
    response_due,
    resolution_due,
):
    if where == "london":
        site, fields = globex_site, {"organization": globex, "reporter": globex_agent}
    else:
        site = request.getfixturevalue("acme_site" if where == "chicago" else "tokyo_site")
        fields = {}

    promise, case, triaged = file_now(received, site=site, priority=priority, **fields)

    assert (promise.response_due, promise.resolution_due) == (response_due, resolution_due)
    assert case.response_due_at == promise.response_due
    assert case.resolution_due_at is None  # SLP-8: not before support sets the priority
    assert triaged.response_due_at == promise.response_due
    assert triaged.resolution_due_at == promise.resolution_due
    assert case_promise_for(case) == promise


def test_promises_and_cases_agree_at_every_hour_of_a_week_across_a_clock_change(
    file_now, acme_site
):
    # Every 5 h 17 min from Thursday 5 March to Wednesday 11 March, CST then CDT.
    start = local(CHICAGO, 2026, 3, 5, 0, 7)
    for step in range(32):
        now = start + timedelta(minutes=317 * step)
        priority = f"P{step % 4 + 1}"

        promise, case, triaged = file_now(now, site=acme_site, priority=priority)

        assert case.response_due_at == promise.response_due, now
        assert triaged.resolution_due_at == promise.resolution_due, now


def test_a_later_confirmation_moves_the_resolution_by_the_support_time_in_between(acme_site):
    promise = case_promise(site=acme_site, priority="P3", now=local(CHICAGO, 2026, 3, 2, 10, 0))

    # The resolution promise assumes support confirms at once; an hour of open time later,
    # everything is due an hour later (still inside Monday to Wednesday's open hours).
    later = case_promise(site=acme_site, priority="P3", now=local(CHICAGO, 2026, 3, 2, 11, 0))
    assert later.resolution_due == promise.resolution_due + timedelta(hours=1)
    assert later.response_due == promise.response_due + timedelta(hours=1)


@pytest.mark.parametrize(
    ("now", "opening"),
    [
        (local(CHICAGO, 2026, 3, 2, 10, 0), ""),
        (local(CHICAGO, 2026, 3, 3, 6, 30), "Support is closed now: it opens at 08:00 in Chicago."),
        (
            local(CHICAGO, 2026, 3, 2, 17, 0),  # closing is closed: [08:00, 17:00)
            "Support is closed now: it opens on Tue 3 Mar at 08:00 in Chicago.",
        ),
        (
            local(CHICAGO, 2026, 3, 7, 10, 0),
            "Support is closed today (Weekend): it opens on Mon 9 Mar at 08:00 in Chicago.",
        ),
        (
            local(CHICAGO, 2026, 5, 25, 10, 0),
            "Support is closed today (Holiday: Memorial Day): it opens on Tue 26 May at 08:00 "
            "in Chicago.",
        ),
    ],
)
def test_the_promise_says_when_support_opens_when_it_is_closed(acme_site, now, opening):
    with translation.override("en"):
        text = promise_text(case_promise(site=acme_site, priority="P2", now=now), zone=UTC)

    assert text.opening == opening


def test_a_utc_calendar_names_no_city(globex_site):
    promise = case_promise(site=globex_site, priority="P2", now=utc(2026, 4, 3, 10, 0))

    with translation.override("en"):
        text = promise_text(promise, zone=PARIS)

    assert text.opening == (
        "Support is closed today (Holiday: Good Friday): it opens on Tue 7 Apr at 09:00 UTC."
    )
    # Tuesday 09:00 + 480 is the closing instant, 17:00 UTC (not Wednesday morning): 19:00 in
    # Paris, 18:00 on the London site's clock (summer time).
    assert (text.response, text.response_site) == ("Tue 7 Apr, 19:00", "Tue 7 Apr, 18:00")


def test_the_site_time_is_left_out_when_it_reads_the_same(acme_site):
    promise = case_promise(site=acme_site, priority="P1", now=local(CHICAGO, 2026, 3, 2, 10, 0))

    with translation.override("en"):
        text = promise_text(promise, zone=CHICAGO)

    assert (text.response, text.response_site) == ("Mon 2 Mar, 12:30", "")
    assert (text.resolution, text.resolution_site) == ("Tue 3 Mar, 09:00", "")


def test_nothing_is_promised_without_a_policy_in_force_or_a_calendar(acme_site, globex_site):
    assert case_promise(site=acme_site, priority="P2", now=utc(2019, 6, 3, 15, 0)) is None

    Calendar.objects.update(is_fallback=False)

    assert case_promise(site=acme_site, priority="P2", now=utc(2026, 3, 2, 15, 0)) is None
    # The UK calendar is mapped by country, so London still gets its promise.
    assert case_promise(site=globex_site, priority="P2", now=utc(2026, 3, 2, 15, 0))


def test_an_unknown_priority_is_a_programming_error(acme_site):
    with pytest.raises(ValueError, match="P9"):
        case_promise(site=acme_site, priority="P9", now=utc(2026, 3, 2, 15, 0))


def test_the_receipt_repeats_the_promised_instants_in_each_recipients_zone(
    file_now, acme_site, acme_agent, acme_admin
):
    acme_agent.time_zone, acme_agent.language = "Europe/Paris", "fr"
    acme_agent.save()
    acme_admin.time_zone = "America/Chicago"
    acme_admin.save()

    promise, _case, _triaged = file_now(
        local(CHICAGO, 2026, 3, 7, 10, 0), site=acme_site, priority="P2"
    )

    for user in (acme_agent, acme_admin):
        message = OutboxMessage.objects.get(template="case_received", recipient=user)
        body = outbox_render(message).body
        with translation.override(user.language):
            assert local_time_text(promise.response_due, user) in body
            assert local_time_text(promise.resolution_due, user) in body
    chicago_body = outbox_render(
        OutboxMessage.objects.get(template="case_received", recipient=acme_admin)
    ).body
    assert "Resolution due by March 11, 2026, 2 p.m. (America/Chicago)" in chicago_body
    assert "it opens on Mon 9 Mar at 08:00 in Chicago." in chicago_body
