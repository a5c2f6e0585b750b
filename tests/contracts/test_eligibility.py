"""Who may file a covered case, for which site and release, at which instant (SLP-1, 2, 3, 16)."""

from __future__ import annotations

import datetime as dt
from datetime import UTC

import pytest
from django.utils import translation

from contracts.models import Contract, Organization, Site
from contracts.services.eligibility import ReasonCode, eligibility_check
from contracts.services.releases import SupportStatus
from tests.factories import ContractFactory, ReleaseFactory, SiteFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def _contract(holder, site, start: str, end: str, **extra) -> Contract:
    return ContractFactory(
        holder=holder,
        sites=[site],
        start_date=dt.date.fromisoformat(start),
        end_date=dt.date.fromisoformat(end),
        **extra,
    )


def _check(organization, site, release, at=NOW):
    return eligibility_check(organization=organization, site=site, release=release, at=at)


def test_a_direct_customer_with_an_active_contract_and_current_release_is_eligible(
    acme, acme_site, acme_contract, releases
):
    result = _check(acme, acme_site, releases["2027"])

    assert result.eligible
    assert result.reasons == ()
    assert result.contract == acme_contract
    assert result.release_status == SupportStatus.CURRENT


def test_the_previous_release_is_still_eligible(acme, acme_site, acme_contract, releases):
    result = _check(acme, acme_site, releases["2026"])

    assert result.eligible
    assert result.release_status == SupportStatus.PREVIOUS


def test_a_partner_files_for_its_end_customers_site_under_its_own_contract(
    partner, end_customer_site, end_customer_contract, releases
):
    assert _check(partner, end_customer_site, releases["2027"]).eligible


def test_a_partner_files_for_its_end_customers_site_under_the_end_customers_contract(
    partner, end_customer, end_customer_site, releases
):
    ContractFactory(holder=end_customer, sites=[end_customer_site])

    assert _check(partner, end_customer_site, releases["2027"]).eligible


def test_a_site_without_any_contract_is_not_covered(acme, acme_site, releases):
    """SLP-3 and SLP-16 (first exclusion): no active contract, no covered case."""
    result = _check(acme, acme_site, releases["2027"])

    assert not result.eligible
    assert result.codes == (ReasonCode.NO_ACTIVE_CONTRACT,)
    assert "ACME-CHI" in str(result.reasons[0].message)
    assert "Renew" in str(result.reasons[0].next_step)


def test_a_contract_ending_today_in_tokyo_covers_an_instant_already_today_in_tokyo(acme, releases):
    tokyo = SiteFactory(organization=acme, code="ACME-TYO", time_zone="Asia/Tokyo")
    _contract(acme, tokyo, "2026-01-01", "2026-11-27")
    # 20:00 UTC on the 26th is 05:00 on the 27th in Tokyo: the contract's last day.
    last_day_in_tokyo = dt.datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
    first_minute_after = dt.datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # 00:00 on the 28th

    assert _check(acme, tokyo, releases["2027"], last_day_in_tokyo).eligible
    late = _check(acme, tokyo, releases["2027"], first_minute_after)
    assert late.codes == (ReasonCode.NO_ACTIVE_CONTRACT,)
    assert late.site_date == dt.date(2026, 11, 28)


def test_a_contract_ending_today_covers_the_last_minute_of_today_in_site_time(
    acme, acme_site, releases
):
    _contract(acme, acme_site, "2026-01-01", "2026-11-26")
    # 05:59 UTC on the 27th is still 23:59 on the 26th in Chicago.
    last_minute = dt.datetime(2026, 11, 27, 5, 59, tzinfo=UTC)

    assert _check(acme, acme_site, releases["2027"], last_minute).eligible
    assert not _check(
        acme, acme_site, releases["2027"], last_minute + dt.timedelta(minutes=1)
    ).eligible


def test_a_contract_starting_tomorrow_in_site_time_does_not_cover_today(acme, acme_site, releases):
    _contract(acme, acme_site, "2026-11-27", "2027-11-26")
    # 05:59 UTC on the 27th is 23:59 on the 26th in Chicago: the day before the start.
    still_today = dt.datetime(2026, 11, 27, 5, 59, tzinfo=UTC)

    result = _check(acme, acme_site, releases["2027"], still_today)

    assert result.codes == (ReasonCode.NO_ACTIVE_CONTRACT,)
    assert "only starts on" in str(result.reasons[0].message)
    assert _check(acme, acme_site, releases["2027"], still_today + dt.timedelta(minutes=1)).eligible


def test_the_no_contract_message_names_the_contract_that_ended(acme, acme_site, releases):
    _contract(acme, acme_site, "2025-01-01", "2025-12-31", reference="ACME-2025")

    message = str(_check(acme, acme_site, releases["2027"]).reasons[0].message)

    assert "ACME-2025" in message
    assert "ended on Dec. 31, 2025" in message


@pytest.mark.parametrize("status", [Contract.Status.EXPIRED, Contract.Status.CANCELLED])
def test_a_contract_no_longer_active_does_not_cover_its_dates(acme, acme_site, releases, status):
    _contract(acme, acme_site, "2026-01-01", "2026-12-31", status=status)

    assert _check(acme, acme_site, releases["2027"]).codes == (ReasonCode.NO_ACTIVE_CONTRACT,)


