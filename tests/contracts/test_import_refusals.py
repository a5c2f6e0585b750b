"""Contracts CSV import: every kind of bad row or file refuses it whole (issue 3 item 6)."""

from __future__ import annotations

import io

import pytest

from contracts.models import Contract, ImportRun, Membership, Organization, User
from contracts.services.imports import COLUMNS, contracts_import
from tests.contracts.import_csv import (
    SECOND_SITE,
    THIRD_SITE,
    csv_text,
    import_rows,
    nothing_stored,
    row,
)

pytestmark = pytest.mark.django_db

BAD_ROWS = [
    pytest.param(
        {"contract_end": "2026-02-30"},
        "contract_end",
        "2026-02-30 is not a real date (use YYYY-MM-DD)",
        id="impossible-date",
    ),
    pytest.param(
        {"contract_start": "01/03/2026"},
        "contract_start",
        "is not a date of the form YYYY-MM-DD",
        id="not-iso-date",
    ),
    pytest.param(
        {"organisation_country": "XX"},
        "organisation_country",
        "“XX” is not a known two-letter country code",
        id="unknown-organisation-country",
    ),
    pytest.param(
        {"site_country": "UK"}, "site_country", "“UK” is not a known", id="unknown-site-country"
    ),
    pytest.param(
        {"site_time_zone": "Europe/Pariss"},
        "site_time_zone",
        "“Europe/Pariss” is not a known time zone",
        id="unknown-time-zone",
    ),
    pytest.param(
        {"contract_start": "2026-06-01", "contract_end": "2026-05-31"},
        "contract_end",
        "ends (2026-05-31) before it starts (2026-06-01)",
        id="end-before-start",
    ),
    pytest.param(
        {"organisation_kind": "reseller"},
        "organisation_kind",
        "“reseller” is not an organisation kind",
        id="bad-kind",
    ),
    pytest.param(
        {"organisation_language": "de"},
        "organisation_language",
        "“de” is not a portal language",
        id="bad-language",
    ),
    pytest.param(
        {"contact_email": "not-an-address"},
        "contact_email",
        "is not an email address",
        id="bad-email",
    ),
    pytest.param({"site_name": ""}, "site_name", "this value is required", id="missing-site-name"),
    pytest.param(
        {
            "site_code": "",
            "site_name": "",
            "site_country": "",
            "site_time_zone": "",
            "site_address": "",
        },
        "site_code",
        "a contract row needs the code of the site it covers",
        id="contract-without-site",
    ),
    pytest.param(
        {"organisation_kind": "end_customer"},
        "partner_name",
        "an end customer needs the name of the partner",
        id="end-customer-without-partner",
    ),
    pytest.param(
        {"partner_name": "Acme Tools"},
        "partner_name",
        "only an end customer is served by a partner",
        id="partner-on-a-direct-customer",
    ),
    pytest.param(
        {
            "organisation_name": "Beta Works",
            "contract_holder": "Gamma Ltd",
            "contract_reference": "CN-BETA",
            **SECOND_SITE,
        },
        "contract_holder",
        "unknown holder: no organisation named “Gamma Ltd”",
        id="unknown-holder",
    ),
    pytest.param(
        {
            "organisation_name": "Beta Works",
            "organisation_kind": "end_customer",
            "partner_name": "Nobody Distribution",
            "contract_holder": "Beta Works",
            "contract_reference": "CN-BETA",
            **SECOND_SITE,
        },
        "partner_name",
        "unknown partner: no organisation named “Nobody Distribution”",
        id="unknown-partner",
    ),
    pytest.param(
        {
            "organisation_name": "Beta Works",
            "organisation_kind": "end_customer",
            "partner_name": "Acme Tools",
            "contract_holder": "Beta Works",
            "contract_reference": "CN-BETA",
            **SECOND_SITE,
        },
        "partner_name",
        "“Acme Tools” is a direct customer, not a partner",
        id="partner-is-not-a-partner",
    ),
    pytest.param(
        {"organisation_country": "CA", **SECOND_SITE},
        "organisation_country",
        "organisation “Acme Tools” has “US” on line 2, not “CA”",
        id="inconsistent-organisation",
    ),
    pytest.param(
        {"site_name": "Acme Chicago West"},
        "site_name",
        "duplicate site code ACME-CHI: line 2 gives “Acme Chicago”, this row “Acme Chicago West”",
        id="duplicate-site-code-conflicting-data",
    ),
    pytest.param(
        {
            "organisation_name": "Beta Works",
            "contract_holder": "Beta Works",
            "contract_reference": "CN-BETA",
        },
        "organisation_name",
        "duplicate site code ACME-CHI: line 2 gives “Acme Tools”, this row “Beta Works”",
        id="site-code-of-two-organisations",
    ),
    pytest.param(
        {"contract_end": "2027-12-31", **SECOND_SITE},
        "contract_end",
        "contract CN-ACME-2026 has “2026-12-31” on line 2, not “2027-12-31”",
        id="inconsistent-contract",
    ),
    pytest.param(
        {
            "contract_reference": "CN-ACME-2027",
            "contract_start": "2026-12-31",
            "contract_end": "2027-12-30",
        },
        "contract_start",
        "contract CN-ACME-2027 (2026-12-31 to 2027-12-30) overlaps contract CN-ACME-2026 "
        "(2026-01-01 to 2026-12-31) on site ACME-CHI",
        id="overlapping-contracts-on-a-site",
    ),
]


