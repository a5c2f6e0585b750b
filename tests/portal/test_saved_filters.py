"""Saved filters of the case list: personal, checked again when applied, never a way into
another tenant's cases (issue 15)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import SavedFilter
from portal.models.saved_filters import SAVED_FILTERS_MAX
from tests.portal.case_pages import NOW, case_for, case_numbers, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def acme_case(acme, acme_site, acme_contract, acme_agent, releases):
    def _open(**fields):
        fields = {"site": acme_site, **fields}
        return case_for(reporter=acme_agent, organization=acme, release=releases["2026"], **fields)

    return _open


def _save(client, name: str, query: str):
    return client.post("/cases/filters/", {"name": name, "query": query})


def _saved_links(html: str) -> list[str]:
    start = html.find('<nav class="saved-filters"')
    if start < 0:
        return []
    nav = html[start : html.index("</nav>", start)]
    return [part.split('"', 1)[0] for part in nav.split('<a href="')[1:]]


def test_a_person_saves_the_current_filters_and_applies_them_later(acme_case, acme_viewer):
    p1 = acme_case(title="Licence server down", proposed_priority="P1")
    acme_case(title="Licence question", proposed_priority="P4")
    client = signed_in(acme_viewer)

    response = _save(client, "  Urgent   licences ", "q=licence&priority=P1&page=3")

    assert response.status_code == 302
    assert response["Location"] == "/cases/?q=licence&priority=P1"
    saved = SavedFilter.objects.get(owner=acme_viewer)
    assert saved.name == "Urgent licences"
    assert saved.filters == {"q": "licence", "priority": "P1"}
    html = client.get("/cases/").content.decode()
    assert "Filter “Urgent licences” saved." in html
    assert _saved_links(html) == ["/cases/?q=licence&amp;priority=P1"]
    assert case_numbers(client.get("/cases/?q=licence&priority=P1").content.decode()) == [p1.number]


def test_saving_under_an_existing_name_replaces_its_filters(acme_admin):
    client = signed_in(acme_admin)
    _save(client, "Mine", "status=closed")

    _save(client, "Mine", "status=all&sort=due")

    saved = SavedFilter.objects.get(owner=acme_admin)
    assert saved.filters == {"status": "all", "sort": "due"}
    assert "Filter “Mine” updated." in client.get("/cases/").content.decode()
    # In the list's order whatever order the database keeps JSON keys in; marked when shown.
    html = client.get("/cases/?sort=due&status=all").content.decode()
    assert '<a href="/cases/?status=all&amp;sort=due" aria-current="true">Mine</a>' in html


def test_a_saved_filter_is_its_owners_alone(acme_admin, acme_agent):
    _save(signed_in(acme_admin), "Admin's view", "status=closed")
    colleague = signed_in(acme_agent)

    html = colleague.get("/cases/").content.decode()

    assert "Admin's view" not in html
    assert _saved_links(html) == []


def test_deleting_anothers_saved_filter_is_404_and_keeps_it(acme_admin, globex_admin):
    _save(signed_in(acme_admin), "Closed", "status=closed")
    saved = SavedFilter.objects.get(owner=acme_admin)

    response = signed_in(globex_admin).post(f"/cases/filters/{saved.pk}/delete/")

    assert response.status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()


def test_the_owner_deletes_and_returns_to_the_filters_shown(acme_admin):
    client = signed_in(acme_admin)
    _save(client, "Closed", "status=closed")
    saved = SavedFilter.objects.get(owner=acme_admin)

    response = client.post(
        f"/cases/filters/{saved.pk}/delete/",
        headers={"Referer": "http://evil.test/elsewhere?priority=P2&next=http://evil.test"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/cases/?priority=P2"
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()
    html = client.get("/cases/").content.decode()
    assert "Filter “Closed” deleted." in html
    assert _saved_links(html) == []


def test_another_tenants_site_is_dropped_and_a_saved_filter_shows_only_own_cases(
    acme_case, acme_admin, globex, globex_site, globex_contract, globex_agent, releases
):
    mine = acme_case(title="Spindle alarm")
    case_for(
        reporter=globex_agent,
        organization=globex,
        site=globex_site,
        release=releases["2026"],
        title="Spindle alarm at Globex",
    )
    client = signed_in(acme_admin)

    _save(client, "Spindles", f"q=spindle&site={globex_site.code}&status=all")

    saved = SavedFilter.objects.get(owner=acme_admin)
    assert saved.filters == {"q": "spindle", "status": "all"}
    (link,) = _saved_links(client.get("/cases/").content.decode())
    applied = client.get(link.replace("&amp;", "&")).content.decode()
    assert case_numbers(applied) == [mine.number]


def test_a_saved_filter_follows_the_owners_access_when_applied(
    acme_case, acme_admin, acme_site, acme_contract
):
    """A filter is only a query string: losing the membership loses the cases, not the filter."""
    acme_case(title="Spindle alarm")
    client = signed_in(acme_admin)
    _save(client, "Everything", "status=all")
    acme_admin.memberships.update(is_active=False)

    html = client.get("/cases/?status=all").content.decode()

    assert case_numbers(html) == []


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_a_name_is_required_and_short(name, acme_admin):
    client = signed_in(acme_admin)

    response = _save(client, name, "status=closed")

    assert response.status_code == 302
    assert response["Location"] == "/cases/?status=closed"
    assert not SavedFilter.objects.exists()
    html = client.get("/cases/?status=closed").content.decode()
    assert "Give the filter a name." in html or "at most 80 characters" in html


def test_a_person_keeps_at_most_twenty(acme_admin):
    client = signed_in(acme_admin)
    for n in range(SAVED_FILTERS_MAX):
        _save(client, f"Filter {n}", f"q=word{n}")

    _save(client, "One more", "q=more")
    _save(client, "Filter 3", "q=replaced")

    assert SavedFilter.objects.filter(owner=acme_admin).count() == SAVED_FILTERS_MAX
    assert SavedFilter.objects.get(owner=acme_admin, name="Filter 3").filters == {"q": "replaced"}
    assert "You have 20 saved filters: delete one first." in client.get("/cases/").content.decode()


def test_saving_needs_a_post_with_its_csrf_token_and_a_sign_in(client, acme_admin):
    assert client.post("/cases/filters/", {"name": "x", "query": ""}).status_code == 302
    assert signed_in(acme_admin).get("/cases/filters/").status_code == 405
    strict = signed_in(acme_admin, enforce_csrf=True)
    assert _save(strict, "No token", "status=closed").status_code == 403
    assert not SavedFilter.objects.exists()


def test_the_save_form_is_offered_only_for_filters_other_than_the_default(acme_admin):
    client = signed_in(acme_admin)

    assert 'action="/cases/filters/"' not in client.get("/cases/").content.decode()
    assert 'action="/cases/filters/"' in client.get("/cases/?status=closed").content.decode()


def test_listing_saved_filters_adds_no_query(acme_case, acme_admin):
    client = signed_in(acme_admin)
    acme_case()
    url = "/cases/?status=all"
    client.get(url)
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    for n in range(3):
        _save(client, f"Filter {n}", f"q=word{n}")
    client.get(url)  # the first read after a save fills the cache again (and shows its message)

    with CaptureQueriesContext(connection) as with_filters:
        html = client.get(url).content.decode()

    assert len(_saved_links(html)) == 3
    assert len(with_filters.captured_queries) == len(without.captured_queries)


def test_a_saved_filters_name_is_shown_as_text(acme_admin):
    client = signed_in(acme_admin)

    _save(client, '<img src=x onerror="alert(1)">', "status=closed")

    html = client.get("/cases/").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
