"""The demo looks like a working support team whenever it is seeded (issue 15, Deliver 1).

Seeded in full (300 cases) at a weekday afternoon and on a Sunday: support hours are counted
by each site's calendar, so the open cases must be on track, at risk and breached in the same
shares whether support is open or not.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import QuerySet
from django.test import override_settings

import cases.demo
from cases.admin.filters import at_risk_q, breached_q
from cases.demo import DEMO_CASE_COUNT, DEMO_DAYS
from cases.models import OPEN_STATUSES, Case, ClockState, Status
from cases.services.clocks import case_clocks
from contracts.models import User
from portal.management.commands import rundemo
from portal.models import Brand
from sla.clocks import ClockStatus

# Two full 300-case seeds (about 30 s each): CI runs them once, on PostgreSQL.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

BASE_DIR = Path(__file__).resolve().parents[2]
# 16:00 in Paris, 10:00 in New York, midnight in Tokyo; then a Sunday, every calendar closed.
INSTANTS = {
    "wednesday": datetime(2026, 12, 9, 15, 0, tzinfo=UTC),
    "sunday": datetime(2026, 12, 13, 11, 0, tzinfo=UTC),
}


@dataclass(frozen=True)
class _Seeded:
    now: datetime
    rehearsals: int  # stories played on the pure clock code only, to place the cases in time
    queries: int


@pytest.fixture(scope="module", params=list(INSTANTS))
def seeded(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """Run seed_demo with every case at one instant, rolled back after the module's tests."""
    now = INSTANTS[request.param]
    plays, queries = [], []
    play = cases.demo._play

    def counted(story):
        plays.append(story.case is None)
        return play(story)

    def query(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
    )
    with django_db_blocker.unblock(), fast, pytest.MonkeyPatch.context() as patch:
        patch.setattr(cases.demo, "DEMO_CASE_COUNT", DEMO_CASE_COUNT)
        patch.setattr(cases.demo, "_play", counted)
        with time_machine.travel(now, tick=False), transaction.atomic():
            with connection.execute_wrapper(query):
                call_command("seed_demo", stdout=io.StringIO())
            yield _Seeded(now, rehearsals=sum(plays), queries=len(queries))
            transaction.set_rollback(True)


def _open() -> QuerySet[Case]:
    return Case.objects.filter(status__in=OPEN_STATUSES)


def test_most_open_cases_are_on_track_some_at_risk_a_few_breached(seeded):
    # As the staff queue's SLA filter counts them.
    total = _open().count()
    breached = _open().filter(breached_q(seeded.now)).count()
    at_risk = _open().filter(at_risk_q(seeded.now)).exclude(breached_q(seeded.now)).count()
    on_track = total - breached - at_risk

    assert total >= 0.3 * DEMO_CASE_COUNT
    assert 0.70 <= on_track / total <= 0.80
    assert 0.10 <= at_risk / total <= 0.15
    assert 0.05 <= breached / total <= 0.10


def test_a_breached_case_is_late_by_a_fraction_of_its_target_not_by_weeks(seeded):
    breached = list(_open().filter(breached_q(seeded.now)))

    assert breached
    for case in breached:
        clocks = [c for c in case_clocks(case, now=seeded.now) if c.state is ClockStatus.BREACHED]
        assert clocks, case.number
        assert max(c.used_minutes / c.target_minutes for c in clocks) <= 1.6, case.number


def test_open_cases_are_in_every_open_status(seeded):
    assert set(_open().values_list("status", flat=True)) == set(OPEN_STATUSES)


def test_the_last_60_days_met_most_targets_and_missed_some(seeded):
    done = Case.objects.filter(status__in=[Status.RESOLVED, Status.CLOSED])
    states = [
        *done.values_list("response_state", flat=True),
        *done.values_list("resolution_state", flat=True),
    ]
    met, missed = states.count(ClockState.MET), states.count(ClockState.MISSED)

    assert done.count() >= 0.5 * DEMO_CASE_COUNT
    assert 0.85 <= met / (met + missed) <= 0.90
    assert not done.filter(received_at__lt=seeded.now - timedelta(days=DEMO_DAYS + 1)).exists()
    assert done.filter(resolved_at__gte=seeded.now - timedelta(days=2)).exists()


def test_case_numbers_follow_arrival(seeded):
    numbers = list(Case.objects.order_by("received_at", "pk").values_list("number", flat=True))

    assert len(numbers) == DEMO_CASE_COUNT
    assert numbers == sorted(numbers)


def test_seeding_stays_fast(seeded):
    # Placing a case in time takes a few rehearsals on the pure clock code (microseconds);
    # the cost is the services' queries, about what the stories wrote before they were planned.
    assert seeded.rehearsals <= 5 * DEMO_CASE_COUNT
    assert seeded.queries <= 135 * DEMO_CASE_COUNT


# --- what the newcomer is told: logins, the branded host, a TOTP code ---------------------


def test_the_banner_names_every_login_the_branded_portal_and_how_to_get_a_code(seeded):
    out = io.StringIO()
    command = rundemo.Command(stdout=out)

    command._print_banner("127.0.0.1:8000")

    text = out.getvalue()
    assert "Northwind Support, a partner's branded portal: http://northwind.localhost:8000/" in text
    assert "manage.py totp" in text
    for user in User.objects.filter(email__endswith="@demo.test"):
        assert f"    {user.email} " in text, user.email
    assert "Great Lakes Tooling (end customer of Northwind CAM Distribution): portal admin" in text
    assert "Kaizen Machine Tools (OEM): portal viewer" in text
    assert Brand.objects.get(host="northwind.localhost").organization.kind == "distributor"


def test_the_branded_host_is_allowed_in_debug_and_nothing_else_is(tmp_path):
    check = (
        "from django.conf import settings; from django.http.request import validate_host; "
        "print([validate_host(h, settings.ALLOWED_HOSTS) for h in "
        "('northwind.localhost', 'localhost', '127.0.0.1', 'northwind.example')])"
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    env |= {"DEBUG": "true", "VAR_DIR": str(tmp_path)}

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", check],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[True, True, True, False]"
