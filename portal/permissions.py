"""Roles of portal members (DESIGN.md, Tenancy and roles): who may do what.

A forbidden action is 403 (PermissionDenied); an object of another tenant is 404, which the
selectors decide, never these checks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from contracts.models import Membership, Organization, User

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


def may_act_on_case(user, case) -> bool:
    """Tell whether the user may change the case: an admin or agent of one of its organisations.

    The same rule as the case services' customer check (cases.services._shared), read from
    the cached membership so a page asks no query; a viewer never may.
    """
    membership = membership_for(user)
    return (
        membership is not None
        and membership.role in WRITE_ROLES
        and membership.organization_id in (case.organization_id, case.end_customer_id)
    )


def may_file_cases(user) -> bool:
    """Tell whether to offer the user the new-case form: one the intake would not always refuse.

    An admin or agent of an active partner or direct customer files; a viewer does not, an
    end customer is served through its partner (SLP-1), and a suspended organisation is
    refused by the intake whatever it files (contracts.services.eligibility).
    """
    membership = membership_for(user)
    if membership is None or membership.role not in WRITE_ROLES:
        return False
    organization = membership.organization
    return (
        organization.kind != Organization.Kind.END_CUSTOMER
        and organization.status == Organization.Status.ACTIVE
    )


# Enough people to reach; the partner's own portal lists the rest.
PARTNER_CONTACTS_SHOWN = 3


@dataclass(frozen=True)
class FilingRoute:
    """Where a member's new case goes: the portal form, or the partner serving them (SLP-1)."""

    may_file: bool
    partner: Organization | None = None
    contacts: tuple[User, ...] = ()
    suspended: bool = False


def filing_route(user) -> FilingRoute:
    """Return how the user files a case; an end customer learns whom at its partner to ask.

    The partner's designated technical contacts are named, else its administrators: the
    people whose job is to take cases from the end customers they serve. No query unless
    the user belongs to an end customer.
    """
    if may_file_cases(user):
        return FilingRoute(may_file=True)
    membership = membership_for(user)
    if membership is None:
        return FilingRoute(may_file=False)
    organization = membership.organization
    if organization.kind != Organization.Kind.END_CUSTOMER or organization.partner is None:
        suspended = organization.status == Organization.Status.SUSPENDED
        return FilingRoute(may_file=False, suspended=suspended)
    partner = organization.partner
    people = list(
        Membership.objects.filter(organization=partner, is_active=True, user__is_active=True)
        .filter(Q(is_technical_contact=True) | Q(role=Role.ADMIN))
        .select_related("user")
        .order_by("-is_technical_contact", "user__email")
    )
    named = [m for m in people if m.is_technical_contact] or people
    return FilingRoute(
        may_file=False,
        partner=partner,
        contacts=tuple(m.user for m in named[:PARTNER_CONTACTS_SHOWN]),
    )
