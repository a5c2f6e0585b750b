"""Opening a case: numbers, the policy version and calendar kept, the receipt (SLP-5, SLP-8)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cases.models import Case, CaseEvent, ClockState, EventKind, Status
from cases.services import case_open, case_record_withdrawn
from mail.models import OutboxMessage
from mail.services.outbox import outbox_render
from sla.models import Calendar, PolicyVersion
from tests.cases.conftest import T0
from tests.factories import PatchFactory


def test_case_numbers_are_short_sequential_and_unique(open_case):
    first, second, third = (open_case() for _ in range(3))

    assert first.number == f"C-{first.pk:06d}"
    assert [int(c.number[2:]) for c in (second, third)] == [first.pk + 1, first.pk + 2]
    assert Case.objects.filter(number__in=[first.number, second.number]).count() == 2


def test_a_new_case_keeps_the_policy_version_and_the_site_calendar(open_case):
    case = open_case()

    assert case.policy_version == PolicyVersion.objects.get(name="CONNECT SLP 1")
    assert case.calendar == Calendar.objects.get(name="Worldwide")
    assert case.received_at == T0
    assert case.status == Status.NEW


def test_a_uk_site_gets_the_uk_calendar(
    globex, globex_site, globex_contract, globex_agent, release_2026
):
    case = case_open(
        reporter=globex_agent,
        organization=globex,
        site=globex_site,
        release=release_2026,
        title="Licence server down",
        description="No seat can check out a licence.",
        proposed_priority="P1",
        channel="phone",
    )

    assert case.calendar.name == "UK"
    # 14:00 UTC Monday + 150 support minutes of 09:00-17:00 UTC.
    assert case.response_due_at == datetime(2026, 3, 2, 16, 30, tzinfo=UTC)


def test_opening_writes_the_received_event_and_starts_the_response_clock_only(open_case):
    case = open_case(proposed_priority="P3")

    [event] = CaseEvent.objects.filter(case=case)
    assert (event.kind, event.new_value, event.public) == (EventKind.RECEIVED, "P3", True)
    assert case.response_state == ClockState.RUNNING
    assert case.resolution_state == ClockState.NOT_STARTED
    # P3: 1440 support minutes = two 9-hour days and 6 hours: Wednesday 14:00 in Chicago.
    assert case.response_due_at == datetime(2026, 3, 4, 20, 0, tzinfo=UTC)
    assert case.sla_next_due_at == case.response_due_at


def test_a_phone_case_logged_later_keeps_when_it_was_received(open_case, time_machine):
    time_machine.move_to(T0 + timedelta(hours=2), tick=False)

    case = open_case(channel="phone", received_at=T0 + timedelta(minutes=5))

    assert case.received_at == T0 + timedelta(minutes=5)
    assert CaseEvent.objects.get(case=case).at == T0 + timedelta(minutes=5)


def test_a_case_cannot_be_received_in_the_future(open_case):
    with pytest.raises(ValidationError) as refused:
        open_case(received_at=T0 + timedelta(minutes=1))

    assert "received_at" in refused.value.message_dict
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "   "}, "title"),
        ({"description": ""}, "description"),
        ({"proposed_priority": "P9"}, "proposed_priority"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(open_case, overrides, field):
    with pytest.raises(ValidationError) as refused:
        open_case(**overrides)

    assert field in refused.value.message_dict
    assert not Case.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_patch_of_another_release_is_refused(open_case, release_2025):
    with pytest.raises(ValidationError) as refused:
        open_case(patch=PatchFactory(release=release_2025))

    assert "patch" in refused.value.message_dict


def test_the_reporter_must_belong_to_the_organisation(open_case, globex_agent):
    with pytest.raises(ValidationError) as refused:
        open_case(reporter=globex_agent)

    assert "reporter" in refused.value.message_dict


def test_the_designated_contact_defaults_to_the_technical_contact(open_case, acme_admin):
    assert open_case().contact == acme_admin


def test_the_receipt_goes_to_reporter_and_contact_with_number_and_targets(
    open_case, acme_agent, acme_admin
):
    acme_agent.time_zone = "America/Chicago"
    acme_agent.save()

    case = open_case(proposed_priority="P1")

    messages = OutboxMessage.objects.filter(template="case_received").order_by("to_email")
    assert [m.to_email for m in messages] == [acme_admin.email, acme_agent.email]
    event = CaseEvent.objects.get(case=case, kind=EventKind.RECEIVED)
    assert messages[1].idempotency_key == f"case:{case.pk}:{event.pk}:{acme_agent.pk}"
    email = outbox_render(messages[1])
    assert case.number in email.subject
    assert "within 2.5 h" in email.body and "within 8 h" in email.body
    # Due 10:30 in Chicago, shown in the recipient's zone (the admin's is UTC: 16:30).
    assert "10:30 a.m. (America/Chicago)" in email.body
    assert "4:30 p.m. (UTC)" in outbox_render(messages[0]).body


def test_a_partner_files_for_its_end_customer_and_the_end_customer_is_named(
    partner, partner_agent, end_customer, end_customer_site, end_customer_contract, release_2026
):
    case = case_open(
        reporter=partner_agent,
        organization=partner,
        site=end_customer_site,
        release=release_2026,
        title="Simulation crashes",
        description="Simulation of the 5-axis job crashes.",
        proposed_priority="P3",
        channel="portal",
    )

    assert (case.organization, case.end_customer) == (partner, end_customer)
    assert case.site.time_zone == "America/Denver"


def test_an_end_customers_user_cannot_file_under_the_partners_contract(
    partner, end_customer_site, end_customer_contract, end_customer_user, release_2026
):
    with pytest.raises(ValidationError) as refused:
        case_open(
            reporter=end_customer_user,
            organization=partner,
            site=end_customer_site,
            release=release_2026,
            title="Simulation crashes",
            description="Simulation of the 5-axis job crashes.",
            proposed_priority="P3",
            channel="portal",
        )

    assert "reporter" in refused.value.message_dict
    assert "Northwind, which files the case" in refused.value.message_dict["reporter"][0]


def test_the_end_customers_person_may_be_the_designated_contact(
    partner,
    partner_agent,
    end_customer_site,
    end_customer_contract,
    end_customer_user,
    release_2026,
):
    case = case_open(
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

    assert case.contact == end_customer_user


def test_an_end_customer_of_another_partner_is_refused(
    acme, open_case, end_customer, end_customer_site
):
    with pytest.raises(ValidationError) as refused:
        open_case(end_customer=end_customer, site=end_customer_site)

    assert "end_customer" in refused.value.message_dict


def test_staff_record_an_excluded_request_as_withdrawn_with_the_referral(
    acme, acme_site, acme_agent, release_2026, staff_agent
):
    case = case_record_withdrawn(
        by=staff_agent,
        reporter=acme_agent,
        organization=acme,
        site=acme_site,
        release=release_2026,
        title="New post-processor for our Mazak",
        description="We need a post-processor for a new machine.",
        proposed_priority="P3",
        channel="phone",
        exclusion="professional_services",
        explanation="Post-processor development is done by professional services.",
    )

    assert (case.status, case.exclusion, case.category) == (
        Status.WITHDRAWN,
        "professional_services",
        "out_of_scope",
    )
    assert (case.response_state, case.resolution_state) == (ClockState.WITHDRAWN,) * 2
    [email] = OutboxMessage.objects.filter(template="case_withdrawn")
    body = outbox_render(email).body
    assert "professional services" in body and "SDK" in body


def test_only_staff_record_withdrawn_requests(acme, acme_site, acme_agent, release_2026):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        case_record_withdrawn(
            by=acme_agent,
            reporter=acme_agent,
            organization=acme,
            site=acme_site,
            release=release_2026,
            title="x",
            description="y",
            proposed_priority="P3",
            channel="portal",
            exclusion="training",
            explanation="z",
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cases_opened_at_the_same_time_get_distinct_numbers(open_case):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    start = threading.Barrier(6)
    numbers, errors = [], []

    def intake() -> None:
        from django.db import connection as thread_connection

        try:
            start.wait(timeout=10)
            numbers.append(open_case().number)
        except Exception as exc:  # collected so the assertion shows it
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=intake) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(set(numbers)) == 6
    assert sorted(numbers) == sorted(Case.objects.values_list("number", flat=True))
