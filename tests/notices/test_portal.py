"""The portal's updates pages, preferences, unsubscribe link and banners (SLP-14, SLP-17)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mail.models import ContactPreference
from mail.services.unsubscribe import unsubscribe_token
from notices.models import NoticeRead, UpdateNotice
from notices.selectors import update_notice_list_for_user
from notices.services.publish import update_notice_publish
from tests.notices.cast import T0, notice, runs


@pytest.fixture(autouse=True)
def _portal(settings):
    """Plain static files (no collectstatic manifest in tests), at a fixed instant."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with time_machine.travel(T0, tick=False):
        yield


@pytest.fixture
def world(releases, acme_site, acme_contract, globex_site, globex_contract, end_customer_site):
    """Acme and Initech (served by Northwind) run 2026; Globex runs 2027."""
    runs(acme_site, releases["2026"])
    runs(globex_site, releases["2027"])
    runs(end_customer_site, releases["2026"])
    return releases


def published(releases, **fields) -> UpdateNotice:
    return update_notice_publish(notice=notice(releases, **fields))


def page(client: Client, user, url: str = "/updates/"):
    client.force_login(user)
    return client.get(url)


def test_the_updates_page_needs_a_login(client, db):
    response = client.get("/updates/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_updates_page_lists_notices_about_my_sites_newest_first_with_the_sites(
    client, world, acme_agent
):
    older = published([world["2026"]], title_en="Older fix")
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        newer = published([world["2026"], world["2027"]], title_en="Newer fix")
        response = page(client, acme_agent)

    titles = [n.title_en for n in response.context["notices"]]
    assert titles == [newer.title_en, older.title_en]
    assert [s.code for s in response.context["notices"][0].affected_sites] == ["ACME-CHI"]
    assert "Acme Chicago (ACME-CHI)" in response.content.decode()


def test_another_tenants_notice_about_only_their_sites_is_not_listed(client, world, acme_agent):
    published([world["2027"]], title_en="Globex-only fix")

    response = page(client, acme_agent)

    assert response.context["notices"] == []
    assert "Globex-only fix" not in response.content.decode()


def test_drafts_and_scheduled_notices_are_not_listed(client, world, acme_agent):
    notice([world["2026"]], title_en="Draft fix")
    update_notice_publish(
        notice=notice([world["2026"]], kind=UpdateNotice.Kind.SCHEDULED, title_en="Later fix")
    )

    response = page(client, acme_agent)

    assert response.context["notices"] == []


def test_a_partner_sees_the_notices_about_its_end_customers_sites(client, world, partner_agent):
    published([world["2026"]])

    response = page(client, partner_agent)

    (listed,) = response.context["notices"]
    assert [s.code for s in listed.affected_sites] == ["INITECH-DEN"]


def test_the_list_runs_the_same_queries_however_many_notices(client, world, acme_agent):
    published([world["2026"]])
    client.force_login(acme_agent)
    with CaptureQueriesContext(connection) as one:
        client.get("/updates/")
    for n in range(4):
        published([world["2026"], world["2027"]], title_en=f"Fix {n}")
    with CaptureQueriesContext(connection) as five:
        response = client.get("/updates/")

    assert len(response.context["notices"]) == 5
    assert len(five) == len(one)


def test_the_list_reads_sites_notices_releases_and_products_in_four_queries(
    world, acme_agent, django_assert_num_queries
):
    for n in range(3):
        published([world["2026"], world["2027"]], title_en=f"Fix {n}")

    with django_assert_num_queries(4):
        notices = update_notice_list_for_user(acme_agent)
        assert [str(r) for r in notices[0].releases.all()] == [
            "CONNECT CAM 2027",
            "CONNECT CAM 2026",
        ]
        assert [s.code for n in notices for s in n.affected_sites] == ["ACME-CHI"] * 3


def test_a_notice_about_someone_elses_sites_answers_404(client, world, acme_agent):
    theirs = published([world["2027"]])

    assert page(client, acme_agent, f"/updates/{theirs.pk}/").status_code == 404
    assert page(client, acme_agent, "/updates/99999/").status_code == 404


def test_a_draft_answers_404_even_about_my_sites(client, world, acme_agent):
    draft = notice([world["2026"]])

    assert page(client, acme_agent, f"/updates/{draft.pk}/").status_code == 404


