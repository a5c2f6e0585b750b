"""The profile's email preferences: each person turns off the optional kinds (issue 12)."""

from __future__ import annotations

import pytest
from django.test import Client

from mail.models import ContactPreference, Topic

pytestmark = pytest.mark.django_db
# Session, user, membership, brand, banners, the preferences row: pinned against N+1.
PROFILE_QUERIES = 7


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _boxes(html: str) -> set[str]:
    return {topic.value for topic in Topic if f'name="{topic.value}"' in html}


def test_a_member_sees_case_and_update_emails_an_admin_also_the_organisations(
    acme_agent, acme_admin
):
    assert _boxes(_client(acme_agent).get("/profile/").content.decode()) == {
        "cases",
        "scheduled_updates",
    }
    admin_page = _client(acme_admin).get("/profile/").content.decode()
    assert _boxes(admin_page) == {"cases", "organization_cases", "scheduled_updates"}
    assert "Always sent, whatever you choose:" in admin_page
    assert "urgent software update notices (SLP-14)" in admin_page


def test_staff_see_their_alerts(staff_login, staff_agent):
    page = staff_login(staff_agent).get("/profile/").content.decode()

    assert _boxes(page) == {"staff_alerts"}


def test_saving_turns_off_what_is_unticked_and_keeps_the_rest(acme_admin):
    client = _client(acme_admin)

    response = client.post("/profile/email/", {"organization_cases": "on", "cases": "on"})

    assert response.status_code == 302
    preference = ContactPreference.objects.get(user=acme_admin)
    assert preference.receives(Topic.CASES)
    assert preference.receives(Topic.ORGANIZATION_CASES)
    assert not preference.receives(Topic.SCHEDULED_UPDATES)
    assert preference.receives(Topic.STAFF_ALERTS), "not on the form: left as it was"
    assert preference.version == 1


def test_saving_needs_a_login(client):
    assert client.post("/profile/email/", {}).status_code == 302
    assert not ContactPreference.objects.exists()


def test_the_profile_page_reads_the_preferences_in_a_fixed_number_of_queries(
    acme_admin, django_assert_num_queries
):
    client = _client(acme_admin)
    client.get("/profile/")

    with django_assert_num_queries(PROFILE_QUERIES):
        assert client.get("/profile/").status_code == 200
