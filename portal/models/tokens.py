"""Named personal API tokens: several per person, scoped, expiring, stored only as a hash."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Days a token lives when its creator does not say, and the most they may ask for.
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365
# The public start of a token ("cnt_" and 8 characters): shown in lists so a person knows
# which token is which; the rest is secret.
TOKEN_MARK = "cnt_"  # noqa: S105 - a public marker that secret scanners can match
TOKEN_PREFIX_LENGTH = 12
# last_used_at moves at most this often, so a busy client does not write a row per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_hash(key: str) -> str:
    """Return the SHA-256 of a token, as stored.

    A fast, unsalted hash is right here: a token is 256 random bits, not a password a person
    chose, so no dictionary or brute force reaches it, and the same input always gives the
    same hash, which lets the database find the row by its unique index in one lookup.
    """
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def in_state(self, state: str, *, now: dt.datetime | None = None) -> ApiTokenQuerySet:
        """Tokens in a state at an instant, by the rule of ApiToken.state_at."""
        now = now or timezone.now()
        if state == ApiToken.State.REVOKED:
            return self.filter(revoked_at__isnull=False)
        if state == ApiToken.State.EXPIRED:
            return self.filter(revoked_at__isnull=True, expires_at__lte=now)
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """One person's token for one client (a script, an integration), shown once at creation."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What uses this token, such as “ERP sync”.")
    )
    prefix = models.CharField(_("prefix"), max_length=TOKEN_PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    scope = models.CharField(
        _("scope"), max_length=10, choices=Scope.choices, default=Scope.READ_WRITE
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        # The profile page lists a person's tokens, newest first.
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def state_at(self, now: dt.datetime) -> State:
        """Tell whether the token is active, expired or revoked at an instant (as in_state)."""
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.ACTIVE

    @property
    def state(self) -> State:
        return self.state_at(timezone.now())

    @property
    def is_read_only(self) -> bool:
        return self.scope == self.Scope.READ
