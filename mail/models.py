"""Email: the outbox (every email a transaction decides to send is a row) and who wants what."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    """The kinds of optional email a person may turn off; every other email is always sent."""

    CASES = "cases", _("My cases: receipts, replies, resolutions and SLA notices")
    ORGANIZATION_CASES = "organization_cases", _("Every case of my organisation (admins)")
    STAFF_ALERTS = "staff_alerts", _("SLA warnings and status-update reminders (staff)")
    SCHEDULED_UPDATES = "scheduled_updates", _("Scheduled software update notices")


class OutboxMessage(models.Model):
    """One email, written in the sender's transaction and delivered after commit."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BUNDLED = "bundled", _("Sent in a digest")
        SKIPPED = "skipped", _("Not sent: the recipient turned this kind of email off")

    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=200,
        unique=True,
        help_text=_("The same key is never sent twice."),
    )
    to_email = models.EmailField(_("recipient"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    template = models.CharField(_("template"), max_length=100)
    context = models.JSONField(_("context"), default=dict, blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    topic = models.CharField(
        _("kind of email"),
        max_length=20,
        choices=Topic.choices,
        blank=True,
        help_text=_("Empty for an email that is always sent."),
    )
    digest = models.CharField(
        _("digest"),
        max_length=100,
        blank=True,
        help_text=_(
            "Messages of one digest to one recipient that fall due together go out as one "
            "email rendered with this template."
        ),
    )
    bundled_into = models.ForeignKey(
        "self",
        verbose_name=_("sent in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bundled",
    )

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The flush task looks for work by state and due time.
            models.Index(fields=["state", "next_attempt_at"], name="outbox_state_due_idx"),
            # Bundling looks for the pending messages of a digest (the few, never the many).
            models.Index(
                fields=["digest", "to_email"],
                name="outbox_digest_pending_idx",
                condition=models.Q(state="pending") & ~models.Q(digest=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.to_email} ({self.get_state_display()})"


class ContactPreference(models.Model):
    """Which optional emails a person receives; the emails of no Topic are always sent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="contact_preference",
    )
    cases_opt_out = models.BooleanField(_("no emails about my cases"), default=False)
    organization_cases_opt_in = models.BooleanField(
        _("emails about every case of my organisation"), default=False
    )
    staff_alerts_opt_out = models.BooleanField(
        _("no SLA warnings and reminders"),
        default=False,
        help_text=_("Breach alerts and escalation requests are still sent (SLP-12)."),
    )
    scheduled_updates_opt_out = models.BooleanField(
        _("no scheduled update notices"),
        default=False,
        help_text=_("Urgent update notices and policy-change notices are still sent."),
    )
    # Counts changes: an unsubscribe link carries the value it was made with, so a change of
    # preference revokes every link sent before it.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")

    def __str__(self) -> str:
        return str(self.user)

    def receives(self, topic: str) -> bool:
        """Tell whether the person receives the emails of this topic (any other: always)."""
        return {
            Topic.CASES: not self.cases_opt_out,
            Topic.ORGANIZATION_CASES: self.organization_cases_opt_in,
            Topic.STAFF_ALERTS: not self.staff_alerts_opt_out,
            Topic.SCHEDULED_UPDATES: not self.scheduled_updates_opt_out,
        }.get(topic, True)


# The field of each topic and the value that means "receive": defaults before any choice.
TOPIC_FIELDS = {
    Topic.CASES: ("cases_opt_out", False),
    Topic.ORGANIZATION_CASES: ("organization_cases_opt_in", True),
    Topic.STAFF_ALERTS: ("staff_alerts_opt_out", False),
    Topic.SCHEDULED_UPDATES: ("scheduled_updates_opt_out", False),
}
