"""Role checks of portal members: a weaker role is refused with 403 (DESIGN.md, roles)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from contracts.models import Membership
from portal.permissions import (
    ADMIN_ROLES,
    WRITE_ROLES,
    has_member_role,
    membership_for,
    membership_forget,
    require_member_role,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "person,roles,allowed",
    [
        ("acme_admin", ADMIN_ROLES, True),
        ("acme_agent", ADMIN_ROLES, False),
        ("acme_viewer", ADMIN_ROLES, False),
        ("acme_admin", WRITE_ROLES, True),
        ("acme_agent", WRITE_ROLES, True),
        ("acme_viewer", WRITE_ROLES, False),
        ("stranger", WRITE_ROLES, False),
        ("staff_agent", WRITE_ROLES, False),
    ],
)
def test_a_role_check_passes_only_the_listed_roles(request, person, roles, allowed):
    user = request.getfixturevalue(person)

    assert has_member_role(user, *roles) is allowed
    if allowed:
        assert require_member_role(user, *roles).user == user
    else:
        with pytest.raises(PermissionDenied):
            require_member_role(user, *roles)


def test_a_deactivated_member_has_no_role(acme_admin):
    Membership.objects.filter(user=acme_admin).update(is_active=False)

    with pytest.raises(PermissionDenied):
        require_member_role(acme_admin, *ADMIN_ROLES)


def test_an_anonymous_visitor_has_no_role(db):
    assert membership_for(AnonymousUser()) is None
    with pytest.raises(PermissionDenied):
        require_member_role(AnonymousUser(), *WRITE_ROLES)


def test_the_membership_is_read_once_until_forgotten(acme_agent, django_assert_num_queries):
    with django_assert_num_queries(1):
        membership_for(acme_agent)
        membership_for(acme_agent)
    Membership.objects.filter(user=acme_agent).update(role="viewer")

    membership_forget(acme_agent)

    assert membership_for(acme_agent).role == "viewer"
