"""Logging a phone case in the staff admin on a customer's behalf (issue 5, Deliver 1; SLP-13)."""

from __future__ import annotations

import pytest

from cases.models import Case, Channel, EventKind, Status

pytestmark = pytest.mark.django_db

ADD = "/admin/cases/case/add/"


@pytest.fixture
def agent_client(staff_agent, staff_login):
    return staff_login(staff_agent)


def _call(site, release, reporter, **overrides) -> dict:
    return {
        "site": site.pk,
        "release": release.pk,
        "reporter": reporter.pk,
        "proposed_priority": "P1",
        "title": "Licence server not reachable",
        "description": "No workstation gets a licence since the Windows update (error 1503).",
        "environment": "Windows Server 2022",
        "_save": "Open the case",
        **overrides,
    }


def test_step_one_asks_which_organisation_files(agent_client, acme, end_customer, partner):
    response = agent_client.get(ADD)

    assert response.status_code == 200
    choices = response.context["organization_form"].fields["organization"].queryset
    assert set(choices) == {acme, partner}  # end customers are filed for by their partner


def test_a_malformed_organisation_asks_again_instead_of_failing(agent_client):
    # "²" passes str.isdigit() but is not a primary key.
    response = agent_client.get(ADD, {"organization": "²"})

    assert response.status_code == 200
    assert "organization_form" in response.context


def test_step_two_offers_only_that_organisations_sites_and_people(
    agent_client, acme, acme_site, acme_agent, globex_site, globex_agent
):
    response = agent_client.get(ADD, {"organization": acme.pk})

    form = response.context["form"]
    assert list(form.fields["site"].queryset) == [acme_site]
    assert list(form.fields["reporter"].queryset) == [acme_agent]


def test_a_partner_files_for_its_end_customers_sites(
    agent_client, partner, partner_agent, end_customer_site, end_customer_contract, release_2026
):
    response = agent_client.post(
        f"{ADD}?organization={partner.pk}", _call(end_customer_site, release_2026, partner_agent)
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.organization, case.end_customer, case.site) == (
        partner,
        end_customer_site.organization,
        end_customer_site,
    )


def test_a_covered_call_opens_a_phone_case_through_intake(
    agent_client, acme, acme_site, acme_contract, acme_agent, release_2026, staff_agent
):
    response = agent_client.post(
        f"{ADD}?organization={acme.pk}", _call(acme_site, release_2026, acme_agent)
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/cases/case/{case.pk}/change/"
    assert (case.channel, case.reporter, case.status) == (Channel.PHONE, acme_agent, Status.NEW)
    assert case.proposed_priority == "P1"
    received = case.events.get(kind=EventKind.RECEIVED)
    assert received.data["channel"] == "phone"


def test_a_call_not_covered_is_refused_with_the_reason_and_saves_nothing(
    agent_client, acme, acme_site, acme_agent, release_2026
):
    response = agent_client.post(
        f"{ADD}?organization={acme.pk}", _call(acme_site, release_2026, acme_agent)
    )

    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "has no active CONNECT contract" in errors
    assert not Case.objects.exists()


def test_a_call_not_covered_can_be_recorded_as_withdrawn(
    agent_client, acme, acme_site, acme_agent, release_2026, staff_agent
):
    call = _call(
        acme_site,
        release_2026,
        acme_agent,
        exclusion="no_contract",
        explanation="Your contract for ACME-CHI has ended: renew it, then call again.",
    )
    del call["_save"]
    call["_withdrawn"] = "Record"

    agent_client.post(f"{ADD}?organization={acme.pk}", call)

    case = Case.objects.get()
    assert (case.status, case.exclusion, case.channel) == (
        Status.WITHDRAWN,
        "no_contract",
        Channel.PHONE,
    )
    assert case.events.get(kind=EventKind.WITHDRAWN).actor == staff_agent


def test_recording_withdrawn_needs_the_exclusion(
    agent_client, acme, acme_site, acme_agent, release_2026
):
    call = _call(acme_site, release_2026, acme_agent, explanation="Not covered.")
    call["_withdrawn"] = "Record"

    response = agent_client.post(f"{ADD}?organization={acme.pk}", call)

    assert "exclusion" in response.context["form"].errors
    assert not Case.objects.exists()


def test_a_caller_of_another_organisation_is_refused(
    agent_client, acme, acme_site, acme_contract, globex_agent, release_2026
):
    response = agent_client.post(
        f"{ADD}?organization={acme.pk}", _call(acme_site, release_2026, globex_agent)
    )

    assert "reporter" in response.context["form"].errors
    assert not Case.objects.exists()


def test_a_call_in_the_future_is_refused(
    agent_client, acme, acme_site, acme_contract, acme_agent, release_2026
):
    call = _call(acme_site, release_2026, acme_agent, received_at="2026-03-09 10:00")

    response = agent_client.post(f"{ADD}?organization={acme.pk}", call)

    assert response.status_code == 200
    assert "in the future" in str(response.context["form"].errors["received_at"])
    assert not Case.objects.exists()


@pytest.mark.parametrize("role", ["staff_sponsor", "staff_contract_admin"])
def test_roles_that_do_not_work_cases_cannot_log_one(request, staff_login, role, acme):
    client = staff_login(request.getfixturevalue(role))

    assert client.get(ADD).status_code == 403
    assert client.post(f"{ADD}?organization={acme.pk}", {}).status_code == 403


def test_a_call_dated_before_any_policy_is_refused_on_the_date(
    agent_client, acme, acme_site, acme_agent, release_2026
):
    # The default policy takes effect on 1 January 2020: a mistyped year has none in force.
    call = _call(
        acme_site,
        release_2026,
        acme_agent,
        received_at="2019-03-02 10:00",
        exclusion="no_contract",
        explanation="Your contract for ACME-CHI has ended: renew it, then call again.",
    )
    del call["_save"]
    call["_withdrawn"] = "Record"

    response = agent_client.post(f"{ADD}?organization={acme.pk}", call)

    assert response.status_code == 200
    assert "received_at" in response.context["form"].errors
    assert not Case.objects.exists()
