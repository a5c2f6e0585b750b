"""Idempotency keys of API writes: the first response to a client's key, kept for its retries."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How long a key holds: a retry within it is replayed, a later one runs as a new request.
IDEMPOTENCY_WINDOW = timedelta(hours=24)


class IdempotencyKey(models.Model):
    """One user's key: in progress until the first response is stored (status_code is set)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 (hex) of method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    # Indexed for the daily purge, which deletes by age.
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=255, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(default=b"", blank=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            # What lets exactly one of two concurrent requests with one key run.
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_once_per_owner")
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def in_progress(self) -> bool:
        return self.status_code is None

    def expired(self, now: datetime) -> bool:
        return self.created_at <= now - IDEMPOTENCY_WINDOW
