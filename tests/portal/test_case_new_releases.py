"""The release field of the new-case form: whose site it is first (404), then the role (403).

Like every route naming another tenant's object (test_url_tenancy.py, DESIGN.md Tenancy), the
site in ``?site=`` answers 404 to anyone who cannot see it, whatever their role, so a viewer
cannot tell another tenant's site codes from unknown ones.
"""

from __future__ import annotations

import pytest

from tests.portal.case_pages import signed_in

pytestmark = pytest.mark.django_db

URL = "/cases/new/releases/"


@pytest.mark.parametrize("code", ["GLOBEX-LON", "NO-SUCH-SITE"])
def test_a_viewer_asking_for_a_site_it_cannot_see_gets_404(
    acme_viewer, acme_site, globex_site, code
):
    response = signed_in(acme_viewer).get(URL, {"site": code})

    assert response.status_code == 404


def test_a_viewer_asking_for_its_own_organisations_site_gets_403(acme_viewer, acme_site):
    response = signed_in(acme_viewer).get(URL, {"site": acme_site.code})

    assert response.status_code == 403


def test_a_person_without_organisation_gets_404_for_a_site(stranger, acme_site):
    assert signed_in(stranger).get(URL, {"site": acme_site.code}).status_code == 404


def test_an_agent_still_gets_its_sites_release_field(
    acme_agent, acme_site, acme_contract, releases
):
    response = signed_in(acme_agent).get(URL, {"site": acme_site.code})

    assert response.status_code == 200
    assert 'name="release"' in response.content.decode()
