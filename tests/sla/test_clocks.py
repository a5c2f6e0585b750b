"""The response and resolution clocks computed from a case's timeline (SLP-7 to SLP-10, SLP-16).

No database: the clocks are a pure function of typed events, targets and a calendar. Unless a
test says otherwise the site is in Chicago on the SLP-6 "Worldwide" calendar (08:00-17:00,
Monday to Friday, US federal holidays: 540 support minutes a day) and the targets are the SLP-5
defaults. November 2026: Monday 16 to Friday 20 is an ordinary week, Thursday 26 is
Thanksgiving, 21-22 and 28-29 are weekends.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from sla.businesstime import SupportCalendar
from sla.clocks import (
    CaseReceived,
    ClassifiedBugOrDefect,
    ClockKind,
    ClockStatus,
    Closed,
    InformationReceived,
    InformationRequested,
    OutOfScope,
    PauseReason,
    PrioritySet,
    PrioritySource,
    PublicReply,
    Reopened,
    ResolutionKind,
    Resolved,
    WithdrawnReason,
    compute_clocks,
)

CHICAGO = ZoneInfo("America/Chicago")
WORLDWIDE = SupportCalendar(
    timezone="America/Chicago", opens="08:00", closes="17:00", holidays="US"
)
UK = SupportCalendar(timezone="UTC", opens="09:00", closes="17:00", holidays="GB-ENG")
TARGETS = {"P1": (150, 480), "P2": (480, 1440), "P3": (1440, 2880), "P4": (2880, 3600)}


def ct(day: int, hour: int, minute: int = 0, second: int = 0, *, month: int = 11) -> datetime:
    """Return a Chicago wall time in 2026 (November unless told)."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=CHICAGO)


def received(at: datetime, priority: str = "P2") -> CaseReceived:
    return CaseReceived(at=at, proposed_priority=priority)


def clocks(*events, now: datetime, calendar: SupportCalendar = WORLDWIDE, **options):
    """Compute both clocks with the default targets unless told otherwise."""
    options.setdefault("targets", TARGETS)
    return compute_clocks(events, calendar=calendar, now=now, **options)


# Response clock: starts at receipt, never pauses, stops at the first staff reply (SLP-8, SLP-9)


def test_response_clock_runs_from_receipt_in_support_minutes():
    response = clocks(received(ct(16, 8), "P1"), now=ct(16, 9)).response

    assert response.kind is ClockKind.RESPONSE
    assert response.state is ClockStatus.RUNNING
    assert response.started_at == ct(16, 8)
    assert response.used_minutes == 60
    assert response.left_minutes == 90
    assert response.overdue_minutes == 0
    assert response.share_used == pytest.approx(0.4)
    assert response.due_at == ct(16, 10, 30)
    # 75 % of 150 minutes is 112.5, rounded up: the warning never comes early.
    assert response.warn_at == ct(16, 9, 53)
    assert response.stopped_at is None


def test_response_clock_uses_the_proposed_priority_until_support_sets_one():
    before = clocks(received(ct(16, 8), "P4"), now=ct(16, 9)).response
    after = clocks(
        received(ct(16, 8), "P4"), PrioritySet(at=ct(16, 8, 30), priority="P2"), now=ct(16, 9)
    ).response

    assert (before.priority, before.target_minutes) == ("P4", 2880)
    assert before.explanation.priority_source is PrioritySource.PROPOSED
    assert (after.priority, after.target_minutes) == ("P2", 480)
    assert after.explanation.priority_source is PrioritySource.SET
    assert after.due_at == ct(16, 16)


def test_response_is_met_by_the_first_public_staff_reply():
    response = clocks(
        received(ct(16, 8)),
        PublicReply(at=ct(16, 9), by_staff=False),
        PublicReply(at=ct(16, 11), by_staff=True),
        PublicReply(at=ct(16, 12), by_staff=True),
        now=ct(18, 12),
    ).response

    assert response.state is ClockStatus.MET
    assert response.stopped_at == ct(16, 11)
    assert response.used_minutes == 180
    assert response.left_minutes == 300
    assert response.due_at == ct(16, 16)


