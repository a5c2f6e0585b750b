"""Reads behind the brand page: which organisation's brand an admin edits, and that brand."""

from __future__ import annotations

from contracts.models import Organization
from portal.branding import brand_default
from portal.models import Brand
from portal.permissions import ADMIN_ROLES, has_member_role, membership_for, require_member_role


def brand_is_own(organization: Organization) -> bool:
    """Tell whether the organisation's people see its own brand.

    An end customer's people see the brand of the partner serving it (portal.branding), so a
    brand of its own would never show: there is nothing for its admins to edit.
    """
    return organization.partner_id is None


def brand_organization_for_admin(user) -> Organization:
    """Return the admin's organisation; PermissionDenied (403) for agents, viewers and others."""
    return require_member_role(user, *ADMIN_ROLES).organization


def brand_may_edit(user) -> bool:
    """Tell whether the person may open the brand page's form (the account menu asks)."""
    if not has_member_role(user, *ADMIN_ROLES):
        return False
    return brand_is_own(membership_for(user).organization)


def brand_of_organization(organization: Organization) -> Brand | None:
    """Return the organisation's own brand with who saved it last, or None before its first save."""
    return Brand.objects.filter(organization=organization).select_related("updated_by").first()


def brand_draft(organization: Organization) -> Brand:
    """Return an unsaved brand for an organisation without one: its name, the default colours."""
    default = Brand.objects.filter(is_default=True).first() or brand_default()
    return Brand(
        organization=organization,
        display_name=organization.name,
        primary_color=default.primary_color,
        accent_color=default.accent_color,
    )
