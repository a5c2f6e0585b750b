"""GET /api/v1/releases/: releases with their support status today (SLP-2) and their patches."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import PatchFactory, ProductFactory, ReleaseFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/releases/"


def test_each_release_says_whether_it_is_supported_today(api_as, acme_viewer, releases):
    """On 2 March 2026: 2026 current, 2025 previous, 2027 not out yet (SLP-2)."""
    ReleaseFactory(
        product=releases["2025"].product, version="2024", release_date=dt.date(2023, 10, 15)
    )

    rows = api_as(acme_viewer).get(URL).json()["results"]

    assert [(row["version"], row["support_status"]) for row in rows] == [
        ("2027", "upcoming"),
        ("2026", "current"),
        ("2025", "previous"),
        ("2024", "unsupported"),
    ]
    assert rows[1]["product"] == "connect-cam"
    assert rows[1]["product_name"] == "CONNECT CAM"


def test_a_release_lists_its_patches_newest_first(api_as, acme_agent, releases):
    PatchFactory(release=releases["2026"], version="2026.1", release_date=dt.date(2025, 12, 1))
    PatchFactory(release=releases["2026"], version="2026.2", release_date=dt.date(2026, 2, 1))

    response = api_as(acme_agent).get(f"{URL}{releases['2026'].pk}/")

    assert response.status_code == 200
    assert response.json()["patches"] == [
        {"version": "2026.2", "release_date": "2026-02-01"},
        {"version": "2026.1", "release_date": "2025-12-01"},
    ]
    assert response.json()["support_status"] == "current"


def test_the_status_on_one_page_still_counts_every_release_of_the_product(
    api_as, acme_agent, releases
):
    """Filtering by product keeps the ranking right: a status depends on the siblings."""
    other = ProductFactory(name="CONNECT Nest", code="connect-nest")
    ReleaseFactory(product=other, version="9", release_date=dt.date(2026, 1, 1))

    rows = api_as(acme_agent).get(URL, {"product": "connect-cam"}).json()["results"]

    assert {row["version"]: row["support_status"] for row in rows} == {
        "2027": "upcoming",
        "2026": "current",
        "2025": "previous",
    }


def test_time_moves_the_statuses(api_as, acme_agent, releases, time_machine):
    time_machine.move_to(dt.datetime(2026, 10, 16, 12, tzinfo=dt.UTC), tick=False)

    rows = api_as(acme_agent).get(URL).json()["results"]

    assert [row["support_status"] for row in rows] == ["current", "previous", "unsupported"]


def test_an_unknown_release_is_404(api_as, acme_agent, releases):
    assert api_as(acme_agent).get(f"{URL}999999/").status_code == 404


def test_a_person_of_no_organisation_gets_403(api_as, stranger, releases):
    assert api_as(stranger).get(URL).status_code == 403


def test_without_credentials_it_is_401(anon, releases):
    assert anon.get(URL).status_code == 401


def test_releases_are_read_only(api_as, acme_admin, releases):
    assert api_as(acme_admin).post(URL, {"version": "2099"}).status_code == 405


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_for_3_or_30_releases(
    api_as, acme_agent, django_assert_num_queries, count
):
    client = api_as(acme_agent)
    products = [ProductFactory(), ProductFactory(), ProductFactory()]
    for index in range(count):
        release = ReleaseFactory(product=products[index % 3])
        PatchFactory(release=release)

    with django_assert_num_queries(6):
        response = client.get(URL)

    assert len(response.json()["results"]) == count