@pytest.mark.parametrize(
    ("reply", "state", "used", "overdue"),
    [
        (ct(16, 10, 30), ClockStatus.MET, 150, 0),
        (ct(16, 10, 30, 30), ClockStatus.MISSED, 150, 0),
        (ct(16, 10, 31), ClockStatus.MISSED, 151, 1),
        (ct(17, 10), ClockStatus.MISSED, 660, 510),
    ],
)
def test_response_is_missed_when_the_first_staff_reply_comes_after_due(reply, state, used, overdue):
    response = clocks(
        received(ct(16, 8), "P1"), PublicReply(at=reply, by_staff=True), now=ct(20, 12)
    ).response

    assert response.due_at == ct(16, 10, 30)
    assert response.state is state
    assert response.used_minutes == used
    assert response.overdue_minutes == overdue


def test_response_is_breached_while_no_staff_reply_comes_past_due():
    timeline = (received(ct(16, 16), "P1"), PublicReply(at=ct(16, 16, 30), by_staff=False))

    just_before = clocks(*timeline, now=ct(17, 9, 29)).response
    at_due = clocks(*timeline, now=ct(17, 9, 30)).response
    later = clocks(*timeline, now=ct(17, 11)).response

    assert just_before.state is ClockStatus.RUNNING
    assert at_due.state is ClockStatus.BREACHED
    assert later.state is ClockStatus.BREACHED
    assert later.due_at == ct(17, 9, 30)
    assert later.used_minutes == 240
    assert later.left_minutes == 0
    assert later.overdue_minutes == 90
    assert later.share_used == pytest.approx(1.6)


def test_response_clock_never_pauses_while_waiting_on_the_customer():
    both = clocks(
        received(ct(16, 8)),
        PrioritySet(at=ct(16, 8, 30), priority="P2"),
        InformationRequested(at=ct(16, 9)),
        now=ct(16, 12),
    )

    assert both.response.state is ClockStatus.RUNNING
    assert both.response.used_minutes == 240
    assert both.response.explanation.pauses == ()
    assert both.resolution.state is ClockStatus.PAUSED


def test_out_of_scope_withdraws_both_running_clocks_with_the_reason():
    reason = "SDK request: professional services"
    both = clocks(
        received(ct(16, 8), "P3"),
        PrioritySet(at=ct(16, 8, 30), priority="P3"),
        OutOfScope(at=ct(16, 10), reason=reason),
        PublicReply(at=ct(16, 11), by_staff=True),
        now=ct(30, 12),
    )

    for clock in both:
        assert clock.state is ClockStatus.WITHDRAWN
        assert clock.withdrawn_reason is WithdrawnReason.OUT_OF_SCOPE
        assert clock.withdrawn_detail == reason
        assert clock.stopped_at == ct(16, 10)
        assert (clock.due_at, clock.warn_at) == (None, None)
    assert both.response.used_minutes == 120
    assert both.resolution.used_minutes == 90


def test_out_of_scope_after_the_response_keeps_the_response_met():
    both = clocks(
        received(ct(16, 8)),
        PublicReply(at=ct(16, 9), by_staff=True),
        OutOfScope(at=ct(16, 10), reason="custom post-processor change"),
        now=ct(17, 12),
    )

    assert both.response.state is ClockStatus.MET
    assert both.response.withdrawn_reason is None
    assert both.resolution.state is ClockStatus.WITHDRAWN


# Resolution clock: starts with a priority and the information needed (SLP-8)


def test_resolution_clock_has_not_started_until_a_priority_is_set():
    waiting = clocks(received(ct(16, 8)), now=ct(16, 12)).resolution
    started = clocks(
        received(ct(16, 8)), PrioritySet(at=ct(16, 10), priority="P2"), now=ct(16, 12)
    ).resolution

    assert waiting.state is ClockStatus.NOT_STARTED
    assert (waiting.started_at, waiting.due_at, waiting.warn_at) == (None, None, None)
    assert waiting.used_minutes == 0
    assert waiting.target_minutes == 1440
    assert started.state is ClockStatus.RUNNING
    assert started.started_at == ct(16, 10)
    assert started.used_minutes == 120


def test_resolution_clock_has_not_started_while_information_is_outstanding():
    resolution = clocks(
        received(ct(16, 8)),
        InformationRequested(at=ct(16, 8, 30)),
        PrioritySet(at=ct(16, 9), priority="P2"),
        now=ct(17, 12),
    ).resolution

    assert resolution.state is ClockStatus.NOT_STARTED
    assert resolution.used_minutes == 0
    assert resolution.explanation.pauses == ()


