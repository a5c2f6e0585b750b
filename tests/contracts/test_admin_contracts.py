"""Staff admin of organisations, sites, contracts and releases (issue 3, Deliver 5)."""

from __future__ import annotations

import datetime as dt
from datetime import UTC

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract
from contracts.services.releases import SupportStatus
from tests.factories import ContractFactory, OrganizationFactory, ReleaseFactory, SiteFactory

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
D = dt.date.fromisoformat


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Serve static URLs without the collectstatic manifest production uses."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def root(staff_superuser, staff_login):
    return staff_login(staff_superuser)


@pytest.fixture
def world(acme_contract, globex_contract, end_customer_contract, acme_admin, releases):
    """Three tenants with contracts, people and the CONNECT CAM releases."""


def _contract_form(holder, sites, start: str, end: str, reference: str = "NEW-001") -> dict:
    return {
        "reference": reference,
        "holder": holder.pk,
        "sites": [site.pk for site in sites],
        "start_date": start,
        "end_date": end,
        "status": Contract.Status.ACTIVE,
        "_save": "Save",
    }


@pytest.mark.parametrize(
    "path",
    [
        "/admin/contracts/organization/",
        "/admin/contracts/organization/?q=ACME-CHI",
        "/admin/contracts/organization/?kind__exact=distributor&country=US",
        "/admin/contracts/organization/?contracts__status__exact=active&expiring_within=90",
        "/admin/contracts/organization/add/",
        "/admin/contracts/site/?q=GLOBEX",
        "/admin/contracts/site/add/",
        "/admin/contracts/membership/",
        "/admin/contracts/contract/?expiring_within=60&status__exact=active",
        "/admin/contracts/contract/?expiring_within=bogus",
        "/admin/contracts/contract/add/",
        "/admin/contracts/product/",
        "/admin/contracts/release/?support_status=current",
        "/admin/contracts/release/add/",
    ],
)
def test_admin_pages_load_for_a_superuser(world, root, path):
    assert root.get(path).status_code == 200


def test_change_pages_load_with_their_inlines(
    world, root, acme, acme_contract, acme_admin, releases
):
    organization_page = root.get(f"/admin/contracts/organization/{acme.pk}/change/")
    contract_page = root.get(f"/admin/contracts/contract/{acme_contract.pk}/change/")
    release_page = root.get(f"/admin/contracts/release/{releases['2025'].pk}/change/")

    assert organization_page.status_code == contract_page.status_code == 200
    body = organization_page.content.decode()
    assert "ACME-CHI" in body
    assert "ACME-001" in body
    assert acme_admin.full_name in body
    assert "Unsupported" in release_page.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Glob", {"Globex"}), ("INITECH-DEN", {"Initech"}), ("NW-INITECH-001", {"Northwind"})],
)
def test_organisations_are_found_by_name_site_code_or_contract_reference(
    world, root, query, expected
):
    response = root.get("/admin/contracts/organization/", {"q": query})

    assert {o.name for o in response.context["cl"].result_list} == expected


def test_the_expiring_filter_keeps_active_contracts_ending_within_the_window(world, root, acme):
    soon = ContractFactory(holder=acme, start_date=D("2026-01-01"), end_date=D("2026-12-16"))
    later = ContractFactory(holder=acme, start_date=D("2026-01-01"), end_date=D("2027-02-14"))
    ContractFactory(
        holder=acme,
        start_date=D("2026-01-01"),
        end_date=D("2026-12-01"),
        status=Contract.Status.CANCELLED,
    )

    def listed(days: int) -> set[int]:
        response = root.get("/admin/contracts/contract/", {"expiring_within": days})
        return {c.pk for c in response.context["cl"].result_list}

    assert listed(30) == {soon.pk}
    assert listed(60) == {soon.pk}
    assert listed(90) == {soon.pk, later.pk}


def test_releases_show_their_computed_support_status(world, root):
    response = root.get("/admin/contracts/release/")

    statuses = {r.version: r.support_status for r in response.context["cl"].result_list}
    assert statuses == {
        "2027": SupportStatus.CURRENT,
        "2026": SupportStatus.PREVIOUS,
        "2025": SupportStatus.UNSUPPORTED,
    }
    for label in ("Current", "Previous", "Unsupported"):
        assert label in response.content.decode()


def test_the_release_list_does_not_query_per_row(world, root):
    baseline = _count_queries(root)
    for year in (2020, 2021, 2022):
        ReleaseFactory(version=str(year), release_date=D(f"{year - 1}-10-15"))

    assert _count_queries(root) == baseline


def _count_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/admin/contracts/release/").status_code == 200
    return len(captured)


