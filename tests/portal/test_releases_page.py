"""The releases page: current, previous, unsupported and upcoming releases with patches (SLP-2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.factories import PatchFactory, ProductFactory, ReleaseFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _section(html: str, heading: str) -> str:
    start = html.index(f"<h3>{heading}</h3>")
    end = html.find("<h3>", start + 1)
    return html[start : end if end != -1 else len(html)]


def test_before_2027_ships_2026_is_current_2025_previous_and_2027_upcoming(
    acme_viewer, releases, time_machine
):
    time_machine.move_to(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False)

    html = _client(acme_viewer).get("/releases/").content.decode()

    supported = _section(html, "Supported")
    assert "2026" in supported and "Current" in supported
    assert "2025" in supported and "Previous" in supported
    assert "2027" in _section(html, "Upcoming")
    assert "No longer supported" not in html


def test_the_day_2027_ships_2025_drops_out_of_support(acme_viewer, releases, time_machine):
    time_machine.move_to(dt.datetime(2026, 10, 15, 12, tzinfo=dt.UTC), tick=False)

    html = _client(acme_viewer).get("/releases/").content.decode()

    supported = _section(html, "Supported")
    assert "<strong>2027</strong>" in supported and "<strong>2026</strong>" in supported
    assert "<strong>2025</strong>" in _section(html, "No longer supported")
    assert "Upcoming" not in html


def test_patches_are_listed_newest_first_with_dates_and_the_latest_marked(
    acme_viewer, releases, time_machine
):
    time_machine.move_to(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False)
    PatchFactory(release=releases["2026"], version="2026.1", release_date=dt.date(2026, 1, 20))
    PatchFactory(release=releases["2026"], version="2026.2", release_date=dt.date(2026, 4, 2))
    PatchFactory(release=releases["2026"], version="2026.3", release_date=dt.date(2026, 9, 1))

    html = _client(acme_viewer).get("/releases/").content.decode()

    assert html.index("2026.3") < html.index("2026.2") < html.index("2026.1")
    assert "2026.3 · planned for Sept. 1, 2026" in html
    assert '2026.2 · April 2, 2026 <span class="badge">latest</span>' in html
    assert "Jan. 20, 2026" in html


def test_each_product_has_its_own_releases(acme_viewer, releases):
    other = ProductFactory(name="CONNECT Design", code="connect-design")
    ReleaseFactory(product=other, version="9.1", release_date=dt.date(2025, 1, 1))

    html = _client(acme_viewer).get("/releases/").content.decode()

    assert "<h2>CONNECT CAM</h2>" in html and "<h2>CONNECT Design</h2>" in html
    assert html.index("9.1") > html.index("<h2>CONNECT Design</h2>")


def test_the_page_needs_a_signed_in_user(client, releases):
    assert client.get("/releases/").status_code == 302


def test_release_names_render_inert(acme_viewer):
    product = ProductFactory(name="<img src=x onerror=alert(1)>", code="evil")
    ReleaseFactory(product=product, version="<b>1</b>", release_date=dt.date(2025, 1, 1))

    html = _client(acme_viewer).get("/releases/").content.decode()

    assert "<img src=x" not in html and "<b>1</b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


# session, user, membership, brand, the two notice banners of base.html; releases, patches
RELEASE_LIST_QUERIES = 8


def test_the_query_count_does_not_grow_with_releases(acme_viewer, django_assert_num_queries):
    client = _client(acme_viewer)
    _product_with_releases("one", count=1)
    with django_assert_num_queries(RELEASE_LIST_QUERIES):
        client.get("/releases/")

    _product_with_releases("two", count=5)
    _product_with_releases("three", count=3)
    with django_assert_num_queries(RELEASE_LIST_QUERIES):
        client.get("/releases/")


def _product_with_releases(code: str, *, count: int) -> None:
    product = ProductFactory(name=f"Product {code}", code=code)
    for year in range(count):
        release = ReleaseFactory(product=product, release_date=dt.date(2020 + year, 3, 1))
        PatchFactory(release=release)
