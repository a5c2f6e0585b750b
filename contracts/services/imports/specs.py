"""Fold the rows into one description per organisation, site, contract and contact."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from contracts.services.imports.reading import RowError
from contracts.services.imports.rows import (
    ContactFields,
    ContractFields,
    OrgFields,
    ParsedRow,
    SiteFields,
)

ORG_COLUMNS = {
    "kind": "organisation_kind",
    "country": "organisation_country",
    "language": "organisation_language",
    "partner_name": "partner_name",
}
SITE_COLUMNS = {
    "name": "site_name",
    "country": "site_country",
    "time_zone": "site_time_zone",
    "address": "site_address",
}
CONTRACT_COLUMNS = {
    "holder": "contract_holder",
    "start": "contract_start",
    "end": "contract_end",
}
CONTACT_COLUMNS = {"language": "contact_language"}


@dataclass
class OrgSpec:
    fields: OrgFields
    line: int


@dataclass
class SiteSpec:
    fields: SiteFields
    org_name: str
    line: int


@dataclass
class ContractSpec:
    fields: ContractFields
    line: int
    # Site code -> the first line linking this contract to it.
    site_lines: dict[str, int] = field(default_factory=dict)


@dataclass
class ContactSpec:
    fields: ContactFields
    org_name: str
    line: int


@dataclass
class FileSpecs:
    """What the file says, one entry per natural key, in file order."""

    orgs: dict[str, OrgSpec] = field(default_factory=dict)
    sites: dict[str, SiteSpec] = field(default_factory=dict)
    contracts: dict[str, ContractSpec] = field(default_factory=dict)
    contacts: dict[str, ContactSpec] = field(default_factory=dict)
    # (site code, release version) -> what the site runs; see imports/site_releases.py.
    site_releases: dict = field(default_factory=dict)


def specs_collect(rows: list[ParsedRow]) -> tuple[FileSpecs, list[RowError]]:
    """Group the rows by natural key; repeated rows about one thing must agree."""
    specs = FileSpecs()
    errors: list[RowError] = []
    for row in rows:
        errors += _add_org(specs, row)
        if row.site:
            errors += _add_site(specs, row)
        if row.contract:
            errors += _add_contract(specs, row)
        if row.contact:
            errors += _add_contact(specs, row)
    return specs, errors


def _add_org(specs: FileSpecs, row: ParsedRow) -> list[RowError]:
    first = specs.orgs.setdefault(row.org.name, OrgSpec(row.org, row.line))
    return _disagreements(
        row.org.name, first.fields, first.line, row.org, row.line, ORG_COLUMNS, _org_message
    )


def _add_site(specs: FileSpecs, row: ParsedRow) -> list[RowError]:
    site = row.site
    first = specs.sites.setdefault(site.code, SiteSpec(site, row.org.name, row.line))
    errors = _disagreements(
        site.code, first.fields, first.line, site, row.line, SITE_COLUMNS, _site_message
    )
    if first.org_name != row.org.name:
        message = _site_message(site.code, first.org_name, row.org.name, first.line)
        errors.append(RowError(row.line, "organisation_name", message))
    return errors


def _add_contract(specs: FileSpecs, row: ParsedRow) -> list[RowError]:
    contract = row.contract
    first = specs.contracts.setdefault(contract.reference, ContractSpec(contract, row.line))
    first.site_lines.setdefault(row.site.code, row.line)
    return _disagreements(
        contract.reference,
        first.fields,
        first.line,
        contract,
        row.line,
        CONTRACT_COLUMNS,
        _contract_message,
    )


def _add_contact(specs: FileSpecs, row: ParsedRow) -> list[RowError]:
    contact = row.contact
    first = specs.contacts.setdefault(contact.email, ContactSpec(contact, row.org.name, row.line))
    errors = _disagreements(
        contact.email,
        first.fields,
        first.line,
        contact,
        row.line,
        CONTACT_COLUMNS,
        _contact_message,
    )
    if first.org_name != row.org.name:
        message = _(
            "%(email)s is the contact of “%(first)s” on line %(first_line)d; "
            "a person belongs to one organisation"
        ) % {"email": contact.email, "first": first.org_name, "first_line": first.line}
        errors.append(RowError(row.line, "contact_email", message))
    return errors


def _disagreements(
    key: str,
    first,
    first_line: int,
    other,
    line: int,
    columns: dict[str, str],
    message: Callable[[str, str, str, int], str],
) -> list[RowError]:
    errors = []
    for attribute, column in columns.items():
        was, now = getattr(first, attribute), getattr(other, attribute)
        if was != now:
            errors.append(
                RowError(line, column, message(key, _shown(was), _shown(now), first_line))
            )
    return errors


def _shown(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _org_message(key: str, was: str, now: str, first_line: int) -> str:
    return _(
        "organisation “%(key)s” has “%(was)s” on line %(first_line)d, not “%(now)s”; "
        "rows about the same organisation must agree"
    ) % {"key": key, "was": was, "now": now, "first_line": first_line}


def _site_message(key: str, was: str, now: str, first_line: int) -> str:
    return _(
        "duplicate site code %(key)s: line %(first_line)d gives “%(was)s”, this row “%(now)s”; "
        "one code names one site"
    ) % {"key": key, "was": was, "now": now, "first_line": first_line}


def _contract_message(key: str, was: str, now: str, first_line: int) -> str:
    return _(
        "contract %(key)s has “%(was)s” on line %(first_line)d, not “%(now)s”; "
        "rows about the same contract must agree"
    ) % {"key": key, "was": was, "now": now, "first_line": first_line}


def _contact_message(key: str, was: str, now: str, first_line: int) -> str:
    return _(
        "contact %(key)s has “%(was)s” on line %(first_line)d, not “%(now)s”; "
        "rows about the same person must agree"
    ) % {"key": key, "was": was, "now": now, "first_line": first_line}