def test_the_urgent_banner_shows_until_the_notice_is_opened(client, world, acme_agent):
    urgent = published([world["2026"]], title_en="Security fix for the licence server")

    home = page(client, acme_agent, "/")
    assert "Security fix for the licence server" in home.content.decode()
    assert f'href="/updates/{urgent.pk}/"' in home.content.decode()

    detail = client.get(f"/updates/{urgent.pk}/")
    assert detail.status_code == 200
    assert NoticeRead.objects.filter(notice=urgent, user=acme_agent).count() == 1

    again = client.get("/")
    assert "Security fix for the licence server" not in again.content.decode()


def test_scheduled_notices_raise_no_banner(client, world, acme_agent):
    scheduled = notice(
        [world["2026"]], kind=UpdateNotice.Kind.SCHEDULED, publish_at=T0, title_en="Quiet update"
    )
    update_notice_publish(notice=scheduled)

    home = page(client, acme_agent, "/")

    assert "Quiet update" not in home.content.decode()


def test_the_urgent_banner_is_not_shown_to_another_tenant(client, world, globex_admin):
    published([world["2026"]], title_en="Security fix for the licence server")

    home = page(client, globex_admin, "/")

    assert "Security fix for the licence server" not in home.content.decode()


def test_the_detail_page_shows_the_body_in_my_language(client, world, acme_agent):
    urgent = published([world["2026"]])
    acme_agent.language = "fr"
    acme_agent.save()

    response = page(client, acme_agent, f"/updates/{urgent.pk}/")

    assert "Installez le correctif 2026.4" in response.content.decode()


def test_a_member_turns_scheduled_notices_off_and_on_again(client, acme_agent):
    client.force_login(acme_agent)

    client.post("/updates/preferences/", {})
    assert ContactPreference.objects.get(user=acme_agent).scheduled_updates_opt_out is True

    client.post("/updates/preferences/", {"scheduled_updates": "on"})
    assert ContactPreference.objects.get(user=acme_agent).scheduled_updates_opt_out is False


def test_the_unsubscribe_link_asks_to_confirm_on_get(acme_admin):
    client = Client()

    response = client.get(f"/updates/unsubscribe/{unsubscribe_token(acme_admin)}/")

    assert response.status_code == 200
    # The link may be forwarded: its page names no address (issue 12).
    assert "admin@acme.test" not in response.content.decode()
    assert "Scheduled software update notices" in response.content.decode()
    assert not ContactPreference.objects.filter(user=acme_admin).exists()


def test_the_one_click_unsubscribe_post_needs_no_login_nor_csrf_token(acme_admin):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        f"/updates/unsubscribe/{unsubscribe_token(acme_admin)}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert ContactPreference.objects.get(user=acme_admin).scheduled_updates_opt_out is True


def test_a_forged_unsubscribe_token_changes_nothing(acme_admin):
    forged = unsubscribe_token(acme_admin)[:-2] + "xx"

    response = Client().post(f"/updates/unsubscribe/{forged}/")

    assert response.status_code == 404
    assert not ContactPreference.objects.filter(user=acme_admin).exists()


def test_other_views_keep_their_csrf_check(acme_agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(acme_agent)

    assert client.post("/updates/preferences/", {}).status_code == 403


def test_a_long_site_list_shows_the_first_sites_and_counts_the_rest(
    client, world, partner, partner_agent
):
    from tests.factories import ContractFactory, OrganizationFactory, SiteFactory

    for n in range(22):
        customer = OrganizationFactory(name=f"Served {n}", kind="end_customer", partner=partner)
        site = SiteFactory(organization=customer, code=f"SRV-{n:02d}")
        ContractFactory(holder=customer, sites=[site])
        runs(site, world["2026"])
    published([world["2026"]])

    response = page(client, partner_agent)

    (listed,) = response.context["notices"]
    assert len(listed.affected_sites) == 20
    assert listed.more_sites == 3  # 23 sites: Initech's and the 22 above
    assert "and 3 more sites" in response.content.decode()


def test_staff_see_every_sent_notice_without_a_site_list(world, staff_agent, staff_login):
    published([world["2027"]], title_en="Globex-only fix")

    response = staff_login(staff_agent).get("/updates/")

    assert [n.title_en for n in response.context["notices"]] == ["Globex-only fix"]
