"""`manage.py sla_sweep` and the beat task: one summary line, the same service."""

from __future__ import annotations

from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command

from cases.models import CaseEvent, EventKind
from cases.services.sweep import sla_sweep_task
from portal.celery import app as celery_app
from tests.cases.sweep_fixtures import (  # noqa: F401 (fixtures are found by name)
    chicago,
    fixture_fresh_engines,
    fixture_open_sweep_case,
    fixture_sweep_world,
)

# A P1 case received Tuesday 09:00 in Chicago: warning at 10:53, response due at 11:30.


@pytest.fixture
def p1_case(open_sweep_case, staff_supervisor):
    return open_sweep_case(chicago(3, 9))


def _run(*args: str) -> str:
    out = StringIO()
    call_command("sla_sweep", *args, stdout=out)
    return out.getvalue()


def test_it_prints_exactly_one_summary_line(p1_case):
    assert _run("--now", "2026-03-03T16:53:00Z") == "warnings=1 breaches=0 reminders=0\n"
    assert _run("--now", "2026-03-03T11:30-06:00") == "warnings=0 breaches=1 reminders=0\n"
    assert _run("--now", "2026-03-03T11:30-06:00") == "warnings=0 breaches=0 reminders=0\n"


def test_without_now_it_sweeps_as_of_the_current_time(p1_case):
    with time_machine.travel(chicago(3, 12), tick=False):
        assert _run() == "warnings=0 breaches=1 reminders=0\n"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("tomorrow", "must be an ISO date and time"),
        ("2026-03-03T11:30", "has no time zone"),
    ],
)
def test_a_bad_now_is_refused_clearly_and_changes_nothing(p1_case, value, message):
    with pytest.raises(CommandError, match=message):
        _run("--now", value)
    assert not CaseEvent.objects.filter(kind__startswith="sla_").exists()


def test_the_task_runs_the_sweep_and_returns_its_counts(p1_case):
    with time_machine.travel(chicago(3, 11, 30), tick=False):
        assert sla_sweep_task.delay().get() == {"warnings": 0, "breaches": 1, "reminders": 0}
        assert sla_sweep_task.delay().get() == {"warnings": 0, "breaches": 0, "reminders": 0}
    assert CaseEvent.objects.filter(kind=EventKind.SLA_BREACH).count() == 1


def test_beat_runs_the_sweep_task_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["sla-sweep"]

    assert entry["schedule"] == 60.0
    assert entry["task"] == sla_sweep_task.name
    assert entry["task"] in celery_app.tasks
