"""Check the values of one row on their own and turn them into typed records."""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from contracts.countries import COUNTRIES
from contracts.models import Organization
from contracts.services.imports.reading import RawRow, RowError

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Field lengths of the models, so a long value is refused here, not by the database.
MAX_LENGTHS = {
    "organisation_name": 200,
    "partner_name": 200,
    "site_code": 40,
    "site_name": 200,
    "contract_reference": 40,
    "contract_holder": 200,
    "contact_email": 254,
}
SITE_COLUMNS = ("site_code", "site_name", "site_country", "site_time_zone", "site_address")
CONTRACT_COLUMNS = ("contract_reference", "contract_holder", "contract_start", "contract_end")


@dataclass(frozen=True)
class OrgFields:
    name: str
    kind: str
    country: str
    language: str
    partner_name: str


@dataclass(frozen=True)
class SiteFields:
    code: str
    name: str
    country: str
    time_zone: str
    address: str


@dataclass(frozen=True)
class ContractFields:
    reference: str
    holder: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class ContactFields:
    email: str
    language: str


@dataclass(frozen=True)
class ParsedRow:
    """A row whose every value is well formed; cross-row rules are checked later."""

    line: int
    org: OrgFields
    site: SiteFields | None
    contract: ContractFields | None
    contact: ContactFields | None


class _Row:
    """Reads the values of one raw row, collecting an error per bad value."""

    def __init__(self, raw: RawRow) -> None:
        self.raw = raw
        self.errors: list[RowError] = []

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.raw.line, column, message))

    def text(self, column: str, *, required: bool = True) -> str:
        value = self.raw.values[column]
        limit = MAX_LENGTHS.get(column, 2000)
        if not value and required:
            self.error(column, _("this value is required"))
        elif len(value) > limit:
            self.error(column, _("this value is longer than %(max)d characters") % {"max": limit})
        return value

    def country(self, column: str) -> str:
        value = self.text(column).upper()
        if value and value not in COUNTRIES:
            self.error(
                column,
                _("“%(value)s” is not a known two-letter country code (such as US, GB, FR, JP)")
                % {"value": value},
            )
        return value

    def language(self, column: str, *, default: str = "") -> str:
        value = self.raw.values[column].lower() or default
        if not value:
            self.error(column, _("this value is required"))
        elif value not in dict(settings.LANGUAGES):
            self.error(
                column,
                _("“%(value)s” is not a portal language (use %(choices)s)")
                % {"value": value, "choices": _or_list(dict(settings.LANGUAGES))},
            )
        return value

    def date(self, column: str) -> dt.date | None:
        value = self.text(column)
        if not value:
            return None
        if not ISO_DATE.match(value):
            self.error(
                column, _("“%(value)s” is not a date of the form YYYY-MM-DD") % {"value": value}
            )
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(
                column, _("%(value)s is not a real date (use YYYY-MM-DD)") % {"value": value}
            )
            return None


def row_parse(raw: RawRow) -> tuple[ParsedRow | None, list[RowError]]:
    """Check every value of a row; return the typed row, or None and its errors."""
    row = _Row(raw)
    org = _org(row)
    site = _site(row)
    contract = _contract(row, has_site=site is not None or bool(raw.values["site_code"]))
    contact = _contact(row, default_language=org.language)
    if row.errors:
        return None, row.errors
    return ParsedRow(raw.line, org, site, contract, contact), []


def _org(row: _Row) -> OrgFields:
    name = row.text("organisation_name")
    kind = row.raw.values["organisation_kind"].lower()
    if not kind:
        row.error("organisation_kind", _("this value is required"))
    elif kind not in Organization.Kind.values:
        row.error(
            "organisation_kind",
            _("“%(value)s” is not an organisation kind (use %(choices)s)")
            % {"value": kind, "choices": _or_list(Organization.Kind.values)},
        )
    country = row.country("organisation_country")
    language = row.language("organisation_language")
    partner = row.text("partner_name", required=False)
    if kind == Organization.Kind.END_CUSTOMER and not partner:
        row.error("partner_name", _("an end customer needs the name of the partner that serves it"))
    elif partner and kind in Organization.Kind.values and kind != Organization.Kind.END_CUSTOMER:
        row.error(
            "partner_name",
            _("only an end customer is served by a partner; leave this empty for a %(kind)s")
            % {"kind": Organization.Kind(kind).label.lower()},
        )
    return OrgFields(name, kind, country, language, partner)


def _site(row: _Row) -> SiteFields | None:
    if not any(row.raw.values[column] for column in SITE_COLUMNS):
        return None
    code = row.text("site_code")
    name = row.text("site_name")
    country = row.country("site_country")
    time_zone = row.text("site_time_zone")
    if time_zone and not _is_time_zone(time_zone):
        row.error(
            "site_time_zone",
            _("“%(value)s” is not a known time zone (use a name such as Europe/Paris)")
            % {"value": time_zone},
        )
    address = row.text("site_address", required=False)
    return SiteFields(code, name, country, time_zone, address)


def _contract(row: _Row, *, has_site: bool) -> ContractFields | None:
    if not any(row.raw.values[column] for column in CONTRACT_COLUMNS):
        return None
    reference = row.text("contract_reference")
    holder = row.text("contract_holder")
    start = row.date("contract_start")
    end = row.date("contract_end")
    if not has_site:
        row.error("site_code", _("a contract row needs the code of the site it covers"))
    if start and end and end < start:
        row.error(
            "contract_end",
            _("the contract ends (%(end)s) before it starts (%(start)s)")
            % {"end": end.isoformat(), "start": start.isoformat()},
        )
    if start is None or end is None:
        return None
    return ContractFields(reference, holder, start, end)


def _contact(row: _Row, *, default_language: str) -> ContactFields | None:
    email = row.text("contact_email", required=False).lower()
    if not email:
        if row.raw.values["contact_language"]:
            row.error("contact_language", _("a contact language needs a contact_email"))
        return None
    try:
        validate_email(email)
    except ValidationError:
        row.error("contact_email", _("“%(value)s” is not an email address") % {"value": email})
    language = row.language("contact_language", default=default_language or "en")
    return ContactFields(email, language)


@functools.lru_cache(maxsize=1024)
def _is_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _or_list(values) -> str:
    return ", ".join(str(value) for value in values)
