"""Reads start from visible_to(user): another tenant's case or attachment is 404, like a missing one."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from cases import services
from cases.models import EventKind
from cases.selectors import (
    attachment_get_for_user,
    case_all_events,
    case_events_for_user,
    case_get_for_user,
    case_list_for_user,
    case_public_events,
)


@pytest.fixture
def partner_case(
    partner, partner_agent, end_customer, end_customer_site, end_customer_contract, release_2026
):
    return services.case_open(
        reporter=partner_agent,
        organization=partner,
        site=end_customer_site,
        release=release_2026,
        title="Licence check fails",
        description="The licence check fails on one seat.",
        proposed_priority="P2",
        channel="portal",
    )


def test_customers_list_only_their_organisations_cases(open_case, acme_agent, globex_agent):
    case = open_case()

    assert list(case_list_for_user(acme_agent)) == [case]
    assert list(case_list_for_user(globex_agent)) == []


def test_a_partner_and_its_end_customer_both_see_the_partners_case(
    partner_case, partner_agent, end_customer_user, acme_agent
):
    assert case_get_for_user(partner_agent, partner_case.number) == partner_case
    assert case_get_for_user(end_customer_user, partner_case.number) == partner_case
    with pytest.raises(Http404):
        case_get_for_user(acme_agent, partner_case.number)


def test_staff_see_every_case(open_case, partner_case, staff_agent):
    case = open_case()

    assert set(case_list_for_user(staff_agent)) == {case, partner_case}


def test_another_tenants_case_and_a_missing_one_are_the_same_404(open_case, globex_agent):
    case = open_case()

    with pytest.raises(Http404) as other:
        case_get_for_user(globex_agent, case.number)
    with pytest.raises(Http404) as missing:
        case_get_for_user(globex_agent, "C-999999")

    assert str(other.value) == str(missing.value)


def test_the_list_loads_its_rows_without_a_query_per_case(
    open_case, acme_agent, django_assert_num_queries
):
    for _ in range(5):
        open_case()

    with django_assert_num_queries(1):
        rows = [
            (c.number, c.organization.name, c.site.code, c.assignee)
            for c in case_list_for_user(acme_agent)
        ]

    assert len(rows) == 5


def test_public_events_leave_out_internal_notes_and_staff_only_events(
    case_in, staff_agent, staff_supervisor, acme_agent
):
    case = case_in("in_progress")
    services.case_comment(
        case=case, by=staff_agent, body="internal: check licence abuse", public=False
    )
    services.case_assign(case=case, by=staff_agent, assignee=staff_supervisor)
    services.case_comment(case=case, by=staff_agent, body="We are on it.")

    public = list(case_public_events(case))

    assert all(e.public for e in public)
    assert not [e for e in public if "licence abuse" in e.body]
    assert EventKind.ASSIGNMENT not in {e.kind for e in public}
    assert [e for e in case_all_events(case) if "licence abuse" in e.body]
    assert list(case_events_for_user(acme_agent, case)) == public
    assert len(case_events_for_user(staff_agent, case)) == len(case_all_events(case))


def test_attachments_are_404_to_other_tenants_and_internal_ones_to_customers(
    case_in, acme_agent, globex_agent, staff_agent
):
    case = case_in("in_progress")
    public = services.case_attach(
        case=case, by=acme_agent, file=SimpleUploadedFile("a.txt", b"public")
    )
    internal = services.case_attach(
        case=case, by=staff_agent, file=SimpleUploadedFile("b.txt", b"internal"), public=False
    )

    assert attachment_get_for_user(acme_agent, public.pk) == public
    assert attachment_get_for_user(staff_agent, internal.pk) == internal
    for user, pk in ((globex_agent, public.pk), (acme_agent, internal.pk), (acme_agent, 999_999)):
        with pytest.raises(Http404):
            attachment_get_for_user(user, pk)
