"""A brand's host belongs to its organisation: anyone else signed in there goes home (issue 13).

Signed in on another organisation's branded host, a person would see that brand around their
own data. They are sent to the same page on their own brand's host, or on the neutral address
(SITE_URL) when their brand has none: 302 for GET and HEAD, 403 for a form posted there.
Staff, visitors (the branded sign-in page) and the brand's own people stay (DESIGN.md, Branding).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.models import Brand

pytestmark = pytest.mark.django_db

HOST = "support.northwind.example"
ACME_HOST = "help.acme.example"
SITE_URL = "https://portal.vendor.example"


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver", HOST, ACME_HOST, "portal.vendor.example"]
    settings.SITE_URL = SITE_URL


@pytest.fixture
def northwind_brand(partner) -> Brand:
    return Brand.objects.create(organization=partner, display_name="Northwind Care", host=HOST)


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("method", ["get", "head"])
def test_another_tenant_is_sent_to_the_neutral_address_with_path_and_query(
    northwind_brand, acme_agent, method
):
    response = getattr(_client(acme_agent), method)("/cases/?status=open&page=2", HTTP_HOST=HOST)

    assert response.status_code == 302
    assert response["Location"] == f"{SITE_URL}/cases/?status=open&page=2"


def test_another_tenant_with_its_own_host_is_sent_there(northwind_brand, acme, acme_agent):
    Brand.objects.create(organization=acme, display_name="Acme Help", host=ACME_HOST)

    response = _client(acme_agent).get("/sites/", HTTP_HOST=f"{HOST.upper()}:443")

    assert response.status_code == 302
    assert response["Location"] == f"https://{ACME_HOST}/sites/"


def test_a_form_posted_on_another_tenants_host_is_refused(northwind_brand, acme_agent):
    response = _client(acme_agent).post("/cases/new/", {"site": "ACME-CHI"}, HTTP_HOST=HOST)

    assert response.status_code == 403


def test_a_person_without_organisation_goes_to_the_neutral_address(northwind_brand, stranger):
    response = _client(stranger).get("/", HTTP_HOST=HOST)

    assert response["Location"] == f"{SITE_URL}/"


def test_the_brands_own_people_and_its_end_customers_stay(
    northwind_brand, partner_agent, end_customer_user
):
    for user in (partner_agent, end_customer_user):
        response = _client(user).get("/sites/", HTTP_HOST=HOST)

        assert response.status_code == 200
        assert "<span>Northwind Care</span>" in response.content.decode()


def test_staff_are_left_alone(northwind_brand, staff_login, staff_agent):
    response = staff_login(staff_agent).get("/admin/", HTTP_HOST=HOST)

    assert response.status_code == 200


def test_visitors_keep_the_branded_sign_in_page(northwind_brand):
    response = _client().get("/accounts/login/", HTTP_HOST=HOST)

    assert response.status_code == 200
    assert "<span>Northwind Care</span>" in response.content.decode()


def test_signing_out_works_on_any_host(northwind_brand, acme_agent):
    client = _client(acme_agent)

    response = client.post("/accounts/logout/", HTTP_HOST=HOST)

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_check_reads_nothing_on_the_neutral_address(northwind_brand, acme_admin):
    """Elsewhere it reads the membership and the host's brand before the page, once."""
    client = _client(acme_admin)

    def queries(host: str) -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get("/cases/export.csv", HTTP_HOST=host)
            b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(context.captured_queries)

    assert queries("portal.vendor.example") == queries("testserver") - 2