@pytest.mark.parametrize(("bad", "column", "message"), BAD_ROWS)
def test_a_bad_row_refuses_the_whole_file_naming_line_and_column(bad, column, message):
    result = import_rows(row(), row(**bad), row(**THIRD_SITE))

    assert not result.ok
    assert any(
        error.line == 3 and error.column == column and message in error.message
        for error in result.errors
    ), [str(error) for error in result.errors]
    assert nothing_stored()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert {"line": 3, "column": column} in [
        {"line": e["line"], "column": e["column"]} for e in run.errors
    ]


def test_an_error_reads_as_line_column_and_plain_words():
    result = import_rows(row(), row(contract_end="2026-02-30"))

    assert [str(error) for error in result.errors] == [
        "line 3, column contract_end: 2026-02-30 is not a real date (use YYYY-MM-DD)"
    ]


def test_every_bad_row_is_reported_not_only_the_first():
    result = import_rows(
        row(), row(site_country="ZZ"), row(**{**SECOND_SITE, "site_time_zone": "Mars/Base"})
    )

    assert [(error.line, error.column) for error in result.errors] == [
        (3, "site_country"),
        (4, "site_time_zone"),
    ]


def test_a_contract_already_stored_on_the_site_is_an_overlap():
    import_rows(row())

    result = import_rows(
        row(contract_reference="CN-OTHER", contract_start="2026-12-01", contract_end="2027-11-30")
    )

    assert [(error.line, error.column) for error in result.errors] == [(2, "contract_start")]
    assert "overlaps contract CN-ACME-2026" in result.errors[0].message
    assert not Contract.objects.filter(reference="CN-OTHER").exists()


def test_a_site_code_of_another_organisation_in_the_portal_is_refused():
    import_rows(row())

    result = import_rows(
        row(
            organisation_name="Beta Works",
            contract_holder="Beta Works",
            contract_reference="CN-BETA-2027",
            contract_start="2027-01-01",
            contract_end="2027-12-31",
        )
    )

    assert [(error.line, error.column) for error in result.errors] == [(2, "site_code")]
    assert "already belongs to “Acme Tools”" in result.errors[0].message
    assert not Organization.objects.filter(name="Beta Works").exists()


def test_a_partner_serving_end_customers_cannot_become_a_customer():
    northwind = Organization.objects.create(name="Northwind", kind="distributor", country="US")
    Organization.objects.create(name="Client", kind="end_customer", partner=northwind, country="US")

    result = import_rows(
        row(
            organisation_name="Northwind",
            contract_holder="Northwind",
            organisation_kind="direct_customer",
        )
    )

    assert [(error.line, error.column) for error in result.errors] == [(2, "organisation_kind")]
    assert "serves end customers in the portal (Client)" in result.errors[0].message
    assert Organization.objects.get(name="Northwind").kind == "distributor"


