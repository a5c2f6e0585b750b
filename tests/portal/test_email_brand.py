"""Every email reads in its recipient's brand: sender name, subject, colour, links (issue 12)."""

from __future__ import annotations

import pytest
from django.test import Client

from mail.models import OutboxMessage
from mail.services.outbox import outbox_enqueue
from mail.services.rendering import outbox_render
from mail.services.secrets import unseal
from portal.models import Brand

HOST = "support.northwind.example"


@pytest.fixture
def northwind_brand(partner) -> Brand:
    return Brand.objects.create(
        organization=partner, display_name="Northwind Care", primary_color="#123456", host=HOST
    )


def _message(user, key: str = "brand:1") -> OutboxMessage:
    return outbox_enqueue(
        to_email=user.email,
        recipient=user,
        language="en",
        template="case_reply",
        idempotency_key=key,
        context={"recipient_name": "Ida", "number": "C-000042", "title": "Spindle", "body": "Hi"},
    )


def test_a_partners_customer_gets_the_partners_name_colour_and_host(
    northwind_brand, end_customer_user
):
    email = outbox_render(_message(end_customer_user))

    assert email.from_email == "Northwind Care <support@connect.example>"
    assert email.subject.startswith("[Northwind Care] ")
    html = email.alternatives[0][0]
    assert "Northwind Care" in html and "#123456" in html
    assert f"https://{HOST}/" in email.body or f"http://{HOST}" in email.body


def test_the_vendors_own_customers_get_connect_support_without_a_prefix(db, acme_agent):
    email = outbox_render(_message(acme_agent))

    assert email.from_email == "CONNECT Support <support@connect.example>"
    assert not email.subject.startswith("[")


def test_account_emails_greet_from_the_brand_not_from_nowhere(
    settings, northwind_brand, end_customer_user, mailoutbox
):
    settings.ALLOWED_HOSTS = ["testserver", HOST]

    Client(HTTP_HOST=HOST).post("/accounts/password/reset/", {"email": end_customer_user.email})

    message = OutboxMessage.objects.get(to_email=end_customer_user.email, template="rendered")
    assert message.context["subject"].startswith("[Northwind Care] ")
    assert "Northwind Care" in unseal(message.context)["text"]
    assert "from !" not in unseal(message.context)["text"]
