"""`Authorization: Token <key>` for the named personal tokens (portal.models.tokens)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from portal.models.tokens import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, ApiToken, token_hash
from portal.services.tokens import token_touch


class ApiTokenAuthentication(TokenAuthentication):
    """Find the token by the hash of the key sent; refuse it revoked, expired or of a gone user.

    DRF's parsing of the header (keyword, malformed values) is kept; only the lookup differs.
    `request.auth` is the ApiToken, so permissions can read its scope.
    """

    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple:
        token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(key)).first()
        if token is None:
            raise AuthenticationFailed(_("Invalid token."), code="token_unknown")
        now = timezone.now()
        state = token.state_at(now)
        if state == ApiToken.State.REVOKED:
            raise AuthenticationFailed(
                _("This token was revoked: create a new one on your profile page."),
                code="token_revoked",
            )
        if state == ApiToken.State.EXPIRED:
            raise AuthenticationFailed(
                _("This token expired on %(date)s: create a new one on your profile page.")
                % {"date": f"{token.expires_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"},
                code="token_expired",
            )
        if not token.user.is_active:
            raise AuthenticationFailed(
                _("This account is deactivated: its tokens no longer work."), code="user_inactive"
            )
        token_touch(token, now=now)
        return token.user, token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Show the tokens in the schema as `tokenAuth`, the name operations refer to."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A personal token, sent as `Authorization: Token <key>`. Create one on the "
                "portal's profile page (API tokens) or with POST /api/v1/auth/token/. A token "
                f"is read-only or read-write and expires ({TOKEN_DEFAULT_DAYS} days unless chosen, "
                f"at most {TOKEN_MAX_DAYS})."
            ),
        }
