"""Roles of portal members (DESIGN.md, Tenancy and roles): who may do what.

A forbidden action is 403 (PermissionDenied); an object of another tenant is 404, which the
selectors decide, never these checks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from contracts.models import Membership

Role = Membership.Role
# Who may write: file and follow cases, reply, escalate. Viewers only read.
WRITE_ROLES = (Role.ADMIN, Role.AGENT)
# Who manages the team, contacts and branding.
ADMIN_ROLES = (Role.ADMIN,)

_UNSET = object()


def membership_for(user) -> Membership | None:
    """Return the user's active membership with its organisation, once per request's user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    cached = getattr(user, "_portal_membership", _UNSET)
    if cached is _UNSET:
        cached = (
            Membership.objects.filter(user=user, is_active=True)
            .select_related("organization__partner")
            .first()
        )
        user._portal_membership = cached
    return cached


def membership_forget(user) -> None:
    """Drop the cached membership, after a change to it in the same request."""
    with contextlib.suppress(AttributeError):
        delattr(user, "_portal_membership")


def has_member_role(user, *roles: str) -> bool:
    """Tell whether the user is an active member with one of the roles."""
    membership = membership_for(user)
    return membership is not None and membership.role in roles


def require_member_role(user, *roles: str) -> Membership:
    """Return the user's membership, or raise PermissionDenied (403) for any other role."""
    membership = membership_for(user)
    if membership is None or membership.role not in roles:
        raise PermissionDenied("Your role in the organisation does not allow this.")
    return membership


def member_role_required(*roles: str) -> Callable:
    """Decorate a view so only members with one of the roles reach it (others get 403)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            require_member_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
