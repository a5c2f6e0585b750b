"""Policy versions (SLP-5, SLP-11, SLP-17): drafts, publication, and the version in force."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sla.clocks import Target
from sla.models import PolicyTarget, PolicyVersion, Priority
from sla.models.policies import NOTICE_PERIOD, notice_period_error

_COPIED_FIELDS = ("warning_threshold", "reopen_window_days")
_TARGET_FIELDS = ("response_minutes", "resolution_minutes", "update_minutes", "to_confirm", "note")
_EDITABLE_FIELDS = ("name", "effective_from", "notice_sent_at", "notes", *_COPIED_FIELDS)


def _refuse_if_published(version: PolicyVersion, *, now: datetime | None = None) -> None:
    """Refuse any change to a published version: its terms are what customers were told."""
    if version.is_in_force(now):
        raise ValidationError(
            _("Version “%(name)s” is in force and is never edited: create a new version."),
            params={"name": version.name},
            code="in_force",
        )
    if version.is_published:
        raise ValidationError(
            _(
                "Version “%(name)s” is published and its notice went out: withdraw it to a "
                "draft before changing it."
            ),
            params={"name": version.name},
            code="published",
        )


def _locked(version: PolicyVersion) -> PolicyVersion:
    """Return the version's row, locked for this transaction, with its current status."""
    return PolicyVersion.objects.select_for_update().get(pk=version.pk)


