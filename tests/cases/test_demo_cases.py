"""The demo's cases (issue 5, Deliver 8): every state, real timelines, written by the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.db.models import Max, Min
from django.test import override_settings

from cases.demo import DEMO_DAYS, seed_cases
from cases.models import Case, CaseEvent, EventKind, Status
from contracts.demo import DEMO_ORGS, seed_world
from tests.cases.conftest import T0

pytestmark = pytest.mark.django_db

COUNT = 120


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed the world and COUNT cases once for this module, rolled back after its last test."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    blocker = django_db_blocker.unblock()
    with blocker, time_machine.travel(T0, tick=False), media, transaction.atomic():
        seed_world()
        yield seed_cases(count=COUNT)
        transaction.set_rollback(True)


def test_it_creates_cases_in_every_status(demo):
    assert demo == COUNT
    assert Case.objects.count() == COUNT
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)


def test_a_second_run_creates_nothing(demo):
    events = CaseEvent.objects.count()

    assert seed_cases(count=COUNT) == 0

    assert (Case.objects.count(), CaseEvent.objects.count()) == (COUNT, events)


def test_timelines_span_the_last_60_days_and_never_the_future(demo):
    span = CaseEvent.objects.aggregate(first=Min("at"), last=Max("at"))

    assert span["first"] >= T0 - timedelta(days=DEMO_DAYS + 1)
    assert span["first"] < T0 - timedelta(days=DEMO_DAYS - 10)
    assert span["last"] <= T0


def test_every_case_came_through_intake_with_a_received_event(demo):
    received = CaseEvent.objects.filter(kind=EventKind.RECEIVED).values_list("case", flat=True)

    assert sorted(received) == sorted(Case.objects.values_list("pk", flat=True))


def test_each_status_is_the_one_its_timeline_ends_on(demo):
    for case in Case.objects.exclude(status=Status.NEW):
        last = case.events.filter(kind=EventKind.STATUS).order_by("at", "id").last()
        assert last.new_value == case.status, case.number


def test_the_stories_cover_escalations_defects_withdrawals_reopenings_and_breaches(demo):
    kinds = set(CaseEvent.objects.values_list("kind", flat=True))
    assert {
        EventKind.ESCALATION,
        EventKind.REOPENED,
        EventKind.WITHDRAWN,
        EventKind.SLA_BREACH,
        EventKind.INFO_RECEIVED,
        EventKind.RESOLUTION,
    } <= kinds
    assert Case.objects.filter(category__in=["bug", "defect"]).exists()
    assert Case.objects.filter(status=Status.WITHDRAWN, category="out_of_scope").exists()
    assert Case.objects.filter(escalation_level__gte=2).exists()
    assert CaseEvent.objects.filter(kind=EventKind.COMMENT, public=False).exists()


def test_cases_come_from_the_demo_organisations_and_their_staff(demo):
    names = {org.name for org in DEMO_ORGS}
    filers = set(Case.objects.values_list("organization__name", flat=True))
    assignees = set(Case.objects.values_list("assignee__email", flat=True))

    assert filers <= names and len(filers) >= 3
    assert {"agent@demo.test", "supervisor@demo.test"} <= assignees
    # Cases of end customers are filed by their partner (SLP-1).
    assert Case.objects.filter(end_customer__isnull=False).exists()
    assert not Case.objects.filter(organization__kind="end_customer").exists()


def test_open_cases_carry_their_clock_states_on_the_row(demo):
    open_cases = Case.objects.open()

    assert (
        open_cases.filter(response_state="breached").exists()
        or open_cases.filter(resolution_state="breached").exists()
    )
    assert not Case.objects.filter(status=Status.CLOSED, closed_at__isnull=True).exists()


def test_sweeps_remind_once_and_after_three_days_once_per_overdue_case(demo):
    # SLP-11 over time (issue 12): missed cadence windows are skipped, never replayed.
    from cases.services.sweep import sla_sweep

    with transaction.atomic():
        minutes = [sla_sweep(now=T0 + timedelta(minutes=m)).reminders for m in (1, 2, 3)]
        assert minutes[1:] == [0, 0]
        later = T0 + timedelta(days=3)
        before = dict(
            Case.objects.filter(next_update_due_at__lte=later).values_list("pk", "number")
        )
        reminded = sla_sweep(now=later).reminders
        per_case = CaseEvent.objects.filter(kind=EventKind.UPDATE_REMINDER, at=later).values_list(
            "case_id", flat=True
        )
        assert reminded == len(per_case) == len(set(per_case)) > 0
        assert set(per_case) <= set(before)
        assert [sla_sweep(now=later + timedelta(minutes=m)).reminders for m in (0, 1)] == [0, 0]
        transaction.set_rollback(True)
