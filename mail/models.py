"""Email: the outbox (every email a transaction decides to send is a row) and who wants what."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One email, written in the sender's transaction and delivered after commit."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BUNDLED = "bundled", _("Sent in a digest")

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
    """What a person chose to receive; urgent and policy notices are not optional."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="contact_preference",
    )
    scheduled_updates_opt_out = models.BooleanField(
        _("no scheduled update notices"),
        default=False,
        help_text=_("Urgent update notices and policy-change notices are still sent."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")

    def __str__(self) -> str:
        return str(self.user)
