"""Staff get one email per sweep listing their alerts; customers keep one notice per case (issue 12)."""

from __future__ import annotations

from mail.models import OutboxMessage
from mail.services.outbox import outbox_render
from tests.cases.sweep_fixtures import (  # noqa: F401 (fixtures are found by name)
    chicago,
    fixture_fresh_engines,
    fixture_open_sweep_case,
    fixture_sweep_world,
    sweep_at,
)

# P1 cases received Tuesday 09:00 in Chicago breach their response target at 11:30.
DUE_AT = chicago(3, 11, 30)


def _breached(open_sweep_case, count: int) -> list:
    cases = [open_sweep_case(chicago(3, 9), title=f"Spindle alarm {n}") for n in range(count)]
    assert sweep_at(DUE_AT).breaches == count
    return cases


def test_a_supervisor_gets_one_digest_listing_every_breach_of_the_sweep(
    open_sweep_case, staff_supervisor
):
    cases = _breached(open_sweep_case, 3)

    [digest] = OutboxMessage.objects.filter(template="sla_digest")
    assert digest.to_email == staff_supervisor.email
    assert [item["number"] for item in digest.context["items"]] == [c.number for c in cases]
    email = outbox_render(digest)
    assert email.subject == "3 SLA alerts on your cases"
    for case in cases:
        assert f"/cases/{case.number}/" in email.body
        assert case.title in email.body
    assert "Breach" in email.body and "response" in email.body
    html = email.alternatives[0][0]
    assert f'href="http://testserver/cases/{cases[0].number}/"' in html or cases[0].number in html


def test_customers_still_get_one_notice_per_case(open_sweep_case, staff_supervisor):
    cases = _breached(open_sweep_case, 2)

    customer = OutboxMessage.objects.filter(template="sla_breach_customer")
    assert sorted(m.context["number"] for m in customer) == sorted(c.number for c in cases)
    assert not OutboxMessage.objects.filter(
        template="sla_digest", to_email__in=[m.to_email for m in customer]
    ).exists()


def test_the_digest_reads_in_the_supervisors_language_and_time_zone(
    open_sweep_case, staff_supervisor
):
    staff_supervisor.language, staff_supervisor.time_zone = "fr", "Europe/Paris"
    staff_supervisor.save(update_fields=["language", "time_zone"])

    _breached(open_sweep_case, 2)

    [digest] = OutboxMessage.objects.filter(template="sla_digest")
    email = outbox_render(digest)
    assert email.subject == "2 alertes SLA sur vos dossiers"
    assert "Dépassement" in email.body
    # 11:30 in Chicago is 18:30 in Paris.
    assert "18:30" in email.body


def test_a_single_alert_stays_a_plain_alert_email(open_sweep_case, staff_supervisor):
    _breached(open_sweep_case, 1)

    assert not OutboxMessage.objects.filter(template="sla_digest").exists()
    [alert] = OutboxMessage.objects.filter(template="sla_breach", to_email=staff_supervisor.email)
    assert alert.digest == ""
