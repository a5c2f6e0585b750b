"""The what-if command: `manage.py sla_deadline` prints a deadline and its explanation (SLP-6)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contracts.models import Organization, Site
from sla.businesstime import SupportCalendar
from sla.management.commands.sla_deadline import MAX_MINUTES
from sla.models import Calendar
from sla.services.calendars import support_calendar_cache_clear

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_engines():
    support_calendar_cache_clear()
    yield
    support_calendar_cache_clear()


def run(*args: str) -> str:
    out = StringIO()
    call_command("sla_deadline", *args, stdout=out)
    return out.getvalue()


def make_site(code: str, *, country: str, time_zone: str) -> Site:
    org = Organization.objects.create(name=f"Org {code}", kind="direct_customer", country=country)
    return Site.objects.create(
        organization=org, name=code, code=code, country=country, time_zone=time_zone
    )


def test_it_prints_the_deadline_in_local_time_and_utc_across_thanksgiving():
    out = run(
        "--calendar", "Worldwide", "--timezone", "America/Chicago",
        "--start", "2026-11-25T16:00-06:00", "--minutes", "150",
    )  # fmt: skip
    assert "Deadline: 2026-11-27 09:30 CST (America/Chicago)" in out
    assert "2026-11-27 15:30 UTC" in out
    assert "2026-11-25 Wed     60 min  16:00-17:00" in out
    assert "2026-11-26 Thu      0 min  closed: Holiday: Thanksgiving Day" in out
    assert "2026-11-27 Fri     90 min  08:00-09:30" in out
    assert "Total: 150 support minutes." in out
    assert "no UTC offset" not in out


def test_a_naive_start_is_read_in_the_calendars_zone_and_says_so():
    out = run("--calendar", "UK", "--start", "2026-12-24T16:00", "--minutes", "600")
    assert "read as local time in UTC" in out
    # Christmas, the weekend, then Boxing Day observed on Monday 28 December (GB-ENG).
    assert "2026-12-28 Mon      0 min  closed: Holiday: Boxing Day (observed)" in out
    assert "Deadline: 2026-12-30 10:00 UTC (UTC)" in out


def test_a_start_in_another_zone_is_converted():
    # 09:00 in Paris is 08:00 UTC, before the UK calendar opens at 09:00 UTC.
    out = run("--calendar", "UK", "--start", "2026-06-01T09:00+02:00", "--minutes", "30")
    assert "Start:    2026-06-01 07:00 UTC (UTC) = 2026-06-01 07:00 UTC" in out
    assert "Deadline: 2026-06-01 09:30 UTC (UTC)" in out


def test_a_site_uses_its_calendar_in_its_own_zone():
    make_site("TYO-1", country="JP", time_zone="Asia/Tokyo")
    out = run("--site", "TYO-1", "--start", "2026-07-03T16:30+09:00", "--minutes", "60")
    # US Independence Day 2026 falls on a Saturday and is observed on Friday 3 July, in Tokyo too.
    assert "2026-07-03 Fri      0 min  closed: Holiday: Independence Day (observed)" in out
    assert "Deadline: 2026-07-06 09:00 JST (Asia/Tokyo)" in out
    assert "2026-07-06 00:00 UTC" in out


def test_zero_minutes_at_an_open_instant_is_the_start():
    out = run("--calendar", "UK", "--start", "2026-06-01T10:00Z", "--minutes", "0")
    assert "Deadline: 2026-06-01 10:00 UTC (UTC)" in out
    assert "no support time counted" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--calendar", "Nowhere", "--start", "2026-06-01T10:00Z", "--minutes", "1"],
         "No calendar named “Nowhere”; known: UK, Worldwide."),
        (["--site", "NOPE", "--start", "2026-06-01T10:00Z", "--minutes", "1"],
         "No site with code “NOPE”."),
        (["--calendar", "UK", "--start", "next tuesday", "--minutes", "1"],
         "--start “next tuesday” is not an ISO date and time"),
        (["--calendar", "UK", "--start", "2026-06-01T10:00Z", "--minutes", "-5"],
         "--minutes must be zero or more, got -5."),
        (["--calendar", "Worldwide", "--start", "2026-06-01T10:00Z", "--minutes", "5"],
         "follows each site's own zone: give --timezone or --site"),
        (["--calendar", "Worldwide", "--timezone", "Mars/Base", "--start", "2026-06-01T10:00Z",
          "--minutes", "5"],
         "Unknown time zone “Mars/Base”"),
        (["--calendar", "UK", "--timezone", "Europe/Paris", "--start", "2026-06-01T10:00Z",
          "--minutes", "5"],
         "always counts in UTC; drop --timezone"),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_command_error(args, message):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert message in str(caught.value)


def test_timezone_is_refused_with_a_site():
    make_site("PAR-1", country="FR", time_zone="Europe/Paris")
    with pytest.raises(CommandError, match="a site has its own zone"):
        run(
            "--site", "PAR-1", "--timezone", "America/Chicago",
            "--start", "2026-06-01T10:00Z", "--minutes", "5",
        )  # fmt: skip


@pytest.mark.parametrize(
    "start",
    ["9999-12-31T10:00+00:00", "0001-01-01T00:30+01:00"],
)
def test_a_deadline_beyond_the_datetime_range_is_a_clear_command_error(start):
    with pytest.raises(CommandError, match="outside the years 1 to 9999"):
        run("--calendar", "UK", "--start", start, "--minutes", "600")


def test_a_site_with_no_calendar_at_all_is_a_clear_command_error():
    make_site("BER-1", country="DE", time_zone="Europe/Berlin")
    Calendar.objects.update(is_fallback=False)
    with pytest.raises(CommandError, match="No calendar for site BER-1"):
        run("--site", "BER-1", "--start", "2026-06-01T10:00Z", "--minutes", "5")


@pytest.mark.parametrize("minutes", [MAX_MINUTES + 1, 10**11])
def test_too_many_minutes_are_refused_before_any_day_is_walked(minutes, monkeypatch):
    # 10**11 minutes used to walk day by day to the year 9999 (about a minute) before refusing.
    def walk(*args, **kwargs):
        raise AssertionError("the engine was asked to walk")

    monkeypatch.setattr(SupportCalendar, "add", walk)
    with pytest.raises(CommandError) as caught:
        run("--calendar", "UK", "--start", "2026-06-01T10:00Z", "--minutes", str(minutes))
    assert str(caught.value) == (
        f"--minutes must be at most 1000000 (about 8 years of 40-hour weeks), got {minutes}."
    )
