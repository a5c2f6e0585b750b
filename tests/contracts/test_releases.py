"""Support status of releases, derived from release dates, never typed by hand (SLP-2)."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.services.releases import (
    SupportStatus,
    release_latest_patch,
    release_support_status,
    releases_supported,
    releases_with_status,
)
from tests.factories import PatchFactory, ProductFactory, ReleaseFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)
RELEASE_2027_SHIPS = dt.date(2026, 10, 15)


def _statuses(releases, on):
    return {v: release_support_status(r, on=on) for v, r in releases.items()}


def test_the_newest_shipped_release_is_current_the_one_before_previous_older_unsupported(
    releases,
):
    assert _statuses(releases, TODAY) == {
        "2027": SupportStatus.CURRENT,
        "2026": SupportStatus.PREVIOUS,
        "2025": SupportStatus.UNSUPPORTED,
    }


def test_a_release_dated_after_the_day_is_upcoming_and_changes_nothing_else(releases):
    day_before = RELEASE_2027_SHIPS - dt.timedelta(days=1)

    assert _statuses(releases, day_before) == {
        "2027": SupportStatus.UPCOMING,
        "2026": SupportStatus.CURRENT,
        "2025": SupportStatus.PREVIOUS,
    }


def test_the_oldest_supported_release_drops_out_the_very_day_a_new_one_ships(releases):
    """SLP-2 decision: a new release makes the oldest supported one unsupported on its date."""
    day_before = RELEASE_2027_SHIPS - dt.timedelta(days=1)

    assert release_support_status(releases["2025"], on=day_before) == SupportStatus.PREVIOUS
    assert release_support_status(releases["2025"], on=RELEASE_2027_SHIPS) == (
        SupportStatus.UNSUPPORTED
    )
    assert release_support_status(releases["2027"], on=RELEASE_2027_SHIPS) == (
        SupportStatus.CURRENT
    )


def test_statuses_are_computed_per_product(releases):
    other = ReleaseFactory(
        product=ProductFactory(name="CONNECT Nest"), version="1", release_date=dt.date(2020, 1, 1)
    )

    assert release_support_status(other, on=TODAY) == SupportStatus.CURRENT
    assert release_support_status(releases["2027"], on=TODAY) == SupportStatus.CURRENT


def test_releases_supported_lists_current_and_previous_in_one_query(
    releases, django_assert_num_queries
):
    ReleaseFactory(
        product=releases["2027"].product, version="2028", release_date=dt.date(2027, 10, 15)
    )

    with django_assert_num_queries(1):
        supported = releases_supported(on=TODAY)

    assert [(r.version, r.support_status) for r in supported] == [
        ("2027", SupportStatus.CURRENT),
        ("2026", SupportStatus.PREVIOUS),
    ]


def test_releases_supported_can_be_limited_to_one_product(releases):
    other_product = ProductFactory(name="CONNECT Nest")
    ReleaseFactory(product=other_product, version="9", release_date=dt.date(2026, 1, 1))

    supported = releases_supported(other_product, on=TODAY)

    assert [r.version for r in supported] == ["9"]


def test_the_single_release_answer_agrees_with_the_list_on_every_day_of_a_year(releases):
    day = dt.date(2026, 1, 1)
    while day < dt.date(2027, 1, 1):
        listed = {r.version: r.support_status for r in releases_with_status(on=day)}
        assert listed == _statuses(releases, day), day
        day += dt.timedelta(days=30)


def test_two_releases_shipped_the_same_day_get_distinct_ranks(product):
    first = ReleaseFactory(product=product, version="A", release_date=dt.date(2026, 1, 1))
    second = ReleaseFactory(product=product, version="B", release_date=dt.date(2026, 1, 1))

    assert release_support_status(second, on=TODAY) == SupportStatus.CURRENT
    assert release_support_status(first, on=TODAY) == SupportStatus.PREVIOUS


def test_the_latest_patch_is_the_newest_published_by_the_day(releases):
    release = releases["2026"]
    PatchFactory(release=release, version="2026.1", release_date=dt.date(2026, 1, 19))
    second = PatchFactory(release=release, version="2026.2", release_date=dt.date(2026, 4, 20))
    PatchFactory(release=release, version="2026.3", release_date=dt.date(2026, 12, 1))

    assert release_latest_patch(release, on=TODAY) == second
    assert release_latest_patch(release, on=dt.date(2026, 1, 18)) is None


def test_a_release_without_patches_has_no_latest_patch(releases):
    assert release_latest_patch(releases["2027"], on=TODAY) is None
