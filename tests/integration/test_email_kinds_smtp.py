"""Every kind of email, in English and in French, through a real SMTP server (issue 12).

The services of each kind write the outbox rows (email_kinds.py); the test process delivers
them to aiosmtpd with Django's SMTP backend, and each test reads what the server received:
once each, the subject in the recipient's language, the brand as sender, a text and an HTML
part, and the headers of RFC 3834 (Auto-Submitted) and RFC 8058 (one-click unsubscribe).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from email_kinds import Sent, every_kind_produce

from mail.services.unsubscribe import UNSUBSCRIBE_SALT
from portal.env import env_email

pytestmark = [pytest.mark.smtp, pytest.mark.django_db]

BRAND = "CONNECT Support"
ONE_CLICK = "List-Unsubscribe=One-Click"
UNSUBSCRIBE = re.compile(r"<(https?://[^>\s]+/(?:email|updates)/unsubscribe/([^/>\s]+)/)>")


@dataclass(frozen=True)
class Kind:
    """What one kind of email must look like: a subject phrase per language, its headers."""

    en: str
    fr: str
    # Written by the system (Auto-Submitted); a person's reply or question is not.
    automated: bool = True
    # The Topic of its one-click unsubscribe link; "" for an email that is always sent.
    topic: str = ""


# The kinds of issue 12, as the outbox marks them (mail.services.outbox.OutboxDraft.fields):
# the product agrees with the list of the issue, so no kind here is an exception to it.
KINDS = {
    "case_received": Kind("received: ", "reçu : ", topic="cases"),
    "case_reply": Kind(
        "new reply from support", "nouvelle réponse du support", automated=False, topic="cases"
    ),
    "case_info_requested": Kind(
        "support needs information from you",
        "le support a besoin d'informations de votre part",
        automated=False,
    ),
    "case_resolved": Kind("resolved: ", "résolu : ", topic="cases"),
    "case_withdrawn": Kind(
        "is outside CONNECT support", "ne relève pas du support CONNECT", topic="cases"
    ),
    "case_escalation": Kind("Escalation Request", "Demande d'escalade"),
    "case_escalation_confirmed": Kind("Escalation received:", "Escalade reçue :", topic="cases"),
    "sla_warning": Kind(
        "SLA warning: first response to",
        "Alerte SLA : première réponse à",
        topic="staff_alerts",
    ),
    "sla_warning_customer": Kind(
        "our first response is due", "notre première réponse est attendue le", topic="cases"
    ),
    "sla_breach": Kind(
        "SLA breach: no first response to", "Dépassement SLA : aucune première réponse à"
    ),
    "sla_breach_customer": Kind(
        "we missed our target; you can escalate",
        "nous avons dépassé notre délai ; vous pouvez demander une escalade",
        topic="cases",
    ),
    "sla_update_reminder": Kind(
        "Status update due on", "Point d'avancement dû sur", topic="staff_alerts"
    ),
    # A digest of breach alerts only is always sent; one listing an optional alert may be
    # turned off with it (mail.services.outbox._bundle).
    "sla_digest_breaches": Kind("2 SLA alerts on your cases", "2 alertes SLA sur vos dossiers"),
    "sla_digest_warnings": Kind(
        "2 SLA alerts on your cases", "2 alertes SLA sur vos dossiers", topic="staff_alerts"
    ),
    "contract_expiry": Kind(
        "Your CONNECT contract ACME-001 ends in 28 days",
        "Votre contrat CONNECT ACME-001 prend fin dans 28 jours",
    ),
    "update_notice_urgent": Kind(
        "Urgent update notice: Licence server fix",
        "Avis de mise à jour urgente : Correctif du serveur de licences",
    ),
    "update_notice_scheduled": Kind(
        "Software update notice: CONNECT CAM 2026.5",
        "Avis de mise à jour logicielle : CONNECT CAM 2026.5 disponible",
        topic="scheduled_updates",
    ),
    "policy_change": Kind(
        "Change to the CONNECT Service Level Policy from",
        "Modification de la politique de niveau de service CONNECT à partir du",
    ),
    "team_invitation": Kind(
        f"You are invited to the {BRAND} portal of Acme",
        f"Vous êtes invité sur le portail {BRAND} de Acme",
    ),
    "rendered": Kind(
        f"[{BRAND}] Password Reset Email",
        f"[{BRAND}] E-mail de réinitialisation de mot de passe",
    ),
}


# On the test rather than the fixture, so that ids read kind first: "case_received-fr".
in_each_language = pytest.mark.parametrize("language", ["en", "fr"], indirect=True, scope="module")


@pytest.fixture(scope="module")
def language(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def produced(language, smtp_server, django_db_setup, django_db_blocker) -> list[Sent]:
    """Produce and deliver every kind once per language, for all the tests of that language.

    The world is built in a transaction rolled back at the end, so the tests read only what
    the SMTP server received and what the rows were; building it once per test would cost
    the whole world forty times over.
    """
    smtp = env_email("EMAIL_URL", smtp_server.url, environ={})
    with django_db_blocker.unblock(), override_settings(**smtp), transaction.atomic():
        # Rate limits of the password reset live in the cache.
        cache.clear()
        try:
            return every_kind_produce(language)
        finally:
            transaction.set_rollback(True)
            cache.clear()


@pytest.fixture(scope="module")
def sent_by_kind(produced) -> dict[str, list[Sent]]:
    by_kind: dict[str, list[Sent]] = {}
    for row in produced:
        if row.state == "sent":
            by_kind.setdefault(row.kind, []).append(row)
    return by_kind


def _received(smtp_server, row: Sent) -> list[EmailMessage]:
    """Return the messages the server received for the row, parsed with today's email API."""
    return [
        message_from_bytes(message.as_bytes(), policy=policy.default)
        for message in smtp_server.sink.messages_to(row.to_email)
        if message["X-Connect-Outbox-Id"] == str(row.pk)
    ]


