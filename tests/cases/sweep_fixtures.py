"""Fixtures of the SLA sweep tests: covered cases opened through case_open at controlled times.

A test module imports the fixture functions it uses (`fixture_*`, registered under the name
after the prefix) together with `fixture_fresh_engines`, which every sweep test needs.

Times: Acme's site is in Chicago on the Worldwide calendar (08:00-17:00 local, Monday to
Friday, US holidays). Tuesday 3 March 2026 is an ordinary working day in CST (UTC-6).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.models import Case
from sla.services.calendars import support_calendar_cache_clear

CHICAGO = ZoneInfo("America/Chicago")


def chicago(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """Return an instant of March 2026 in Chicago local time, as UTC."""
    return datetime(2026, 3, day, hour, minute, second, tzinfo=CHICAGO).astimezone(UTC)


@pytest.fixture(name="fresh_engines", autouse=True)
def fixture_fresh_engines():
    """Calendar engines are cached per process by pk; a rolled-back test may reuse a pk."""
    support_calendar_cache_clear()
    yield
    support_calendar_cache_clear()


@pytest.fixture(name="sweep_world")
def fixture_sweep_world(acme, acme_site, acme_contract, acme_admin, releases):
    """Acme with its Chicago site, an active contract, its admin (technical contact), releases."""
    return {
        "organization": acme,
        "site": acme_site,
        "reporter": acme_admin,
        "release": releases["2026"],
    }


@pytest.fixture(name="open_sweep_case")
def fixture_open_sweep_case(sweep_world):
    """Open a covered case received at `at` (Chicago), through the intake service."""
    from cases.services import case_open

    def _open(at: datetime, *, priority: str = "P1", title: str = "Post-processor crashes") -> Case:
        with time_machine.travel(at, tick=False):
            return case_open(
                reporter=sweep_world["reporter"],
                organization=sweep_world["organization"],
                site=sweep_world["site"],
                release=sweep_world["release"],
                title=title,
                description="It crashes when posting G-code for the 5-axis mill.",
                proposed_priority=priority,
                channel="portal",
                received_at=at,
            )

    return _open


def sweep_at(at: datetime):
    """Run the sweep with the clock stopped at `at`, as the beat task would then."""
    from cases.services.sweep import sla_sweep

    with time_machine.travel(at, tick=False):
        return sla_sweep()
