"""Software update notices (SLP-2, SLP-14): notices, one delivery per person, reads."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.limits import NOTICE_BODY_MAX_CHARS, TITLE_MAX_CHARS, max_chars
from contracts.models import Release
from mail.models import OutboxMessage


class UpdateNoticeQuerySet(models.QuerySet):
    def published(self) -> UpdateNoticeQuerySet:
        """Return the notices whose delivery has started or finished."""
        return self.filter(status__in=[UpdateNotice.Status.PUBLISHING, UpdateNotice.Status.SENT])


class UpdateNotice(models.Model):
    """A software update notice to the technical contacts of sites on affected releases (SLP-14)."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled update")
        URGENT = "urgent", _("Urgent security or functional fix")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHING = "publishing", _("Sending")
        SENT = "sent", _("Sent")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    releases = models.ManyToManyField(
        Release,
        verbose_name=_("affected releases"),
        related_name="update_notices",
        help_text=_("Only the current and previous release of a product get updates (SLP-2)."),
    )
    title_en = models.CharField(_("title (English)"), max_length=TITLE_MAX_CHARS)
    title_fr = models.CharField(_("title (French)"), max_length=TITLE_MAX_CHARS, blank=True)
    body_en = models.TextField(_("body (English)"), validators=[max_chars(NOTICE_BODY_MAX_CHARS)])
    body_fr = models.TextField(
        _("body (French)"), blank=True, validators=[max_chars(NOTICE_BODY_MAX_CHARS)]
    )
    links = models.TextField(
        _("links"),
        blank=True,
        validators=[max_chars(NOTICE_BODY_MAX_CHARS)],
        help_text=_("One per line: an address, or a label, a “|” and the address."),
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_("When a scheduled update notice goes out; urgent notices go out at once."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(
        _("all messages queued at"), null=True, blank=True, editable=False
    )
    # The audience counted when delivery started; progress is read from the deliveries.
    recipients_count = models.PositiveIntegerField(_("recipients"), null=True, editable=False)
    sites_count = models.PositiveIntegerField(_("affected sites"), null=True, editable=False)

    objects = UpdateNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("update notice")
        verbose_name_plural = _("update notices")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The beat task looks for scheduled notices that fall due.
            models.Index(fields=["status", "publish_at"], name="notice_status_publish_idx"),
        ]

    def __str__(self) -> str:
        return self.title_en

    def clean(self) -> None:
        errors = {}
        if not self.title_fr.strip():
            errors["title_fr"] = _(
                "Write the French title too: every notice goes out in English and French."
            )
        if not self.body_fr.strip():
            errors["body_fr"] = _(
                "Write the French body too: every notice goes out in English and French, "
                "each contact reads it in their own language."
            )
        if self.kind == self.Kind.SCHEDULED and self.publish_at is None:
            errors["publish_at"] = _("A scheduled update notice needs its publish time.")
        try:
            self.link_list()
        except ValidationError as exc:
            errors["links"] = exc.messages
        if errors:
            raise ValidationError(errors)

    def link_list(self) -> list[dict[str, str]]:
        """Return the links as label and url pairs; raise ValidationError on a bad address."""
        links = []
        for line in self.links.splitlines():
            if not line.strip():
                continue
            label, _sep, url = line.rpartition("|")
            url = url.strip()
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                raise ValidationError(
                    _("“%(url)s” is not a web address (http or https).") % {"url": url}
                ) from None
            links.append({"label": label.strip() or url, "url": url})
        return links

    def title(self, language: str) -> str:
        return self.title_fr if language == "fr" else self.title_en

    def body(self, language: str) -> str:
        return self.body_fr if language == "fr" else self.body_en

    @property
    def is_mandatory(self) -> bool:
        """Urgent notices are service messages nobody can opt out of (SLP-14)."""
        return self.kind == self.Kind.URGENT


class NoticeDelivery(models.Model):
    """One person's copy of a notice: the outbox message and the sites it lists."""

    notice = models.ForeignKey(
        UpdateNotice,
        verbose_name=_("notice"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notice_deliveries",
    )
    message = models.OneToOneField(
        OutboxMessage,
        verbose_name=_("email"),
        on_delete=models.PROTECT,
        related_name="notice_delivery",
    )
    sites = models.JSONField(_("affected sites"), default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice delivery")
        verbose_name_plural = _("notice deliveries")
        ordering = ["notice", "user_id"]
        constraints = [
            # With the outbox idempotency key, a re-run fan-out writes nobody twice.
            models.UniqueConstraint(fields=["notice", "user"], name="notice_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.user}"


class NoticeRead(models.Model):
    """A person opened a notice in the portal: the urgent banner stops showing it."""

    notice = models.ForeignKey(
        UpdateNotice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="reads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notice_reads",
    )
    read_at = models.DateTimeField(_("read at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice read")
        verbose_name_plural = _("notice reads")
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="notice_read_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.notice}"
