"""A record of every CSV import of organisations, sites and contracts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One run of the contracts CSV import, kept whether it succeeded or failed."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when run from the command line."),
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64, blank=True)
    dry_run = models.BooleanField(
        _("dry run"), default=False, help_text=_("Checked and counted, nothing saved.")
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    # {"organizations": {"created": 1, "updated": 0, "unchanged": 3}, "sites": {...}, ...}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # [{"line": 7, "column": "contract_end", "message": "..."}, ...]
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        verbose_name = _("contracts import")
        verbose_name_plural = _("contracts imports")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name or '-'} ({self.get_status_display()})"