@transaction.atomic
def policy_version_create_draft(
    *,
    name: str,
    effective_from: datetime,
    based_on: PolicyVersion | None = None,
    notes: str = "",
    **fields,
) -> PolicyVersion:
    """Create a draft version, copying figures and targets from `based_on` when given."""
    unknown = set(fields) - set(_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown policy version fields: {', '.join(sorted(unknown))}")
    if based_on is not None:
        for field in _COPIED_FIELDS:
            fields.setdefault(field, getattr(based_on, field))
    version = PolicyVersion(name=name, effective_from=effective_from, notes=notes, **fields)
    version.full_clean()
    version.save()
    if based_on is not None:
        PolicyTarget.objects.bulk_create(
            PolicyTarget(
                version=version,
                priority=target.priority,
                **{field: getattr(target, field) for field in _TARGET_FIELDS},
            )
            for target in based_on.targets.all()
        )
    return version


@transaction.atomic
def policy_version_update_draft(*, version: PolicyVersion, **changes) -> PolicyVersion:
    """Change a draft's name, dates, threshold or notes; published versions are refused."""
    unknown = set(changes) - set(_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown policy version fields: {', '.join(sorted(unknown))}")
    current = _locked(version)
    _refuse_if_published(current)
    for field, value in changes.items():
        setattr(current, field, value)
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def policy_version_set_targets(
    *, version: PolicyVersion, targets: Mapping[str, Mapping[str, object]]
) -> list[PolicyTarget]:
    """Set the targets of the given priorities on a draft; other priorities stay as they are."""
    current = _locked(version)
    _refuse_if_published(current)
    saved = []
    for priority, values in targets.items():
        if priority not in Priority.values:
            raise ValidationError({"priority": _("Unknown priority %(p)s.") % {"p": priority}})
        unknown = set(values) - set(_TARGET_FIELDS)
        if unknown:
            raise TypeError(f"unknown target fields: {', '.join(sorted(unknown))}")
        target = PolicyTarget.objects.filter(version=current, priority=priority).first()
        target = target or PolicyTarget(version=current, priority=priority)
        for field, value in values.items():
            setattr(target, field, value)
        target.full_clean()
        target.save()
        saved.append(target)
    return saved


@transaction.atomic
def policy_version_publish(
    *, version: PolicyVersion, notice_sent_at: datetime, now: datetime | None = None
) -> PolicyVersion:
    """Publish a draft whose notice went out at `notice_sent_at` (SLP-17).

    The caller records when the notice was sent; sending it (issue 7) happens before this call
    and passes its own timestamp, so this function stays the single place the rules live.
    """
    now = now or timezone.now()
    current = _locked(version)
    _refuse_if_published(current, now=now)
    _check_publishable(current, notice_sent_at=notice_sent_at, now=now)
    current.status = PolicyVersion.Status.PUBLISHED
    current.notice_sent_at = notice_sent_at
    current.published_at = now
    try:
        with transaction.atomic():
            current.save(update_fields=["status", "notice_sent_at", "published_at"])
    except IntegrityError:
        # Lost a race with another publication at the same instant.
        raise ValidationError({"effective_from": _same_instant_error()}) from None
    return current


def _check_publishable(version: PolicyVersion, *, notice_sent_at: datetime, now: datetime) -> None:
    """Raise a ValidationError naming the field of every publication rule broken."""
    if notice_sent_at is None:
        raise ValidationError(
            {"notice_sent_at": _("A version cannot be published before its notice is sent.")}
        )
    if timezone.is_naive(notice_sent_at):
        raise ValidationError({"notice_sent_at": _("Give the notice time with its time zone.")})
    if notice_sent_at > now:
        raise ValidationError({"notice_sent_at": _("The notice time cannot be in the future.")})
    if version.effective_from < notice_sent_at + NOTICE_PERIOD:
        raise ValidationError({"effective_from": notice_period_error(notice_sent_at)})
    if version.effective_from <= now:
        # Cases already received were held to the version then in force; never rewrite that.
        raise ValidationError({"effective_from": _("A version cannot take effect in the past.")})
    missing = set(Priority.values) - set(version.targets.values_list("priority", flat=True))
    if missing:
        raise ValidationError(
            {
                "targets": _("Targets are missing for %(list)s.")
                % {"list": ", ".join(sorted(missing))}
            }
        )
    for target in version.targets.all():
        target.full_clean()
    clash = PolicyVersion.objects.published().filter(effective_from=version.effective_from)
    if clash.exclude(pk=version.pk).exists():
        raise ValidationError({"effective_from": _same_instant_error()})


def _same_instant_error() -> str:
    return _("Another published version already takes effect at this instant.")


@transaction.atomic
def policy_version_withdraw(
    *, version: PolicyVersion, now: datetime | None = None
) -> PolicyVersion:
    """Return a published version that is not yet in force to draft."""
    now = now or timezone.now()
    current = _locked(version)
    if not current.is_published:
        raise ValidationError({"status": _("Only a published version can be withdrawn.")})
    if current.is_in_force(now):
        raise ValidationError(
            {"status": _("A version in force cannot be withdrawn: publish a new version.")}
        )
    # The changed terms will need a fresh notice; the old one is kept in the notes.
    withdrawn = _("Withdrawn %(now)s; its notice of %(notice)s no longer applies.") % {
        "now": f"{now:%Y-%m-%d %H:%M %Z}",
        "notice": f"{current.notice_sent_at:%Y-%m-%d %H:%M %Z}",
    }
    current.status = PolicyVersion.Status.DRAFT
    current.published_at = None
    current.notice_sent_at = None
    current.notes = f"{current.notes}\n{withdrawn}".strip()
    current.save(update_fields=["status", "published_at", "notice_sent_at", "notes"])
    return current


def policy_version_in_force(*, at: datetime) -> PolicyVersion:
    """Return the published version with the latest effective_from at or before `at`."""
    if timezone.is_naive(at):
        raise ValueError(f"policy_version_in_force needs an aware datetime, not {at!r}")
    version = PolicyVersion.objects.in_force_at(at).first()
    if version is None:
        raise PolicyVersion.DoesNotExist(f"No published policy version is in force at {at}.")
    return version


def policy_targets(version: PolicyVersion) -> dict[Priority, Target]:
    """Return the version's targets per priority, as plain values for the clock code."""
    return {
        Priority(target.priority): Target(
            response_minutes=target.response_minutes,
            resolution_minutes=target.resolution_minutes,
            update_minutes=target.update_minutes,
            warning_threshold=version.warning_threshold,
        )
        for target in version.targets.all()
    }
