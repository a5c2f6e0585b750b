"""Customer emails link to the exact page and state deadlines in the reader's zone (issue 15).

Each email that asks for an action carries an absolute link to the case page at the section
of its form (the ids of portal/cases/detail.html); the link is followed as the recipient, and
the page must show that section. Deadlines read in each recipient's zone and language.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import resolve

from cases import services
from cases.services.sweep import sla_sweep
from mail.models import OutboxMessage
from mail.services.outbox import outbox_render
from tests.cases.conftest import T0

SITE_URL = "https://portal.vendor.test"
LINK = re.compile(r"https?://[^\s\"'<>]+/cases/[^\s\"'<>]*")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE_URL
    settings.ALLOWED_HOSTS = ["testserver", urlsplit(SITE_URL).hostname]


def _email_to(user, template: str):
    [message] = OutboxMessage.objects.filter(template=template, recipient=user)
    return outbox_render(message)


def _links(email) -> set[str]:
    """Return the case links of both parts; each part must carry them."""
    html = email.alternatives[0][0]
    text_links, html_links = set(LINK.findall(email.body)), set(LINK.findall(html))
    assert text_links and text_links == html_links, (text_links, html_links)
    return text_links


def _followed(user, link: str) -> str:
    """Return the page the link opens for the user, as their browser would fetch it."""
    parts = urlsplit(link)
    client = Client(HTTP_HOST=parts.netloc, **{"wsgi.url_scheme": parts.scheme})
    client.force_login(user)
    response = client.get(parts.path)
    assert response.status_code == 200, (link, response.status_code)
    return response.content.decode()


def _info(case, staff):
    return services.case_request_information(case=case, by=staff, body="The log, please.")


def _resolve(case, staff):
    return services.case_resolve(case=case, by=staff, kind="settled", body="Apply patch 2.")


def _breach(case, staff):
    # Nobody answers the new P2 case: its response target is long past three days on.
    sla_sweep(now=T0 + timedelta(days=3))


# Each customer email kind: how the test produces it, and the section its main link opens.
KINDS = {
    "case_received": ("new", None, ""),
    "case_reply": (
        "in_progress",
        lambda case, staff: services.case_comment(case=case, by=staff, body="Try patch 2."),
        "reply",
    ),
    "case_info_requested": ("in_progress", _info, "information"),
    "case_resolved": ("in_progress", _resolve, "reopen"),
    "case_withdrawn": ("withdrawn", None, ""),
    "case_escalation_confirmed": (
        "in_progress",
        lambda case, staff: services.case_escalate(case=case, by=staff, reason="Line stopped."),
        "",
    ),
    "sla_breach_customer": ("new", _breach, ""),
}


@pytest.mark.parametrize("template", list(KINDS))
def test_each_customer_email_links_to_the_exact_section_of_its_case_page(
    template, case_in, acme_agent, staff_agent, staff_supervisor, time_machine
):
    status, act, section = KINDS[template]
    case = case_in(status)
    if act is not None:
        act(case, staff_agent)

    links = _links(_email_to(acme_agent, template))

    main = f"{SITE_URL}/cases/{case.number}/" + (f"#{section}" if section else "")
    assert main in links
    for link in links:
        parts = urlsplit(link)
        match = resolve(parts.path)
        assert (match.view_name, match.kwargs) == ("cases:detail", {"number": case.number})
        page = _followed(acme_agent, link)
        if parts.fragment:
            assert f'id="{parts.fragment}"' in page, f"{template}: no #{parts.fragment} on the page"


def test_the_resolved_email_also_links_to_the_rating_question(case_in, acme_agent, staff_agent):
    case = _resolve(case_in("in_progress"), staff_agent)

    links = _links(_email_to(acme_agent, "case_resolved"))

    assert f"{SITE_URL}/cases/{case.number}/#rating" in links


@pytest.fixture
def two_zones(acme_agent, acme_admin):
    """The reporter in Chicago and the designated contact in Paris."""
    acme_agent.time_zone, acme_admin.time_zone = "America/Chicago", "Europe/Paris"
    acme_agent.save(update_fields=["time_zone"])
    acme_admin.save(update_fields=["time_zone"])
    return acme_agent, acme_admin


def test_the_reopen_deadline_reads_in_each_recipients_zone(two_zones, case_in, staff_agent):
    chicago, paris = two_zones
    case = case_in("in_progress", contact=paris)
    _resolve(case, staff_agent)

    # Resolved Mon 2 Mar 2026 14:00 UTC; 14 days on is Mon 16 Mar 14:00 UTC. Chicago moved
    # to daylight time (UTC-5) on 8 March, Paris is still on UTC+1 until 29 March.
    expected = {
        chicago: "You can reopen this case until Mon 16 Mar 2026, 09:00 (your time, America/Chicago).",
        paris: "You can reopen this case until Mon 16 Mar 2026, 15:00 (your time, Europe/Paris).",
    }
    for user, sentence in expected.items():
        email = _email_to(user, "case_resolved")
        assert sentence in email.body
        assert sentence in email.alternatives[0][0]


def test_the_deadline_in_the_email_is_the_one_the_reopen_service_enforces(
    case_in, acme_agent, staff_agent
):
    case = _resolve(case_in("in_progress"), staff_agent)
    until = datetime(2026, 3, 16, 14, 0, tzinfo=UTC)
    assert "Mon 16 Mar 2026, 14:00 (your time, UTC)" in _email_to(acme_agent, "case_resolved").body

    with pytest.raises(ValidationError):
        services.case_reopen(
            case=case, by=acme_agent, reason="Back.", at=until + timedelta(minutes=1)
        )
    reopened = services.case_reopen(case=case, by=acme_agent, reason="Back.", at=until)

    assert reopened.status == "in_progress"


def test_the_information_request_says_there_is_no_deadline(case_in, acme_agent, staff_agent):
    _info(case_in("in_progress"), staff_agent)

    email = _email_to(acme_agent, "case_info_requested")

    assert "There is no deadline: the resolution time is paused" in email.body
    assert "Provide the information:" in email.body


def test_a_french_recipient_reads_the_links_and_the_deadline_in_french(
    case_in, acme_agent, staff_agent
):
    acme_agent.language, acme_agent.time_zone = "fr", "Europe/Paris"
    acme_agent.save(update_fields=["language", "time_zone"])
    case = _resolve(case_in("in_progress"), staff_agent)

    email = _email_to(acme_agent, "case_resolved")
    html = email.alternatives[0][0]

    assert "résolu" in email.subject
    deadline = (
        "Vous pouvez rouvrir ce dossier jusqu'au lundi 16 mars 2026 à 15:00 "
        "(votre heure locale, Europe/Paris)."
    )
    assert deadline in email.body and deadline in html.replace("&#x27;", "'")
    assert f"Rouvrir le dossier\u00a0: {SITE_URL}/cases/{case.number}/#reopen" in email.body
    assert "Ce message vous a été envoyé par CONNECT Support." in email.body
    assert 'lang="fr"' in html
