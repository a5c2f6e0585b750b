"""Contracts: one contract per site per day, clear refusals, renewals (issue 3, SLP-3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from contracts.models import Contract
from contracts.services.contracts import (
    ContractOverlapError,
    ContractRenewalError,
    contract_create,
    contract_overlaps,
    contract_renew,
    contract_set_sites,
)
from tests.factories import ContractFactory, SiteFactory

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


@pytest.fixture
def existing(acme, acme_site):
    return contract_create(
        reference="ACME-2026",
        holder=acme,
        sites=[acme_site],
        start_date=D("2026-01-01"),
        end_date=D("2026-12-31"),
    )


def test_a_contract_is_created_covering_its_sites(acme, acme_site):
    contract = contract_create(
        reference="ACME-2026",
        holder=acme,
        sites=[acme_site],
        start_date=D("2026-01-01"),
        end_date=D("2026-12-31"),
    )

    assert contract.status == Contract.Status.ACTIVE
    assert list(contract.sites.all()) == [acme_site]


def test_a_second_contract_on_the_same_site_over_overlapping_dates_is_refused(
    acme, acme_site, existing
):
    with pytest.raises(ContractOverlapError) as caught:
        contract_create(
            reference="ACME-2026B",
            holder=acme,
            sites=[acme_site],
            start_date=D("2026-12-31"),
            end_date=D("2027-12-30"),
        )

    assert caught.value.messages == [
        "Site Acme Chicago (ACME-CHI) is already covered by contract ACME-2026 "
        "from 2026-01-01 to 2026-12-31."
    ]
    assert isinstance(caught.value, ValidationError)
    assert not Contract.objects.filter(reference="ACME-2026B").exists()


def test_a_contract_starting_the_day_after_the_other_ends_is_accepted(acme, acme_site, existing):
    follow_on = contract_create(
        reference="ACME-2027",
        holder=acme,
        sites=[acme_site],
        start_date=D("2027-01-01"),
        end_date=D("2027-12-31"),
    )

    assert follow_on.pk is not None


def test_the_same_dates_on_another_site_are_accepted(acme, existing):
    other_site = SiteFactory(organization=acme)

    contract = contract_create(
        reference="ACME-2026-B",
        holder=acme,
        sites=[other_site],
        start_date=D("2026-01-01"),
        end_date=D("2026-12-31"),
    )

    assert contract.pk is not None


def test_a_cancelled_contract_does_not_block_its_site(acme, acme_site, existing):
    existing.status = Contract.Status.CANCELLED
    existing.save()

    assert (
        contract_overlaps(sites=[acme_site], start_date=D("2026-06-01"), end_date=D("2027-05-31"))
        == []
    )


def test_every_overlapping_site_is_named(acme, acme_site, existing):
    second_site = SiteFactory(organization=acme, code="ACME-NYC")
    ContractFactory(
        reference="ACME-NYC-2026",
        holder=acme,
        sites=[second_site],
        start_date=D("2026-03-01"),
        end_date=D("2027-02-28"),
    )

    with pytest.raises(ContractOverlapError) as caught:
        contract_create(
            reference="ACME-ALL",
            holder=acme,
            sites=[acme_site, second_site],
            start_date=D("2026-06-01"),
            end_date=D("2026-06-30"),
        )

    assert [o.contract.reference for o in caught.value.overlaps] == ["ACME-2026", "ACME-NYC-2026"]
    assert len(caught.value.messages) == 2


def test_an_end_before_the_start_is_refused_and_nothing_is_created(acme, acme_site):
    with pytest.raises(ValidationError) as caught:
        contract_create(
            reference="BACKWARDS",
            holder=acme,
            sites=[acme_site],
            start_date=D("2026-12-31"),
            end_date=D("2026-01-01"),
        )

    assert "A contract cannot end before it starts." in caught.value.messages
    assert not Contract.objects.exists()


def test_a_reference_already_used_is_refused(acme, existing):
    with pytest.raises(ValidationError) as caught:
        contract_create(
            reference="ACME-2026",
            holder=acme,
            sites=[],
            start_date=D("2030-01-01"),
            end_date=D("2030-12-31"),
        )

    assert "reference" in caught.value.message_dict


def test_setting_sites_refuses_a_site_another_contract_covers(acme, globex_site, globex):
    ContractFactory(
        reference="GLOBEX-2026",
        holder=globex,
        sites=[globex_site],
        start_date=D("2026-01-01"),
        end_date=D("2026-12-31"),
    )
    contract = contract_create(
        reference="ACME-X",
        holder=acme,
        sites=[],
        start_date=D("2026-06-01"),
        end_date=D("2027-05-31"),
    )

    with pytest.raises(ContractOverlapError, match="GLOBEX-2026"):
        contract_set_sites(contract=contract, sites=[globex_site])

    assert list(contract.sites.all()) == []


def test_setting_its_own_sites_again_is_not_an_overlap_with_itself(acme, acme_site, existing):
    new_site = SiteFactory(organization=acme)

    contract_set_sites(contract=existing, sites=[acme_site, new_site])

    assert set(existing.sites.all()) == {acme_site, new_site}


def test_renewal_starts_the_day_after_the_end_for_a_year_with_the_same_sites(existing, acme_site):
    renewal = contract_renew(contract=existing)

    assert (renewal.start_date, renewal.end_date) == (D("2027-01-01"), D("2027-12-31"))
    assert renewal.renewed_from == existing
    assert renewal.holder == existing.holder
    assert list(renewal.sites.all()) == [acme_site]
    assert renewal.reference == "ACME-2026-R1"
    assert renewal.status == Contract.Status.ACTIVE


def test_renewal_can_run_to_a_given_end_date(existing):
    renewal = contract_renew(contract=existing, end_date=D("2027-06-30"))

    assert (renewal.start_date, renewal.end_date) == (D("2027-01-01"), D("2027-06-30"))


def test_renewal_of_a_renewal_numbers_the_reference_on(existing):
    second = contract_renew(contract=contract_renew(contract=existing), years=2)

    assert second.reference == "ACME-2026-R2"
    assert (second.start_date, second.end_date) == (D("2028-01-01"), D("2029-12-31"))


def test_a_contract_is_renewed_only_once(existing):
    first = contract_renew(contract=existing)

    with pytest.raises(ContractRenewalError) as caught:
        contract_renew(contract=existing)

    assert caught.value.messages == [
        f"Contract ACME-2026 was already renewed as {first.reference}."
    ]
    assert Contract.objects.filter(renewed_from=existing).count() == 1


def test_a_cancelled_contract_cannot_be_renewed(existing):
    existing.status = Contract.Status.CANCELLED
    existing.save()

    with pytest.raises(ContractRenewalError, match="cancelled"):
        contract_renew(contract=existing)


def test_a_renewal_that_would_overlap_another_contract_is_refused_whole(acme, acme_site, existing):
    ContractFactory(
        reference="ACME-OTHER",
        holder=acme,
        sites=[acme_site],
        start_date=D("2027-03-01"),
        end_date=D("2027-04-30"),
    )

    with pytest.raises(ContractOverlapError, match="ACME-OTHER"):
        contract_renew(contract=existing)

    assert not Contract.objects.filter(renewed_from=existing).exists()
