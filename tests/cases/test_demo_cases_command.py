"""`seed_demo` seeds the demo cases with the rest of the demo world, once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

import cases.demo
from cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_seed_demo_seeds_the_cases_once(monkeypatch, time_machine):
    # The demo's notices are about release 2027, shipped 2026-10-15: seed after that.
    time_machine.move_to(dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC), tick=False)
    monkeypatch.setattr(cases.demo, "DEMO_CASE_COUNT", 12)
    out = io.StringIO()

    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)

    lines = [line for line in out.getvalue().splitlines() if line.startswith("demo cases")]
    assert lines == ["demo cases created=12", "demo cases created=0"]
    assert Case.objects.count() == 12
