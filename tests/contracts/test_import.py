"""Contracts CSV import: checked whole, all or nothing, idempotent (issue 3 item 6, SLP-3)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from contracts.models import Contract, ImportRun, Membership, Organization, Site, User
from contracts.services.imports import COLUMNS, contracts_import
from tests.contracts.import_csv import (
    SECOND_SITE,
    csv_text,
    import_rows,
    nothing_stored,
    row,
)

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.BASE_DIR) / "contracts" / "samples" / "contracts.csv"
D = dt.date.fromisoformat


def snapshot() -> dict[str, list[dict]]:
    return {
        "organizations": list(Organization.objects.order_by("pk").values()),
        "sites": list(Site.objects.order_by("pk").values()),
        "contracts": list(Contract.objects.order_by("pk").values()),
        "links": list(Contract.sites.through.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
    }


def test_a_clean_file_creates_organisations_sites_and_contracts():
    result = import_rows(row(), row(**SECOND_SITE))

    assert result.ok
    assert result.counts["organizations"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert result.counts["sites"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert result.counts["contracts"] == {"created": 1, "updated": 0, "unchanged": 0}
    contract = Contract.objects.get(reference="CN-ACME-2026")
    assert contract.holder.name == "Acme Tools"
    assert (contract.start_date, contract.end_date) == (D("2026-01-01"), D("2026-12-31"))
    assert {site.code for site in contract.sites.all()} == {"ACME-CHI", "ACME-DEN"}
    assert Site.objects.get(code="ACME-DEN").time_zone == "America/Denver"


def test_the_run_is_recorded_with_its_checksum_and_counts():
    text = csv_text(row())

    result = contracts_import(file=io.StringIO(text), file_name="acme.csv")

    run = ImportRun.objects.get()
    assert run == result.run
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.file_name == "acme.csv"
    assert run.sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert run.rows == 1
    assert run.counts["contracts"]["created"] == 1
    assert run.errors == []
    assert run.finished_at is not None


def test_contracts_meeting_end_to_start_do_not_overlap():
    result = import_rows(
        row(),
        row(
            contract_reference="CN-ACME-2027",
            contract_start="2027-01-01",
            contract_end="2027-12-31",
        ),
    )

    assert result.ok
    assert Site.objects.get(code="ACME-CHI").contracts.count() == 2


def test_a_cancelled_contract_does_not_block_the_site():
    import_rows(row())
    Contract.objects.update(status=Contract.Status.CANCELLED)

    result = import_rows(
        row(contract_reference="CN-OTHER", contract_start="2026-12-01", contract_end="2027-11-30")
    )

    assert result.ok


def test_a_holder_and_a_partner_already_in_the_portal_are_found():
    Organization.objects.create(name="Northwind", kind="distributor", country="US")

    result = import_rows(
        row(organisation_kind="end_customer", partner_name="Northwind", contract_holder="Northwind")
    )

    assert result.ok
    acme = Organization.objects.get(name="Acme Tools")
    assert acme.partner.name == "Northwind"
    assert Contract.objects.get().holder.name == "Northwind"


def test_partners_come_first_whatever_the_row_order():
    distributor = row(
        organisation_name="Northwind",
        organisation_kind="distributor",
        contract_holder="Northwind",
        contract_reference="CN-NW",
        site_code="NW-1",
    )
    customer = row(organisation_kind="end_customer", partner_name="Northwind")

    result = import_rows(customer, distributor)

    assert result.ok
    assert Organization.objects.get(name="Acme Tools").partner.name == "Northwind"


def test_a_row_may_describe_an_organisation_alone():
    partner_only = {**dict.fromkeys(COLUMNS, ""), "organisation_name": "Northwind"}
    partner_only |= {
        "organisation_kind": "oem",
        "organisation_country": "DE",
        "organisation_language": "en",
    }

    result = import_rows(partner_only)

    assert result.ok
    assert Organization.objects.get(name="Northwind").kind == "oem"
    assert not Site.objects.exists()


def test_a_contact_becomes_a_technical_admin_without_a_usable_password():
    result = import_rows(row(contact_email="IT@Acme.example", contact_language="fr"))

    assert result.counts["contacts"]["created"] == 1
    user = User.objects.get(email="it@acme.example")
    assert not user.has_usable_password()
    assert user.language == "fr"
    membership = Membership.objects.get(user=user)
    assert membership.organization.name == "Acme Tools"
    assert membership.role == Membership.Role.ADMIN
    assert membership.is_technical_contact


def test_an_existing_member_is_made_technical_contact_and_counted_updated():
    import_rows(row())
    user = User.objects.create_user(email="ann@acme.example")
    Membership.objects.create(user=user, organization=Organization.objects.get(), role="agent")

    result = import_rows(row(contact_email="ann@acme.example"))

    assert result.counts["contacts"] == {"created": 0, "updated": 1, "unchanged": 0}
    membership = Membership.objects.get(user=user)
    assert membership.is_technical_contact
    assert membership.role == "agent"


def test_importing_the_sample_twice_leaves_the_database_unchanged():
    first = contracts_import(file=SAMPLE)
    before = snapshot()

    second = contracts_import(file=SAMPLE)

    assert first.ok, [str(error) for error in first.errors]
    assert second.ok
    assert snapshot() == before
    for kind, counts in second.counts.items():
        assert counts["created"] == counts["updated"] == 0, kind
        assert counts["unchanged"] == first.counts[kind]["created"], kind
    assert first.counts["organizations"]["created"] >= 8
    assert (
        Contract.objects.filter(sites__isnull=False).distinct().count() == Contract.objects.count()
    )


def test_a_changed_value_is_counted_updated_and_the_rest_unchanged():
    import_rows(row(), row(**SECOND_SITE))

    result = import_rows(row(site_name="Acme Chicago HQ"), row(**SECOND_SITE))

    assert result.counts["sites"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert result.counts["organizations"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert result.counts["contracts"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert Site.objects.get(code="ACME-CHI").name == "Acme Chicago HQ"


def test_a_contract_covers_exactly_the_sites_of_its_rows():
    import_rows(row(), row(**SECOND_SITE))

    result = import_rows(row(**SECOND_SITE))

    assert result.counts["contracts"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert [site.code for site in Contract.objects.get().sites.all()] == ["ACME-DEN"]
    assert Site.objects.filter(code="ACME-CHI").exists()


def test_changed_dates_update_the_contract_and_forget_old_expiry_notices():
    import_rows(row())
    Contract.objects.update(expiry_notices_sent=[60, 30])

    result = import_rows(row(contract_end="2027-06-30"))

    assert result.counts["contracts"]["updated"] == 1
    contract = Contract.objects.get()
    assert contract.end_date == D("2027-06-30")
    assert contract.expiry_notices_sent == []


@time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False)
def test_a_contract_long_over_is_stored_expired_and_a_recent_one_active():
    result = import_rows(
        row(contract_reference="CN-OLD", contract_start="2025-01-01", contract_end="2025-12-31"),
        row(
            contract_reference="CN-YESTERDAY",
            contract_start="2026-01-01",
            contract_end="2026-11-25",
            **SECOND_SITE,
        ),
    )

    assert result.ok
    assert Contract.objects.get(reference="CN-OLD").status == Contract.Status.EXPIRED
    # Still 25 November somewhere west of UTC: the expiry task decides, not the import.
    assert Contract.objects.get(reference="CN-YESTERDAY").status == Contract.Status.ACTIVE


def test_a_dry_run_counts_and_saves_nothing():
    result = import_rows(row(), row(**SECOND_SITE), dry_run=True)

    assert result.ok
    assert result.counts["sites"]["created"] == 2
    assert nothing_stored()
    run = ImportRun.objects.get()
    assert run.dry_run
    assert run.status == ImportRun.Status.SUCCEEDED


def test_progress_is_reported_up_to_the_total():
    calls = []

    import_rows(row(), row(**SECOND_SITE), progress=lambda done, total: calls.append((done, total)))

    assert calls[-1] == (2, 2)


def test_a_multi_line_address_keeps_the_line_numbers_of_later_rows():
    result = import_rows(
        row(site_address="1 Main St\nChicago"), row(**{**SECOND_SITE, "site_country": "ZZ"})
    )

    assert [(error.line, error.column) for error in result.errors] == [(4, "site_country")]


def test_a_spreadsheet_export_with_bom_and_semicolons_is_read():
    text = csv_text(row()).replace(",", ";").replace("1 Main St; Chicago", "1 Main St, Chicago")
    data = "\ufeff".encode() + text.encode()

    result = contracts_import(file=io.BytesIO(data))

    assert result.ok, [str(error) for error in result.errors]
    assert Site.objects.get().address == "1 Main St, Chicago"


def test_a_failure_while_writing_rolls_back_everything_already_written(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    # Contacts are written last: organisations, sites and contracts are already in.
    monkeypatch.setattr("contracts.services.imports.writing._write_contacts", broken)

    with pytest.raises(RuntimeError):
        import_rows(row(contact_email="it@acme.example"))

    assert nothing_stored()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.errors[0]["message"] == "the import stopped unexpectedly; nothing was saved"
