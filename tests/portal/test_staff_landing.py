"""After password and code, staff land on the staff home; customers on their dashboard (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from portal.adapters import AccountAdapter

LOGIN = "/accounts/login/"
MFA_STEP = "/accounts/2fa/authenticate/"
# Ten seconds into a 30-second TOTP window, so one test never straddles two codes.
MID_WINDOW = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)


def _sign_in(client, user, password, totp_code=None, **extra):
    """Send the password (and the code when asked for one); return the last answer."""
    response = client.post(LOGIN, {"login": user.email, "password": password, **extra})
    if totp_code is not None:
        assert response["Location"] == MFA_STEP
        response = client.post(MFA_STEP, {"code": totp_code()})
    return response


def test_staff_land_on_the_staff_home_after_password_and_code(
    client, staff_with_totp, password, totp_code
):
    with time_machine.travel(MID_WINDOW, tick=False):
        response = _sign_in(client, staff_with_totp, password, totp_code)

        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index") == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_a_safe_next_wins_over_the_staff_home(client, staff_with_totp, password, totp_code):
    with time_machine.travel(MID_WINDOW, tick=False):
        response = _sign_in(
            client, staff_with_totp, password, totp_code, next="/admin/cases/case/?view=mine"
        )

    assert response["Location"] == "/admin/cases/case/?view=mine"


def test_a_next_to_another_site_is_ignored(client, staff_with_totp, password, totp_code):
    with time_machine.travel(MID_WINDOW, tick=False):
        response = _sign_in(
            client, staff_with_totp, password, totp_code, next="https://evil.example/admin/"
        )

    assert response["Location"] == "/admin/"


def test_customers_keep_landing_on_the_portal_dashboard(client, customer, password):
    response = _sign_in(client, customer, password)

    assert response.status_code == 302
    assert response["Location"] == reverse("home") == "/"


def test_staff_without_an_authenticator_go_from_the_staff_home_to_set_one_up(
    client, staff_user, password
):
    response = _sign_in(client, staff_user, password)

    assert response["Location"] == "/admin/"
    setup = client.get("/admin/")
    assert setup["Location"] == f"{reverse('mfa_activate_totp')}?next={quote('/admin/', safe='')}"


@pytest.mark.django_db
def test_an_inactive_staff_account_is_not_sent_to_the_admin(staff_user):
    staff_user.is_active = False
    request = RequestFactory().get("/")
    request.user = staff_user

    assert AccountAdapter(request).get_login_redirect_url(request) == "/"
