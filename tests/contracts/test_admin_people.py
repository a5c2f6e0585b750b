"""Who may change people in the admin: nobody but a superuser grants privileges."""

from __future__ import annotations

import pytest

from mail.models import OutboxMessage
from portal.staff_roles import staff_roles_sync

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _role_permissions():
    staff_roles_sync()


def _change_url(user) -> str:
    return f"/admin/contracts/user/{user.pk}/change/"


def test_a_contract_administrator_cannot_make_themself_superuser(staff_login, staff_contract_admin):
    client = staff_login(staff_contract_admin)

    page = client.get(_change_url(staff_contract_admin))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "groups" not in form.fields

    client.post(
        _change_url(staff_contract_admin),
        {
            "email": staff_contract_admin.email,
            "full_name": "Raised",
            "language": "en",
            "time_zone": "UTC",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    staff_contract_admin.refresh_from_db()
    assert staff_contract_admin.full_name == "Raised"
    assert staff_contract_admin.is_superuser is False


def test_a_superuser_may_grant_staff_status(staff_login, staff_superuser, customer):
    client = staff_login(staff_superuser)

    form = client.get(_change_url(customer)).context["adminform"].form

    assert {"is_staff", "is_superuser", "groups"} <= set(form.fields)


def test_only_roles_that_may_change_the_outbox_can_retry(staff_login, staff_agent, staff_manager):
    OutboxMessage.objects.create(
        idempotency_key="k1",
        to_email="x@example.test",
        language="en",
        template="rendered",
        state=OutboxMessage.State.FAILED,
    )
    agent_page = staff_login(staff_agent).get("/admin/mail/outboxmessage/")
    assert "retry_selected" not in agent_page.content.decode()

    manager_page = staff_login(staff_manager).get("/admin/mail/outboxmessage/")
    assert "retry_selected" in manager_page.content.decode()
