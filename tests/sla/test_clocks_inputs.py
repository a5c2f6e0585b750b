"""Around the clocks: the due summary stored on the case row, targets, and bad input.

Same setting as test_clocks.py: a Chicago site on the SLP-6 "Worldwide" calendar (08:00-17:00,
Monday to Friday, US federal holidays), SLP-5 default targets, Monday 2026-11-16 onwards.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from sla.businesstime import SupportCalendar
from sla.clocks import (
    CaseReceived,
    ClassifiedBugOrDefect,
    ClockError,
    ClockKind,
    ClockStatus,
    InformationRequested,
    OutOfScope,
    PrioritySet,
    PublicReply,
    Resolved,
    Targets,
    clock_due_summary,
    compute_clocks,
)

CHICAGO = ZoneInfo("America/Chicago")
WORLDWIDE = SupportCalendar(
    timezone="America/Chicago", opens="08:00", closes="17:00", holidays="US"
)
TARGETS = {"P1": (150, 480), "P2": (480, 1440), "P3": (1440, 2880), "P4": (2880, 3600)}


def ct(day: int, hour: int, minute: int = 0) -> datetime:
    """Return a Chicago wall time in November 2026."""
    return datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO)


def received(at: datetime, priority: str = "P2") -> CaseReceived:
    return CaseReceived(at=at, proposed_priority=priority)


def clocks(*events, now: datetime, **options):
    """Compute both clocks on the Chicago calendar with the default targets unless told."""
    options.setdefault("targets", TARGETS)
    return compute_clocks(events, calendar=WORLDWIDE, now=now, **options)


# Due summary for the case row and the sweep


def test_due_summary_gives_the_earliest_due_and_warning_of_running_clocks():
    both = clocks(received(ct(16, 8)), PrioritySet(at=ct(16, 8), priority="P2"), now=ct(16, 9))

    assert clock_due_summary(both) == (ct(16, 16), ct(16, 14))


def test_due_summary_ignores_stopped_withdrawn_and_not_started_clocks():
    met = clocks(received(ct(16, 8)), PublicReply(at=ct(16, 9), by_staff=True), now=ct(16, 10))
    withdrawn = clocks(received(ct(16, 8)), OutOfScope(at=ct(16, 9), reason="SDK"), now=ct(16, 10))

    assert met.resolution.state is ClockStatus.NOT_STARTED
    assert clock_due_summary(met) == (None, None)
    assert clock_due_summary(withdrawn) == (None, None)


def test_due_summary_keeps_a_past_due_until_its_breach_is_raised():
    both = clocks(received(ct(16, 8), "P1"), now=ct(16, 11))

    assert clock_due_summary(both) == (ct(16, 10, 30), None)
    assert clock_due_summary(both, breached=["response"]) == (None, None)


def test_due_summary_skips_warnings_already_raised():
    both = clocks(received(ct(16, 8), "P1"), now=ct(16, 10))

    assert clock_due_summary(both) == (ct(16, 10, 30), ct(16, 9, 53))
    assert clock_due_summary(both, warned=[ClockKind.RESPONSE]) == (ct(16, 10, 30), None)


def test_due_summary_keeps_a_paused_clock_warning_already_due():
    both = clocks(
        received(ct(16, 8), "P1"),
        PrioritySet(at=ct(16, 8), priority="P1"),
        PublicReply(at=ct(16, 9), by_staff=True),
        InformationRequested(at=ct(16, 15)),
        now=ct(17, 9),
    )

    assert both.resolution.state is ClockStatus.PAUSED
    assert clock_due_summary(both) == (None, ct(16, 14))


# Targets and thresholds


def test_warning_threshold_sets_the_warning_instant():
    response = clocks(received(ct(16, 8), "P1"), now=ct(16, 9), warning_threshold=50).response

    assert response.warn_at == ct(16, 9, 15)
    assert response.explanation.warning_minutes == 75


def test_targets_accept_policy_rows_and_a_targets_table_with_its_own_threshold():
    rows = {"P1": SimpleNamespace(response_minutes=60, resolution_minutes=120)}
    table = Targets({"P1": (60, 120)}, warning_threshold=50)

    from_rows = clocks(received(ct(16, 8), "P1"), now=ct(16, 9), targets=rows).response
    from_table = clocks(received(ct(16, 8), "P1"), now=ct(16, 9), targets=table).response

    assert from_rows.due_at == from_table.due_at == ct(16, 9)
    assert from_rows.warn_at == ct(16, 8, 45)
    assert from_table.warn_at == ct(16, 8, 30)


# Bad input gets a clear error


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: CaseReceived(at=datetime(2026, 11, 16, 8), proposed_priority="P1"), "naive"),
        (lambda: CaseReceived(at="2026-11-16", proposed_priority="P1"), "aware datetime"),
        (lambda: CaseReceived(at=ct(16, 8), proposed_priority=" "), "blank"),
        (lambda: Resolved(at=ct(16, 8), kind="fixed"), "'settled', 'plan', 'not_a_defect'"),
        (lambda: ClassifiedBugOrDefect(at=ct(16, 8), kind="feature"), "'bug', 'defect'"),
        (lambda: OutOfScope(at=ct(16, 8), reason=""), "blank"),
        (lambda: PublicReply(at=ct(16, 8), by_staff="yes"), "True or False"),
        (lambda: Targets({"P1": (0, 10)}), "positive whole number"),
        (lambda: Targets({"P1": (10,)}), "(response, resolution)"),
        (lambda: Targets({}), "at least one priority"),
        (lambda: Targets({"P1": (10, 20)}, warning_threshold=0), "from 1 to 100"),
    ],
)
def test_bad_events_and_targets_are_refused_clearly(build, message):
    with pytest.raises(ClockError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build()


@pytest.mark.parametrize(
    ("events", "options", "message"),
    [
        ([], {}, "exactly one CaseReceived"),
        ([received(ct(16, 8)), received(ct(16, 9))], {}, "exactly one CaseReceived"),
        ([received(ct(16, 8), "P9")], {}, "no targets for priority 'P9'; known: P1, P2, P3, P4"),
        (
            [received(ct(16, 8)), PrioritySet(at=ct(16, 9), priority="urgent")],
            {},
            "no targets for priority 'urgent'",
        ),
        (
            [received(ct(16, 8)), PrioritySet(at=ct(16, 7), priority="P1")],
            {},
            "comes before the case was received",
        ),
        ([received(ct(16, 8)), "reply"], {}, "not a timeline event"),
        ([received(ct(16, 8))], {"now": datetime(2026, 11, 16, 9)}, "naive"),
        ([received(ct(16, 8))], {"now": ct(16, 7)}, "before the case was received"),
        ([received(ct(16, 8))], {"calendar": "America/Chicago"}, "SupportCalendar"),
        ([received(ct(16, 8))], {"warning_threshold": 101}, "from 1 to 100"),
    ],
)
def test_bad_timelines_and_arguments_are_refused_clearly(events, options, message):
    options = {"targets": TARGETS, "calendar": WORLDWIDE, "now": ct(16, 12), **options}

    with pytest.raises(ClockError, match=message):
        compute_clocks(events, **options)
