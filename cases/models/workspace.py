"""What staff keep for their daily work in the queue: saved views and canned replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.limits import COMMENT_MAX_CHARS, NAME_MAX_CHARS, max_chars

# A saved view is the queue's query string (filters, search, order): what the address bar holds.
VIEW_QUERY_MAX_CHARS = 1_000


class SavedView(models.Model):
    """A filter combination of the staff queue that one staff member saved under a name."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(
        _("filters"), max_length=VIEW_QUERY_MAX_CHARS, blank=True, help_text=_("The queue's query.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_owner_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CannedReply(models.Model):
    """A named reply text in one language, with placeholders; kept by support supervisors."""

    name = models.CharField(_("name"), max_length=NAME_MAX_CHARS)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    body = models.TextField(
        _("text"),
        validators=[max_chars(COMMENT_MAX_CHARS)],
        help_text=_(
            "Placeholders: {case_number}, {case_title}, {contact_name}, {due_at} "
            "(the next due instant, in the site's time zone)."
        ),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["name", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "language"], name="canned_reply_name_language_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"
