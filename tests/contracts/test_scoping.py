"""Tenant scoping: each person sees their own organisation, a partner its end customers too;
anything else is 404, never 403 (DESIGN.md, Tenancy and roles)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from contracts.models import Membership
from contracts.selectors import (
    contract_get_for_user,
    contract_list_for_user,
    organization_for_user,
    organization_list_for_user,
    release_list_for_user,
    site_get_for_user,
    site_list_for_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(acme_contract, globex_contract, end_customer_contract, partner_admin, end_customer_user):
    """Three tenants' sites and contracts, one partner serving an end customer."""


def _codes(user) -> set[str]:
    return set(site_list_for_user(user).values_list("code", flat=True))


def _names(user) -> set[str]:
    return set(organization_list_for_user(user).values_list("name", flat=True))


def _references(user) -> set[str]:
    return {c.reference for c in contract_list_for_user(user)}


def test_a_customer_sees_only_its_own_organisation_sites_and_contracts(world, acme_agent):
    assert _names(acme_agent) == {"Acme"}
    assert _codes(acme_agent) == {"ACME-CHI"}
    assert _references(acme_agent) == {"ACME-001"}


def test_the_other_tenant_sees_only_its_own(world, globex_agent):
    assert _names(globex_agent) == {"Globex"}
    assert _codes(globex_agent) == {"GLOBEX-LON"}
    assert _references(globex_agent) == {"GLOBEX-001"}


def test_a_partner_sees_its_own_and_its_end_customers(world, partner_agent):
    assert _names(partner_agent) == {"Northwind", "Initech"}
    assert _codes(partner_agent) == {"INITECH-DEN"}
    assert _references(partner_agent) == {"NW-INITECH-001"}


def test_an_end_customer_does_not_see_its_partner_nor_the_partners_contracts(
    world, end_customer_user
):
    assert _names(end_customer_user) == {"Initech"}
    assert _codes(end_customer_user) == {"INITECH-DEN"}
    # Contracts are scoped by holder: the partner's contract covering Initech's site stays
    # the partner's business.
    assert _references(end_customer_user) == set()


def test_every_staff_role_sees_everything(
    world, staff_agent, staff_supervisor, staff_manager, staff_sponsor, staff_contract_admin
):
    for staff in (
        staff_agent,
        staff_supervisor,
        staff_manager,
        staff_sponsor,
        staff_contract_admin,
    ):
        assert _names(staff) == {"Acme", "Globex", "Northwind", "Initech"}
        assert _codes(staff) == {"ACME-CHI", "GLOBEX-LON", "INITECH-DEN"}
        assert _references(staff) == {"ACME-001", "GLOBEX-001", "NW-INITECH-001"}


def test_a_stranger_and_an_anonymous_visitor_see_nothing(world, stranger):
    for user in (stranger, AnonymousUser()):
        assert _names(user) == set()
        assert _codes(user) == set()
        assert _references(user) == set()
        assert organization_for_user(user) is None


def test_a_deactivated_membership_sees_nothing(world, acme_agent):
    Membership.objects.filter(user=acme_agent).update(is_active=False)

    assert _codes(acme_agent) == set()
    assert organization_for_user(acme_agent) is None


def test_a_deactivated_user_sees_nothing(world, acme_agent):
    acme_agent.is_active = False
    acme_agent.save()

    assert _codes(acme_agent) == set()
    assert _references(acme_agent) == set()


def test_organization_for_user_is_the_membership_organisation(world, acme_agent, partner_agent):
    assert organization_for_user(acme_agent).name == "Acme"
    assert organization_for_user(partner_agent).name == "Northwind"


def test_another_tenants_site_answers_404_like_a_missing_one(world, acme_agent):
    assert site_get_for_user(acme_agent, "ACME-CHI").code == "ACME-CHI"
    for code in ("GLOBEX-LON", "INITECH-DEN", "NO-SUCH-SITE"):
        with pytest.raises(Http404):
            site_get_for_user(acme_agent, code)


def test_a_partner_reaches_its_end_customers_site(world, partner_agent):
    assert site_get_for_user(partner_agent, "INITECH-DEN").organization.name == "Initech"


def test_another_tenants_contract_answers_404(world, acme_agent):
    assert contract_get_for_user(acme_agent, "ACME-001").reference == "ACME-001"
    with pytest.raises(Http404):
        contract_get_for_user(acme_agent, "GLOBEX-001")


def test_releases_are_visible_to_every_signed_in_person_only(releases, stranger, acme_agent):
    assert release_list_for_user(acme_agent).count() == 3
    assert release_list_for_user(stranger).count() == 3
    assert release_list_for_user(AnonymousUser()).count() == 0


def test_the_contract_list_costs_two_queries_however_many_contracts(
    world, staff_agent, django_assert_num_queries
):
    with django_assert_num_queries(2):
        rows = [
            (c.reference, c.holder.name, [s.code for s in c.sites.all()])
            for c in contract_list_for_user(staff_agent)
        ]

    assert len(rows) == 3
