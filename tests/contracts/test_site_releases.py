"""Organisation admins keep what their sites run current in the portal (issue 7, item 1)."""

from __future__ import annotations

import pytest
import time_machine

from contracts.models import SiteRelease
from tests.factories import PatchFactory
from tests.notices.cast import T0, runs


@pytest.fixture(autouse=True)
def _portal(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with time_machine.travel(T0, tick=False):
        yield


@pytest.fixture
def patch_2026(releases):
    return PatchFactory(release=releases["2026"], version="2026.3")


def url(site) -> str:
    return f"/updates/sites/{site.code}/"


def test_an_admin_records_a_release_with_its_patch_and_seats(
    client, acme_admin, acme_site, releases, patch_2026
):
    client.force_login(acme_admin)

    response = client.post(
        url(acme_site), {"release": releases["2026"].pk, "patch": patch_2026.pk, "seats": 8}
    )

    assert response.status_code == 302
    run = SiteRelease.objects.get(site=acme_site)
    assert (run.release, run.patch, run.seats) == (releases["2026"], patch_2026, 8)


def test_saving_a_recorded_release_again_updates_it(client, acme_admin, acme_site, releases):
    runs(acme_site, releases["2026"], seats=2)
    client.force_login(acme_admin)

    client.post(url(acme_site), {"release": releases["2026"].pk, "patch": "", "seats": 9})

    assert list(SiteRelease.objects.values_list("seats", flat=True)) == [9]


def test_a_patch_of_another_release_is_refused_next_to_the_field(
    client, acme_admin, acme_site, releases, patch_2026
):
    client.force_login(acme_admin)

    response = client.post(
        url(acme_site), {"release": releases["2027"].pk, "patch": patch_2026.pk, "seats": 1}
    )

    assert response.status_code == 200
    assert "belongs to another release" in str(response.context["form"].errors["patch"])
    assert not SiteRelease.objects.exists()


def test_an_admin_removes_a_release_the_site_no_longer_runs(
    client, acme_admin, acme_site, releases
):
    run = runs(acme_site, releases["2025"])
    client.force_login(acme_admin)

    client.post(f"{url(acme_site)}{run.pk}/delete/")

    assert not SiteRelease.objects.exists()


def test_a_partner_admin_keeps_its_end_customers_sites_current(
    client, partner_admin, end_customer_site, releases
):
    client.force_login(partner_admin)

    client.post(url(end_customer_site), {"release": releases["2027"].pk, "seats": 3})

    assert SiteRelease.objects.get().site == end_customer_site


def test_agents_and_viewers_read_but_may_not_change(
    client, acme_agent, acme_viewer, acme_site, releases
):
    run = runs(acme_site, releases["2026"])
    for member in (acme_agent, acme_viewer):
        client.force_login(member)
        page = client.get(url(acme_site))
        assert page.status_code == 200
        assert "CONNECT CAM 2026" in page.content.decode()
        assert not page.context["may_edit"]
        assert client.post(url(acme_site), {"release": releases["2027"].pk}).status_code == 403
        assert client.post(f"{url(acme_site)}{run.pk}/delete/").status_code == 403
    assert SiteRelease.objects.count() == 1


def test_another_tenants_site_answers_404(client, globex_admin, acme_site, releases):
    run = runs(acme_site, releases["2026"])
    client.force_login(globex_admin)

    assert client.get(url(acme_site)).status_code == 404
    assert client.post(url(acme_site), {"release": releases["2027"].pk}).status_code == 404
    assert client.post(f"{url(acme_site)}{run.pk}/delete/").status_code == 404
    assert SiteRelease.objects.count() == 1


def test_staff_see_and_filter_what_a_site_runs_in_the_site_admin(staff_login, staff_superuser):
    from tests.factories import SiteFactory

    site = SiteFactory()
    client = staff_login(staff_superuser)

    page = client.get(f"/admin/contracts/site/{site.pk}/change/")
    listing = client.get("/admin/contracts/site/")

    assert page.status_code == 200
    inlines = [type(formset.opts).__name__ for formset in page.context["inline_admin_formsets"]]
    assert "SiteReleaseInline" in inlines
    assert listing.status_code == 200
