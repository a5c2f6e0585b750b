"""Staff need an authenticator app before the admin opens; codes cannot be replayed (issue 2)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse

LOGIN = "/accounts/login/"
MFA_STEP = "/accounts/2fa/authenticate/"
# Ten seconds into a 30-second TOTP window, so one test never straddles two codes.
MID_WINDOW = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)


def _password_step(client, user, password):
    return client.post(LOGIN, {"login": user.email, "password": password, "next": "/admin/"})


def test_staff_without_an_authenticator_is_sent_to_set_one_up(client, staff_user):
    client.force_login(staff_user)

    for path in ("/admin/", "/admin/mail/outboxmessage/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('mfa_activate_totp')}?next={quote(path, safe='')}"


def test_staff_with_an_authenticator_gets_into_the_admin(client, staff_with_totp):
    client.force_login(staff_with_totp)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Site administration" in response.content.decode()


def test_a_customer_gets_no_admin(client, customer):
    client.force_login(customer)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
    assert response.redirect_chain[0][0].startswith("/admin/login/")


def test_the_admin_login_is_allauths_login(client, db):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={quote('/admin/', safe='')}"


def test_staff_login_asks_for_the_code_before_opening_the_admin(client, staff_with_totp, password):
    with time_machine.travel(MID_WINDOW, tick=False):
        response = _password_step(client, staff_with_totp, password)

        assert response.status_code == 302
        assert response["Location"] == MFA_STEP
        # Password alone is not a login: the admin still sends the user away.
        assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_correct_code_opens_the_admin(client, staff_with_totp, password, totp_code):
    with time_machine.travel(MID_WINDOW, tick=False):
        _password_step(client, staff_with_totp, password)

        response = client.post(MFA_STEP, {"code": totp_code()})

        assert response.status_code == 302
        assert response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused(client, staff_with_totp, password, totp_code):
    with time_machine.travel(MID_WINDOW, tick=False):
        _password_step(client, staff_with_totp, password)
        wrong = f"{(int(totp_code()) + 1) % 1_000_000:06d}"

        response = client.post(MFA_STEP, {"code": wrong})

        assert response.status_code == 200
        assert response.context["form"].errors
        assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_a_used_code_cannot_be_replayed_in_a_second_login(
    client, staff_with_totp, password, totp_code
):
    with time_machine.travel(MID_WINDOW, tick=False) as traveller:
        code = totp_code()
        _password_step(client, staff_with_totp, password)
        assert client.post(MFA_STEP, {"code": code})["Location"] == "/admin/"
        client.post("/accounts/logout/")
        assert client.get("/admin/").status_code == 302

        _password_step(client, staff_with_totp, password)
        replay = client.post(MFA_STEP, {"code": code})

        assert replay.status_code == 200
        assert replay.context["form"].errors
        assert client.get("/admin/").status_code == 302

        # The next window's code is accepted: the refusal above was the replay guard.
        traveller.shift(30)
        assert client.post(MFA_STEP, {"code": totp_code()})["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
