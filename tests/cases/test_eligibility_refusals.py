"""An ineligible request is refused with its reasons and where to go (SLP-1, SLP-2, SLP-3, SLP-16).

The French wording comes with the project's translation pass; here each refusal must carry its
code and next step as lazy strings, rendered in whatever language is active when read.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from django.utils.functional import Promise

from cases.models import Case
from cases.services import CaseNotEligible, case_open
from contracts.models import Organization
from mail.models import OutboxMessage
from tests.factories import ReleaseFactory


def _refusal(**fields) -> CaseNotEligible:
    defaults = {
        "title": "Toolpath preview is blank",
        "description": "The preview window stays blank for every toolpath.",
        "proposed_priority": "P3",
        "channel": "portal",
    }
    with pytest.raises(CaseNotEligible) as refused:
        case_open(**{**defaults, **fields})
    assert not Case.objects.exists()
    assert not OutboxMessage.objects.exists()
    return refused.value


def _assert_reads_in_every_language(error: CaseNotEligible) -> None:
    for reason in error.reasons:
        assert isinstance(reason.message, Promise) and isinstance(reason.next_step, Promise)
    english = str(error)
    with translation.override("fr"):
        french = str(error)
        assert all(str(reason.next_step).strip() for reason in error.reasons)
    assert english.strip() and french.strip()


@pytest.fixture
def acme_filing(acme, acme_site, acme_agent, release_2026):
    return {
        "reporter": acme_agent,
        "organization": acme,
        "site": acme_site,
        "release": release_2026,
    }


def test_a_site_without_an_active_contract_is_refused_with_renewal_as_next_step(acme_filing):
    error = _refusal(**acme_filing)

    assert error.codes == ("no_active_contract",)
    assert "ACME-CHI has no active CONNECT contract" in str(error.reasons[0].message)
    assert "Renew the site's CONNECT contract" in str(error.reasons[0].next_step)
    _assert_reads_in_every_language(error)


def test_an_unsupported_release_is_refused_with_the_supported_ones_named(
    acme_filing, acme_contract, release_2025, product
):
    old = ReleaseFactory(product=product, version="2024", release_date=dt.date(2023, 10, 15))

    error = _refusal(**{**acme_filing, "release": old})

    assert error.codes == ("release_unsupported",)
    assert "(2026)" in str(error.reasons[0].message) and "(2025)" in str(error.reasons[0].message)
    assert "Upgrade to CONNECT CAM 2026" in str(error.reasons[0].next_step)
    _assert_reads_in_every_language(error)


def test_a_release_not_yet_shipped_is_refused(acme_filing, acme_contract, release_2027):
    error = _refusal(**{**acme_filing, "release": release_2027})

    assert error.codes == ("release_upcoming",)
    _assert_reads_in_every_language(error)


def test_an_end_customer_filing_itself_is_sent_to_its_partner(
    end_customer, end_customer_site, end_customer_contract, end_customer_user, release_2026
):
    error = _refusal(
        reporter=end_customer_user,
        organization=end_customer,
        site=end_customer_site,
        release=release_2026,
    )

    assert error.codes == ("end_customer",)
    assert "Ask Northwind to file this case for you." in str(error.reasons[0].next_step)
    _assert_reads_in_every_language(error)


def test_another_tenants_site_is_refused_without_naming_its_owner(
    acme_filing, globex_site, globex_contract
):
    error = _refusal(**{**acme_filing, "site": globex_site})

    assert error.codes == ("not_entitled",)
    assert "Globex" not in str(error)
    _assert_reads_in_every_language(error)


def test_a_suspended_organisation_is_refused(acme_filing, acme, acme_contract):
    Organization.objects.filter(pk=acme.pk).update(status=Organization.Status.SUSPENDED)
    acme.refresh_from_db()

    error = _refusal(**{**acme_filing, "organization": acme})

    assert error.codes == ("organization_suspended",)
    _assert_reads_in_every_language(error)


@pytest.mark.parametrize(
    ("topic", "where"),
    [
        ("professional_services", "Contact professional services"),
        ("training", "about training and services"),
    ],
)
def test_professional_services_and_training_requests_go_elsewhere(
    acme_filing, acme_contract, topic, where
):
    error = _refusal(**acme_filing, topic=topic)

    assert error.codes == (topic,)
    assert "SLP-16" in str(error.reasons[0].message)
    assert where in str(error.reasons[0].next_step)
    _assert_reads_in_every_language(error)


def test_every_reason_is_given_at_once(acme_filing, release_2027):
    error = _refusal(**{**acme_filing, "release": release_2027}, topic="training")

    assert error.codes == ("no_active_contract", "release_upcoming", "training")
    assert len(error.messages) == 3


def test_an_unknown_topic_is_a_clear_error(acme_filing, acme_contract):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        case_open(
            **acme_filing,
            title="t",
            description="d",
            proposed_priority="P3",
            channel="portal",
            topic="astrology",
        )

    assert "topic" in refused.value.message_dict
