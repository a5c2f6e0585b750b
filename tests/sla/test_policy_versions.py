"""Policy versions (SLP-5, SLP-11, SLP-17): the seeded text, the rules, the version in force."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sla.clocks import Target, Targets
from sla.models import PolicyTarget, PolicyVersion, Priority
from sla.services.policies import (
    policy_targets,
    policy_version_create_draft,
    policy_version_in_force,
    policy_version_publish,
    policy_version_set_targets,
    policy_version_update_draft,
    policy_version_withdraw,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SLP5 = {
    "P1": {"response_minutes": 150, "resolution_minutes": 480, "update_minutes": 120},
    "P2": {"response_minutes": 480, "resolution_minutes": 1440, "update_minutes": 480},
    "P3": {"response_minutes": 1440, "resolution_minutes": 2880, "update_minutes": 1440},
    "P4": {"response_minutes": 2880, "resolution_minutes": 3600, "update_minutes": 2880},
}


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def seeded() -> PolicyVersion:
    return PolicyVersion.objects.get(name="CONNECT SLP 1")


def draft(
    name: str = "SLP 2", *, effective_from: datetime | None = None, **fields
) -> PolicyVersion:
    version = policy_version_create_draft(
        name=name, effective_from=effective_from or NOW + timedelta(days=45), **fields
    )
    policy_version_set_targets(version=version, targets=SLP5)
    return version


def error_fields(caught: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return list(caught.value.message_dict)


# The seeded version -------------------------------------------------------------------------------


def test_the_first_version_holds_the_slp5_targets():
    version = seeded()
    assert version.is_published
    assert version.effective_from == datetime(2020, 1, 1, tzinfo=UTC)
    assert version.effective_from - version.notice_sent_at >= timedelta(days=30)
    assert version.warning_threshold == 75
    assert version.reopen_window_days == 14
    figures = {
        t.priority: {
            "response_minutes": t.response_minutes,
            "resolution_minutes": t.resolution_minutes,
            "update_minutes": t.update_minutes,
        }
        for t in version.targets.all()
    }
    assert figures == SLP5


def test_the_p4_resolution_is_flagged_to_confirm_with_its_reading():
    targets = {t.priority: t for t in seeded().targets.all()}
    assert targets["P4"].to_confirm
    assert "2 ½D" in targets["P4"].note
    assert not any(targets[p].to_confirm for p in ("P1", "P2", "P3"))


def test_policy_targets_are_plain_values_the_clock_code_accepts():
    targets = policy_targets(seeded())
    assert targets[Priority.P1] == Target(
        response_minutes=150, resolution_minutes=480, update_minutes=120, warning_threshold=75
    )
    table = Targets(targets, warning_threshold=75)
    assert table.of("P2").resolution_minutes == 1440


# Target rules (SLP-5) -----------------------------------------------------------------------------


def test_a_response_target_longer_than_the_resolution_is_refused_on_response():
    version = policy_version_create_draft(name="Bad", effective_from=NOW + timedelta(days=40))
    with pytest.raises(ValidationError) as caught:
        policy_version_set_targets(
            version=version,
            targets={
                "P1": {"response_minutes": 600, "resolution_minutes": 480, "update_minutes": 60}
            },
        )
    assert error_fields(caught) == ["response_minutes"]
    assert not version.targets.exists()


@pytest.mark.parametrize("field", ["response_minutes", "resolution_minutes", "update_minutes"])
@pytest.mark.parametrize("value", [0, -5])
def test_target_minutes_must_be_positive(field, value):
    version = policy_version_create_draft(name="Zero", effective_from=NOW + timedelta(days=40))
    values = dict(SLP5["P3"], **{field: value})
    with pytest.raises(ValidationError) as caught:
        policy_version_set_targets(version=version, targets={"P3": values})
    assert field in error_fields(caught)


def test_the_database_refuses_a_response_longer_than_the_resolution():
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyTarget.objects.create(
            version=seeded(),
            priority="P1",
            response_minutes=500,
            resolution_minutes=480,
            update_minutes=60,
        )


# Notice period (SLP-17) ---------------------------------------------------------------------------


def test_a_draft_taking_effect_within_30_days_of_its_notice_is_refused_on_effective_from():
    with pytest.raises(ValidationError) as caught:
        policy_version_create_draft(
            name="Too soon",
            effective_from=NOW + timedelta(days=29, hours=23),
            notice_sent_at=NOW,
        )
    assert error_fields(caught) == ["effective_from"]
    assert "at least 30 days" in caught.value.messages[0]
    assert not PolicyVersion.objects.filter(name="Too soon").exists()


def test_a_draft_may_have_no_notice_but_cannot_be_published_without_one():
    version = draft()
    assert version.notice_sent_at is None
    with pytest.raises(ValidationError) as caught:
        policy_version_publish(version=version, notice_sent_at=None)
    assert error_fields(caught) == ["notice_sent_at"]
    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.DRAFT


def test_publishing_29_days_after_the_notice_is_refused():
    version = draft(effective_from=NOW + timedelta(days=29))
    with pytest.raises(ValidationError) as caught:
        policy_version_publish(version=version, notice_sent_at=NOW)
    assert error_fields(caught) == ["effective_from"]


def test_publishing_exactly_30_days_after_the_notice_is_accepted():
    version = draft(effective_from=NOW + timedelta(days=30))
    published = policy_version_publish(version=version, notice_sent_at=NOW)
    version.refresh_from_db()
    assert version.is_published
    assert version.notice_sent_at == NOW
    assert version.published_at == NOW
    assert published.pk == version.pk


def test_a_notice_time_in_the_future_is_refused():
    version = draft(effective_from=NOW + timedelta(days=60))
    with pytest.raises(ValidationError) as caught:
        policy_version_publish(version=version, notice_sent_at=NOW + timedelta(days=1))
    assert error_fields(caught) == ["notice_sent_at"]


def test_a_version_cannot_be_published_to_take_effect_in_the_past():
    version = draft(effective_from=NOW - timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        policy_version_publish(version=version, notice_sent_at=NOW - timedelta(days=40))
    assert error_fields(caught) == ["effective_from"]


def test_a_version_missing_a_priority_cannot_be_published():
    version = policy_version_create_draft(name="Partial", effective_from=NOW + timedelta(days=40))
    policy_version_set_targets(version=version, targets={"P1": SLP5["P1"]})
    with pytest.raises(ValidationError) as caught:
        policy_version_publish(version=version, notice_sent_at=NOW)
    assert error_fields(caught) == ["targets"]
    assert "P2, P3, P4" in caught.value.messages[0]


def test_the_database_refuses_a_published_version_without_notice():
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.create(name="Sneaky", status="published", effective_from=NOW)


# One version in force at any instant --------------------------------------------------------------


def test_two_published_versions_cannot_take_effect_at_the_same_instant():
    when = NOW + timedelta(days=40)
    policy_version_publish(version=draft("A", effective_from=when), notice_sent_at=NOW)
    with pytest.raises(ValidationError) as caught:
        policy_version_publish(version=draft("B", effective_from=when), notice_sent_at=NOW)
    assert error_fields(caught) == ["effective_from"]
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.filter(name="B").update(status="published", notice_sent_at=NOW)


def test_the_version_in_force_changes_exactly_at_effective_from():
    when = NOW + timedelta(days=40)
    new = policy_version_publish(version=draft(effective_from=when), notice_sent_at=NOW)
    assert policy_version_in_force(at=when - timedelta(microseconds=1)) == seeded()
    assert policy_version_in_force(at=when) == new
    assert policy_version_in_force(at=when + timedelta(days=400)) == new
    assert policy_version_in_force(at=NOW) == seeded()


def test_a_draft_is_never_in_force():
    draft(effective_from=NOW + timedelta(days=1))
    assert policy_version_in_force(at=NOW + timedelta(days=2)) == seeded()


def test_no_version_is_in_force_before_the_first():
    with pytest.raises(PolicyVersion.DoesNotExist, match="No published policy version"):
        policy_version_in_force(at=datetime(2019, 12, 31, 23, 59, tzinfo=UTC))


def test_the_version_in_force_needs_an_aware_instant():
    with pytest.raises(ValueError, match="aware"):
        policy_version_in_force(at=datetime(2026, 1, 1))


# Published versions are never edited --------------------------------------------------------------


def test_a_version_in_force_refuses_new_targets():
    with pytest.raises(ValidationError, match="in force and is never edited"):
        policy_version_set_targets(version=seeded(), targets={"P1": SLP5["P2"]})
    assert seeded().targets.get(priority="P1").response_minutes == 150


def test_a_version_in_force_refuses_new_dates():
    with pytest.raises(ValidationError, match="in force"):
        policy_version_update_draft(version=seeded(), effective_from=NOW + timedelta(days=90))


def test_a_published_version_not_yet_in_force_refuses_edits_until_withdrawn():
    version = policy_version_publish(
        version=draft(effective_from=NOW + timedelta(days=40)), notice_sent_at=NOW
    )
    with pytest.raises(ValidationError, match="withdraw it"):
        policy_version_set_targets(version=version, targets={"P1": SLP5["P2"]})
    withdrawn = policy_version_withdraw(version=version)
    assert withdrawn.status == PolicyVersion.Status.DRAFT
    assert withdrawn.notice_sent_at is None
    assert "no longer applies" in withdrawn.notes
    policy_version_set_targets(version=withdrawn, targets={"P1": SLP5["P2"]})


def test_a_version_in_force_cannot_be_withdrawn():
    with pytest.raises(ValidationError, match="in force"):
        policy_version_withdraw(version=seeded())


def test_a_version_cannot_be_published_twice():
    with pytest.raises(ValidationError, match="in force"):
        policy_version_publish(version=seeded(), notice_sent_at=NOW)


def test_a_stale_copy_of_a_published_version_is_still_refused():
    version = draft(effective_from=NOW + timedelta(days=40))
    stale = PolicyVersion.objects.get(pk=version.pk)
    policy_version_publish(version=version, notice_sent_at=NOW)
    with pytest.raises(ValidationError, match="published"):
        policy_version_set_targets(version=stale, targets={"P1": SLP5["P2"]})


# Drafts -------------------------------------------------------------------------------------------


def test_a_draft_based_on_a_version_copies_its_targets_and_figures():
    source = seeded()
    copy = policy_version_create_draft(
        name="SLP 2", effective_from=NOW + timedelta(days=40), based_on=source
    )
    assert copy.status == PolicyVersion.Status.DRAFT
    assert copy.warning_threshold == source.warning_threshold
    assert policy_targets(copy) == policy_targets(source)
    assert copy.targets.get(priority="P4").to_confirm


def test_a_draft_can_change_its_threshold_and_reopen_window():
    version = draft(warning_threshold=80, reopen_window_days=10)
    assert policy_targets(version)[Priority.P3].warning_threshold == 80
    policy_version_update_draft(version=version, reopen_window_days=21)
    version.refresh_from_db()
    assert version.reopen_window_days == 21


def test_a_warning_threshold_of_100_percent_or_more_is_refused():
    with pytest.raises(ValidationError) as caught:
        draft(warning_threshold=100)
    assert error_fields(caught) == ["warning_threshold"]
