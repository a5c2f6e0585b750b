"""Every eligibility refusal reads clearly in English and in French (issue 5; SLP-1, 2, 3, 16)."""

from __future__ import annotations

import datetime as dt
from datetime import UTC

import pytest
from django.utils import translation

from contracts.models import Organization
from contracts.services.eligibility import ReasonCode, eligibility_check
from tests.factories import ContractFactory, ReleaseFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def _reason(organization, site, release, code: ReasonCode):
    result = eligibility_check(organization=organization, site=site, release=release, at=NOW)
    return next(reason for reason in result.reasons if reason.code == code)


def _both(text) -> tuple[str, str]:
    with translation.override("en"):
        english = str(text)
    with translation.override("fr"):
        french = str(text)
    return english, french


def test_no_active_contract(acme, acme_site, releases):
    ContractFactory(
        holder=acme,
        sites=[acme_site],
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
        reference="ACME-2025",
    )
    reason = _reason(acme, acme_site, releases["2027"], ReasonCode.NO_ACTIVE_CONTRACT)

    english, french = _both(reason.message)
    assert english.startswith("Site ") and "no active CONNECT contract" in english
    assert "ACME-2025" in english and "ACME-2025" in french
    assert "contrat CONNECT" in french and "26 novembre 2026" in french
    step_en, step_fr = _both(reason.next_step)
    assert step_en != step_fr and step_fr


def test_release_unsupported(acme, acme_site, acme_contract, releases):
    reason = _reason(acme, acme_site, releases["2025"], ReasonCode.RELEASE_UNSUPPORTED)

    english, french = _both(reason.message)
    assert "2025" in english and "2025" in french
    assert english != french
    step_en, step_fr = _both(reason.next_step)
    assert "2027" in step_en and "2027" in step_fr and step_en != step_fr


def test_release_upcoming(acme, acme_site, acme_contract, product):
    upcoming = ReleaseFactory(product=product, version="2029", release_date=dt.date(2028, 10, 1))
    reason = _reason(acme, acme_site, upcoming, ReasonCode.RELEASE_UPCOMING)

    english, french = _both(reason.message)
    assert "not released yet" in english
    assert "2029" in french and english != french


def test_end_customer_names_the_partner(
    end_customer, end_customer_site, end_customer_contract, releases
):
    reason = _reason(end_customer, end_customer_site, releases["2027"], ReasonCode.END_CUSTOMER)

    english, french = _both(reason.message)
    assert "Northwind" in english and "Northwind" in french
    assert "partenaire" in french
    step_en, step_fr = _both(reason.next_step)
    assert step_en == "Ask Northwind to file this case for you."
    assert "Northwind" in step_fr and step_fr != step_en


def test_not_entitled(globex, acme_site, acme_contract, releases):
    reason = _reason(globex, acme_site, releases["2027"], ReasonCode.NOT_ENTITLED)

    english, french = _both(reason.message)
    assert "Globex" in french and english != french
    step_en, step_fr = _both(reason.next_step)
    assert step_fr and step_en != step_fr


def test_organization_suspended(acme, acme_site, acme_contract, releases):
    acme.status = Organization.Status.SUSPENDED
    acme.save()
    reason = _reason(acme, acme_site, releases["2027"], ReasonCode.ORGANIZATION_SUSPENDED)

    english, french = _both(reason.message)
    assert english == "The account of Acme is suspended."
    assert "Acme" in french and "suspendu" in french
    step_en, step_fr = _both(reason.next_step)
    assert step_fr and step_en != step_fr