def test_a_contact_belonging_to_another_organisation_is_refused():
    other = Organization.objects.create(name="Other Co", kind="direct_customer", country="FR")
    user = User.objects.create_user(email="ann@acme.example")
    Membership.objects.create(user=user, organization=other)

    result = import_rows(row(contact_email="ann@acme.example"))

    assert [(error.line, error.column) for error in result.errors] == [(2, "contact_email")]
    assert "already belongs to “Other Co”" in result.errors[0].message


def test_a_staff_account_cannot_be_a_customer_contact():
    User.objects.create_user(email="agent@vendor.example", is_staff=True)

    result = import_rows(row(contact_email="agent@vendor.example"))

    assert [(error.line, error.column) for error in result.errors] == [(2, "contact_email")]
    assert not Organization.objects.exists()


def test_a_dry_run_still_reports_errors():
    result = import_rows(row(contract_holder="Nobody"), dry_run=True)

    assert [(error.line, error.column) for error in result.errors] == [(2, "contract_holder")]


def test_unknown_and_missing_columns_are_named():
    columns = [c for c in COLUMNS if c != "site_time_zone"] + ["site_timezone", "notes"]
    text = csv_text({**row(), "site_timezone": "UTC", "notes": ""}, columns=columns)

    result = contracts_import(file=io.StringIO(text))

    found = {(error.line, error.column): error.message for error in result.errors}
    assert found[(1, "site_timezone")] == "unknown column (did you mean site_time_zone?)"
    assert found[(1, "site_time_zone")] == "this column is missing"
    assert (1, "notes") in found
    assert nothing_stored()


def test_a_file_that_is_not_utf8_is_refused_with_the_line():
    data = csv_text(row(), row(**{**SECOND_SITE, "site_name": "Caf\u00e9"})).encode("latin-1")

    result = contracts_import(file=data, file_name="latin1.csv")

    assert [(error.line, error.column) for error in result.errors] == [(3, "")]
    assert "is not UTF-8" in result.errors[0].message
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED
    assert nothing_stored()


def test_a_row_with_too_many_values_is_refused():
    text = csv_text(row()) + ",".join(["x"] * (len(COLUMNS) + 1)) + "\n"

    result = contracts_import(file=io.StringIO(text))

    assert [(error.line, error.column) for error in result.errors] == [(3, "")]
    assert "has 17 values" in result.errors[0].message


def test_an_empty_file_is_refused():
    result = contracts_import(file=io.StringIO(""))

    assert [(error.line, error.message) for error in result.errors] == [
        (1, "the file is empty; its first line must name the columns")
    ]


def test_one_person_cannot_be_the_contact_of_two_organisations_in_a_file():
    result = import_rows(
        row(contact_email="it@acme.example"),
        row(
            organisation_name="Beta Works",
            contract_holder="Beta Works",
            contract_reference="CN-BETA",
            contact_email="it@acme.example",
            **SECOND_SITE,
        ),
    )

    assert [(error.line, error.column) for error in result.errors] == [(3, "contact_email")]
    assert "is the contact of “Acme Tools” on line 2" in result.errors[0].message


def test_a_file_wrong_throughout_reports_its_first_errors_and_a_count_of_the_rest():
    rows = [row(site_code=f"S-{n}", site_country="ZZ") for n in range(600)]

    result = import_rows(*rows)

    assert len(result.errors) == 501
    assert str(result.errors[-1]) == "… and 100 more errors not shown"
    assert len(ImportRun.objects.get().errors) == 501


def test_a_header_that_cannot_be_read_as_csv_is_refused_not_crashed():
    # A field longer than the csv module's limit makes the reader raise on the header line.
    text = ",".join(COLUMNS) + "," + "x" * 200_000 + "\n"

    result = contracts_import(file=io.StringIO(text), file_name="huge.csv")

    assert not result.ok
    assert "cannot be read as CSV" in str(result.errors[0])
    assert result.run.status == ImportRun.Status.FAILED
    assert nothing_stored()
