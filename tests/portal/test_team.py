"""The team page: admins invite, set roles and the designated contact, deactivate (issue 6)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client

from contracts.models import Membership, User
from mail.models import OutboxMessage
from mail.services.outbox import outbox_render
from mail.services.secrets import unseal
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _membership(user) -> Membership:
    return Membership.objects.get(user=user)


def _invite(client: Client, email: str, role: str = "agent", **extra):
    return client.post("/team/invite/", {"email": email, "role": role, **extra})


# --- Who may use the page ------------------------------------------------------------------


def test_an_admin_sees_the_members_of_its_organisation_only(
    acme_admin, acme_agent, acme_viewer, globex_admin
):
    page = _client(acme_admin).get("/team/")

    html = page.content.decode()
    assert page.status_code == 200
    assert acme_agent.email in html and acme_viewer.email in html
    assert globex_admin.email not in html


@pytest.mark.parametrize("role", ["acme_agent", "acme_viewer", "stranger"])
def test_agents_viewers_and_people_without_organisation_get_403(role, request, acme_admin):
    client = _client(request.getfixturevalue(role))
    member = _membership(acme_admin).pk

    assert client.get("/team/").status_code == 403
    assert _invite(client, "new@acme.test").status_code == 403
    assert client.post(f"/team/{member}/role/", {"role": "viewer"}).status_code == 403
    assert client.post(f"/team/{member}/deactivate/").status_code == 403
    assert client.post(f"/team/{member}/contact/").status_code == 403
    assert _membership(acme_admin).role == "admin" and _membership(acme_admin).is_active


def test_the_team_link_shows_for_admins_only(acme_admin, acme_agent):
    assert 'href="/team/"' in _client(acme_admin).get("/sites/").content.decode()
    assert 'href="/team/"' not in _client(acme_agent).get("/sites/").content.decode()


def test_another_tenants_member_is_404(acme_admin, globex_agent):
    client = _client(acme_admin)
    member = _membership(globex_agent).pk

    assert client.post(f"/team/{member}/role/", {"role": "admin"}).status_code == 404
    assert client.post(f"/team/{member}/deactivate/").status_code == 404
    assert (
        client.post(f"/team/{member}/contact/", {"is_technical_contact": "on"}).status_code == 404
    )
    assert _membership(globex_agent).role == "agent" and _membership(globex_agent).is_active


def test_a_partner_admin_cannot_manage_its_end_customers_team(partner_admin, end_customer_user):
    response = _client(partner_admin).post(f"/team/{_membership(end_customer_user).pk}/deactivate/")

    assert response.status_code == 404
    assert _membership(end_customer_user).is_active


def test_actions_are_post_only(acme_admin, acme_agent):
    client = _client(acme_admin)

    assert client.get("/team/invite/").status_code == 405
    assert client.get(f"/team/{_membership(acme_agent).pk}/deactivate/").status_code == 405


def test_every_post_without_a_csrf_token_is_refused(acme_admin, acme_agent):
    client = _client(acme_admin, enforce_csrf_checks=True)
    member = _membership(acme_agent).pk

    assert _invite(client, "new@acme.test").status_code == 403
    assert client.post(f"/team/{member}/role/", {"role": "viewer"}).status_code == 403
    assert (
        client.post(f"/team/{member}/contact/", {"is_technical_contact": "on"}).status_code == 403
    )
    assert client.post(f"/team/{member}/deactivate/").status_code == 403
    assert not User.objects.filter(email="new@acme.test").exists()
    assert _membership(acme_agent).role == "agent" and _membership(acme_agent).is_active


# --- Inviting ------------------------------------------------------------------------------


def test_an_invitation_creates_the_account_and_emails_a_password_link(acme, acme_admin):
    response = _invite(_client(acme_admin), "New.Person@Acme.test", "viewer", full_name="Nia New")

    assert response.status_code == 302
    user = User.objects.get(email="new.person@acme.test")
    assert not user.has_usable_password()
    assert user.full_name == "Nia New" and user.language == acme.language
    membership = _membership(user)
    assert membership.organization == acme and membership.role == "viewer"
    message = OutboxMessage.objects.get(template="team_invitation")
    assert message.to_email == "new.person@acme.test" and message.context["sensitive"] is True
    assert "/accounts/password/reset/key/" in unseal(message.context)["invite_url"]


def test_the_invitation_link_lets_the_person_choose_a_password_and_sign_in(acme_admin, client):
    _invite(_client(acme_admin), "nia@acme.test")
    link = unseal(OutboxMessage.objects.get(template="team_invitation").context)["invite_url"]

    form_page = client.get(urlsplit(link).path, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "a-long-new-pass-42", "password2": "a-long-new-pass-42"},
    )
    signed_in = Client().post(
        "/accounts/login/", {"login": "nia@acme.test", "password": "a-long-new-pass-42"}
    )

    assert done.status_code == 302
    assert signed_in.status_code == 302 and signed_in["Location"] == "/"


def test_the_invitation_email_reads_in_the_invitees_language_with_the_brand(acme, acme_admin):
    acme.language = "fr"
    acme.save()
    _invite(_client(acme_admin), "nia@acme.test", "admin")

    message = OutboxMessage.objects.get(template="team_invitation")
    email = outbox_render(message)

    assert message.language == "fr" and User.objects.get(email="nia@acme.test").language == "fr"
    assert "Acme" in email.subject and "CONNECT Support" in email.subject
    assert "/accounts/password/reset/key/" in email.body
    assert unseal(message.context)["invite_url"] in email.alternatives[0][0]


def test_an_invitation_link_uses_the_brand_host_of_the_organisation(acme, acme_admin):
    from portal.models import Brand

    Brand.objects.create(organization=acme, display_name="Acme Help", host="help.acme.example")

    _invite(_client(acme_admin), "nia@acme.test")

    link = unseal(OutboxMessage.objects.get(template="team_invitation").context)["invite_url"]
    assert urlsplit(link).hostname == "help.acme.example"


def test_an_address_of_another_organisation_is_refused_clearly(acme_admin, globex_agent):
    response = _invite(_client(acme_admin), globex_agent.email.upper())

    html = response.content.decode()
    assert response.status_code == 400
    assert "already belongs to another organisation" in html
    assert 'id="id_email_error"' in html
    assert _membership(globex_agent).organization.name == "Globex"
    assert not OutboxMessage.objects.filter(template="team_invitation").exists()


def test_a_current_member_or_staff_address_is_refused(acme_admin, acme_agent, staff_agent):
    client = _client(acme_admin)

    assert "already a member of your team" in _invite(client, acme_agent.email).content.decode()
    assert "support staff account" in _invite(client, staff_agent.email).content.decode()
    assert not Membership.objects.filter(user=staff_agent).exists()


def test_a_bad_address_is_an_error_next_to_the_field_and_keeps_the_input(acme_admin):
    response = _invite(_client(acme_admin), "not-an-address", full_name="Kept Name")

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_email_error"' in html and 'aria-invalid="true"' in html
    assert 'value="Kept Name"' in html


def test_a_former_member_is_given_access_again(acme_admin, acme_agent):
    member = _membership(acme_agent)
    member.is_active = False
    member.save()

    _invite(_client(acme_admin), acme_agent.email, "viewer")

    member.refresh_from_db()
    assert member.is_active and member.role == "viewer"


def test_a_signed_up_person_without_organisation_can_be_invited(acme, acme_admin, stranger):
    _invite(_client(acme_admin), stranger.email)

    assert _membership(stranger).organization == acme


# --- Roles, contacts, deactivation -----------------------------------------------------------


def test_an_admin_changes_a_members_role(acme_admin, acme_agent):
    response = _client(acme_admin).post(
        f"/team/{_membership(acme_agent).pk}/role/", {"role": "viewer"}
    )

    assert response.status_code == 302 and response["Location"] == "/team/"
    assert _membership(acme_agent).role == "viewer"


def test_an_unknown_role_is_refused(acme_admin, acme_agent):
    client = _client(acme_admin)

    response = client.post(f"/team/{_membership(acme_agent).pk}/role/", {"role": "owner"})

    assert response.status_code == 302
    assert _membership(acme_agent).role == "agent"
    assert "Select a valid choice" in client.get("/team/").content.decode()


def test_the_last_admin_cannot_step_down_or_be_deactivated(acme_admin, acme_agent):
    client = _client(acme_admin)
    me = _membership(acme_admin).pk

    client.post(f"/team/{me}/role/", {"role": "agent"})
    client.post(f"/team/{me}/deactivate/")

    assert _membership(acme_admin).role == "admin" and _membership(acme_admin).is_active
    assert "at least one" in client.get("/team/").content.decode()


def test_an_admin_may_step_down_when_another_admin_remains(acme, acme_admin):
    MembershipFactory(organization=acme, role="admin")

    response = _client(acme_admin).post(
        f"/team/{_membership(acme_admin).pk}/role/", {"role": "agent"}
    )

    assert _membership(acme_admin).role == "agent"
    assert response["Location"] == "/"


def test_an_admin_designates_and_removes_a_technical_contact(acme_admin, acme_agent):
    client = _client(acme_admin)
    url = f"/team/{_membership(acme_agent).pk}/contact/"

    client.post(url, {"is_technical_contact": "on"})
    assert _membership(acme_agent).is_technical_contact

    client.post(url, {})
    assert not _membership(acme_agent).is_technical_contact


def test_deactivating_a_member_takes_access_and_contact_duty_away(acme_admin, acme_agent):
    member = _membership(acme_agent)
    member.is_technical_contact = True
    member.save()

    _client(acme_admin).post(f"/team/{member.pk}/deactivate/")

    member.refresh_from_db()
    assert not member.is_active and not member.is_technical_contact
    assert _client(acme_agent).get("/team/").status_code == 403


def test_with_htmx_an_action_answers_with_the_row_only(acme_admin, acme_agent):
    response = _client(acme_admin).post(
        f"/team/{_membership(acme_agent).pk}/role/",
        {"role": "viewer"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="member-{_membership(acme_agent).pk}"')
    assert '<option value="viewer" selected>' in html


def test_with_htmx_a_refused_action_shows_its_reason_in_the_row(acme_admin):
    response = _client(acme_admin).post(
        f"/team/{_membership(acme_admin).pk}/deactivate/", headers={"HX-Request": "true"}
    )

    assert response.status_code == 400
    assert 'class="row-error" role="alert"' in response.content.decode()


def test_member_names_with_html_render_inert(acme, acme_admin):
    MembershipFactory(
        organization=acme,
        user=UserFactory(full_name="<script>alert(1)</script>", email="x@acme.test"),
    )

    html = _client(acme_admin).get("/team/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# session, user, membership, brand, the two notice banners of base.html; members with users
TEAM_QUERIES = 7


def test_the_query_count_does_not_grow_with_members(acme, acme_admin, django_assert_num_queries):
    client = _client(acme_admin)
    with django_assert_num_queries(TEAM_QUERIES):
        client.get("/team/")

    for _ in range(6):
        MembershipFactory(organization=acme)
    with django_assert_num_queries(TEAM_QUERIES):
        client.get("/team/")


def test_names_with_html_render_inert_in_the_invitation_email(acme, acme_admin):
    acme.name = "<b>Acme</b>"
    acme.save()
    acme_admin.full_name = "<script>alert(1)</script>"
    acme_admin.save()

    _invite(_client(acme_admin), "nia@acme.test")

    email = outbox_render(OutboxMessage.objects.get(template="team_invitation"))
    html = email.alternatives[0][0]
    assert "<b>Acme</b>" not in html and "&lt;b&gt;Acme&lt;/b&gt;" in html
    assert "<script>" not in html
    assert "<b>Acme</b>" in email.subject  # plain text: nothing to escape


def test_an_admin_is_not_offered_to_deactivate_themselves_and_cannot(acme, acme_admin, acme_agent):
    MembershipFactory(organization=acme, role="admin")  # not the last admin: only "self" refuses
    client = _client(acme_admin)
    page = client.get("/team/").content.decode()

    assert f"/team/{_membership(acme_admin).pk}/deactivate/" not in page
    assert f"/team/{_membership(acme_agent).pk}/deactivate/" in page

    client.post(f"/team/{_membership(acme_admin).pk}/deactivate/")

    assert _membership(acme_admin).is_active
    assert "your own access" in client.get("/team/").content.decode()
