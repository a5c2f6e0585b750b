"""Email preferences on case emails (issue 12): optional kinds can be turned off, others not."""

from __future__ import annotations

import time_machine
from django.test import Client

from cases import services
from mail.models import ContactPreference, OutboxMessage, Topic
from mail.services.outbox import outbox_render
from mail.services.preferences import contact_preference_set_topics
from mail.services.unsubscribe import unsubscribe_token
from tests.factories import MembershipFactory


def _mail(template: str, user) -> OutboxMessage:
    return OutboxMessage.objects.get(template=template, to_email=user.email)


def test_case_emails_carry_their_kinds_one_click_unsubscribe(case_in, acme_admin):
    case_in("new")

    received = _mail("case_received", acme_admin)
    assert received.topic == Topic.CASES
    assert received.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/email/unsubscribe/" in received.headers["List-Unsubscribe"]
    assert received.headers["Auto-Submitted"] == "auto-generated"
    email = outbox_render(received)
    assert "Stop receiving this kind of email" in email.body
    assert email.extra_headers["List-Unsubscribe"] == received.headers["List-Unsubscribe"]


def test_a_person_who_turned_case_emails_off_still_gets_the_request_for_information(
    case_in, acme_admin, staff_agent
):
    contact_preference_set_topics(user=acme_admin, receive={Topic.CASES: False})

    case = case_in("waiting_on_customer")

    assert _mail("case_received", acme_admin).state == OutboxMessage.State.SKIPPED
    asked = _mail("case_info_requested", acme_admin)
    assert asked.state == OutboxMessage.State.PENDING
    assert "List-Unsubscribe" not in asked.headers
    # Words written by a person: auto-responders may answer them.
    assert "Auto-Submitted" not in asked.headers
    assert case.status == "waiting_on_customer"


def test_an_admin_who_follows_the_organisation_gets_every_case_email(case_in, acme, acme_agent):
    follower = MembershipFactory(organization=acme, role="admin").user
    contact_preference_set_topics(user=follower, receive={Topic.ORGANIZATION_CASES: True})
    MembershipFactory(organization=acme, role="admin")  # another admin, who did not ask

    case_in("new", reporter=acme_agent)

    assert _mail("case_received", acme_agent).topic == Topic.CASES
    assert OutboxMessage.objects.filter(topic=Topic.ORGANIZATION_CASES).count() == 1
    copy = _mail("case_received", follower)
    assert copy.topic == Topic.ORGANIZATION_CASES
    assert "/email/unsubscribe/" in copy.headers["List-Unsubscribe"]


def test_the_link_turns_off_its_kind_only_and_a_change_revokes_older_links(acme_admin):
    token = unsubscribe_token(acme_admin, Topic.CASES)

    assert Client().post(f"/email/unsubscribe/{token}/").status_code == 200
    preference = acme_admin.contact_preference
    assert (preference.receives(Topic.CASES), preference.receives(Topic.SCHEDULED_UPDATES)) == (
        False,
        True,
    )
    # The preference changed: the link that changed it is spent, as is every older one.
    assert Client().get(f"/email/unsubscribe/{token}/").status_code == 404
    assert Client().get(f"/email/unsubscribe/{unsubscribe_token(acme_admin)}/").status_code == 200


def test_the_unsubscribe_page_speaks_the_recipients_language_and_names_no_address(acme_admin):
    acme_admin.language = "fr"
    acme_admin.save(update_fields=["language"])

    page = Client().get(f"/email/unsubscribe/{unsubscribe_token(acme_admin, Topic.CASES)}/")

    text = page.content.decode()
    assert '<html lang="fr">' in text
    assert "Ne plus vous envoyer ces e-mails" in text
    assert acme_admin.email not in text


def test_an_expired_link_changes_nothing(acme_admin):
    with time_machine.travel("2026-01-01T09:00:00Z", tick=False):
        token = unsubscribe_token(acme_admin, Topic.CASES)
    with time_machine.travel("2026-04-02T09:00:00Z", tick=False):
        assert Client().post(f"/email/unsubscribe/{token}/").status_code == 404

    assert not ContactPreference.objects.filter(user=acme_admin).exists()


def test_staff_who_turn_alerts_off_still_get_escalations(case_in, acme_agent, staff_supervisor):
    contact_preference_set_topics(user=staff_supervisor, receive={Topic.STAFF_ALERTS: False})
    case = case_in("in_progress")

    services.case_escalate(case=case, by=acme_agent, reason="Production stopped.")

    assert _mail("case_escalation", staff_supervisor).state == OutboxMessage.State.PENDING
