"""Simulated days of support pass the checks, and the checks catch what they are for (issue 12).

The full month is bench/simulate.py; here three days and 30 cases, the same stories and the
same checks (tests/cases/simulation.py). The check tests read fabricated timelines on the
Worldwide calendar in Chicago: Tuesday 3 March 2026 is an ordinary working day, and the P1
status-update cadence is 120 support minutes.
"""

from __future__ import annotations

from datetime import datetime

from sla.businesstime import SupportCalendar
from tests.cases.simulation import SimConfig, Simulation, report
from tests.cases.simulation_checks import (
    Entry,
    duplicate_sla_emails,
    sla_email_identity,
    update_intervals,
)
from tests.cases.sweep_fixtures import chicago

CALENDAR = SupportCalendar(timezone="America/Chicago", opens="08:00", closes="17:00", holidays="US")
CADENCES = {"P1": 120, "P2": 480, "P3": 1440, "P4": 2880}


def _answered_at(at: datetime) -> list[Entry]:
    """A P1 case received at 09:00, triaged at 09:10, first answered by staff at `at`."""
    return [
        Entry(chicago(3, 9), "received", new_value="P1"),
        Entry(chicago(3, 9, 10), "status", by_staff=True, new_value="triaged"),
        Entry(chicago(3, 9, 10), "priority", by_staff=True, new_value="P1"),
        Entry(at, "comment", by_staff=True),
        Entry(at, "response", by_staff=True),
    ]


def _reminder(at: datetime) -> Entry:
    return Entry(at, "update_reminder", public=False)


def _over(entries: list[Entry], until: datetime) -> list:
    intervals = update_intervals(
        entries, calendar=CALENDAR, cadences=CADENCES, proposed_priority="P1", until=until
    )
    return [interval for interval in intervals if interval.over]


def test_three_simulated_days_pass_every_check(db):
    sim = Simulation(SimConfig(cases=30, days=3, agents=3)).run()

    result = report(sim)

    assert result.problems == []
    assert len(sim.sweep_seconds) == 3 * 24 * 12
    # The checks had something to check: reminders were raised and emails delivered.
    assert sim.sweep_totals["reminders"] > 0
    assert sum(sim.per_recipient_day.values()) > 0


def test_one_reminder_per_cadence_is_allowed():
    entries = [*_answered_at(chicago(3, 9, 30)), _reminder(chicago(3, 11, 30))]

    assert _over(entries, until=chicago(3, 12)) == []


def test_the_check_reports_one_reminder_too_many():
    entries = [
        *_answered_at(chicago(3, 9, 30)),
        _reminder(chicago(3, 11, 30)),
        _reminder(chicago(3, 11, 35)),
    ]

    [over] = _over(entries, until=chicago(3, 12))

    assert (over.start, over.end) == (chicago(3, 9, 30), chicago(3, 12))
    assert (over.support_minutes, over.cadence, over.reminders, over.allowed) == (150, 120, 2, 1)


def test_a_public_reply_starts_a_new_interval():
    entries = [
        *_answered_at(chicago(3, 9, 30)),
        _reminder(chicago(3, 11, 30)),
        Entry(chicago(3, 11, 40), "comment", by_staff=True),
        _reminder(chicago(3, 11, 45)),
    ]

    [over] = _over(entries, until=chicago(3, 13))

    assert (over.start, over.reminders, over.allowed) == (chicago(3, 11, 40), 1, 0)


def test_time_waiting_on_the_customer_does_not_count():
    entries = [
        *_answered_at(chicago(3, 9, 30)),
        Entry(chicago(3, 10), "status", by_staff=True, new_value="waiting_on_customer"),
        Entry(chicago(3, 10), "info_requested", by_staff=True),
        Entry(chicago(3, 15), "status", new_value="in_progress"),
        Entry(chicago(3, 15), "info_received"),
        _reminder(chicago(3, 15, 5)),
    ]

    [over] = _over(entries, until=chicago(3, 16))

    assert (over.start, over.support_minutes, over.reminders) == (chicago(3, 15), 60, 1)


def test_a_reminder_while_no_update_is_owed_is_reported():
    entries = [
        *_answered_at(chicago(3, 9, 30)),
        Entry(chicago(3, 10), "status", by_staff=True, new_value="resolved"),
        Entry(chicago(3, 10), "resolution", by_staff=True),
        _reminder(chicago(3, 16)),
    ]

    [over] = _over(entries, until=chicago(3, 17))

    assert (over.start, over.reminders, over.allowed) == (chicago(3, 16), 1, 0)


def test_an_sla_email_written_twice_is_reported():
    due = "2026-03-03T17:30:00+00:00"
    rows = [
        ("agent@vendor.test", "sla_update_reminder", f"sla:7:update:reminder:{due}:5"),
        ("agent@vendor.test", "sla_update_reminder", f"sla:7:update:reminder:{due}:5-again"),
        ("boss@vendor.test", "sla_update_reminder", f"sla:7:update:reminder:{due}:6"),
        ("agent@vendor.test", "case_reply", "case:7:41:5"),
    ]

    assert sla_email_identity(rows[0][2]) == ("7", "update", due)
    assert duplicate_sla_emails(rows) == [
        ("agent@vendor.test", "sla_update_reminder", "7", "update", due)
    ]
