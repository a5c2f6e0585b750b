"""Emails wear the recipient organisation's brand: name, colour, logo, sender, links (issue 15).

A partner's people and the end customers it serves read the partner's brand; a direct
customer and support staff read the default one, even about a partner's case.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve
from PIL import Image

from cases import services
from cases.services import case_open
from mail.models import OutboxMessage
from mail.services.outbox import outbox_render
from portal.branding import brand_base_url, brand_link_colour
from portal.colours import TEXT_DARK
from portal.models import Brand

SITE_URL = "https://portal.vendor.test"
HOST = "support.northwind.test"
GREEN = "#14532d"
SENDER = "support@connect.example"
LOGO = re.compile(r'<img src="([^"]+)"')


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE_URL
    settings.DEFAULT_FROM_EMAIL = f"CONNECT Support <{SENDER}>"
    settings.ALLOWED_HOSTS = ["testserver", HOST, urlsplit(SITE_URL).hostname]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 20), (20, 83, 45)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def northwind_brand(partner) -> Brand:
    brand = Brand(
        organization=partner, display_name="Northwind Support", primary_color=GREEN, host=HOST
    )
    brand.logo = SimpleUploadedFile("northwind.png", _png(), content_type="image/png")
    brand.full_clean()
    brand.save()
    return brand


@pytest.fixture
def partner_case(
    northwind_brand,
    partner,
    partner_agent,
    end_customer_site,
    end_customer_contract,
    end_customer_user,
    release_2026,
):
    """A case Northwind files for its end customer Initech, Initech's person the contact."""
    return case_open(
        reporter=partner_agent,
        organization=partner,
        site=end_customer_site,
        release=release_2026,
        title="Simulation crashes",
        description="Simulation of the 5-axis job crashes.",
        proposed_priority="P3",
        channel="portal",
        contact=end_customer_user,
    )


def _email_to(user, template: str):
    [message] = OutboxMessage.objects.filter(template=template, recipient=user)
    return outbox_render(message)


@pytest.mark.parametrize("who", ["partner_agent", "end_customer_user"])
def test_a_partners_people_and_its_end_customers_read_the_partners_brand(
    who, request, partner_case
):
    user = request.getfixturevalue(who)

    email = _email_to(user, "case_received")
    html = email.alternatives[0][0]

    assert email.from_email == f"Northwind Support <{SENDER}>"
    assert email.subject.startswith("[Northwind Support] ")
    assert "Northwind Support" in html and GREEN in html
    assert "This message was sent by Northwind Support." in email.body
    assert "CONNECT Support" not in email.body + html
    assert f"https://{HOST}/cases/{partner_case.number}/" in email.body


def test_the_logo_is_an_absolute_address_of_the_brands_logo_not_an_attachment(
    partner_case, partner_agent, northwind_brand
):
    email = _email_to(partner_agent, "case_received")

    [src] = LOGO.findall(email.alternatives[0][0])
    parts = urlsplit(src)
    assert f"{parts.scheme}://{parts.netloc}" == f"https://{HOST}"
    assert resolve(parts.path).view_name == "portal:brand_logo"
    assert parts.path.endswith(northwind_brand.logo.name.removeprefix("brands/"))
    logo = Client(HTTP_HOST=HOST).get(parts.path)
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert email.attachments == []


def test_a_direct_customer_reads_the_default_brand(
    northwind_brand, case_in, acme_agent, staff_agent
):
    case = case_in("in_progress")
    services.case_resolve(case=case, by=staff_agent, kind="settled", body="Apply patch 2.")

    email = _email_to(acme_agent, "case_resolved")
    html = email.alternatives[0][0]

    assert email.from_email == f"CONNECT Support <{SENDER}>"
    assert not email.subject.startswith("[")
    assert "Northwind" not in email.body + html and GREEN not in html
    assert "This message was sent by CONNECT Support." in email.body
    assert not LOGO.findall(html)
    assert f"{SITE_URL}/cases/{case.number}/#reopen" in email.body


def test_support_staff_read_the_default_brand_about_a_partners_case(
    partner_case, partner_agent, staff_agent, staff_supervisor
):
    services.case_escalate(case=partner_case, by=partner_agent, reason="Line stopped.")

    email = _email_to(staff_supervisor, "case_escalation")
    html = email.alternatives[0][0]

    assert email.from_email == f"CONNECT Support <{SENDER}>"
    assert "Northwind Support" not in email.subject + html and GREEN not in html
    # The partner's own confirmation, from the same event, keeps the partner's brand.
    confirmation = _email_to(partner_agent, "case_escalation_confirmed")
    assert confirmation.from_email == f"Northwind Support <{SENDER}>"


def test_a_light_brand_colour_gets_dark_button_text_and_dark_links(partner_case, partner_agent):
    Brand.objects.filter(host=HOST).update(primary_color="#f5c400")

    html = _email_to(partner_agent, "case_received").alternatives[0][0]

    assert "background:#f5c400" in html
    assert f"color:{TEXT_DARK};text-decoration:none" in html
    assert brand_link_colour("#f5c400") == TEXT_DARK
    assert brand_link_colour(GREEN) == GREEN


def test_a_brand_host_keeps_the_scheme_and_port_of_site_url(settings):
    brand = Brand(display_name="Northwind Support", host="northwind.localhost")

    settings.SITE_URL = "http://127.0.0.1:8000/"
    assert brand_base_url(brand) == "http://northwind.localhost:8000"
    settings.SITE_URL = "https://support.example.com"
    assert brand_base_url(brand) == "https://northwind.localhost"
    assert brand_base_url(Brand(display_name="Default", is_default=True)) == settings.SITE_URL
