"""The append-only timeline of a case, and its attachments."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from common.limits import COMMENT_MAX_CHARS, max_chars


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Case received")
    COMMENT = "comment", _("Comment")
    STATUS = "status", _("Status changed")
    PRIORITY = "priority", _("Priority set")
    ASSIGNMENT = "assignment", _("Assigned")
    CLASSIFICATION = "classification", _("Classified")
    INFO_REQUESTED = "info_requested", _("Information requested")
    INFO_RECEIVED = "info_received", _("Information received")
    RESPONSE = "response", _("First response")
    RESOLUTION = "resolution", _("Resolution recorded")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn as out of scope")
    ESCALATION = "escalation", _("Escalated")
    SLA_WARNING = "sla_warning", _("SLA warning")
    SLA_BREACH = "sla_breach", _("SLA breach")
    UPDATE_REMINDER = "update_reminder", _("Status update due")
    ATTACHMENT = "attachment", _("Attachment added")
    # The customer's rating of a resolution (cases.models.satisfaction), one kind per answer
    # so that the timeline and the events' filter read it without a lookup.
    RATED_GOOD = "rated_good", _("Customer rating: satisfied")
    RATED_BAD = "rated_bad", _("Customer rating: not satisfied")


class CaseEvent(models.Model):
    """One change to a case: who, when, what, the old and the new value.

    Rows are only ever added; the clocks are recomputed from them.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("what"), max_length=20, choices=EventKind.choices)
    public = models.BooleanField(
        _("visible to the customer"),
        default=True,
        help_text=_("Internal notes and staff-only events are never shown to customers."),
    )
    body = models.TextField(_("text"), blank=True, validators=[max_chars(COMMENT_MAX_CHARS)])
    old_value = models.CharField(_("old value"), max_length=200, blank=True)
    new_value = models.CharField(_("new value"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Timeline events are append-only: add a new event instead.")
        super().save(*args, **kwargs)


def attachment_path(instance: Attachment, filename: str) -> str:
    """Store uploads under a random name; the original name is kept on the row."""
    return f"attachments/{instance.case_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Attachment(models.Model):
    """A file attached to a case, served only through an access-checked download view."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.OneToOneField(
        CaseEvent, on_delete=models.CASCADE, related_name="attachment", null=True
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    public = models.BooleanField(_("visible to the customer"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