def test_the_renew_action_creates_the_follow_on_contract(world, root, acme_contract):
    response = root.post(
        "/admin/contracts/contract/",
        {"action": "renew_selected", "_selected_action": [acme_contract.pk]},
        follow=True,
    )

    renewal = Contract.objects.get(renewed_from=acme_contract)
    assert renewal.start_date == acme_contract.end_date + dt.timedelta(days=1)
    assert list(renewal.sites.all()) == list(acme_contract.sites.all())
    assert f"Renewed 1 contract: {renewal.reference}." in [
        str(m) for m in get_messages(response.wsgi_request)
    ]


def test_the_renew_action_reports_a_double_renewal_and_renews_the_others(
    world, root, acme_contract, globex_contract
):
    root.post(
        "/admin/contracts/contract/",
        {"action": "renew_selected", "_selected_action": [acme_contract.pk]},
    )

    response = root.post(
        "/admin/contracts/contract/",
        {"action": "renew_selected", "_selected_action": [acme_contract.pk, globex_contract.pk]},
        follow=True,
    )

    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Contract ACME-001 was already renewed as ACME-001-R1." in messages
    assert Contract.objects.filter(renewed_from=acme_contract).count() == 1
    assert Contract.objects.filter(renewed_from=globex_contract).count() == 1


def test_an_overlapping_contract_is_refused_with_the_error_next_to_the_sites(
    world, root, acme, acme_site, acme_contract
):
    data = _contract_form(
        acme, [acme_site], acme_contract.end_date.isoformat(), "2028-01-01", reference="ACME-DUP"
    )

    response = root.post("/admin/contracts/contract/add/", data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["sites"]
    assert "ACME-CHI" in errors["sites"][0]
    assert "ACME-001" in errors["sites"][0]
    assert not Contract.objects.filter(reference="ACME-DUP").exists()


def test_changing_a_contracts_dates_into_an_overlap_is_refused(
    world, root, acme, acme_site, acme_contract
):
    follow_on = ContractFactory(
        reference="ACME-002",
        holder=acme,
        sites=[acme_site],
        start_date=acme_contract.end_date + dt.timedelta(days=1),
        end_date=acme_contract.end_date + dt.timedelta(days=365),
    )
    data = _contract_form(
        acme,
        [acme_site],
        follow_on.start_date.isoformat(),
        (follow_on.end_date + dt.timedelta(days=1)).isoformat(),
        reference="ACME-002",
    )
    data["start_date"] = acme_contract.end_date.isoformat()

    response = root.post(f"/admin/contracts/contract/{follow_on.pk}/change/", data)

    assert "ACME-001" in response.context["adminform"].form.errors["sites"][0]
    follow_on.refresh_from_db()
    assert follow_on.start_date == acme_contract.end_date + dt.timedelta(days=1)


def test_a_contract_without_overlap_is_saved_from_the_admin(world, root, acme):
    site = SiteFactory(organization=acme, code="ACME-NEW")

    response = root.post(
        "/admin/contracts/contract/add/",
        _contract_form(acme, [site], "2026-12-01", "2027-11-30"),
    )

    assert response.status_code == 302
    assert list(Contract.objects.get(reference="NEW-001").sites.all()) == [site]


def test_a_contract_administrator_may_add_contracts(world, staff_contract_admin, staff_login, acme):
    client = staff_login(staff_contract_admin)
    site = SiteFactory(organization=acme)

    response = client.post(
        "/admin/contracts/contract/add/", _contract_form(acme, [site], "2026-12-01", "2027-11-30")
    )

    assert response.status_code == 302
    assert Contract.objects.filter(reference="NEW-001").exists()


def test_other_staff_may_look_at_contracts_but_not_change_them(
    world, staff_agent, staff_login, acme, acme_site, acme_contract
):
    client = staff_login(staff_agent)

    assert client.get(f"/admin/contracts/contract/{acme_contract.pk}/change/").status_code == 200
    assert client.get("/admin/contracts/contract/add/").status_code == 403
    response = client.post(
        f"/admin/contracts/contract/{acme_contract.pk}/change/",
        _contract_form(acme, [acme_site], "2020-01-01", "2020-12-31", reference="HACKED"),
    )
    assert response.status_code == 403
    assert Contract.objects.filter(reference="ACME-001").exists()


def test_only_a_superuser_deletes_organisations(world, staff_contract_admin, staff_login):
    organization = OrganizationFactory(name="Disposable")
    client = staff_login(staff_contract_admin)

    response = client.get(f"/admin/contracts/organization/{organization.pk}/delete/")

    assert response.status_code == 403
