"""The contracts CSV's optional site_release, site_patch, site_seats columns (issue 7, item 1)."""

from __future__ import annotations

import io

import pytest
import time_machine

from contracts.models import Site, SiteRelease
from contracts.services.imports import COLUMNS, contracts_import
from tests.contracts.import_csv import SECOND_SITE, csv_text, row
from tests.factories import PatchFactory, ProductFactory, ReleaseFactory
from tests.notices.cast import T0

WITH_RELEASES = (*COLUMNS, "site_release", "site_patch", "site_seats")


@pytest.fixture(autouse=True)
def _at_t0():
    with time_machine.travel(T0, tick=False):
        yield


@pytest.fixture
def patches(releases):
    return {
        "2026.1": PatchFactory(release=releases["2026"], version="2026.1"),
        "2026.2": PatchFactory(release=releases["2026"], version="2026.2"),
    }


def import_with_releases(*rows: dict[str, str], dry_run: bool = False):
    text = csv_text(*rows, columns=WITH_RELEASES)
    return contracts_import(file=io.StringIO(text), file_name="sites.csv", dry_run=dry_run)


def runs() -> set[tuple]:
    return set(
        SiteRelease.objects.values_list("site__code", "release__version", "patch__version", "seats")
    )


def test_a_file_without_the_optional_columns_still_imports(db):
    result = contracts_import(file=io.StringIO(csv_text(row())), file_name="plain.csv")

    assert result.ok, result.errors
    assert result.counts["site_releases"] == {"created": 0, "updated": 0, "unchanged": 0}


def test_rows_record_the_release_patch_and_seats_a_site_runs(patches):
    result = import_with_releases(
        row(site_release="2026", site_patch="2026.1", site_seats="12"),
        row(**SECOND_SITE, site_release="2027"),
    )

    assert result.ok, result.errors
    assert runs() == {("ACME-CHI", "2026", "2026.1", 12), ("ACME-DEN", "2027", None, 1)}
    assert result.counts["site_releases"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert "site_releases created=2 updated=0 unchanged=0" in result.summary()


def test_a_second_import_changes_only_what_differs(patches):
    import_with_releases(row(site_release="2026", site_patch="2026.1", site_seats="12"))

    same = import_with_releases(row(site_release="2026", site_patch="2026.1", site_seats="12"))
    newer = import_with_releases(row(site_release="2026", site_patch="2026.2", site_seats="12"))

    assert same.counts["site_releases"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert newer.counts["site_releases"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert runs() == {("ACME-CHI", "2026", "2026.2", 12)}


def test_a_dry_run_counts_site_releases_and_saves_nothing(patches):
    result = import_with_releases(row(site_release="2026"), dry_run=True)

    assert result.counts["site_releases"]["created"] == 1
    assert not Site.objects.exists()
    assert not SiteRelease.objects.exists()


def test_an_unknown_release_or_patch_refuses_the_file_by_line_and_column(patches):
    result = import_with_releases(
        row(site_release="1999"),
        row(**SECOND_SITE, site_release="2026", site_patch="2027.1"),
    )

    assert [str(error) for error in result.errors] == [
        "line 2, column site_release: unknown release “1999”: "
        "no product has a release of that version",
        "line 3, column site_patch: unknown patch “2027.1” of release CONNECT CAM 2026",
    ]
    assert not Site.objects.exists()


def test_a_version_two_products_share_is_refused(releases):
    ReleaseFactory(product=ProductFactory(name="CONNECT Mill", code="mill"), version="2026")

    result = import_with_releases(row(site_release="2026"))

    assert "exists for several products (CONNECT CAM, CONNECT Mill)" in str(result.errors[0])


def test_bad_seats_and_a_patch_without_release_are_refused(releases):
    result = import_with_releases(
        row(site_release="2026", site_seats="many"),
        row(**SECOND_SITE, site_patch="2026.1"),
    )

    assert [(e.line, e.column) for e in result.errors] == [(2, "site_seats"), (3, "site_release")]
    assert "“many” is not a number of seats" in result.errors[0].message


def test_rows_about_one_site_release_must_agree(releases):
    contract_2027 = {"contract_reference": "CN-ACME-2027", "contract_start": "2027-01-01",
                     "contract_end": "2027-12-31"}  # fmt: skip
    result = import_with_releases(
        row(site_release="2026", site_seats="3"),
        row(**contract_2027, site_release="2026", site_seats="4"),
    )

    assert [(e.line, e.column) for e in result.errors] == [(3, "site_release")]
    assert "rows about the same site release must agree" in result.errors[0].message