def test_an_unsupported_release_is_refused_naming_current_and_previous(
    acme, acme_site, acme_contract, releases
):
    """SLP-2: only the current release and the one before it are eligible."""
    result = _check(acme, acme_site, releases["2025"])

    assert result.codes == (ReasonCode.RELEASE_UNSUPPORTED,)
    assert result.release_status == SupportStatus.UNSUPPORTED
    message = str(result.reasons[0].message)
    assert "CONNECT CAM 2025" in message
    assert "current release (2027)" in message
    assert "previous one (2026)" in message
    assert str(result.reasons[0].next_step) == "Upgrade to CONNECT CAM 2027, then file again."


def test_the_day_a_new_release_ships_the_oldest_stops_being_eligible_in_site_time(
    acme, acme_site, releases
):
    """SLP-2: 2027 ships on 2026-10-15; in Chicago that day starts at 05:00 UTC."""
    _contract(acme, acme_site, "2026-01-01", "2026-12-31")
    eve = dt.datetime(2026, 10, 15, 4, 59, tzinfo=UTC)
    release_day = dt.datetime(2026, 10, 15, 5, 0, tzinfo=UTC)

    assert _check(acme, acme_site, releases["2025"], eve).eligible
    assert _check(acme, acme_site, releases["2025"], release_day).codes == (
        ReasonCode.RELEASE_UNSUPPORTED,
    )
    assert _check(acme, acme_site, releases["2027"], release_day).eligible


def test_a_release_not_yet_shipped_is_refused(acme, acme_site, acme_contract, releases):
    upcoming = ReleaseFactory(
        product=releases["2027"].product, version="2028", release_date=dt.date(2027, 10, 15)
    )

    result = _check(acme, acme_site, upcoming)

    assert result.codes == (ReasonCode.RELEASE_UPCOMING,)
    assert "not released yet" in str(result.reasons[0].message)


def test_an_end_customer_is_sent_to_its_partner(
    end_customer, end_customer_site, end_customer_contract, releases
):
    """SLP-1: an end customer of a partner is supported through that partner."""
    result = _check(end_customer, end_customer_site, releases["2027"])

    assert result.codes == (ReasonCode.END_CUSTOMER,)
    reason = result.reasons[0]
    assert str(reason.message) == (
        "Initech is supported through its partner Northwind, not directly (SLP-1)."
    )
    assert str(reason.next_step) == "Ask Northwind to file this case for you."


def test_another_tenant_is_not_entitled_to_a_site_and_is_not_told_whose_it_is(
    globex, acme_site, acme_contract, releases
):
    result = _check(globex, acme_site, releases["2027"])

    assert result.codes == (ReasonCode.NOT_ENTITLED,)
    message = str(result.reasons[0].message)
    assert "Globex" in message
    assert "ACME-CHI" in message
    assert "Acme " not in message


def test_a_partner_is_not_entitled_to_a_site_of_a_customer_it_does_not_serve(
    partner, acme_site, acme_contract, releases
):
    assert _check(partner, acme_site, releases["2027"]).codes == (ReasonCode.NOT_ENTITLED,)


def test_the_holder_of_the_covering_contract_is_entitled_to_the_site(globex, acme_site, releases):
    ContractFactory(holder=globex, sites=[acme_site])

    assert _check(globex, acme_site, releases["2027"]).eligible


def test_a_suspended_organisation_cannot_file(acme, acme_site, acme_contract, releases):
    acme.status = Organization.Status.SUSPENDED
    acme.save()

    result = _check(acme, acme_site, releases["2027"])

    assert result.codes == (ReasonCode.ORGANIZATION_SUSPENDED,)
    assert str(result.reasons[0].message) == "The account of Acme is suspended."


def test_a_partner_cannot_file_for_a_suspended_end_customer(
    partner, end_customer, end_customer_site, end_customer_contract, releases
):
    end_customer.status = Organization.Status.SUSPENDED
    end_customer.save()

    result = _check(partner, end_customer_site, releases["2027"])

    assert result.codes == (ReasonCode.ORGANIZATION_SUSPENDED,)
    assert "Initech" in str(result.reasons[0].message)


def test_every_reason_is_reported_at_once(globex, acme_site, releases):
    globex.status = Organization.Status.SUSPENDED
    globex.save()

    result = _check(globex, acme_site, releases["2025"])

    assert result.codes == (
        ReasonCode.ORGANIZATION_SUSPENDED,
        ReasonCode.NOT_ENTITLED,
        ReasonCode.NO_ACTIVE_CONTRACT,
        ReasonCode.RELEASE_UNSUPPORTED,
    )


def test_messages_render_in_the_language_active_when_read(acme, acme_site, releases):
    _contract(acme, acme_site, "2025-01-01", "2025-12-31")
    with translation.override("en"):
        reason = _check(acme, acme_site, releases["2027"]).reasons[0]

    with translation.override("fr"):
        french = str(reason.message)
    with translation.override("en"):
        english = str(reason.message)

    assert "26 novembre 2026" in french
    assert "Nov. 26, 2026" in english


def test_the_check_costs_at_most_four_queries(
    end_customer, end_customer_site, end_customer_contract, releases, django_assert_max_num_queries
):
    site = Site.objects.get(pk=end_customer_site.pk)
    organization = Organization.objects.get(pk=end_customer.pk)
    release = type(releases["2027"]).objects.get(pk=releases["2027"].pk)

    with django_assert_max_num_queries(4):
        result = _check(organization, site, release)
        [str(r.message) + str(r.next_step) for r in result.reasons]


def test_a_naive_instant_is_refused(acme, acme_site, releases):
    with pytest.raises(ValueError, match="aware"):
        _check(acme, acme_site, releases["2027"], dt.datetime(2026, 11, 26, 12, 0))
