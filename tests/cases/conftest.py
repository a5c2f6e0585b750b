"""Fixtures of the case tests: a frozen clock, uploads in a temporary folder, cases in any status."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cases.models import Status

# Monday 2 March 2026, 08:00 in Chicago (CST, UTC-6): the Worldwide calendar has just opened.
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    """Start every case test at T0, before the cast is built; tests move on with move_to."""
    time_machine.move_to(T0, tick=False)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def open_case(acme, acme_site, acme_contract, acme_agent, release_2026):
    """Open an Acme case through the intake service; keyword arguments override the defaults."""
    from cases.services import case_open

    def _open(**overrides):
        fields = {
            "reporter": acme_agent,
            "organization": acme,
            "site": acme_site,
            "release": release_2026,
            "title": "Post-processor output stops at line 200",
            "description": "Posting any toolpath for the Haas VF-2 stops after 200 lines.",
            "proposed_priority": "P2",
            "channel": "portal",
            **overrides,
        }
        return case_open(**fields)

    return _open


@pytest.fixture
def case_in(open_case, staff_agent):
    """Return a new Acme case brought to the given status through the services."""
    from cases import services

    def _in(status: str, **open_fields):
        case = open_case(**open_fields)
        if status == Status.NEW:
            return case
        if status == Status.WITHDRAWN:
            return services.case_withdraw(
                case=case, by=staff_agent, exclusion="training", explanation="This is training."
            )
        case = services.case_triage(case=case, by=staff_agent, priority="P2", category="problem")
        steps = {
            Status.IN_PROGRESS: lambda c: services.case_start_work(case=c, by=staff_agent),
            Status.WAITING_ON_CUSTOMER: lambda c: services.case_request_information(
                case=c, by=staff_agent, body="Please send the post-processor log."
            ),
            Status.RESOLVED: _resolve,
            Status.CLOSED: lambda c: services.case_close(case=_resolve(c), by=staff_agent),
        }
        return steps[status](case) if status in steps else case

    def _resolve(case):
        return services.case_resolve(
            case=case, by=staff_agent, kind="settled", body="Apply patch 2026.2."
        )

    return _in