@in_each_language
def test_every_kind_is_produced_and_nothing_else_arrives(
    language, produced, sent_by_kind, smtp_server
):
    assert sorted(sent_by_kind) == sorted(KINDS)
    assert {row.language for row in produced} == {language}
    # Staff alerts of one sweep go out in their digest, never also on their own.
    assert {row.state for row in produced} <= {"sent", "bundled"}
    arrived = {
        (address, message["X-Connect-Outbox-Id"])
        for address in {row.to_email for row in produced}
        for message in smtp_server.sink.messages_to(address)
    }
    assert arrived == {(row.to_email, str(row.pk)) for row in produced if row.state == "sent"}


@in_each_language
@pytest.mark.parametrize("kind", list(KINDS))
def test_the_email_arrives_once_in_the_language_with_its_headers(
    kind, language, sent_by_kind, smtp_server
):
    expected = KINDS[kind]
    rows = sent_by_kind.get(kind)
    assert rows, f"no {kind} email was sent"
    for row in rows:
        received = _received(smtp_server, row)
        assert len(received) == 1, f"{kind} to {row.to_email} arrived {len(received)} times"
        email = received[0]

        assert getattr(expected, language) in email["Subject"]
        other = "fr" if language == "en" else "en"
        assert getattr(expected, other) not in email["Subject"]
        assert email["From"].addresses[0].display_name == BRAND
        assert {"text/plain", "text/html"} <= {part.get_content_type() for part in email.walk()}

        assert email["Auto-Submitted"] == ("auto-generated" if expected.automated else None)
        unsubscribe = email["List-Unsubscribe"]
        if not expected.topic:
            assert (unsubscribe, email["List-Unsubscribe-Post"]) == (None, None)
            continue
        # Folded after the colon by Python's generator: the leading space is folding white space.
        link = UNSUBSCRIBE.fullmatch(str(unsubscribe).strip())
        assert link, f"{kind}: List-Unsubscribe {unsubscribe!r}"
        assert email["List-Unsubscribe-Post"] == ONE_CLICK
        assert signing.loads(link[2], salt=UNSUBSCRIBE_SALT)["t"] == expected.topic
        # The same link is in the footer for the reader whose client shows no button.
        for part in ("plain", "html"):
            assert link[1] in email.get_body((part,)).get_content(), f"{kind}: text/{part}"
