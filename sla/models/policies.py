"""Versioned service level policy (SLP-5, SLP-11, SLP-17): targets per priority, in force from a date."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.limits import NOTE_MAX_CHARS, max_chars

# SLP-17: written notice at least 30 days before a change takes effect.
NOTICE_PERIOD = timedelta(days=30)


class Priority(models.TextChoices):
    """SLP-4 priorities."""

    P1 = "P1", _("P1 - Urgent")
    P2 = "P2", _("P2 - Critical")
    P3 = "P3", _("P3 - Medium")
    P4 = "P4", _("P4 - Low")


class PolicyVersionQuerySet(models.QuerySet):
    def published(self) -> PolicyVersionQuerySet:
        return self.filter(status=PolicyVersion.Status.PUBLISHED)

    def in_force_at(self, at) -> PolicyVersionQuerySet:
        """Return the published versions already effective at `at`, latest first."""
        return self.published().filter(effective_from__lte=at).order_by("-effective_from")


class PolicyVersion(models.Model):
    """One edition of the policy's figures; a change is a new version, never an edit."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    name = models.CharField(_("name"), max_length=100, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    effective_from = models.DateTimeField(
        _("effective from"),
        help_text=_("Cases received from this instant on are held to this version."),
    )
    notice_sent_at = models.DateTimeField(
        _("notice sent at"),
        null=True,
        blank=True,
        help_text=_("When customers were told; at least 30 days before it takes effect (SLP-17)."),
    )
    warning_threshold = models.PositiveSmallIntegerField(
        _("warning threshold (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("Warn staff when this share of a target is used."),
    )
    reopen_window_days = models.PositiveSmallIntegerField(
        _("reopen window (days)"),
        default=14,
        validators=[MinValueValidator(1)],
        help_text=_("A customer may reopen a resolved case within this many days."),
    )
    notes = models.TextField(_("notes"), blank=True, validators=[max_chars(NOTE_MAX_CHARS)])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-effective_from"]
        constraints = [
            # Which version is in force at any instant must never be ambiguous.
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=Q(status="published"),
                name="sla_policy_one_published_per_instant",
                violation_error_message=_(
                    "Another published version already takes effect at this instant."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(notice_sent_at__isnull=False),
                name="sla_policy_published_has_notice",
                violation_error_message=_(
                    "A published version needs the date its notice went out."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.notice_sent_at is None or self.effective_from is None:
            return
        if self.effective_from < self.notice_sent_at + NOTICE_PERIOD:
            raise ValidationError({"effective_from": notice_period_error(self.notice_sent_at)})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def is_in_force(self, at=None) -> bool:
        """Return True once published and effective: from then on it is never edited."""
        return self.is_published and self.effective_from <= (at or timezone.now())


def notice_period_error(notice_sent_at) -> ValidationError:
    """Return the SLP-17 error for a version taking effect too soon after its notice."""
    earliest = timezone.localtime(notice_sent_at + NOTICE_PERIOD)
    return ValidationError(
        _(
            "A version takes effect at least 30 days after its notice (SLP-17): "
            "with notice sent %(notice)s, the earliest is %(earliest)s."
        ),
        params={
            "notice": f"{timezone.localtime(notice_sent_at):%Y-%m-%d %H:%M %Z}",
            "earliest": f"{earliest:%Y-%m-%d %H:%M %Z}",
        },
        code="notice_too_late",
    )


class PolicyTarget(models.Model):
    """The figures of one priority in one version, in support minutes (SLP-5, SLP-11)."""

    version = models.ForeignKey(
        PolicyVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="targets"
    )
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(
        _("response (support minutes)"), validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (support minutes)"), validators=[MinValueValidator(1)]
    )
    update_minutes = models.PositiveIntegerField(
        _("status update every (support minutes)"),
        validators=[MinValueValidator(1)],
        help_text=_("Cadence of status updates to the technical contact (SLP-11)."),
    )
    to_confirm = models.BooleanField(
        _("to confirm"),
        default=False,
        help_text=_(
            "The figure interprets an ambiguous passage of the policy text and awaits confirmation."
        ),
    )
    note = models.TextField(_("note"), blank=True, validators=[max_chars(NOTE_MAX_CHARS)])

    class Meta:
        verbose_name = _("policy target")
        verbose_name_plural = _("policy targets")
        ordering = ["version", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "priority"],
                name="sla_target_one_per_priority",
                violation_error_message=_("This version already has targets for that priority."),
            ),
            models.CheckConstraint(
                condition=Q(response_minutes__lte=models.F("resolution_minutes")),
                name="sla_target_response_within_resolution",
                violation_error_message=_(
                    "The response target cannot exceed the resolution target."
                ),
            ),
            models.CheckConstraint(
                condition=Q(response_minutes__gt=0)
                & Q(resolution_minutes__gt=0)
                & Q(update_minutes__gt=0),
                name="sla_target_minutes_positive",
                violation_error_message=_("Targets are positive numbers of support minutes."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.priority}"

    def clean(self) -> None:
        if self.response_minutes is None or self.resolution_minutes is None:
            return
        if self.response_minutes > self.resolution_minutes:
            raise ValidationError(
                {
                    "response_minutes": ValidationError(
                        _(
                            "The response target (%(response)s min) cannot exceed the "
                            "resolution target (%(resolution)s min)."
                        ),
                        params={
                            "response": self.response_minutes,
                            "resolution": self.resolution_minutes,
                        },
                        code="response_after_resolution",
                    )
                }
            )
