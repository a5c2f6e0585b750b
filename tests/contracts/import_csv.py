"""Build contracts CSV files for the import tests: a valid row and variations of it."""

from __future__ import annotations

import csv
import io

from contracts.models import Contract, Organization, Site, User
from contracts.services.imports import COLUMNS, contracts_import

BASE_ROW = {
    "organisation_name": "Acme Tools",
    "organisation_kind": "direct_customer",
    "organisation_country": "US",
    "organisation_language": "en",
    "partner_name": "",
    "site_code": "ACME-CHI",
    "site_name": "Acme Chicago",
    "site_country": "US",
    "site_time_zone": "America/Chicago",
    "site_address": "1 Main St, Chicago",
    "contract_reference": "CN-ACME-2026",
    "contract_holder": "Acme Tools",
    "contract_start": "2026-01-01",
    "contract_end": "2026-12-31",
    "contact_email": "",
    "contact_language": "",
}
SECOND_SITE = {
    "site_code": "ACME-DEN",
    "site_name": "Acme Denver",
    "site_time_zone": "America/Denver",
}
THIRD_SITE = {
    "site_code": "ACME-NYC",
    "site_name": "Acme New York",
    "site_time_zone": "America/New_York",
}


def row(**values: str) -> dict[str, str]:
    return {**BASE_ROW, **values}


def csv_text(*rows: dict[str, str], columns=COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def import_rows(*rows: dict[str, str], **kwargs):
    return contracts_import(file=io.StringIO(csv_text(*rows)), file_name="test.csv", **kwargs)


def nothing_stored() -> bool:
    return not (
        Organization.objects.exists()
        or Site.objects.exists()
        or Contract.objects.exists()
        or User.objects.exists()
    )
