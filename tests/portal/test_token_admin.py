"""The API token admin: superusers see and revoke tokens; nobody adds one or sees a key or hash."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.models.tokens import ApiToken
from portal.services.tokens import token_create

pytestmark = pytest.mark.django_db

LIST = "/admin/portal/apitoken/"


@pytest.fixture(autouse=True)
def _static_root(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path


@pytest.fixture
def tokens(acme_agent, globex_agent):
    """An active and a revoked token of Acme's agent, an active one of Globex's."""
    active, key = token_create(acme_agent, name="Acme ERP")
    revoked, _key = token_create(acme_agent, name="Acme old script", scope="read")
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=dt.datetime.now(dt.UTC))
    globex, _key = token_create(globex_agent, name="Globex robot")
    return {"active": active, "revoked": revoked, "globex": globex, "key": key}


def test_the_list_shows_each_token_but_no_key_and_no_hash(staff_login, staff_superuser, tokens):
    html = staff_login(staff_superuser).get(LIST).content.decode()

    for name in ("Acme ERP", "Acme old script", "Globex robot"):
        assert name in html
    assert "agent@acme.test" in html and "Read only" in html and "Revoked" in html
    for token in ApiToken.objects.all():
        assert token.key_hash not in html
    assert tokens["key"] not in html


def test_the_change_page_shows_no_hash(staff_login, staff_superuser, tokens):
    token = tokens["active"]

    html = staff_login(staff_superuser).get(f"{LIST}{token.pk}/change/").content.decode()

    assert "Acme ERP" in html
    assert token.key_hash not in html
    assert "key_hash" not in html


def test_search_by_email_and_filter_by_state(staff_login, staff_superuser, tokens):
    client = staff_login(staff_superuser)

    by_email = client.get(LIST, {"q": "globex.test"}).content.decode()
    active = client.get(LIST, {"state": "active"}).content.decode()
    read_only = client.get(LIST, {"scope": "read"}).content.decode()

    assert "Globex robot" in by_email and "Acme ERP" not in by_email
    assert "Acme ERP" in active and "Acme old script" not in active
    assert "Acme old script" in read_only and "Globex robot" not in read_only


def test_revoke_selected_tokens(staff_login, staff_superuser, tokens):
    client = staff_login(staff_superuser)
    chosen = [tokens["active"].pk, tokens["revoked"].pk]

    response = client.post(
        LIST, {"action": "revoke_selected", "_selected_action": chosen}, follow=True
    )

    assert "1 token revoked." in response.content.decode()
    assert ApiToken.objects.get(pk=tokens["active"].pk).revoked_at is not None
    assert ApiToken.objects.get(pk=tokens["globex"].pk).revoked_at is None


def test_no_one_adds_a_token_in_the_admin(staff_login, staff_superuser):
    assert staff_login(staff_superuser).get(f"{LIST}add/").status_code == 403


def test_staff_roles_do_not_see_tokens(staff_login, staff_contract_admin, tokens):
    assert staff_login(staff_contract_admin).get(LIST).status_code == 403
