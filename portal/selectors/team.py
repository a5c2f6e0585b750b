"""Reads behind the team page: the members an organisation admin manages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from contracts.models import Membership
from portal.permissions import membership_for


def member_list_for_admin(user) -> QuerySet[Membership]:
    """Return the memberships of the admin's own organisation, active people first."""
    membership = membership_for(user)
    if membership is None:
        return Membership.objects.none()
    return (
        Membership.objects.filter(organization_id=membership.organization_id)
        .select_related("user")
        .order_by("-is_active", "user__email")
    )


def member_get_for_admin(user, pk: int) -> Membership:
    """Return a membership of the admin's own organisation; 404 alike for missing and not yours."""
    member = member_list_for_admin(user).filter(pk=pk).first()
    if member is None:
        raise Http404("No such member")
    return member