@pytest.mark.parametrize(
    ("timeline", "start"),
    [
        ([PrioritySet(at=ct(16, 9), priority="P2")], ct(16, 9)),
        (
            [
                InformationRequested(at=ct(16, 8, 30)),
                InformationReceived(at=ct(16, 9)),
                PrioritySet(at=ct(16, 10), priority="P2"),
            ],
            ct(16, 10),
        ),
        (
            [
                InformationRequested(at=ct(16, 8, 30)),
                PrioritySet(at=ct(16, 9), priority="P2"),
                InformationReceived(at=ct(16, 11)),
            ],
            ct(16, 11),
        ),
    ],
    ids=["priority-only", "information-first", "priority-first"],
)
def test_resolution_clock_starts_at_the_later_of_priority_and_information(timeline, start):
    resolution = clocks(received(ct(16, 8)), *timeline, now=ct(16, 12)).resolution

    assert resolution.state is ClockStatus.RUNNING
    assert resolution.started_at == start
    assert resolution.used_minutes == (ct(16, 12) - start).seconds // 60
    assert resolution.explanation.pauses == ()


WAITING_TWICE = (
    received(ct(16, 8)),
    PrioritySet(at=ct(16, 8), priority="P2"),
    InformationRequested(at=ct(16, 9)),
    InformationReceived(at=ct(16, 11)),
    InformationRequested(at=ct(17, 10)),
    InformationReceived(at=ct(18, 10)),
)


def test_resolution_clock_pauses_while_waiting_on_the_customer_each_time():
    paused = clocks(*WAITING_TWICE[:5], now=ct(17, 12)).resolution
    running = clocks(*WAITING_TWICE, now=ct(18, 12)).resolution

    assert paused.state is ClockStatus.PAUSED
    assert paused.used_minutes == 60 + 360 + 120
    assert paused.left_minutes == 900
    assert paused.due_at is None
    assert running.state is ClockStatus.RUNNING
    assert running.used_minutes == 60 + 360 + 120 + 120
    # 900 minutes were left when counting resumed on Wednesday at 10:00: 420, then 480.
    assert running.due_at == ct(19, 16)
    assert [(p.start, p.end, p.reason, p.minutes) for p in running.explanation.pauses] == [
        (ct(16, 9), ct(16, 11), PauseReason.WAITING_ON_CUSTOMER, 120),
        (ct(17, 10), ct(18, 10), PauseReason.WAITING_ON_CUSTOMER, 540),
    ]


@pytest.mark.parametrize("kind", ["settled", "plan", "not_a_defect"], ids=["i", "ii", "iii"])
def test_resolution_is_met_by_each_kind_of_slp10_resolution(kind):
    resolution = clocks(
        received(ct(16, 8), "P1"),
        PrioritySet(at=ct(16, 8), priority="P1"),
        Resolved(at=ct(16, 15), kind=kind),
        now=ct(20, 12),
    ).resolution

    assert resolution.state is ClockStatus.MET
    assert resolution.resolution_kind is ResolutionKind(kind)
    assert resolution.stopped_at == ct(16, 15)
    assert resolution.used_minutes == 420
    assert resolution.due_at == ct(16, 16)


def test_resolution_is_missed_when_resolved_after_due():
    resolution = clocks(
        received(ct(16, 8), "P1"),
        PrioritySet(at=ct(16, 8), priority="P1"),
        Resolved(at=ct(17, 9), kind=ResolutionKind.PLAN),
        now=ct(20, 12),
    ).resolution

    assert resolution.state is ClockStatus.MISSED
    assert resolution.resolution_kind is ResolutionKind.PLAN
    assert resolution.used_minutes == 600
    assert resolution.overdue_minutes == 120


def test_resolution_is_breached_while_running_past_due():
    timeline = (received(ct(16, 8), "P1"), PrioritySet(at=ct(16, 8), priority="P1"))

    assert clocks(*timeline, now=ct(16, 15, 59)).resolution.state is ClockStatus.RUNNING
    breached = clocks(*timeline, now=ct(16, 16, 30)).resolution
    assert breached.state is ClockStatus.BREACHED
    assert breached.due_at == ct(16, 16)
    assert breached.used_minutes == 510


def test_resolution_is_breached_while_paused_once_the_target_was_used_up():
    def paused_at(request: datetime):
        return clocks(
            received(ct(16, 8), "P1"),
            PrioritySet(at=ct(16, 8), priority="P1"),
            InformationRequested(at=request),
            now=ct(17, 12),
        ).resolution

    within, past = paused_at(ct(16, 15)), paused_at(ct(16, 16, 30))

    assert within.state is ClockStatus.PAUSED
    assert (within.due_at, within.left_minutes) == (None, 60)
    assert past.state is ClockStatus.BREACHED
    assert past.due_at == ct(16, 16)
    assert past.used_minutes == 510


