"""Writes of API tokens: create one (its plaintext returned once), revoke, note its use.

The portal's token page and the API's token endpoint both create tokens here, so the rules
(who may write, how long a token lives, staff give their authenticator code) live once.
"""

from __future__ import annotations

import datetime as dt
import secrets

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import User
from portal.models.tokens import (
    LAST_USED_RESOLUTION,
    TOKEN_DEFAULT_DAYS,
    TOKEN_MARK,
    TOKEN_MAX_DAYS,
    TOKEN_PREFIX_LENGTH,
    ApiToken,
    token_hash,
)
from portal.permissions import WRITE_ROLES, has_member_role

Scope = ApiToken.Scope


def staff_code_check(user: User, code: str) -> None:
    """Refuse staff without an authenticator app, or without its current code.

    A staff token reaches every tenant's cases: creating one asks the same second factor as
    the admin, even from a signed-in session. A code is accepted once (allauth marks it used).
    """
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        raise ValidationError(
            {"code": _("Set up two-factor authentication before using the API as staff.")},
        )
    code = (code or "").strip()
    if not code or not TOTP(authenticator).validate_code(code):
        raise ValidationError({"code": _("Enter the current code of your authenticator app.")})


def token_scopes_for(user: User) -> list[str]:
    """Return the scopes the user may give a token: viewers (and people of no team) read only."""
    if user.is_staff or has_member_role(user, *WRITE_ROLES):
        return [Scope.READ_WRITE, Scope.READ]
    return [Scope.READ]


def token_create(
    user: User,
    *,
    name: str = "",
    scope: str | None = None,
    expires_in_days: int = TOKEN_DEFAULT_DAYS,
    code: str = "",
) -> tuple[ApiToken, str]:
    """Create a token and return it with its plaintext, which is never stored nor shown again.

    No scope means the widest the user may have. Staff also give their authenticator code,
    checked last so a refusal of another field does not spend it.
    """
    allowed = token_scopes_for(user)
    scope = scope or allowed[0]
    if scope not in allowed:
        raise ValidationError(
            {"scope": _("Your role only allows reading: create a read-only token.")}
        )
    if not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        raise ValidationError(
            {
                "expires_in_days": _("A token lives from 1 to %(max)s days.")
                % {"max": TOKEN_MAX_DAYS}
            }
        )
    if user.is_staff:
        staff_code_check(user, code)
    key = TOKEN_MARK + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip() or str(_("API token")),
        prefix=key[:TOKEN_PREFIX_LENGTH],
        key_hash=token_hash(key),
        scope=scope,
        created_at=now,
        expires_at=now + dt.timedelta(days=expires_in_days),
    )
    return token, key


def tokens_revoke(tokens: QuerySet[ApiToken]) -> int:
    """Revoke the tokens not revoked yet; return how many were."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def token_revoke(token: ApiToken) -> bool:
    """Revoke one token; tell whether this call did (False if it already was)."""
    revoked = tokens_revoke(ApiToken.objects.filter(pk=token.pk)) == 1
    token.refresh_from_db(fields=["revoked_at"])
    return revoked


def token_touch(token: ApiToken, *, now: dt.datetime) -> None:
    """Record a use of the token, writing at most once per LAST_USED_RESOLUTION."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    # Conditional, so concurrent requests of one client write the row once.
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
