"""`manage.py sla_explain C-000123`: both clocks with what counted, what did not and why."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from cases import services

CHICAGO = ZoneInfo("America/Chicago")


def _explain(number: str) -> str:
    out = StringIO()
    call_command("sla_explain", number, stdout=out)
    return out.getvalue()


def test_it_explains_both_clocks_across_a_weekend_and_a_pause(
    open_case, staff_agent, acme_agent, time_machine
):
    def at(day, hour):
        time_machine.move_to(datetime(2026, 3, day, hour, tzinfo=CHICAGO), tick=False)

    at(6, 15)  # Friday 15:00 CST
    case = open_case(proposed_priority="P3")
    at(6, 16)
    case = services.case_triage(case=case, by=staff_agent, priority="P2")
    at(9, 9)  # Monday, now on summer time (CDT)
    case = services.case_comment(case=case, by=staff_agent, body="Looking into it.")
    at(9, 10)
    case = services.case_request_information(case=case, by=staff_agent, body="Logs please")
    at(9, 11)
    case = services.case_provide_information(case=case, by=acme_agent, body="Attached")
    at(9, 12)

    text = _explain(case.number.lower())

    assert text.startswith(f"{case.number}  Post-processor output stops at line 200")
    assert "Policy version: CONNECT SLP 1" in text
    assert "calendar Worldwide" in text
    assert "Response clock: met" in text
    assert "Priority P2 (set by support); target 480 min, warning at 360 min" in text
    assert "Used 180 min, left 300 min" in text  # Friday 15:00-17:00, Monday 08:00-09:00
    assert "Stopped: 2026-03-09 09:00 CDT = 2026-03-09 14:00 UTC" in text
    assert "Resolution clock: running" in text
    assert "Used 240 min, left 1200 min" in text
    # Due: Monday 12:00 + 1200 = Monday 300 + Tuesday 540 + Wednesday 360: 14:00 CDT.
    assert "Due:     2026-03-11 14:00 CDT = 2026-03-11 19:00 UTC" in text
    assert "2026-03-06 Fri     60 min  16:00-17:00" in text
    assert "2026-03-07 Sat      0 min  closed: Weekend" in text
    assert "2026-03-09 Mon    120 min  08:00-10:00" in text
    assert "    2026-03-08 Sun  Weekend" in text  # the closed days skipped
    assert "waiting on the customer (60 support min not counted)" in text


def test_a_withdrawn_clock_says_why(case_in, staff_agent):
    case = case_in("in_progress")
    services.case_classify_defect(case=case, by=staff_agent, kind="bug", reference="BUG-77")

    text = _explain(case.number)

    assert "Resolution clock: withdrawn" in text
    assert "Withdrawn: bug BUG-77" in text


def test_an_unknown_number_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No case numbered “C-424242”"):
        _explain("C-424242")