@pytest.mark.parametrize("kind", [WithdrawnReason.BUG, WithdrawnReason.DEFECT])
def test_bug_or_defect_classification_withdraws_the_resolution_target_only(kind):
    both = clocks(
        received(ct(16, 8)),
        PrioritySet(at=ct(16, 8), priority="P2"),
        ClassifiedBugOrDefect(at=ct(16, 10), kind=kind.value, reference="DEF-1234"),
        now=ct(16, 12),
    )

    assert both.resolution.state is ClockStatus.WITHDRAWN
    assert both.resolution.withdrawn_reason is kind
    assert both.resolution.withdrawn_detail == "DEF-1234"
    assert both.resolution.used_minutes == 120
    # SLP-7 decision: nobody knows it is a bug before the first contact; the response counts.
    assert both.response.state is ClockStatus.RUNNING
    assert both.response.used_minutes == 240


def test_classification_after_resolution_keeps_the_outcome_but_a_reopening_stays_withdrawn():
    timeline = (
        received(ct(16, 8)),
        PrioritySet(at=ct(16, 8), priority="P2"),
        Resolved(at=ct(16, 12), kind="settled"),
        ClassifiedBugOrDefect(at=ct(16, 14), kind="bug"),
    )

    resolved = clocks(*timeline, now=ct(17, 12)).resolution
    reopened = clocks(*timeline, Reopened(at=ct(17, 12)), now=ct(18, 12)).resolution

    assert resolved.state is ClockStatus.MET
    assert reopened.state is ClockStatus.WITHDRAWN
    assert reopened.withdrawn_reason is WithdrawnReason.BUG
    assert reopened.stopped_at == ct(17, 12)
    assert reopened.used_minutes == 240


# Priority changes re-target both clocks from their start


def test_priority_upgrade_retargets_from_the_start_and_can_breach_at_once():
    before = clocks(
        received(ct(16, 8), "P3"), PrioritySet(at=ct(16, 8), priority="P3"), now=ct(17, 9)
    )
    after = clocks(
        received(ct(16, 8), "P3"),
        PrioritySet(at=ct(16, 8), priority="P3"),
        PrioritySet(at=ct(17, 9), priority="P1"),
        now=ct(17, 9),
    )

    assert [clock.state for clock in before] == [ClockStatus.RUNNING, ClockStatus.RUNNING]
    assert [clock.state for clock in after] == [ClockStatus.BREACHED, ClockStatus.BREACHED]
    assert after.response.due_at == ct(16, 10, 30)
    assert after.resolution.due_at == ct(16, 16)
    assert [c.priority for c in after.resolution.explanation.priority_changes] == ["P3", "P1"]


def test_priority_downgrade_extends_the_due_instants():
    timeline = (received(ct(16, 8), "P1"), PrioritySet(at=ct(16, 8), priority="P1"))

    before = clocks(*timeline, now=ct(16, 11))
    after = clocks(*timeline, PrioritySet(at=ct(16, 11), priority="P2"), now=ct(16, 11))

    assert before.response.state is ClockStatus.BREACHED
    assert after.response.state is ClockStatus.RUNNING
    assert after.response.due_at == ct(16, 16)
    assert after.resolution.due_at == ct(18, 14)


def test_priority_change_after_the_response_does_not_rejudge_it():
    response = clocks(
        received(ct(16, 8), "P4"),
        PublicReply(at=ct(17, 9), by_staff=True),
        PrioritySet(at=ct(17, 10), priority="P1"),
        now=ct(17, 12),
    ).response

    assert response.state is ClockStatus.MET
    assert (response.priority, response.target_minutes) == ("P4", 2880)


# Reopening, closing, ordering


def test_reopening_resumes_the_resolution_clock_with_its_elapsed_time_kept():
    timeline = (
        received(ct(16, 8)),
        PrioritySet(at=ct(16, 8), priority="P2"),
        Resolved(at=ct(16, 12), kind="settled"),
        Reopened(at=ct(18, 8)),
    )

    reopened = clocks(*timeline, now=ct(18, 10)).resolution
    again = clocks(*timeline, Resolved(at=ct(18, 11), kind="plan"), now=ct(19, 9)).resolution

    assert reopened.state is ClockStatus.RUNNING
    assert reopened.used_minutes == 360
    assert (reopened.stopped_at, reopened.resolution_kind) == (None, None)
    # 1,200 minutes left from Wednesday 08:00: 540, 540, then 120 on Friday.
    assert reopened.due_at == ct(20, 10)
    gap = reopened.explanation.pauses[0]
    assert (gap.start, gap.end, gap.reason, gap.minutes) == (
        ct(16, 12),
        ct(18, 8),
        PauseReason.RESOLVED,
        300 + 540,
    )
    assert again.state is ClockStatus.MET
    assert again.used_minutes == 420
    assert again.resolution_kind is ResolutionKind.PLAN


