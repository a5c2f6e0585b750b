"""Who may use the API, and who may write through it.

An object of another tenant is 404, which the selectors decide; these checks only say 401
(no credentials) or 403 (a role or token that may not do this), never whether an object exists.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from portal.models.tokens import ApiToken
from portal.permissions import WRITE_ROLES, has_member_role, membership_for


def staff_has_mfa(user) -> bool:
    """Tell whether a staff member has set up an authenticator app, as the admin requires."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class ThrottledPermission(BasePermission):
    """A permission that lets the view's throttles answer before any refusal of its own.

    DRF checks permissions before throttles, so a refused client (401, 403) was never
    throttled: an anonymous flood got 401s forever and the anonymous rate never applied.
    Every API view's permission derives from this class. When it refuses, the view's
    throttles run first (429 once the rate is spent); when it allows, DRF runs them next as
    usual. Either way each request is counted once.
    """

    def has_permission(self, request, view) -> bool:
        try:
            allowed = self.allows(request, view)
        except APIException:
            view.check_throttles(request)
            raise
        if not allowed:
            view.check_throttles(request)
        return allowed

    def allows(self, request, view) -> bool:
        raise NotImplementedError


class IsSignedIn(ThrottledPermission):
    """Let in any active user with valid credentials (revoking one's own token)."""

    def allows(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)


class IsMemberOrStaff(IsSignedIn):
    """Let in active members of an organisation, and staff who have set up MFA.

    A read-only token may only read, whatever its owner's role.
    """

    def allows(self, request, view) -> bool:
        if not super().allows(request, view):
            return False
        token = request.auth
        if (
            isinstance(token, ApiToken)
            and token.is_read_only
            and request.method not in SAFE_METHODS
        ):
            raise PermissionDenied(
                _("This token is read-only: create a read-write token to make changes."),
                code="read_only_token",
            )
        user = request.user
        if user.is_staff:
            if not staff_has_mfa(user):
                # Staff see every tenant: the API asks the same second factor as the admin.
                raise PermissionDenied(
                    _("Set up two-factor authentication before using the API as staff.")
                )
            return True
        if membership_for(user) is None:
            raise PermissionDenied(
                _("Your account belongs to no organisation: ask your administrator for access.")
            )
        return True


def api_write_check(user, *, staff: bool = True) -> None:
    """Refuse (403) a viewer, or staff where only members may write."""
    if user.is_staff:
        if not staff:
            raise PermissionDenied(_("Support staff record cases in the admin."))
        return
    if not has_member_role(user, *WRITE_ROLES):
        raise PermissionDenied(_("Your role in the organisation only allows reading."))
