"""Who may use the API, and who may write through it.

An object of another tenant is 404, which the selectors decide; these checks only say 401
(no credentials) or 403 (a role that may not do this), never whether an object exists.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from portal.permissions import WRITE_ROLES, has_member_role, membership_for


def staff_has_mfa(user) -> bool:
    """Tell whether a staff member has set up an authenticator app, as the admin requires."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class IsMemberOrStaff(BasePermission):
    """Let in active members of an organisation, and staff who have set up MFA."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
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