def test_resolving_while_waiting_ends_the_wait_so_a_reopening_counts_again():
    resolution = clocks(
        received(ct(16, 8)),
        PrioritySet(at=ct(16, 8), priority="P2"),
        InformationRequested(at=ct(16, 10)),
        Resolved(at=ct(17, 9), kind="not_a_defect"),
        Reopened(at=ct(18, 8)),
        now=ct(18, 9),
    ).resolution

    assert resolution.state is ClockStatus.RUNNING
    assert resolution.used_minutes == 120 + 60
    assert [(p.reason, p.start, p.end) for p in resolution.explanation.pauses] == [
        (PauseReason.WAITING_ON_CUSTOMER, ct(16, 10), ct(17, 9)),
        (PauseReason.RESOLVED, ct(17, 9), ct(18, 8)),
    ]


def test_resolving_while_waiting_within_target_is_met_without_a_due_instant():
    resolution = clocks(
        received(ct(16, 8)),
        PrioritySet(at=ct(16, 8), priority="P2"),
        InformationRequested(at=ct(16, 10)),
        Resolved(at=ct(20, 9), kind="not_a_defect"),
        now=ct(20, 10),
    ).resolution

    assert resolution.state is ClockStatus.MET
    assert resolution.used_minutes == 120
    assert resolution.due_at is None


def test_closing_withdraws_clocks_still_within_target():
    both = clocks(
        received(ct(16, 8)),
        PrioritySet(at=ct(16, 8), priority="P2"),
        Closed(at=ct(16, 10)),
        now=ct(30, 12),
    )

    for clock in both:
        assert clock.state is ClockStatus.WITHDRAWN
        assert clock.withdrawn_reason is WithdrawnReason.CLOSED
        assert clock.used_minutes == 120
        assert clock.due_at is None


def test_closing_after_due_freezes_the_breach():
    response = clocks(
        received(ct(16, 8), "P1"), Closed(at=ct(16, 12)), Reopened(at=ct(17, 8)), now=ct(30, 12)
    ).response

    assert response.state is ClockStatus.BREACHED
    assert response.stopped_at == ct(16, 12)
    assert response.used_minutes == 240
    assert response.due_at == ct(16, 10, 30)


def test_closing_a_resolved_case_keeps_its_outcome():
    resolution = clocks(
        received(ct(16, 8)),
        PrioritySet(at=ct(16, 8), priority="P2"),
        Resolved(at=ct(16, 12), kind="settled"),
        Closed(at=ct(17, 12)),
        Reopened(at=ct(18, 8)),
        now=ct(30, 12),
    ).resolution

    assert resolution.state is ClockStatus.MET
    assert resolution.used_minutes == 240


def test_resolution_recorded_before_the_clock_started_is_met_with_nothing_used():
    resolution = clocks(
        received(ct(16, 8)), Resolved(at=ct(16, 9), kind="settled"), now=ct(17, 12)
    ).resolution

    assert resolution.state is ClockStatus.MET
    assert (resolution.started_at, resolution.used_minutes) == (None, 0)


def test_events_out_of_order_give_the_same_clocks():
    timeline = [
        *WAITING_TWICE,
        PublicReply(at=ct(16, 10), by_staff=True),
        Resolved(at=ct(19, 10), kind="settled"),
    ]
    shuffled = timeline[:]
    random.Random(4).shuffle(shuffled)

    assert shuffled != timeline
    assert clocks(*shuffled, now=ct(20, 9)) == clocks(*timeline, now=ct(20, 9))


def test_events_at_the_same_instant_keep_their_given_order():
    both_at_nine = (
        received(ct(16, 8)),
        PrioritySet(at=ct(16, 8), priority="P2"),
        InformationRequested(at=ct(16, 9)),
        InformationReceived(at=ct(16, 9)),
    )
    answered = clocks(*both_at_nine, now=ct(16, 12)).resolution
    asked = clocks(*both_at_nine[:2], *reversed(both_at_nine[2:]), now=ct(16, 12)).resolution

    assert answered.state is ClockStatus.RUNNING
    assert answered.used_minutes == 240
    assert answered.explanation.pauses == ()
    assert asked.state is ClockStatus.PAUSED
    assert asked.used_minutes == 60


def test_events_after_now_are_not_counted_yet():
    timeline = (
        received(ct(16, 8)),
        PrioritySet(at=ct(16, 9), priority="P2"),
        PublicReply(at=ct(16, 14), by_staff=True),
    )

    assert clocks(*timeline, now=ct(16, 12)) == clocks(*timeline[:2], now=ct(16, 12))


def test_instants_from_any_zone_give_the_same_clocks():
    timeline = (received(ct(16, 8)), PrioritySet(at=ct(16, 9), priority="P2"))
    in_utc = [type(e)(**{**_fields(e), "at": e.at.astimezone(UTC)}) for e in timeline]

    assert clocks(*in_utc, now=ct(16, 12).astimezone(UTC)) == clocks(*timeline, now=ct(16, 12))
    assert clocks(*timeline, now=ct(16, 12)).response.due_at.tzinfo is UTC


def _fields(event) -> dict:
    return {name: getattr(event, name) for name in event.__dataclass_fields__}


# Calendars and the explanation (SLP-6)


def test_clocks_skip_a_weekend_and_thanksgiving_in_chicago():
    both = clocks(
        received(ct(24, 14), "P3"), PrioritySet(at=ct(24, 14), priority="P3"), now=ct(30, 10)
    )
    response, resolution = both

    # 1,440 minutes: Tue 180, Wed 540, Thanksgiving, Fri 540, weekend, Mon 180.
    assert response.due_at == ct(30, 11)
    assert response.used_minutes == 1380
    # 2,880 minutes end exactly at Wednesday's closing, not the next morning.
    assert resolution.due_at == ct(2, 17, month=12)
    days = response.explanation.segments[0].days
    assert [(d.date.day, d.minutes, d.closed_reason) for d in days] == [
        (24, 180, None),
        (25, 540, None),
        (26, 0, "holiday: Thanksgiving Day"),
        (27, 540, None),
        (28, 0, "weekend"),
        (29, 0, "weekend"),
        (30, 120, None),
    ]
    assert [(d.date, d.closed_reason) for d in response.explanation.closed_days] == [
        (date(2026, 11, 26), "holiday: Thanksgiving Day"),
        (date(2026, 11, 28), "weekend"),
        (date(2026, 11, 29), "weekend"),
    ]
    assert response.explanation.timezone == "America/Chicago"


def test_clocks_skip_christmas_and_the_boxing_day_substitute_on_the_uk_calendar():
    response = clocks(
        received(datetime(2026, 12, 24, 15, tzinfo=UTC), "P2"),
        now=datetime(2026, 12, 29, 10, tzinfo=UTC),
        calendar=UK,
    ).response

    assert response.due_at == datetime(2026, 12, 29, 15, tzinfo=UTC)
    assert response.used_minutes == 180
    assert response.explanation.timezone == "UTC"
    assert [(d.date.day, d.closed_reason) for d in response.explanation.closed_days] == [
        (25, "holiday: Christmas Day"),
        (26, "weekend"),
        (27, "weekend"),
        (28, "holiday: Boxing Day (observed)"),
    ]


def test_explanation_lists_counted_segments_pauses_target_and_policy():
    resolution = clocks(*WAITING_TWICE, now=ct(18, 12), policy_label="CONNECT SLP v1").resolution
    explanation = resolution.explanation

    assert (explanation.priority, explanation.target_minutes) == ("P2", 1440)
    assert (explanation.warning_threshold, explanation.warning_minutes) == (75, 1080)
    assert explanation.policy_label == "CONNECT SLP v1"
    assert [(s.start, s.end, s.minutes, s.ongoing) for s in explanation.segments] == [
        (ct(16, 8), ct(16, 9), 60, False),
        (ct(16, 11), ct(17, 10), 360 + 120, False),
        (ct(18, 10), ct(18, 12), 120, True),
    ]
    assert [(d.date.day, d.minutes) for d in explanation.segments[1].days] == [(16, 360), (17, 120)]
    assert sum(s.minutes for s in explanation.segments) == resolution.used_minutes
    assert [p.reason for p in explanation.pauses] == [PauseReason.WAITING_ON_CUSTOMER] * 2
    assert explanation.closed_days == ()
